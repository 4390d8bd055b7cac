"""Catch a small model copying its prompt's few-shot examples into the writer's book.

Base models learn the shape of an answer from a prompt's examples, and a small one
sometimes copies the example itself: its heroine, its harbour, its whole summary.
An answer is checked against the examples' own words: a name that occurs in the
examples but nowhere in what the model was given to work from, or a run of words
taken from an example, means the answer came from the example, not the book.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import cache

from memory.text.text_analysis import NOT_NAMES
from prompts import render, template_placeholders

_NAME = re.compile(r"\b[A-Z][a-z]+(?:['\u2019][a-z]+)?\b")
_WORD = re.compile(r"[\w'\u2019]+")
COPIED_RUN = 6
"""Words in a row shared with an example (and not with the source) that make an answer a copy."""
NEAR_DUPLICATE = 0.85
"""Similarity of two synopses (difflib's ratio of their words) above which they tell the same thing."""


@cache
def example_text(task: str) -> str:
    """The fixed text of a task's prompt (base and chat): its instructions and examples, no placeholders."""
    rendered = render(task, {name: "" for name in template_placeholders(task)})
    return rendered.text + "\n" + "\n".join(message.content for message in rendered.messages)


def leaked_from_examples(answer: str, task: str, source: str) -> list[str]:
    """What in ``answer`` comes from ``task``'s examples rather than ``source`` (empty when nothing does)."""
    names, runs = _foreign(task, source)
    leaks = [name for name in dict.fromkeys(map(_possessive_free, _NAME.findall(answer))) if name in names]
    answer_words = _words(answer)
    for start in range(len(answer_words) - COPIED_RUN + 1):
        run = tuple(answer_words[start:start + COPIED_RUN])
        if run in runs:
            leaks.append(" ".join(run))
            break
    return leaks


def example_bans(task: str, source: str) -> tuple[str, ...]:
    """Banned phrases (``SamplingSettings.banned_phrases``) that keep an answer from copying
    ``task``'s examples: each example name ``source`` lacks (as written, capitalised), and
    each run of the examples' words that ``source`` lacks, whatever punctuation comes between.

    What ``leaked_from_examples`` finds afterwards, the sampler then never writes: generation
    goes back and tries another word, so the model must name its own people and places.
    """
    names, runs = _foreign(task, source)
    return (*(rf"re:(?-i:(?<!\w){re.escape(name)}(?!\w))" for name in names),
            *(r"re:(?<!\w)" + r"\W+".join(map(re.escape, run)) + r"(?!\w)" for run in sorted(runs)))


def _foreign(task: str, source: str) -> tuple[list[str], set[tuple[str, ...]]]:
    """The names and the runs of ``COPIED_RUN`` words of ``task``'s examples that ``source`` lacks."""
    examples = example_text(task)
    source_words = _words(source)
    lower = set(source_words)
    names = [name for name in _names(examples) if name.lower() not in lower]
    return names, _runs(_words(examples)) - _runs(source_words)


def _names(text: str) -> dict[str, None]:
    """The capitalised words of ``text`` that may be names: not the words a sentence or a
    template's label starts with ("The", "No", "Summary")."""
    return dict.fromkeys(name for name in map(_possessive_free, _NAME.findall(text))
                         if name not in NOT_NAMES and not _common(name))


def _possessive_free(name: str) -> str:
    return re.sub(r"['\u2019][a-z]+$", "", name)


def near_duplicates(synopses: list[str], earlier: list[str] = ()) -> list[int]:
    """Indexes of ``synopses`` that tell the same as one before them (or as one of ``earlier``)."""
    seen = [_words(text) for text in earlier]
    repeated = []
    for index, text in enumerate(synopses):
        words = _words(text)
        if any(SequenceMatcher(a=words, b=other, autojunk=False).ratio() >= NEAR_DUPLICATE for other in seen):
            repeated.append(index)
        seen.append(words)
    return repeated


def _words(text: str) -> list[str]:
    return [word.lower() for word in _WORD.findall(text)]


def _runs(words: list[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i:i + COPIED_RUN]) for i in range(len(words) - COPIED_RUN + 1)}


_COMMON = frozenset("""The A An He She It They We I You His Her Their Its Our My Your This That These Those
There Here When Then Each Every One Two Three Book Premise Acts Chapters Scenes Beats Passage Summary Events
Outlines In Short And But Or As At By For From Of On To With Reply""".split())


def _common(name: str) -> bool:
    return name in _COMMON
