"""Standard output and error that a hostile file name or model output cannot take over.

Commands print file names, chapter titles and generated text. A name can hold an
escape sequence that clears or retitles the terminal, or bytes that are not valid
UTF-8 (Python keeps them as lone surrogates, which a strict stream refuses with a
traceback). While a command runs, its streams show both as visible escapes.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from memory.text.printable import safe_for_terminal


class TerminalSafeStream:
    """A text stream that escapes terminal controls and any character its encoding cannot hold."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        safe = safe_for_terminal(text)
        try:
            self._stream.write(safe)
        except UnicodeEncodeError:
            encoding = getattr(self._stream, "encoding", None) or "utf-8"
            self._stream.write(safe.encode(encoding, "backslashreplace").decode(encoding))
        return len(text)

    def writelines(self, lines: list[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


@contextmanager
def terminal_safe_streams() -> Iterator[None]:
    """Wrap ``sys.stdout`` and ``sys.stderr`` for the length of the block, then put them back."""
    saved_stdout, saved_stderr = sys.stdout, sys.stderr
    sys.stdout = TerminalSafeStream(saved_stdout)  # type: ignore[assignment]
    sys.stderr = TerminalSafeStream(saved_stderr)  # type: ignore[assignment]
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved_stdout, saved_stderr
