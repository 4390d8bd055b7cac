"""The continuity report: the revision pass a writer does after drafting, as a list.

It looks for what small models get wrong over long drafts: phrases repeated until
they read as a loop, a named character suddenly called "she" after being "he",
names that appear once and never again (likely drift), and pronouns that
contradict the story bible. It only reports; the writer decides what to change.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from memory.context.bible import BibleEntry
from memory.errors import ProjectError
from memory.project import Project
from memory.storage.outline_store import load_outline
from memory.text.text_analysis import mid_sentence_name_words, names_in, sentences, without_speech_tags

_WORD = re.compile(r"[A-Za-z']+")
_SUBJECT_HE = re.compile(r"\bhe\b", re.IGNORECASE)
_SUBJECT_SHE = re.compile(r"\bshe\b", re.IGNORECASE)
_OTHER_PERSON = re.compile(
    r"\b(?:a|an|the|his|her|their|my|your|another|one|some|two|three|old|young)\s+(?:[a-z]+\s+)?"
    r"(?:man|woman|men|women|boy|girl|boys|girls|child|children|stranger|strangers|sailor|sailors|fisherman|"
    r"fishermen|captain|keeper|uncle|aunt|father|mother|brother|sister|son|daughter|husband|wife|friend|"
    r"lad|lass|figure|soldier|soldiers|officer|guard|guards|crew|master|mistress|servant|priest|doctor|"
    r"king|queen|lord|lady|gentleman|gentlemen|fellow)\b",
    re.IGNORECASE,
)
"""Another person brought into a sentence: a "he" or "she" near it may well mean them."""
_MALE_OBJECT = re.compile(r"\b(?:him|his|himself)\b", re.IGNORECASE)
_FEMALE_OBJECT = re.compile(r"\b(?:her|hers|herself)\b", re.IGNORECASE)
PRONOUN_SETS = {"he/him": "he", "she/her": "she"}


@dataclass(frozen=True)
class ContinuityIssue:
    kind: str
    """``repetition``, ``loop``, ``pronoun``, ``bible`` or ``drift``."""
    chapter: str
    message: str
    excerpt: str = ""

    def as_dict(self) -> dict[str, str]:
        return dict(self.__dict__)


def repeated_ngrams(text: str, n: int = 4, min_count: int = 3) -> list[tuple[str, int]]:
    """Word n-grams used at least ``min_count`` times, most repeated first."""
    words = [w.lower() for w in _WORD.findall(text)]
    grams = Counter(" ".join(words[i : i + n]) for i in range(len(words) - n + 1))
    return [(gram, count) for gram, count in grams.most_common() if count >= min_count]


def repeated_ngram_count(text: str, n: int = 4) -> int:
    """Occurrences of n-grams beyond their first: the benchmark's repetition measure."""
    words = [w.lower() for w in _WORD.findall(text)]
    grams = Counter(" ".join(words[i : i + n]) for i in range(len(words) - n + 1))
    return sum(count - 1 for count in grams.values() if count > 1)


def loops(text: str, min_words: int = 6) -> list[str]:
    """The model going round in circles: sentences of ``min_words`` or more that occur more
    than once, and shorter ones (three words or more) that occur three times or more."""
    seen = Counter(" ".join(s.lower().split()) for s in sentences(text) if len(s.split()) >= 3)
    return [sentence for sentence, count in seen.items()
            if count > 1 and (len(sentence.split()) >= min_words or count >= 3)]


def pronoun_usage(text: str, names: dict[str, str]) -> dict[str, Counter[str]]:
    """For each character, the subject pronouns that most likely stand for them.

    A sentence naming exactly one character and no other person contributes the "he"
    or "she" that come after the name in it, and the next sentence its opening "He"
    or "She" when it names nobody. A "he" is not counted where "him" or "his" shows
    a man is already in the sentence, nor a "she" beside "her"; a sentence that brings
    in another person ("the man beside Ada", "said the old man") counts for nothing.
    Object and possessive forms are never counted: they as often mean the other
    person in the scene. ``names`` maps every name and alias to its character's main name.
    """
    usage: dict[str, Counter[str]] = {}
    if not names:
        return usage
    pattern = re.compile(r"\b(" + "|".join(sorted(map(re.escape, names), key=len, reverse=True)) + r")\b")
    all_sentences = sentences(text)
    for index, sentence in enumerate(all_sentences):
        sentence = without_speech_tags(sentence)  # '"Ada," said he': the speaker's pronoun, not Ada's
        found = list(pattern.finditer(sentence))
        named = {names[m.group()] for m in found}
        if len(named) != 1:
            continue
        tally = usage.setdefault(next(iter(named)), Counter())
        if _OTHER_PERSON.search(sentence):
            continue
        open_to = {"he": not _MALE_OBJECT.search(sentence), "she": not _FEMALE_OBJECT.search(sentence)}
        after = sentence[found[0].end():]
        tally["he"] += len(_SUBJECT_HE.findall(after)) if open_to["he"] else 0
        tally["she"] += len(_SUBJECT_SHE.findall(after)) if open_to["she"] else 0
        following = without_speech_tags(all_sentences[index + 1]) if index + 1 < len(all_sentences) else ""
        if following and not pattern.search(following):
            opening = following.lstrip("\"'\u201c\u2018 ").split(" ", 1)[0].lower()
            if opening in open_to and open_to[opening]:
                tally[opening] += 1
    return usage


