"""The project file on disk: what a path must be before SQLite opens it, and the clear sentence when it is not.

A project is one SQLite file with two companions in WAL mode. Before the store opens
one, the path is checked (a folder, a device, a broken link or a foreign file is
refused by name), and so is the writer's permission to change it; SQLite's own errors
on opening are turned into sentences that tell a locked file from a foreign one.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from memory.errors import ProjectError
from memory.storage.file_kinds import kind_of

_SQLITE_HEADER = b"SQLite format 3\x00"


class ProjectReadOnlyError(ProjectError):
    """The writer's permissions keep the project from being changed; it can still be read."""


def project_files(path: Path) -> tuple[Path, Path, Path]:
    """The project file and the two SQLite keeps beside it in WAL mode (``-wal``, ``-shm``)."""
    return path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


def is_sqlite_file(path: Path) -> bool:
    """Whether the file starts as every SQLite database does (an empty file does not)."""
    try:
        with path.open("rb") as file:
            return file.read(len(_SQLITE_HEADER)) == _SQLITE_HEADER
    except OSError:
        return False


def check_project_path(path: Path, create: bool) -> None:
    """Refuse a path that is not, or cannot become, a project file."""
    if path.is_dir():
        raise ProjectError(f"{path} is a folder, not a project file.")
    if not path.exists():
        if not create:
            raise ProjectError(f"There is no project at {path}.")
        if path.is_symlink():
            raise ProjectError(f"{path} is a broken link; give the path of a project file.")
    elif not path.is_file():
        raise ProjectError(f"{path} is a {kind_of(path.stat().st_mode)}, not a project file.")
    elif path.stat().st_size and not is_sqlite_file(path):
        raise ProjectError(f"{path.name} is not a Draftsmith project (it is not an SQLite file).")


def check_writable(path: Path) -> None:
    """Refuse, in one sentence, to change a project the writer's permissions keep read-only."""
    if path.exists():
        if not os.access(path, os.W_OK):
            raise ProjectReadOnlyError(f"{path.name} is read-only, so it cannot be changed; it can still be "
                               "read and exported.")
        folder_writable = os.access(path.parent, os.W_OK)
    else:
        folder = next((p for p in path.parents if p.exists()), None)
        folder_writable = folder is not None and os.access(folder, os.W_OK)
    if not folder_writable:
        raise ProjectReadOnlyError(f"{path.name} cannot be changed: its folder {path.parent} is read-only; "
                           "it can still be read and exported.")


def open_error(path: Path, error: sqlite3.DatabaseError) -> ProjectError:
    """Tell a locked, unreadable or foreign file apart instead of calling each one 'not a project'."""
    message = str(error)
    if "locked" in message or "busy" in message:
        return ProjectError(f"{path.name} is locked by another program; close it there and try again.")
    if "unable to open" in message or "readonly" in message or "read-only" in message:
        return ProjectError(f"{path.name} cannot be opened ({message}); check that its folder can be read.")
    if isinstance(error, sqlite3.OperationalError) and "no such table" not in message:
        return ProjectError(f"{path.name} could not be read ({message}).")
    return ProjectError(f"{path.name} is not a Draftsmith project ({message}).")

