"""Where the continuation bench scores a novel: paragraph starts and chapter middles.

Both kinds are found in the raw text the writer would import, over the same stretch of
the book (30-90% by default). Paragraph starts fall wherever the share of the text
lands, as an independent probe picks them; chapter middles are the paragraph nearest
the middle of chapters spread over the stretch, where a scene is under way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from memory.text.headings import find_headings

_BLANK = re.compile(r"\n[ \t]*\n")


@dataclass(frozen=True)
class BenchCursor:
    offset: int
    """Character offset of a paragraph's first character in the raw text."""
    kind: str
    """``paragraph`` or ``middle``."""


def paragraph_starts(text: str) -> list[int]:
    """Offsets of each paragraph's first character (paragraphs part at blank lines)."""
    starts = []
    previous = 0
    for match in [*_BLANK.finditer(text), None]:
        end = match.start() if match else len(text)
        block = text[previous:end]
        stripped = block.lstrip()
        if stripped.strip():
            starts.append(previous + len(block) - len(stripped))
        if match:
            previous = match.end()
    return starts


def chapter_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of each chapter's body, as the importer's heading rules find them."""
    lines = text.split("\n")
    line_starts, position = [], 0
    for line in lines:
        line_starts.append(position)
        position += len(line) + 1
    chapters = [h for h in find_headings(lines) if h.kind == "chapter"]
    spans = []
    for index, heading in enumerate(chapters):
        start = line_starts[min(heading.end_line, len(lines) - 1)]
        end = line_starts[chapters[index + 1].line] if index + 1 < len(chapters) else len(text)
        spans.append((start, end))
    return spans


def cursors_in(text: str, paragraphs: int = 8, middles: int = 4, low: float = 0.3,
               high: float = 0.9) -> list[BenchCursor]:
    """``paragraphs`` paragraph starts and ``middles`` chapter middles over [low, high] of the text."""
    starts = paragraph_starts(text)
    if not starts:
        return []
    cursors = []
    for i in range(paragraphs):
        target = int(len(text) * (low + (high - low) * i / max(1, paragraphs - 1)))
        cursors.append(BenchCursor(min((s for s in starts if s >= target), default=starts[-1]), "paragraph"))
    spans = [(a, b) for a, b in chapter_spans(text) if low * len(text) <= (a + b) / 2 <= high * len(text)]
    if spans and middles:
        picks = sorted({round(i * (len(spans) - 1) / max(1, middles - 1)) for i in range(middles)})
        for pick in picks:
            start, end = spans[pick]
            inside = [s for s in starts if start < s < end]
            if len(inside) >= 3:
                middle = (start + end) / 2
                cursors.append(BenchCursor(min(inside[1:], key=lambda s: abs(s - middle)), "middle"))
    return sorted(set(cursors), key=lambda c: c.offset)
