"""One writer per project at a time, across processes; readers are never blocked.

SQLite keeps each transaction whole, but two imports interleaving their
transactions into one project leave a manuscript that is neither book. A
process that changes a project therefore first takes an advisory lock on a small
file beside it (``.NAME.draftsmith.lock``, removed again when the writer closes).
The operating system releases the lock when the process ends, however it ends,
so a killed import never leaves the project locked. Within one process the lock is shared and counted: the app and
its worker threads are one writer.
"""

from __future__ import annotations

import contextlib
import os
import stat
import threading
from pathlib import Path

from memory.errors import ProjectError
from memory.storage.file_kinds import kind_of

try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]
    import msvcrt


class ProjectBusyError(ProjectError):
    """Another process is changing the project."""

    exit_code = 1


def lock_path(project: Path) -> Path:
    return project.with_name(f".{project.name}.lock")


class _HeldLock:
    def __init__(self, handle: int) -> None:
        self.handle = handle
        self.count = 0


_held: dict[Path, _HeldLock] = {}
_guard = threading.Lock()


class WriterLock:
    """The right to change one project, held until ``release`` (or the process ends)."""

    def __init__(self, project: Path) -> None:
        self.key = project.resolve()
        self._released = False
        with _guard:
            held = _held.get(self.key)
            if held is None:
                held = _HeldLock(_acquire(self.key))
                _held[self.key] = held
            held.count += 1

    @staticmethod
    def held_here(project: Path) -> bool:
        """Whether this process is changing the project (the app, while a command reads it)."""
        with _guard:
            return project.resolve() in _held

    def release(self) -> None:
        with _guard:
            if self._released:
                return
            self._released = True
            held = _held[self.key]
            held.count -= 1
            if held.count == 0:
                del _held[self.key]
                # Removed while still locked, so no other process can be holding this file.
                with contextlib.suppress(OSError):
                    lock_path(self.key).unlink()
                _unlock(held.handle)


def _acquire(project: Path) -> int:
    path = lock_path(project)
    while True:
        _refuse_odd_lock_path(project, path)
        try:
            handle = os.open(path, os.O_RDWR | os.O_CREAT | _NO_FOLLOW | _NON_BLOCKING, 0o644)
        except OSError as error:
            _refuse_odd_lock_path(project, path)
            raise ProjectError(f"{project.name} cannot be changed: the folder {project.parent} "
                               f"is not writable ({error.strerror}).") from error
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            os.close(handle)
            _refuse_odd_lock_path(project, path)
        try:
            _lock(handle)
        except OSError:
            holder = _read_holder(handle)
            os.close(handle)
            who = f" (process {holder})" if holder else ""
            raise ProjectBusyError(
                f"{project.name} is being changed by another Draftsmith{who}; wait for it to finish, "
                "or close the project there, and try again."
            ) from None
        if _still_at(handle, path):
            break
        # The holder we waited on removed the file as it let go: lock the new one.
        _unlock(handle)
    os.ftruncate(handle, 0)
    os.lseek(handle, 0, os.SEEK_SET)
    os.write(handle, str(os.getpid()).encode())
    return handle


_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NON_BLOCKING = getattr(os, "O_NONBLOCK", 0)
"""A lock path that is a link is never followed, and one that is a named pipe never blocks the open."""


def _refuse_odd_lock_path(project: Path, path: Path) -> None:
    """Refuse a lock path that holds something other than a lock file, naming it, so the writer can clear it."""
    try:
        status = os.lstat(path)
    except FileNotFoundError:
        return
    except OSError as error:
        raise ProjectError(f"{project.name} cannot be changed: its lock file {path} cannot be read "
                           f"({error.strerror}).") from error
    kind = "link" if stat.S_ISLNK(status.st_mode) else kind_of(status.st_mode)
    if kind != "file":
        raise ProjectError(f"{project.name} cannot be changed: {path} should be its lock file but is a {kind}; "
                           "remove it and try again.")


def _still_at(handle: int, path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(handle), os.stat(path))
    except OSError:
        return False


def _lock(handle: int) -> None:
    if fcntl is not None:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    else:  # pragma: no cover - Windows
        msvcrt.locking(handle, msvcrt.LK_NBLCK, 1)


def _unlock(handle: int) -> None:
    try:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_UN)
        else:  # pragma: no cover - Windows
            os.lseek(handle, 0, os.SEEK_SET)
            msvcrt.locking(handle, msvcrt.LK_UNLCK, 1)
    finally:
        os.close(handle)


def _read_holder(handle: int) -> str:
    try:
        os.lseek(handle, 0, os.SEEK_SET)
        text = os.read(handle, 32).decode(errors="replace").strip()
    except OSError:
        return ""
    return text if text.isdigit() else ""
