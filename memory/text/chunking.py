"""Cut a document into paragraph-aligned chunks whose boundaries survive edits.

A chunk closes after a paragraph once it holds at least half the target size and
either the paragraph's content hash says so (about one paragraph in three) or the
next paragraph would overflow it. Because the decision depends on the paragraph
itself, not on how much text came before, an edit changes the chunks around it and
the boundaries fall back into step within a chunk or two: summaries of the rest of
the chapter stay valid. Paragraphs longer than a chunk are split at sentences.

A chunk's token count is exact: the sum of its paragraphs' counts plus one token
a break, and a fresh count of the chunk where a split paragraph's sentences were
counted apart (a sentence counted alone costs a token or two more than in place).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from memory.text.manuscript import paragraph_spans
from memory.text.text_analysis import sentence_starts

TokenCounter = Callable[[str], int]
DEFAULT_CHUNK_TOKENS = 256


@dataclass(frozen=True)
class Chunk:
    """A stretch of one document; ``tokens`` sums its paragraphs' counts and breaks."""

    ordinal: int
    start: int
    end: int
    text: str
    tokens: int
    hash: str


def content_hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def chunk_document(text: str, count_tokens: TokenCounter, target_tokens: int = DEFAULT_CHUNK_TOKENS) -> list[Chunk]:
    """The chunks of ``text`` in order; their spans tile the text's paragraphs."""
    pieces = list(_pieces(text, count_tokens, target_tokens))
    chunks: list[Chunk] = []
    minimum, maximum = target_tokens // 2, target_tokens + target_tokens // 2
    start: int | None = None
    end = 0
    size = 0
    estimated = False
    for index, (piece_start, piece_end, tokens, whole) in enumerate(pieces):
        if start is None:
            start, size, estimated = piece_start, 0, False
        size += tokens + (1 if piece_start > end and size else 0)  # the paragraph break is a token
        estimated = estimated or not whole
        end = piece_end
        next_tokens = pieces[index + 1][2] if index + 1 < len(pieces) else 0
        chosen = int(content_hash(text[piece_start:piece_end])[:8], 16) % 3 == 0
        if index + 1 == len(pieces) or (size >= minimum and chosen) or size + next_tokens > maximum:
            chunk_text = text[start:end]
            exact = count_tokens(chunk_text) if estimated else size
            chunks.append(Chunk(len(chunks), start, end, chunk_text, exact, content_hash(chunk_text)))
            start = None
    return chunks


def _pieces(text: str, count_tokens: TokenCounter, target_tokens: int):
    """Paragraphs as (start, end, tokens, whole), long ones split at sentence ends
    (``whole`` False: their counts are sentence counts summed, an estimate)."""
    for start, end in paragraph_spans(text):
        tokens = count_tokens(text[start:end])
        if tokens <= target_tokens:
            yield start, end, tokens, True
            continue
        for piece in _split_long_paragraph(text, start, end, count_tokens, target_tokens):
            yield (*piece, False)


def _split_long_paragraph(text: str, start: int, end: int, count_tokens: TokenCounter, target_tokens: int):
    """Sentences gathered into pieces of about half a chunk each."""
    limit = max(1, target_tokens // 2)
    cuts = [start + cut for cut in sentence_starts(text[start:end]) if cut > 0] + [end]
    piece_start, piece_tokens, last = start, 0, start
    for cut in _hard_cuts(text, last, cuts, target_tokens):
        sentence_tokens = count_tokens(text[last:cut])
        if piece_tokens and piece_tokens + sentence_tokens > limit:
            yield piece_start, last, piece_tokens
            piece_start, piece_tokens = last, 0
        piece_tokens += sentence_tokens
        last = cut
    if last > piece_start:
        yield piece_start, last, piece_tokens


def _hard_cuts(text: str, start: int, cuts: list[int], target_tokens: int):
    """Sentence cuts, with extra cuts at spaces inside run-on 'sentences' (no punctuation)."""
    longest = target_tokens * 3  # characters: about a chunk of English
    previous = start
    for cut in cuts:
        while cut - previous > longest:
            space = text.rfind(" ", previous + 1, previous + longest)
            previous = space + 1 if space > previous else previous + longest
            yield previous
        yield cut
        previous = cut
