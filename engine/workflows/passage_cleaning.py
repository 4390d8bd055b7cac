"""Keep only new prose from what a small model wrote for a passage.

Small models echo the outline note they were given, write bracketed notes of their
own, copy the cast line's pronoun tags ("Tom (he/him)") into the prose, and go round
in circles, repeating a sentence they already wrote. None of that
belongs in the writer's manuscript: echoed paragraphs are dropped, and so are
sentences the chapter already holds, word for word or nearly (most of their
four-word runs already written), keeping the new ones around them. Short lines may
recur, as refrains and dialogue do, but not over and over: the third "I wish you
were here." in a chapter is a loop.
"""

from __future__ import annotations

import re
from collections import Counter

from memory.text.text_analysis import sentence_ends, sentences, split_sentences
from prompts.labels import ALL_LABELS

_NOTE = re.compile(r"\[[^\]]*\]?")
_ASIDE = re.compile(r" ?\(([^()\n]{1,160})\)")
_LABEL = re.compile(r"(?<![\w])(?:" + "|".join(map(re.escape, ALL_LABELS)) + ")"
                    r" ?:|(?<![\w])(?:Chapter|Act|Part) \d+, [^:\n.!?]{1,80}:")
"""A line of the prompt: the outline note's and the memory's labels."""
_PRONOUN_TAG = re.compile(r" ?\((?:he|she|they|it|xe|ze)(?:/[a-z]+)+\)")
_COMMENTARY = re.compile(
    r"\b(?:(?:this|that) (?:book|novel|chapter|story)|in the (?:book|novel|chapter)|the novel|main characters?|"
    r"the (?:reader|author)|we (?:get|got) to (?:see|know)|I recommend|(?:is|was) a (?:novel|book) (?:about|by)|"
    r"(?:a|the) (?:short )?story (?:is|was) (?:about|set|told|based))\b", re.IGNORECASE)
COMMENTARY_MARKERS = 1
"""A passage with a phrase about a book ("this chapter", "the main character", "is a novel
about") is a review or a blurb, not the book's prose. Such phrases are rare in novels: of
the shared novels' 250-word stretches, none of 487 in Pride and Prejudice has one, and 2
of 275 in Treasure Island ("the reader", "the author", in asides)."""
_WORD = re.compile(r"[a-z']+")
ECHO_SHARE = 0.6
"""A paragraph whose words are mostly the outline note's is an echo of it."""
LOOP_WORDS = 6
"""Sentences this long or longer that recur are a loop, not a refrain."""
REUSED_SHARE = 0.6
"""A sentence most of whose four-word runs were already written is a loop with small variations."""
SHORT_LINE_WORDS = 3
SHORT_LINE_LIMIT = 2
"""A short sentence (three to five words) may appear this many times in a chapter, no more."""


def clean_passage(text: str, note: str = "", earlier: str = "", chapter: str = "") -> str:
    """Prose only: no notes or echoes of them, no repeated sentences, single blank lines.

    ``earlier`` is what the model was shown (any copy from it is dropped); ``chapter``
    is the chapter's text so far, where short lines are counted.
    """
    note_words = set(_WORD.findall(note.lower()))
    seen = _Seen()
    for sentence in sentences(earlier):
        seen.add(_key(sentence), counted=False)
    for sentence in sentences(chapter):
        seen.add(_key(sentence))
    kept: list[str] = []
    text = _without_note_asides(_PRONOUN_TAG.sub("", _NOTE.sub("", text)), note_words)
    for paragraph in re.split(r"\n\s*\n", text):
        paragraph = " ".join(paragraph.split()).lstrip(":;,. ")
        if not paragraph or _echoes(paragraph, note_words) or _LABEL.match(paragraph):
            continue  # a paragraph that opens like a line of the prompt is the prompt's
        paragraph = " ".join(_LABEL.sub("", paragraph).split())
        fresh = _without_repeats(paragraph, seen)
        if fresh:
            kept.append(fresh)
    return "\n\n".join(kept)


