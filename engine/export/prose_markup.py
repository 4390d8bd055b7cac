"""The little markup a manuscript's plain text carries, read once for every export format.

Writers and Project Gutenberg mark italics with ``_underscores_`` (or Markdown's
``*asterisks*``), and scene breaks with a line of asterisks, a ``#`` or a rule.
Word and EPUB exports turn these into real italics and real breaks; everything
else is text, kept exactly.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_SCENE_BREAK = re.compile(r"^\s*(?:(?:\*\s*){3,}|#|(?:-\s*){3,}|(?:~\s*){3,}|(?:\u2022\s*){3,}|\u2042)\s*$")
_EMPHASIS = re.compile(r"(?<![\w*])(?:_(?P<under>[^_\n]+?)_|\*(?P<star>[^*\n]+?)\*)(?![\w*])")


@dataclass(frozen=True)
class Run:
    """A stretch of text, italic or not."""

    text: str
    italic: bool = False


@dataclass(frozen=True)
class Block:
    """A paragraph (its runs; verse keeps its line breaks as ``\\n``) or a scene break (no runs)."""

    runs: tuple[Run, ...]
    marker: str = ""
    """A scene break's own line ("* * *", "#"), kept so an export reads back as the same text."""

    @property
    def is_scene_break(self) -> bool:
        return not self.runs


def blocks(text: str) -> Iterator[Block]:
    """The paragraphs and scene breaks of a chapter's text, in order."""
    for paragraph in text.split("\n\n"):
        if not paragraph.strip():
            continue
        if _SCENE_BREAK.match(paragraph):
            yield Block((), paragraph.strip())
        else:
            yield Block(tuple(runs(paragraph)))


def runs(paragraph: str) -> Iterator[Run]:
    """The paragraph as plain and italic runs, the markers removed."""
    position = 0
    for match in _EMPHASIS.finditer(paragraph):
        if match.start() > position:
            yield Run(paragraph[position:match.start()])
        yield Run(match.group("under") or match.group("star"), italic=True)
        position = match.end()
    if position < len(paragraph):
        yield Run(paragraph[position:])

