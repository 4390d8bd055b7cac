"""Finding the story bible's entries in a manuscript, without a model.

A name that recurs mid-sentence is an entry; a longer form ("Elizabeth Bennet")
folds into a frequent short one, and a title ("Mr. Darcy") is an alias. Titles also
tell people apart: a family name is several people when it is used with titles of
different kinds. "Mr. Bennet", "Mrs. Bennet" and "Miss Bennet" are three people,
and a pronoun tallied over all three decides nothing, so each titled form becomes
its own entry with the pronoun its title gives. The bare name ("Darcy") joins the
one titled person whose pronoun its sentences share, or stays apart.

Pronouns otherwise come from the sentences that name one entry and no other.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from memory.extractive import _NOT_NAMES, sentences

HONORIFICS = ("Mr", "Mrs", "Miss", "Ms", "Dr", "Captain", "Squire", "Lady", "Sir", "Lord", "Colonel", "Aunt",
              "Uncle", "Father", "Mother", "Professor")
TITLE_CLASSES = {
    "Mr": "man", "Sir": "man", "Lord": "man", "Squire": "man", "Uncle": "man", "Father": "man",
    "Mrs": "wife", "Lady": "wife", "Aunt": "wife", "Mother": "wife", "Ms": "wife",
    "Miss": "maid",
}
"""Titles of different classes before one family name are different people; the titles
left out (Dr, Captain, Colonel, Professor) say nothing of who is meant."""
BARE_TITLES = frozenset((*HONORIFICS, "Doctor", "General", "Major", "Admiral", "Squire"))
"""A title on its own ("the Colonel") is somebody named elsewhere, not an entry of its own."""
CLASS_PRONOUNS = {"man": "he/him", "wife": "she/her", "maid": "she/her"}
PLACE_WORDS = frozenset("Lodge Park Hall House Street Island Inlet Dock Abbey Castle Court Manor Road Lane "
                        "Square Bay Harbour Harbor Bridge Church Cathedral Mill Farm Inn Tavern Station".split())
"""Last words that make a longer name a place: "Lucas Lodge" is not Mr. Lucas."""

_HONORIFIC = "|".join(HONORIFICS)
_CANDIDATE = re.compile(
    rf"(?<=[a-z,;:\u2014-] )(?:(?P<title>{_HONORIFIC})\.? )?(?P<name>[A-Z][a-z]+(?:-[A-Z]?[a-z]+|'[A-Z][a-z]+)?"
    rf"(?: [A-Z][a-z]+)?)"
)
_HE = re.compile(r"\b(he|him|his|himself)\b", re.IGNORECASE)
_SHE = re.compile(r"\b(she|her|hers|herself)\b", re.IGNORECASE)
_PRONOUN = re.compile(r"\b(he|him|his|himself|she|her|hers|herself)\b", re.IGNORECASE)
_SPEECH_TAG = re.compile(r"\b(?:said|cried|replied|answered|continued|added|returned|exclaimed|asked|observed)"
                         r"\s+(?:he|she)\b", re.IGNORECASE)
_PLACE_BEFORE = re.compile(r"\b(at|in|to|from|near|towards)\s+$")


@dataclass
class FoundEntry:
    """An entry as extraction sees it, before it becomes a ``BibleEntry``."""

    name: str
    mentions: int
    aliases: list[str] = field(default_factory=list)
    kind: str = "character"
    pronouns: str = ""
    titled_as: str = ""
    """The title class ("man", "wife", "maid") when the entry is one titled person of a family."""
    family: str = ""
    """The bare family name such a titled person shares with others."""
    leans: str = ""
    """The pronoun both tallies favour, decided or not: enough to tell which titled person
    a bare family name means, though not to state a pronoun."""

    def all_names(self) -> list[str]:
        return [self.name, *self.aliases]


@dataclass
class _Tally:
    counts: Counter[str] = field(default_factory=Counter)
    titled: defaultdict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    place_votes: Counter[str] = field(default_factory=Counter)


def find_entries(text: str, min_mentions: int) -> list[FoundEntry]:
    """The recurring names of ``text``, most mentioned first."""
    tally = _tally(text)
    frequent = {name: n for name, n in tally.counts.items() if n >= min_mentions}
    heads = Counter(name.split()[0] for name in frequent if " " in name)
    merged: dict[str, FoundEntry] = {}
    for name, n in sorted(frequent.items(), key=lambda item: (len(item[0].split()), -item[1])):
        head = name.split()[0]
        is_place = " " in name and name.split()[-1] in PLACE_WORDS
        # "Elizabeth Bennet" folds into "Elizabeth"; "Tom Morgan" and "Tom Redruth" stay two people.
        if " " in name and head in merged and heads[head] == 1 and not is_place:
            merged[head].aliases.append(name)
            merged[head].mentions += n
            continue
        for entry in _entries_for_name(name, n, tally, min_mentions):
            if is_place:
                entry.kind = "place"
            merged[entry.name] = entry
    for entry in merged.values():  # "the Lucases" are a family: they
        if entry.name.endswith("s") and (entry.name[:-1] in frequent or entry.name[:-2] in frequent):
            entry.pronouns = "they/them"
    _decide_pronouns(text, merged)
    _join_families(merged)
    _fold_full_names(merged)
    return sorted(merged.values(), key=lambda e: -e.mentions)


def _tally(text: str) -> _Tally:
    tally = _Tally()
    for match in _CANDIDATE.finditer(text):
        name = match.group("name")
        if name.split()[0] in _NOT_NAMES or name in BARE_TITLES:
            continue
        tally.counts[name] += 1
        title = match.group("title")
        if title:
            tally.titled[name][f"{title}. {name}" if title in ("Mr", "Mrs", "Dr", "Ms") else f"{title} {name}"] += 1
        if _PLACE_BEFORE.search(text[max(0, match.start() - 12) : match.start()]):
            tally.place_votes[name] += 1
    return tally


def _title_class(form: str) -> str:
    return TITLE_CLASSES.get(form.split()[0].rstrip("."), "")


def _entries_for_name(name: str, n: int, tally: _Tally, min_mentions: int) -> list[FoundEntry]:
    """One entry for the name, or one per titled person of a family and one for the rest."""
    forms = tally.titled[name]
    by_class: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for form, count in forms.items():
        by_class[_title_class(form)][form] += count
    present = [c for c in ("man", "wife", "maid") if sum(by_class[c].values()) >= min_mentions]
    kind = "place" if tally.place_votes[name] > n / 2 and not forms else "character"
    if not present:  # one person: a rare title is an alias when no title of another kind is seen
        seen = [c for c in ("man", "wife", "maid") if by_class[c]]
        usable = by_class[""] + (by_class[seen[0]] if len(seen) == 1 else Counter())
        return [FoundEntry(name, n, [t for t, _ in usable.most_common(2)], kind)]
    entries = []
    for title_class in present:
        main, *others = [form for form, _ in by_class[title_class].most_common()]
        entries.append(FoundEntry(main, sum(by_class[title_class].values()), others,
                                  pronouns=CLASS_PRONOUNS[title_class], titled_as=title_class, family=name))
    rest = n - sum(forms.values()) + sum(by_class[""].values())
    if rest >= min_mentions:  # the bare name, and titles that do not tell who is meant ("Colonel Forster")
        entries.append(FoundEntry(name, rest, [t for t, _ in by_class[""].most_common(2)], kind, family=name))
    return entries


def _decide_pronouns(text: str, entries: dict[str, FoundEntry]) -> None:
    nearby, following = _pronoun_votes(text, entries)
    for entry in entries.values():
        if entry.kind == "place" or entry.pronouns:
            continue  # "He rode to London": a pronoun near a place is someone else's; a title has decided
        entry.leans = _leaning(nearby[entry.name], following[entry.name])
        broad, close = _decided(nearby[entry.name]), _decided(following[entry.name])
        if close or broad:
            if close and broad and close != broad:
                continue  # the two readings disagree: leave it to the writer
            entry.pronouns = close or broad
            entry.kind = "character"


def _join_families(entries: dict[str, FoundEntry]) -> None:
    """The bare family name joins the one titled person with the pronoun its sentences
    favour ("Darcy" and "Mr. Darcy", not "Miss Darcy"), or the only titled person when
    they favour none and it has no title of its own; otherwise it stays its own entry
    ("Forster, Colonel Forster" beside "Mrs. Forster")."""
    titled: defaultdict[str, list[FoundEntry]] = defaultdict(list)
    for entry in entries.values():
        if entry.titled_as:
            titled[entry.family].append(entry)
    for family, people in titled.items():
        bare = entries.get(family)
        if bare is None:
            continue
        pronouns = bare.pronouns or bare.leans
        if pronouns:
            same = [person for person in people if person.pronouns == pronouns]
        else:  # no evidence: one titled person is who the name means, unless it has a title of its own
            same = people if not bare.aliases else []
        if len(same) != 1:
            continue
        person = same[0]
        del entries[person.name]
        bare.aliases = [person.name, *person.aliases, *bare.aliases]
        bare.mentions += person.mentions
        bare.pronouns = person.pronouns
        bare.kind = "character"


def _fold_full_names(entries: dict[str, FoundEntry]) -> None:
    """A full name left apart ("George Wickham") folds into its family name's entry when
    that is one person ("Wickham", joined with "Mr. Wickham"), taking that one's pronoun."""
    families = {entry.family for entry in entries.values() if entry.titled_as}
    for entry in list(entries.values()):
        words = entry.name.split()
        if len(words) < 2 or entry.kind == "place" or entry.titled_as or words[0] in TITLE_CLASSES:
            continue
        person = entries.get(words[-1])
        if person is None or person.kind == "place" or words[-1] in families:
            continue
        del entries[entry.name]
        person.aliases.extend(entry.all_names())
        person.mentions += entry.mentions


