"""Where the recent text starts, and the point the memory sections are made for.

llama.cpp reuses its KV cache for the prompt's longest common prefix with the
previous one, and can also drop a stretch of the cache and shift what follows it
back (see ``engine.backend.cache_shift``). So a prompt that keeps its first sections
byte-identical, drops text from the front of its recent text and adds new text at
its end is read almost for free.

Two points make that so, both pure functions of the chunks' stored token counts and
the cursor, the same in every process and for every caller:

* the *recent start*: the first chunk boundary from which the text to the cursor
  fits the room. It moves a chunk at a time as the book grows; the assembler fills the
  room left before it with whole paragraphs of the chunks before (``passage.lead_in``);
* the *memory anchor*: the last line of a fixed grid (every ``step`` tokens, counted
  from the end of the pinned opening) at or before the recent start. The summaries
  and the cast line are made for the text before it, so they change only when the
  recent start crosses a grid line, once every ``step`` tokens of new text.

Between the anchor and the recent start lies less than ``step`` tokens that neither
the summaries nor the recent text hold: the price of memory sections that stay put.
"""

from __future__ import annotations

from collections.abc import Sequence

SEPARATOR_TOKENS = 1
"""Chunks join at a blank line, one token in the vocabularies Draftsmith has met."""


def recent_start(chunk_tokens: Sequence[int], pin_end: int, cursor_index: int, partial_tokens: int,
                 room: int) -> int:
    """The first chunk from which the text up to the cursor fits ``room`` tokens.

    When not one whole chunk before the cursor fits (a room smaller than a chunk), the
    chunk before the cursor is returned all the same, and the caller cuts its text to
    the room at a sentence.
    """
    if cursor_index <= pin_end:
        return cursor_index
    used = partial_tokens
    start = cursor_index
    while start > pin_end and used + chunk_tokens[start - 1] + SEPARATOR_TOKENS <= room:
        start -= 1
        used += chunk_tokens[start] + SEPARATOR_TOKENS
    if start == cursor_index and used < room:
        return cursor_index - 1
    return start


def memory_anchor(chunk_tokens: Sequence[int], pin_end: int, recent: int, step: int) -> int:
    """The last grid line's chunk boundary at or before ``recent``.

    A grid line falls every ``step`` tokens from ``pin_end``; its boundary is the first
    chunk start at or after it. ``pin_end`` itself is the first.
    """
    step = max(1, step)
    anchor, offset = pin_end, 0
    for index in range(pin_end, recent):
        before = offset // step
        offset += chunk_tokens[index] + SEPARATOR_TOKENS
        if offset // step > before:
            anchor = index + 1
    return anchor
