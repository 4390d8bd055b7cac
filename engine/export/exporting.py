"""Export a project's manuscript to a file without ever harming another file.

The target is judged before anything is written: the project itself, its SQLite
companions, any other SQLite file, folders, links and device files are refused
outright, and an existing file is replaced only when the writer says so
(``force``). The text goes to a temporary file beside the target, is flushed to
disk, and then replaces the target in one rename, so a crash leaves the old file
or the new one, and a failure leaves no temporary file behind.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from engine.export.book_contents import book_for_export, parse_chapter_range
from engine.export.docx_export import docx_bytes
from engine.export.epub_export import epub_bytes
from memory.errors import DraftsmithError
from memory.export import export_documents
from memory.storage.provenance import origins
from memory.storage.store import ProjectStore
from memory.storage.store_files import is_sqlite_file, project_files
from memory.storage.writer_lock import lock_path

EXPORT_FORMATS = ("md", "txt", "docx", "epub")

class ExportTargetError(DraftsmithError):
    """A place an export must not or cannot be written to."""

    exit_code = 2


@dataclass(frozen=True)
class ExportOutcome:
    target: Path
    size: int
    """Bytes written."""


@dataclass(frozen=True)
class ExportOptions:
    file_format: str = "md"
    manuscript: bool = False
    """Word only: standard manuscript format."""
    chapters: str | None = None
    """``"3-7"``: only those chapters (with their parts); None: the whole book."""
    title: str | None = None
    author: str | None = None
    language: str | None = None


def export_bytes(project_file: Path, options: ExportOptions = ExportOptions()) -> bytes:
    """The manuscript in the chosen format, read without the writer lock (the app may have it open)."""
    if options.file_format not in EXPORT_FORMATS:
        raise ExportTargetError(f"Export writes {', '.join(EXPORT_FORMATS)}, not {options.file_format!r}.")
    if options.manuscript and options.file_format != "docx":
        raise ExportTargetError("--manuscript formats a Word document; add --format docx.")
    chapters = parse_chapter_range(options.chapters)
    with ProjectStore(project_file, read_only=True) as store:
        book = book_for_export(store, project_file.stem, chapters, options.title, options.author, options.language)
    if options.file_format == "docx":
        return docx_bytes(book, options.manuscript)
    if options.file_format == "epub":
        return epub_bytes(book)
    return export_documents(book.documents, options.file_format).encode("utf-8")


def export_to_file(project_file: Path, target: Path, options: ExportOptions | str = ExportOptions(),
                   force: bool = False) -> ExportOutcome:
    """Write the manuscript to ``target``; see the module docstring for what is refused."""
    if isinstance(options, str):
        options = ExportOptions(options)
    target = target.expanduser()
    check_export_target(project_file, target, force)
    content = export_bytes(project_file, options)
    write_atomically(target, content)
    return ExportOutcome(target, len(content))


def free_export_path(project_file: Path, suffix: str = ".md") -> Path:
    """``NAME.md`` beside the project, or ``NAME (2).md`` and on, whichever does not exist yet."""
    candidate = project_file.with_suffix(suffix)
    number = 2
    while candidate.exists() or candidate.is_symlink():
        candidate = project_file.with_name(f"{project_file.stem} ({number}){suffix}")
        number += 1
    return candidate


def check_export_target(project_file: Path, target: Path, force: bool) -> None:
    name = str(target)
    if target.is_symlink():
        raise ExportTargetError(f"{name} is a link; give the path of the file itself.")
    if _is_project_file(project_file, target):
        raise ExportTargetError(f"{name} is the project itself (or part of it); export to another file.")
    if target.exists():
        if target.is_dir():
            raise ExportTargetError(f"{name} is a folder; give the path of a file to write.")
        if not target.is_file():
            raise ExportTargetError(f"{name} is not a regular file; export to a file.")
        if is_sqlite_file(target):
            raise ExportTargetError(f"{name} is a database, not a manuscript; export to another file.")
        if not force:
            raise ExportTargetError(f"{name} already exists; add --force to replace it.")
    folder = target.parent
    if not folder.exists():
        raise ExportTargetError(f"The folder {folder} does not exist; create it first or export elsewhere.")
    if not folder.is_dir():
        raise ExportTargetError(f"{folder} is not a folder.")
    if not os.access(folder, os.W_OK):
        raise ExportTargetError(f"The folder {folder} is read-only; export elsewhere.")


def write_atomically(target: Path, content: bytes) -> None:
    """Replace ``target`` with ``content`` in one rename from a flushed temporary file beside it."""
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        # Created like any new file (the umask applies), unlike mkstemp's owner-only files.
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as error:
        raise ExportTargetError(f"{target} cannot be written ({error.strerror}).") from error
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise DraftsmithError(f"{target} could not be written ({error.strerror}); nothing was changed.") from error
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _is_project_file(project_file: Path, target: Path) -> bool:
    project = project_file.expanduser().resolve()
    companions = {*project_files(project), lock_path(project)}
    resolved = target.resolve()
    if resolved in companions:
        return True
    with contextlib.suppress(OSError):
        return target.exists() and os.path.samefile(target, project)
    return False


def sidecar_path(target: Path) -> Path:
    return target.with_name(target.name + ".provenance.json")


def provenance_sidecar(project_file: Path, target: Path, options: ExportOptions, force: bool = False) -> Path:
    """Write ``TARGET.provenance.json`` beside an export: the records of the generated passages it holds."""
    sidecar = sidecar_path(target)
    check_export_target(project_file, sidecar, force)
    chapters = parse_chapter_range(options.chapters)
    with ProjectStore(project_file, read_only=True) as store:
        book = book_for_export(store, project_file.stem, chapters)
        records = [{"chapter": document.title, **origin.as_dict()} for document in book.documents
                   for origin in origins(store, document.id)]
    write_atomically(sidecar, json.dumps(records, indent=2, ensure_ascii=False).encode("utf-8"))
    return sidecar
