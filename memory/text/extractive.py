"""Summaries without a model: the sentence that carries the most story.

Memory must work the moment a manuscript is imported, before (or without) any
model summaries. A chunk's extractive summary is its most informative sentence,
scored by the names it mentions and its length; a group's is chosen the same way
from its children's summaries. Short sentences, not paragraphs: they cost little
of the budget and keep names in view.
"""

from __future__ import annotations

from memory.text.text_analysis import names_in, sentences

MAX_WORDS = 28
_CLOSERS = "\"'\u201d\u2019)_"


def ends_a_sentence(sentence: str) -> bool:
    """Whether ``sentence`` ends as a sentence ends (a full stop, "!" or "?", then any closing
    quotes), not as a heading, a cut line or an introduction to what follows (":")."""
    return sentence.rstrip(_CLOSERS).endswith((".", "!", "?"))


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
    """The best whole sentence of a chunk of at most ``MAX_WORDS`` words; a longer one shortened
    (marked with an ellipsis, which the assembler leaves out) only when the chunk has no shorter."""
    candidates = sentences(text)
    if not candidates:
        return shorten(" ".join(text.split()))
    whole = [s for s in candidates if len(s.split()) <= MAX_WORDS and not s.endswith("\u2026")]
    pool = whole or candidates
    best = max(pool, key=lambda s: (_score(s), -pool.index(s)))
    return shorten(best)


def whole_sentences(text: str, max_words: int) -> str:
    """The leading whole sentences of ``text`` within ``max_words`` words; empty when the first is
    longer, was cut already (it ends in an ellipsis) or does not end as a sentence does (it
    introduces what follows with a colon): a prompt never shows half a sentence."""
    kept: list[str] = []
    words = 0
    for sentence in sentences(text, min_words=1):
        length = len(sentence.split())
        if words + length > max_words or not ends_a_sentence(sentence):
            break
        kept.append(sentence)
        words += length
    return " ".join(kept)


def summarize_summaries(texts: list[str]) -> str:
    """A group's summary: the best of its children's summaries."""
    return summarize_text(" ".join(texts))
