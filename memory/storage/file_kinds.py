"""Refuse, before opening it, any path a writer gives that is not a plain file.

Opening a named pipe blocks until something writes to it, and reading a device
such as ``/dev/zero`` or ``/dev/urandom`` never ends, so every path read as a
manuscript, a project, a model or an adapter is judged by its kind first (links
are followed: a link to a file is that file).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from memory.errors import DraftsmithError


def kind_of(mode: int) -> str:
    """A plain word for what a file mode says the path is."""
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISFIFO(mode):
        return "named pipe"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return "special file"


def regular_file(path: Path, what: str, error: type[DraftsmithError]) -> os.stat_result:
    """The stat of ``path`` if it is a plain file; otherwise ``error`` saying what it is instead.

    ``what`` names the file the writer meant to give ("a manuscript", "a model").
    """
    try:
        status = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise error(f"{path} is a broken link; give the path of {what} file.") from None
        raise error(f"There is no file at {path}.") from None
    except OSError as failure:
        raise error(f"{path} cannot be read ({failure.strerror}).") from failure
    kind = kind_of(status.st_mode)
    if kind == "folder":
        raise error(f"{path} is a folder; give the path of {what} file.")
    if kind != "file":
        raise error(f"{path} is a {kind}, not a file; give the path of {what} file.")
    return status
