"""Recognise part and chapter headings in plain-text and Markdown manuscripts.

A heading is a short line standing alone between blank lines that matches one of
the common styles: ``Chapter 1``, ``CHAPTER IV``, ``IV. The Trial``, ``Letter 3``,
``PART ONE--The Old Buccaneer``, a bare number or numeral (with the title on the
next line), ``Prologue``, or a Markdown ``#`` heading. Contents lists look the same,
so a chapter heading counts only when prose follows it before the next heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    "sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|first|second|third|fourth|"
    "fifth|sixth|seventh|eighth|ninth|tenth|last"
)
_NUMBER = rf"(?:\d{{1,6}}|[ivxlcdm]{{1,8}}|(?:{_NUMBER_WORDS})(?:[- ](?:{_NUMBER_WORDS}))?)"
_REST = r"(?:\s*(?:[.:\-\u2013\u2014]+|\s)\s*.*)?"

PART = re.compile(rf"^(?P<label>(?:part|book|volume)\s+{_NUMBER})\b{_REST}$", re.IGNORECASE)
CHAPTER = re.compile(rf"^(?P<label>(?:chapter|chap\.)\s+{_NUMBER})\b{_REST}$", re.IGNORECASE)
LETTER = re.compile(rf"^(?P<label>letter\s+{_NUMBER})\b{_REST}$", re.IGNORECASE)
SPECIAL = re.compile(r"^(?P<label>prologue|epilogue|interlude|afterword|foreword)\b" + _REST, re.IGNORECASE)
ROMAN_TITLE = re.compile(r"^(?P<label>[IVXLCDM]{1,8})\.\s+(?P<title>\S.*)$")
BARE_NUMBER = re.compile(r"^(?P<label>\d{1,3}|[IVXLCDM]{1,8})\.?$")
MARKDOWN = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<title>.+?)\s*#*\s*$")
_LEADER = re.compile(r"(\.\s?){3,}|\S\s{2,}\d+\s*$")  # contents entries: dot leaders, page numbers

MAX_HEADING_LENGTH = 100
MIN_PROSE_WORDS = 8


@dataclass(frozen=True)
class Heading:
    """A heading found at ``line`` (0-based); ``end_line`` is past its last line."""

    kind: str  # "part" or "chapter"
    title: str
    line: int
    end_line: int


def find_headings(lines: list[str]) -> list[Heading]:
    """All headings in ``lines`` that have real content after them, in order."""
    markdown_levels = _markdown_levels(lines)
    candidates = []
    index = 0
    while index < len(lines):
        heading = _heading_at(lines, index, markdown_levels)
        if heading is not None:
            candidates.append(heading)
            index = heading.end_line
        else:
            index += 1
    return _keep_headings_with_content(candidates, lines)


def _standalone(lines: list[str], index: int) -> bool:
    before = index == 0 or not lines[index - 1].strip()
    after = index + 1 >= len(lines) or not lines[index + 1].strip()
    return before and after


def _heading_at(lines: list[str], index: int, markdown_levels: dict[int, str]) -> Heading | None:
    line = lines[index].strip()
    if not line or len(line) > MAX_HEADING_LENGTH:
        return None
    markdown = MARKDOWN.match(line)
    if markdown:
        kind = markdown_levels.get(len(markdown.group("hashes")))
        return Heading(kind, markdown.group("title").strip(), index, index + 1) if kind else None
    if not _standalone(lines, index) or _LEADER.search(line) and not BARE_NUMBER.match(line):
        return None
    for pattern, kind in ((PART, "part"), (CHAPTER, "chapter"), (LETTER, "chapter"), (SPECIAL, "chapter")):
        if pattern.match(line):
            return Heading(kind, _as_written(line), index, index + 1)
    if ROMAN_TITLE.match(line):
        return Heading("chapter", _as_written(line), index, index + 1)
    if BARE_NUMBER.match(line):
        return _bare_number_heading(lines, index, line)
    return None


def _as_written(line: str) -> str:
    """The heading as the writer wrote it, runs of spaces made one: the book's own words."""
    return " ".join(line.split())


def _bare_number_heading(lines: list[str], index: int, line: str) -> Heading:
    """A number alone; a short line standing alone right after it is its title."""
    following = index + 1
    while following < len(lines) and not lines[following].strip():
        following += 1
    if following < len(lines) and following - index <= 3:
        candidate = lines[following].strip()
        if (len(candidate) <= 80 and _standalone(lines, following) and not candidate.endswith((".", ",", ";"))
                and not BARE_NUMBER.match(candidate)):
            return Heading("chapter", f"{line.rstrip('.')} {candidate}", index, following + 1)
    return Heading("chapter", line.rstrip("."), index, index + 1)


def _markdown_levels(lines: list[str]) -> dict[int, str]:
    """``#`` is a part when ``##`` headings also exist, otherwise a chapter."""
    used = sorted({len(m.group("hashes")) for line in lines if (m := MARKDOWN.match(line.strip()))})
    if not used:
        return {}
    if len(used) == 1:
        return {used[0]: "chapter"}
    return {used[0]: "part", used[1]: "chapter"}


def _keep_headings_with_content(candidates: list[Heading], lines: list[str]) -> list[Heading]:
    kept: list[Heading] = []
    for position, heading in enumerate(candidates):
        next_line = candidates[position + 1].line if position + 1 < len(candidates) else len(lines)
        has_prose = _has_prose(lines[heading.end_line:next_line])
        if heading.kind == "chapter" and has_prose:
            kept.append(heading)
        elif heading.kind == "part" and (has_prose or _chapter_follows(candidates, position, lines)):
            kept.append(heading)
    return kept


def _chapter_follows(candidates: list[Heading], position: int, lines: list[str]) -> bool:
    for later in candidates[position + 1:]:
        if later.kind == "part":
            return False
        next_index = candidates.index(later) + 1
        end = candidates[next_index].line if next_index < len(candidates) else len(lines)
        if _has_prose(lines[later.end_line:end]):
            return True
    return False


def _has_prose(lines: list[str]) -> bool:
    paragraph_words = 0
    for line in lines:
        stripped = line.strip()
        if not stripped:
            paragraph_words = 0
            continue
        if _LEADER.search(stripped) and len(stripped.split()) < 15:
            continue
        paragraph_words += len(stripped.split())
        if paragraph_words >= MIN_PROSE_WORDS:
            return True
    return False
