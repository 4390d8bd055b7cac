"""Progress for long work, on stderr so stdout stays clean for results."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class StderrProgress:
    """A callable ``(done, total)`` that draws a one-line progress bar.

    On a terminal it redraws in place; in a log it prints every tenth, so CI
    output stays readable.
    """

    def __init__(self, label: str, stream: TextIO | None = None, width: int = 30) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.width = width
        self._interactive = self.stream.isatty()
        self._last_tenth = -1
        self._last_draw = 0.0

    def __call__(self, done: int, total: int) -> None:
        fraction = done / total if total else 1.0
        if self._interactive:
            now = time.monotonic()
            if now - self._last_draw < 0.1 and done < total:
                return
            self._last_draw = now
            filled = int(self.width * fraction)
            bar = "#" * filled + "-" * (self.width - filled)
            end = "\n" if done >= total else ""
            self.stream.write(f"\r{self.label} [{bar}] {fraction:4.0%}{end}")
            self.stream.flush()
            return
        tenth = int(fraction * 10)
        if tenth != self._last_tenth:
            self._last_tenth = tenth
            self.stream.write(f"{self.label}: {fraction:.0%}\n")
            self.stream.flush()


class PromptReadProgress:
    """A callable ``(read, total)`` for a backend's ``prompt_progress``: shows how far a long
    prompt has been read before the first word, on stderr; prompts served from the cache
    (little left to read) show nothing."""

    def __init__(self, stream: TextIO | None = None, worth_showing: int = 256) -> None:
        self.stream = stream or sys.stderr
        self.worth_showing = worth_showing
        self._bar: StderrProgress | None = None
        self._start = 0
        self._last = (0, 0)

    def __call__(self, read: int, total: int) -> None:
        last_read, last_total = self._last
        self._last = (read, total)
        if total != last_total or read <= last_read:  # a new prompt: the backend reports its cached part first
            self._start = read
            self._bar = None
            if total - read >= self.worth_showing:
                self._bar = StderrProgress(f"Reading the prompt ({total - read} of {total} tokens)", self.stream)
        if self._bar is not None:
            self._bar(read - self._start, total - self._start - 1)
