"""Which names each chunk gives, so memory can ask what the book had named before a point.

The cast line at a cursor may use only what the text before it says: a name that the
book gives only later must not reach the prompt, nor change how often an earlier name
seems to be used. Each chunk's mid-sentence names are read once (by the chunk's
content hash, so an edit re-reads only the chunks it changed) and added up over the
chunks before the point asked about, from running totals kept every ``STRIDE`` chunks.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from memory.storage.store import ChunkRef
from memory.text.text_analysis import names_in

STRIDE = 64
"""Chunks between running totals: a question adds up at most this many chunks."""

TextsOf = Callable[[Sequence[ChunkRef]], dict[int, str]]


@dataclass(frozen=True)
class NameUse:
    """A name as written before a point: how often, and the last chunk that gives it."""

    form: str
    count: int
    last_chunk: int


class NameIndex:
    """Name counts of one manuscript version's chunks, read lazily."""

    def __init__(self, refs: Sequence[ChunkRef], texts_of: TextsOf, by_hash: dict[str, Counter[str]]) -> None:
        self._refs = list(refs)
        self._texts_of = texts_of
        self._by_hash = by_hash  # shared between versions: unchanged chunks are not read again
        self._totals: list[tuple[Counter[str], dict[str, int]]] = [(Counter(), {})]

    def _names(self, start: int, stop: int) -> list[Counter[str]]:
        refs = self._refs[start:stop]
        missing = [ref for ref in refs if ref.hash not in self._by_hash]
        if missing:
            texts = self._texts_of(missing)
            for ref in missing:
                self._by_hash[ref.hash] = Counter(names_in(texts[ref.id]))
        return [self._by_hash[ref.hash] for ref in refs]

    def _add(self, counts: Counter[str], last: dict[str, int], start: int, stop: int) -> None:
        for index, names in enumerate(self._names(start, stop), start):
            counts.update(names)
            for form in names:
                last[form] = index

    def uses_before(self, stop: int) -> dict[str, NameUse]:
        """Every name the chunks before ``stop`` give mid-sentence, with counts and last chunk."""
        stop = max(0, min(stop, len(self._refs)))
        while len(self._totals) <= stop // STRIDE:
            counts, last = Counter(self._totals[-1][0]), dict(self._totals[-1][1])
            begin = (len(self._totals) - 1) * STRIDE
            self._add(counts, last, begin, begin + STRIDE)
            self._totals.append((counts, last))
        base_counts, base_last = self._totals[stop // STRIDE]
        counts, last = Counter(base_counts), dict(base_last)
        self._add(counts, last, stop // STRIDE * STRIDE, stop)
        return {form: NameUse(form, n, last[form]) for form, n in counts.items()}
