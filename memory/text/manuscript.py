"""Split a manuscript's text into front matter, parts and chapters.

Hard-wrapped prose (as in most plain-text books) is unwrapped into one line per
paragraph, so the editor can soft-wrap it and the model reads sentences whole;
indented or uniformly short lines (verse, letters' addresses) keep their line breaks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from memory.text.headings import find_headings

_BLANK_LINES = re.compile(r"\n[ \t]*\n+")
_VERSE_LINE = 55
"""Lines all shorter than this are verse or a letter's address; wrapped prose runs to about 70."""


@dataclass(frozen=True)
class ParsedDocument:
    """One part, chapter or the front matter, with its text (headings removed)."""

    kind: str  # "front", "part" or "chapter"
    title: str
    text: str


def parse_manuscript(text: str, fallback_title: str = "Manuscript") -> list[ParsedDocument]:
    """Documents in reading order. A text with no headings becomes one chapter."""
    lines = text.split("\n")
    headings = find_headings(lines)
    if not headings:
        return [ParsedDocument("chapter", fallback_title, normalise_paragraphs(text))]
    documents: list[ParsedDocument] = []
    front = normalise_paragraphs("\n".join(lines[: headings[0].line]))
    if front:
        documents.append(ParsedDocument("front", "Front matter", front))
    for position, heading in enumerate(headings):
        end = headings[position + 1].line if position + 1 < len(headings) else len(lines)
        body = normalise_paragraphs("\n".join(lines[heading.end_line : end]))
        documents.append(ParsedDocument(heading.kind, heading.title, body))
    return documents


def normalise_paragraphs(text: str) -> str:
    """Paragraphs separated by one blank line; wrapped prose joined into single lines."""
    paragraphs = []
    for block in _BLANK_LINES.split(text.strip("\n")):
        lines = [line.rstrip() for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        indented = len(lines) >= 3 and sum(line[:1] in (" ", "\t") for line in lines[1:]) * 2 > len(lines) - 1
        short = len(lines) >= 2 and all(len(line.strip()) < _VERSE_LINE for line in lines)
        if indented or short:
            paragraphs.append("\n".join(line.strip() for line in lines))  # verse keeps its lines
        else:
            paragraphs.append(" ".join(line.strip() for line in lines))
    return "\n\n".join(paragraphs)


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of each paragraph in normalised ``text``."""
    spans = []
    start = 0
    for block in text.split("\n\n"):
        if block:
            spans.append((start, start + len(block)))
        start += len(block) + 2
    return spans
