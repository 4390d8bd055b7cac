"""Keep llama.cpp's logging off the writer's screen without touching file descriptors.

llama-cpp-python's ``verbose=False`` silences loading by pointing the process's
stdout and stderr at /dev/null for a moment, which blanks a Textual screen that is
drawing to stderr at that moment. Instead we route llama.cpp's C log callback into
Python's ``logging`` and catch the Python-level prints made while a model loads.
"""

from __future__ import annotations

import contextlib
import ctypes
import io
import logging
import sys
import threading
from collections.abc import Iterator

import llama_cpp

logger = logging.getLogger("draftsmith.llama")
# Nothing reaches the terminal unless the program configures logging: without a handler,
# Python's last-resort handler would print warnings over a live Textual screen.
logger.addHandler(logging.NullHandler())
_LEVELS = {3: logging.WARNING, 4: logging.ERROR}
"""ggml's levels (1 debug, 2 info, 3 warn, 4 error, 5 continuation); the rest are debug."""
_install_lock = threading.Lock()
_installed_callback: object | None = None


@llama_cpp.llama_log_callback
def _forward_to_logging(level: int, text: bytes, user_data: ctypes.c_void_p) -> None:
    message = text.decode("utf-8", errors="replace").rstrip()
    if message:
        logger.log(_LEVELS.get(level, logging.DEBUG), message)


def route_llama_logs_to_logging() -> None:
    """Replace llama.cpp's log callback (once per process) with one that never prints."""
    global _installed_callback
    with _install_lock:
        if _installed_callback is None:
            llama_cpp.llama_log_set(_forward_to_logging, ctypes.c_void_p(0))
            _installed_callback = _forward_to_logging


class _LoggingWriter(io.TextIOBase):
    """A text stream that sends each line written to it to the llama logger."""

    def write(self, text: str) -> int:
        for line in text.splitlines():
            if line.strip():
                logger.debug(line)
        return len(text)


_redirect_lock = threading.RLock()
"""``sys.stdout`` is one per process: two loads redirecting it at once (the app loads the
model and a project's tokenizer in two threads) would each restore the other's writer and
leave every later print going to the logger. One redirection at a time."""


@contextlib.contextmanager
def python_prints_to_logging() -> Iterator[None]:
    """Send ``print(..., file=sys.stderr)`` calls made inside the block to the logger.

    Safe from several threads: the redirections are taken one at a time, and a stream
    someone else has put in place meanwhile is left alone rather than overwritten.
    """
    with _redirect_lock:
        writer = _LoggingWriter()
        saved_stdout, saved_stderr = sys.stdout, sys.stderr
        sys.stdout = sys.stderr = writer
        try:
            yield
        finally:
            if sys.stdout is writer:
                sys.stdout = saved_stdout
            if sys.stderr is writer:
                sys.stderr = saved_stderr