def _without_note_asides(text: str, note_words: set[str]) -> str:
    """Drop parentheses copied from the beat note's "(who; where)": a list with a semicolon, or
    words that are mostly the note's. A writer's own aside ("(she never forgot it)") stays."""
    return _ASIDE.sub(lambda match: "" if _from_note(match.group(1), note_words) else match.group(0), text)


def _from_note(inside: str, note_words: set[str]) -> bool:
    """Whether a parenthesis holds the beat note's "(who; where)": a list with a semicolon that
    names something of the note, or words that are mostly the note's."""
    words = _WORD.findall(inside.lower())
    from_note = sum(word in note_words for word in words)
    return bool(words) and ((";" in inside and from_note > 0) or from_note / len(words) >= 0.6)


def scaffolding_in(passage: str, note: str = "") -> list[str]:
    """What of the prompt's scaffolding a passage holds: brackets, the note's and the memory's
    labels ("Now:", "Characters:", "Chapter 3, The Storm:"), pronoun tags ("(she/her)") and
    the note's "(who; where)" parentheses. Empty for prose a writer would keep; ``clean_passage``
    removes all of it, and the drafting bench counts what is left.
    """
    found = re.findall(r"[\[\]][^\[\]\n]{0,40}", passage)
    found += [match.group(0) for match in _LABEL.finditer(passage)]
    found += _PRONOUN_TAG.findall(passage)
    note_words = set(_WORD.findall(note.lower()))
    found += [match.group(0) for match in _ASIDE.finditer(passage) if _from_note(match.group(1), note_words)]
    return found


def is_commentary(passage: str) -> bool:
    """Whether a passage talks about a book instead of being one: a base model given a title
    and a chapter heading sometimes writes the blurb or a reader's review, and every passage
    after it carries on the same way."""
    return len(_COMMENTARY.findall(passage)) >= COMMENTARY_MARKERS


def _echoes(paragraph: str, note_words: set[str]) -> bool:
    words = _WORD.findall(paragraph.lower())
    if "now:" in paragraph.lower() or len(words) < 5 or not note_words:
        return "now:" in paragraph.lower()
    return sum(1 for word in words if word in note_words) / len(words) >= ECHO_SHARE


class _Seen:
    """Sentences and four-word runs already written."""

    def __init__(self) -> None:
        self.sentences: set[str] = set()
        self.grams: set[tuple[str, ...]] = set()
        self.short_lines: Counter[str] = Counter()

    def add(self, key: str, counted: bool = True) -> None:
        self.sentences.add(key)
        self.grams.update(_grams(key))
        if counted and SHORT_LINE_WORDS <= len(key.split()) < LOOP_WORDS:
            self.short_lines[key] += 1

    def repeats(self, key: str) -> bool:
        if len(key.split()) < LOOP_WORDS:
            return self.short_lines[key] >= SHORT_LINE_LIMIT
        if key in self.sentences:
            return True
        grams = _grams(key)
        return bool(grams) and sum(1 for gram in grams if gram in self.grams) / len(grams) >= REUSED_SHARE


def _grams(key: str) -> list[tuple[str, ...]]:
    words = key.split()
    return [tuple(words[i : i + 4]) for i in range(len(words) - 3)]


def _without_repeats(paragraph: str, seen: _Seen) -> str:
    """The paragraph without sentences already written (or nearly); remembers the new ones."""
    kept = []
    for piece in split_sentences(paragraph):
        key = _key(piece)
        if seen.repeats(key):
            continue
        seen.add(key)
        kept.append(piece)
    return " ".join(kept).strip()


def _key(sentence: str) -> str:
    return " ".join(_WORD.findall(sentence.lower()))


def trim_to_sentence(text: str) -> str:
    """Cut after the last full stop (or ! or ?) so a passage never ends mid-sentence."""
    ends = sentence_ends(text.rstrip())
    if not ends:  # one unfinished sentence: better kept than lost
        return text.strip()
    return text[: ends[-1]].strip()
