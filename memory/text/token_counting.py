"""Count many paragraphs' tokens quickly, in parallel and without repeats.

The model's tokenizer runs in C and releases the GIL, so a small thread pool
counts a novel's paragraphs on every core; identical paragraphs (scene breaks,
"Yes.") are counted once.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

TokenCounter = Callable[[str], int]


class CachedCounter:
    """A token counter that remembers what it has counted."""

    def __init__(self, count_tokens: TokenCounter) -> None:
        self._count = count_tokens
        self._known: dict[str, int] = {}

    def __call__(self, text: str) -> int:
        known = self._known.get(text)
        if known is None:
            known = self._known[text] = self._count(text) if text else 0
        return known

    def prime(self, texts: Iterable[str], workers: int | None = None) -> None:
        """Count ``texts`` ahead of time on a thread pool."""
        missing = list({text for text in texts if text and text not in self._known})
        if not missing:
            return
        workers = workers or min(8, os.cpu_count() or 1)
        batch = max(1, len(missing) // (workers * 4))
        groups = [missing[i : i + batch] for i in range(0, len(missing), batch)]
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for group, counts in zip(groups, pool.map(lambda g: [self._count(t) for t in g], groups)):
                self._known.update(zip(group, counts))
