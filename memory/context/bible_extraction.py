"""Finding the story bible's entries in a manuscript, without a model: who is who.

Every naming of somebody or somewhere (``memory.text.text_analysis.name_mentions``) is a
*form*: "Mr. Darcy", "Darcy", "Miss Elizabeth Bennet", "Lizzy", "Netherfield Park".
Forms are joined into entries by the conventions novels are written in:

- a full name is its given name's person when one full name holds most of that given
  name's uses ("Elizabeth Bennet" and "Elizabeth"), and a title before either is the
  same person ("Miss Elizabeth Bennet", "Miss Elizabeth", "Aunt Emma");
- a title before a family name ("Miss Woodhouse", "Mr. Darcy") is the one person of
  that family the title fits: its class (a man, a wife, an unmarried woman) must agree,
  and a person the text names with that title *and* a given name ("Mr. John Knightley")
  is someone else than the bare titled name ("Mr. Knightley"), as are two forms named
  side by side in a sentence;
- a bare family name is the man of the family ("Weston" is Mr. Weston, not his wife),
  or its only person;
- a nickname joins the given name it shortens ("Lizzy", "Teddy"), from the ``nicknames``
  table of English given names;
- a place word after a place's name ("Netherfield Park") is the same place, unless the
  first word is a family ("Baskerville Hall" is not Sir Henry).

Words that are mostly written in lower case ("diary", "pass", "hall") are names only where
a title or a full name shows it. Plural family names ("the Lucases") are groups; names
mostly found after "in", "at", "near" are places. Pronouns come from titles when they
agree, else from the sentences that name one entry and no other.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from memory.context.name_forms import FormJoins, decided, is_name, name_evidence, tally_forms
from memory.context.name_reading import FormReading
from memory.text.text_analysis import (
    CLASS_PRONOUNS,
    TITLE_CLASSES,
    gendered_pronouns,
    lowercase_words,
    name_mentions,
    pronoun_set,
    without_speech_tags,
)

_MARRIAGE = re.compile(r"\b(?:marr(?:y|ied|ies|iage|ying)|wedding|wed|engaged|engagement|bride|betrothed)\b",
                       re.IGNORECASE)


@dataclass
class FoundEntry:
    """An entry as extraction sees it, before it becomes a ``BibleEntry``."""

    name: str
    mentions: int
    aliases: list[str] = field(default_factory=list)
    kind: str = "character"
    pronouns: str = ""
    first_offset: int = 0
    """Where the manuscript first names the entry."""
    proposals: list[tuple[int, str, str]] = field(default_factory=list)
    """Changes the text suggests, as (offset from which they hold, new name, fact): "Mrs. Collins"."""

    def all_names(self) -> list[str]:
        return [self.name, *self.aliases]




def find_entries(text: str, min_mentions: int) -> list[FoundEntry]:
    """The recurring people, places and groups of ``text``, most mentioned first."""
    mentions = list(name_mentions(text))
    forms = tally_forms(text, mentions)
    lower = lowercase_words(text)
    evidence = name_evidence(forms)
    forms = {key: form for key, form in forms.items() if is_name(form, evidence, lower, text)}
    reading = FormReading(text, mentions, forms)
    joins = reading.join_forms()
    reading.attach_rare_forms(joins, min_mentions)
    return _EntryDecisions(reading).entries(joins, min_mentions)


class _EntryDecisions:
    """What each joined group of forms is: its name, kind, pronouns and proposed new names."""

    def __init__(self, reading: FormReading) -> None:
        self.reading = reading
        self.text = reading.text
        self.forms = reading.forms
        self.mentions = reading.mentions
        self.spans = reading.spans
        self.by_sentence = reading.by_sentence
        self.fulls = reading.fulls
        self.groups = reading.groups
        self.places = reading.places

    def entries(self, joins: FormJoins, min_mentions: int) -> list[FoundEntry]:
        members: defaultdict[str, list[str]] = defaultdict(list)
        for key in self.forms:
            members[joins.root(key)].append(key)
        entries = []
        owner: dict[str, FoundEntry] = {}
        for keys in members.values():
            keys.sort(key=lambda k: (-self.forms[k].count, len(k)))
            total = sum(self.forms[k].count for k in keys)
            if total < min_mentions:
                continue
            entry = FoundEntry(keys[0], total, [k for k in keys[1:]], first_offset=min(
                self.forms[k].first for k in keys))
            entry.kind = self._kind(keys)
            entries.append(entry)
            for k in keys:
                owner[k] = entry
        self._decide_pronouns(entries, owner)
        self._propose_married_names(entries, owner)
        return sorted(entries, key=lambda e: -e.mentions)

    def _maiden_name_ends(self, entry: FoundEntry, offset: int) -> bool:
        """Whether the entry's "Miss" names (three or more) all but stop at ``offset``: a woman still
        called "Miss Bennet" afterwards has not become anybody's wife there."""
        maiden = {k for k in entry.all_names() if self.forms[k].title_class == "maid"}
        uses = [m.start for m in self.mentions if m.form in maiden]
        before = sum(1 for at in uses if at < offset)
        return before >= 3 and len(uses) - before <= 0.1 * len(uses)

    def _propose_married_names(self, entries: list[FoundEntry], owner: dict[str, FoundEntry]) -> None:
        """"Miss Lucas" becomes "Mrs. Collins": a woman named beside Mr. Collins in two sentences
        or more about marrying, before the book first says "Mrs. Collins", is proposed to take
        that name from there on. Only a proposal: the writer confirms it."""
        by_name = {entry.name: entry for entry in entries}
        talk: defaultdict[tuple[str, str], list[int]] = defaultdict(list)
        for index, named in self.by_sentence.items():
            start, end = self.spans[index]
            if not _MARRIAGE.search(self.text, start, end):
                continue
            people = {owner[m.form].name for m in named if m.form in owner}
            for a in people:
                for b in people:
                    if a != b:
                        talk[(a, b)].append(start)
        for wife in entries:
            forms = [self.forms[k] for k in wife.all_names()]
            if not forms or any(f.title_class != "wife" or len(f.words) != 1 for f in forms):
                continue
            family = forms[0].name
            husband = owner.get(f"Mr. {family}")
            if husband is None:
                continue
            best, support = None, 0
            for entry in entries:
                said = [at for at in talk[(entry.name, husband.name)] if at < wife.first_offset]
                if entry.pronouns == "she/her" and entry is not wife and len(said) > support \
                        and family not in " ".join(entry.all_names()).split() \
                        and self._maiden_name_ends(entry, wife.first_offset):
                    best, support = entry, len(said)
            if best is not None and support >= 2:
                by_name[best.name].proposals.append((wife.first_offset, wife.name, f"married to {husband.name}"))

    def _kind(self, keys: list[str]) -> str:
        forms = [self.forms[k] for k in keys]
        if any(k in self.groups for k in keys):
            return "group"
        if any(k in self.places for k in keys) or sum(f.after_the for f in forms) > sum(f.mid for f in forms) / 2:
            return "place"
        mid = sum(f.mid for f in forms)
        if not any(f.title for f in forms) and mid and sum(f.any_place for f in forms) >= 0.5 * mid:
            return "place"  # "to Coombe Tracey", "at Maple Grove": somewhere, whatever its words
        if any(f.title for f in forms) or sum(self.forms[k].count for k in keys if k in self.fulls) * 4 \
                >= sum(f.count for f in forms):
            return "character"
        mid = sum(f.mid for f in forms)
        strong, near = sum(f.strong_place for f in forms), sum(f.any_place for f in forms)
        if mid and (strong >= 0.25 * mid or near >= 0.5 * mid):
            return "place"
        return "character"

    def _decide_pronouns(self, entries: list[FoundEntry], owner: dict[str, FoundEntry]) -> None:
        nearby, following = self._pronoun_votes(owner)
        for entry in entries:
            if entry.kind == "group":
                entry.pronouns = "they/them"
                continue
            if entry.kind == "place":
                continue
            classes = {TITLE_CLASSES.get(self.forms[k].title, "") for k in entry.all_names()} - {""}
            if classes and (classes == {"man"} or classes <= {"wife", "maid", "woman"}):
                entry.pronouns = CLASS_PRONOUNS[next(iter(classes))]
                continue
            broad, close = decided(nearby[entry.name]), decided(following[entry.name])
            if close and close == broad or (close or broad) and entry.mentions >= 50 and not (close and broad):
                entry.pronouns = close or broad  # a minor character needs both readings to agree
            elif not classes and not any(k in self.fulls for k in entry.all_names()) \
                    and len(entry.name.split()) == 1 and self._placeish(entry):
                entry.kind = "place"  # a name nobody calls he or she, often after "to": somewhere

    def _placeish(self, entry: FoundEntry) -> bool:
        forms = [self.forms[k] for k in entry.all_names()]
        mid = sum(f.mid for f in forms)
        return bool(mid) and sum(f.any_place for f in forms) >= 0.3 * mid

    def _pronoun_votes(self, owner: dict[str, FoundEntry]) -> tuple[defaultdict[str, Counter[str]], ...]:
        """Two tallies of he and she over the sentences that name one entry and no other.

        ``nearby`` counts every pronoun in the sentence and the next, which finds the
        minor characters of a book told in the first person; ``following`` counts only
        the first pronoun after the name and a next sentence opening with He or She,
        which finds a heroine whose sentences are full of the men she talks about.
        """
        nearby: defaultdict[str, Counter[str]] = defaultdict(Counter)
        following: defaultdict[str, Counter[str]] = defaultdict(Counter)
        text = self.text
        for index, named in self.by_sentence.items():
            entries = {owner[m.form].name for m in named if m.form in owner}
            if len(entries) != 1:
                continue
            name = next(iter(entries))
            start, end = self.spans[index]
            sentence = without_speech_tags(text[start:end])  # '"Lizzy," said he': the speaker, not her
            after = ""
            if index + 1 < len(self.spans) and index + 1 not in self.by_sentence:
                after = without_speech_tags(text[self.spans[index + 1][0]:self.spans[index + 1][1]])
            for match in gendered_pronouns(sentence + " " + after):
                nearby[name][pronoun_set(match.group())] += 1
            last_end = max(m.end for m in named) - start
            first = next(gendered_pronouns(sentence[max(0, last_end):]), None)
            if first:
                following[name][pronoun_set(first.group())] += 1
            opening = after.lstrip("\"'\u201c\u2018 ")
            if opening.startswith(("He ", "She ")):
                following[name]["he/him" if opening.startswith("He ") else "she/her"] += 1
        return nearby, following