def pronoun_flips(text: str, names: dict[str, str], expected: dict[str, str] | None = None) -> dict[str, int]:
    """Pronouns used for each character against the expected one (the bible's, else their majority)."""
    flips: dict[str, int] = {}
    for name, tally in pronoun_usage(text, names).items():
        want = (expected or {}).get(name) or (tally.most_common(1)[0][0] if sum(tally.values()) else "")
        other = "she" if want == "he" else "he"
        if want and tally[other]:
            flips[name] = tally[other]
    return flips


def bible_pronoun_flips(text: str, bible: list[BibleEntry]) -> int:
    """How often ``text`` calls a character the bible gives a pronoun by the other one."""
    characters = [e for e in bible if e.kind == "character" and e.pronouns in PRONOUN_SETS]
    names = {alias: e.name for e in characters for alias in e.all_names()}
    expected = {e.name: PRONOUN_SETS[e.pronouns] for e in characters}
    return sum(pronoun_flips(text, names, expected).values())


def single_mentions(text: str, known: set[str]) -> list[str]:
    """Capitalised mid-sentence names used once only, not in the bible or the outline."""
    counts = Counter(mid_sentence_name_words(text))
    known_words = name_words(known)
    return sorted(name for name, count in counts.items() if count == 1 and name not in known_words)


def names_used(text: str) -> set[str]:
    """The capitalised names ``text`` uses in mid-sentence, as drift is counted (no possessive 's)."""
    return set(mid_sentence_name_words(text))


def new_names(passage: str, known: set[str]) -> list[str]:
    """The names a passage brings in that share no word with a ``known`` name."""
    return sorted(names_used(passage) - name_words(known))


def name_words(names: set[str]) -> set[str]:
    """The words of ``names``: "Ada Fenn" makes both "Ada" and "Fenn" known."""
    return {word for name in names for word in name.split()}


def book_names(project: Project) -> set[str]:
    """Every name the book already has: its bible's, its outline's and its manuscript's."""
    text = "\n\n".join(d.text for d in project.documents if d.text)  # held by the project until an edit
    bible = {name for entry in project.bible() for name in entry.all_names()}
    return bible | outline_names(project) | names_used(text)


def outline_names(project: Project) -> set[str]:
    """The names the outline gives: its characters and the names in its titles and synopses."""
    return {name for node in load_outline(project.store).nodes.values()
            for name in [*node.characters, *names_in(node.title), *names_in(node.synopsis)]}


def _times(count: int) -> str:
    return "once" if count == 1 else f"{count} times"


def continuity_report(chapters: list[tuple[str, str]], bible: list[BibleEntry],
                      outline_names: set[str] | None = None) -> list[ContinuityIssue]:
    """Issues in each (label, text) chapter, in chapter order."""
    characters = [e for e in bible if e.kind == "character"]
    names = {alias: e.name for e in characters for alias in e.all_names()}
    expected = {e.name: PRONOUN_SETS[e.pronouns] for e in characters if e.pronouns in PRONOUN_SETS}
    known = set(names) | (outline_names or set()) | {e.name for e in bible}
    whole = "\n\n".join(text for _, text in chapters)
    later_counts = Counter(mid_sentence_name_words(whole))
    issues: list[ContinuityIssue] = []
    for label, text in chapters:
        for gram, count in repeated_ngrams(text, 4, 3)[:5]:
            issues.append(ContinuityIssue("repetition", label, f"“{gram}” is used {count} times.", gram))
        for sentence in loops(text)[:5]:
            issues.append(ContinuityIssue("loop", label, "This sentence is repeated word for word.", sentence))
        usage = pronoun_usage(text, names)
        for name, tally in usage.items():
            if tally["he"] and tally["she"]:
                issues.append(ContinuityIssue(
                    "pronoun", label, f"{name} is called “he” {_times(tally['he'])} and “she” {_times(tally['she'])}."))
            want = expected.get(name)
            if want and tally[want] < tally["she" if want == "he" else "he"]:
                issues.append(ContinuityIssue(
                    "bible", label, f"The bible gives {name} {want}, but this chapter mostly uses the other."))
        for name in single_mentions(text, known):
            if later_counts[name] == 1:
                issues.append(ContinuityIssue("drift", label, f"“{name}” appears once and never again.", name))
    return issues


def project_continuity(project: Project, chapter: int | None = None) -> list[ContinuityIssue]:
    """The report for a project's manuscript chapters (all, or the ``chapter``-th)."""
    chapters = [d for d in project.store.documents() if d.kind == "chapter" and d.text]
    if chapter is not None:
        if not 1 <= chapter <= len(chapters):
            raise ProjectError(f"The manuscript has {len(chapters)} chapters; there is no chapter {chapter}.")
    labelled = [(f"Chapter {i} ({d.title})", d.text) for i, d in enumerate(chapters, start=1)]
    issues = continuity_report(labelled, project.bible(), outline_names(project))
    if chapter is not None:
        issues = [issue for issue in issues if issue.chapter == labelled[chapter - 1][0]]
    return issues
