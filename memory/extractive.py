"""Summaries without a model: the sentence that carries the most story.

Memory must work the moment a manuscript is imported, before (or without) any
model summaries. A chunk's extractive summary is its most informative sentence,
scored by the names it mentions and its length; a group's is chosen the same way
from its children's summaries. Short sentences, not paragraphs: they cost little
of the budget and keep names in view.
"""

from __future__ import annotations

import re

MAX_WORDS = 28
_SENTENCE = re.compile(r"[^.!?]+(?:[.!?]+[\"'\u201d\u2019]?|$)")
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?)\b")
_NOT_NAMES = frozenset(
    "I The A An And But Or If When Then There This That These Those He She It They We You His Her Its Their "
    "Our Your My Mr Mrs Miss Ms Dr Mister Madam Sir Lady Lord Captain Yes No Oh Well What Why How Who Where Which Not So "
    "Chapter Part Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May "
    "June July August September October November December "
    # Capitalised mid-sentence, yet nobody in the cast: exclamations, feasts, peoples and tongues.
    "God Heaven Providence Bible Christmas Easter St English French Spanish Dutch German Irish Scotch Scottish "
    "Welsh British American Italian".split()
)


def sentences(text: str) -> list[str]:
    flat = " ".join(text.split())
    return [s.strip() for s in _SENTENCE.findall(flat) if len(s.split()) >= 3]


def names_in(sentence: str) -> list[str]:
    return [name for name in _NAME.findall(sentence) if name not in _NOT_NAMES]


def _score(sentence: str) -> float:
    words = len(sentence.split())
    score = 2.0 * len(set(names_in(sentence)))
    score += 1.0 if 8 <= words <= MAX_WORDS else 0.0
    score -= 1.5 if sentence.startswith(("\u201c", '"', "'")) else 0.0  # dialogue tells less than narration
    return score


def shorten(sentence: str, max_words: int = MAX_WORDS) -> str:
    words = sentence.split()
    if len(words) <= max_words:
        return sentence
    return " ".join(words[:max_words]).rstrip(",;:") + "\u2026"


def summarize_text(text: str) -> str:
    """The best sentence of a chunk, shortened; the opening words if there is no sentence."""
    candidates = sentences(text)
    if not candidates:
        return shorten(" ".join(text.split()))
    best = max(candidates, key=lambda s: (_score(s), -candidates.index(s)))
    return shorten(best)


def summarize_summaries(texts: list[str]) -> str:
    """A group's summary: the best of its children's summaries."""
    return summarize_text(" ".join(texts))