def _pronoun_votes(text: str, entries: dict[str, FoundEntry]) -> tuple[defaultdict[str, Counter[str]], ...]:
    """Two tallies of he and she over the sentences that name one entry and no other.

    ``nearby`` counts every pronoun in the sentence and the next, which finds the
    minor characters of a book told in the first person; ``following`` counts only
    the first pronoun after the name and a next sentence opening with He or She,
    which finds a heroine whose sentences are full of the men she talks about.
    """
    nearby: defaultdict[str, Counter[str]] = defaultdict(Counter)
    following: defaultdict[str, Counter[str]] = defaultdict(Counter)
    lookup = {alias: e.name for e in entries.values() for alias in e.all_names()}
    if not lookup:
        return nearby, following
    pattern = re.compile(r"\b(" + "|".join(sorted(map(re.escape, lookup), key=len, reverse=True)) + r")\b")
    # '"Lizzy," said he': a speech tag's pronoun is the speaker, not the one spoken to.
    all_sentences = [_SPEECH_TAG.sub("", sentence) for sentence in sentences(text)]
    for index, sentence in enumerate(all_sentences):
        found = list(pattern.finditer(sentence))
        named = {lookup[m.group()] for m in found}
        if len(named) != 1:
            continue
        name = next(iter(named))
        after = all_sentences[index + 1] if index + 1 < len(all_sentences) else ""
        window = sentence + " " + after
        nearby[name]["he/him"] += len(_HE.findall(window))
        nearby[name]["she/her"] += len(_SHE.findall(window))
        first = _PRONOUN.search(sentence, found[-1].end())
        if first:
            following[name]["he/him" if _HE.fullmatch(first.group()) else "she/her"] += 1
        if after.startswith(("He ", "She ")):
            following[name]["he/him" if after.startswith("He ") else "she/her"] += 1
    return nearby, following


def _decided(tally: Counter[str]) -> str:
    """The pronoun with at least three votes and twice the other's, or nothing."""
    (best, top), (_, second) = (tally.most_common(2) + [("", 0), ("", 0)])[:2]
    return best if top >= 3 and top >= 2 * second else ""


def _leaning(nearby: Counter[str], following: Counter[str]) -> str:
    """The pronoun every tally with a majority gives, or nothing when they disagree."""
    leans = {("he/him" if t["he/him"] > t["she/her"] else "she/her")
             for t in (nearby, following) if t["he/him"] != t["she/her"]}
    return leans.pop() if len(leans) == 1 else ""
