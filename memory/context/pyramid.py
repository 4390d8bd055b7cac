"""The summary pyramid: nested groups of chunks, and the cover of the past at a cursor.

Level 0 is the chunks themselves. Each higher level gathers two to four groups of
the level below; where a group closes is decided by its last chunk's content hash
(a chunk whose hash ends in k zero bits closes groups up to level k), by chapter
ends at the lower levels, and by a cap of four. Like the chunk boundaries, this
depends on content, not position, so an edit changes only the groups above the
chunks it touched: exactly those summaries become stale.

A group's key hashes its level and its children's keys, so a summary stored under
a key stays valid for as long as that stretch of text is unchanged, wherever it moves.

At a cursor, the text between the pinned opening and the recent verbatim chunks is
covered, each chunk exactly once, by groups whose span may be at most ``factor``
times their distance from the recent text: spans double as the past recedes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from memory.storage.store import ChunkRef

MAX_FANIN = 4
CHAPTER_BOUND_LEVELS = 3
"""Groups up to this level never cross a chapter end (about 8 chunks, a short chapter)."""
MAX_LEVEL = 24


@dataclass(eq=False)
class Group:
    """A stretch of consecutive chunks [start, end) summarised as one."""

    level: int
    start: int
    end: int
    key: str
    children: tuple[Group, ...] = field(default=())

    @property
    def span(self) -> int:
        return self.end - self.start


def boundary_level(chunk_hash: str) -> int:
    """Trailing zero bits of the chunk's hash: about half close level 1, a quarter level 2..."""
    value = int(chunk_hash[:8], 16)
    return 32 if value == 0 else (value & -value).bit_length() - 1


class Pyramid:
    """All groups over a manuscript's chunks, indexed by where they end."""

    def __init__(self, refs: Sequence[ChunkRef]) -> None:
        self.refs = list(refs)
        self.levels: list[list[Group]] = [[Group(0, i, i + 1, "c" + ref.hash) for i, ref in enumerate(self.refs)]]
        last_of_document = {
            i for i, ref in enumerate(self.refs)
            if i + 1 == len(self.refs) or self.refs[i + 1].document_id != ref.document_id
        }
        while len(self.levels[-1]) > 1 and len(self.levels) <= MAX_LEVEL:
            self.levels.append(self._group(self.levels[-1], len(self.levels), last_of_document))
        self._ending_at: dict[int, list[Group]] = {}
        for level in self.levels:
            for group in level:
                chain = self._ending_at.setdefault(group.end, [])
                if not chain or chain[-1] is not group:
                    chain.append(group)

    def _group(self, below: list[Group], level: int, last_of_document: set[int]) -> list[Group]:
        groups: list[Group] = []
        members: list[Group] = []
        for index, node in enumerate(below):
            members.append(node)
            last_chunk = node.end - 1
            closes = (
                index + 1 == len(below)
                or len(members) == MAX_FANIN
                or boundary_level(self.refs[last_chunk].hash) >= level
                or (level <= CHAPTER_BOUND_LEVELS and last_chunk in last_of_document)
            )
            if closes:
                groups.append(members[0] if len(members) == 1 else _merge(level, members))
                members = []
        return groups

    def all_groups(self) -> list[Group]:
        """Every distinct group, children before parents."""
        seen: set[int] = set()
        ordered: list[Group] = []
        for level in self.levels:
            for group in level:
                if id(group) not in seen:
                    seen.add(id(group))
                    ordered.append(group)
        return ordered

    def cover(self, start: int, stop: int, factor: float = 1.0) -> list[Group]:
        """Groups tiling chunks [start, stop), in reading order, spans growing with distance from ``stop``."""
        covering: list[Group] = []
        position = stop
        while position > start:
            allowed = max(1.0, (stop - position) * factor)
            best = None
            for group in self._ending_at.get(position, ()):
                if group.start >= start and group.span <= allowed:
                    best = group
            if best is None:  # a single chunk always fits
                best = self.levels[0][position - 1]
            covering.append(best)
            position = best.start
        covering.reverse()
        return covering


def _merge(level: int, members: list[Group]) -> Group:
    digest = hashlib.blake2b(f"{level}:".encode(), digest_size=16)
    for member in members:
        digest.update(member.key.encode())
    return Group(level, members[0].start, members[-1].end, "g" + digest.hexdigest(), tuple(members))
