"""The project store: one SQLite file holding a whole book.

Manuscript documents (front matter, parts, chapters), their chunks, summaries,
the story bible, settings and history live in one portable file that a writer can
copy or back up. Every write is one transaction, and the file is in WAL mode, so
a crash leaves either the old state or the new, never half of an edit.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import sqlite_utils

from memory.errors import ProjectError
from memory.storage.migrations import check_schema_current, migrate
from memory.storage.store_files import check_project_path, check_writable, open_error, project_files
from memory.storage.writer_lock import ProjectBusyError, WriterLock
from memory.text.chunking import Chunk

APP_MARKER = "draftsmith-project"


@dataclass(frozen=True)
class Document:
    id: int
    kind: str
    title: str
    parent_id: int | None
    position: int
    text: str

    @property
    def words(self) -> int:
        return len(self.text.split())


@dataclass(frozen=True)
class ChunkRef:
    """A chunk's place and identity without its text: the pyramid is built from these."""

    id: int
    document_id: int
    ordinal: int
    tokens: int
    hash: str



def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class ProjectStore:
    """An open project file.

    Opened to write (the default), the store holds the project's writer lock until
    it is closed, so a second process that would change the project stops with a
    sentence instead of interleaving its transactions. ``read_only`` opens the
    file without the lock and without writing a byte: exporting and listing work
    while the app has the project open, and on files or folders the writer cannot
    change.
    """

    def __init__(self, path: Path | str, create: bool = False, read_only: bool = False) -> None:
        self.path = Path(path).expanduser()
        self.read_only = read_only
        self._lock: WriterLock | None = None
        check_project_path(self.path, create and not read_only)
        if not read_only:
            check_writable(self.path)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._lock = WriterLock(self.path)
        try:
            # The app reads the project from worker threads (context assembly while the UI
            # stays live); SQLite serialises access, and every write is one transaction.
            if read_only:
                connection = self._connect_read_only()
            else:
                connection = sqlite3.connect(self.path, check_same_thread=False)
            self.db = sqlite_utils.Database(connection)
            self.db.execute("PRAGMA foreign_keys = ON")
            self._check_is_project(create and not read_only)
            if read_only:
                check_schema_current(self.db, self.path.name)
            else:
                self.db.enable_wal()
                migrate(self.db)
                if create:
                    self.db["project"].upsert({"key": "app", "value": APP_MARKER}, pk="key")
        except sqlite3.DatabaseError as error:
            self._abandon()
            raise open_error(self.path, error) from None
        except BaseException:
            self._abandon()
            raise

    def _abandon(self) -> None:
        """Close what a failed open left open, at once (not when the error is collected)."""
        db = getattr(self, "db", None)
        if db is not None:
            db.close()
        self._release()

    def _connect_read_only(self) -> sqlite3.Connection:
        """Read without leaving a trace: no ``-wal`` or ``-shm`` file is made beside the project.

        When no writer has the project open (its lock is free and there is no WAL
        to replay), the writer lock is held for the read and the file is read as it
        stands (SQLite's ``immutable``), which creates nothing. When a writer has it
        open, the read goes through the writer's WAL, whose files exist already.
        """
        uri = self.path.resolve().as_uri()
        wal = project_files(self.path)[1]
        if WriterLock.held_here(self.path):
            return sqlite3.connect(f"{uri}?mode=ro", uri=True, check_same_thread=False)
        try:
            self._lock = WriterLock(self.path)
        except ProjectBusyError:
            return sqlite3.connect(f"{uri}?mode=ro", uri=True, check_same_thread=False)
        except ProjectError:  # a folder nobody can write to: nobody is writing
            pass
        if wal.exists() and wal.stat().st_size > 0:  # a writer's last commits, not yet in the file
            return sqlite3.connect(f"{uri}?mode=ro", uri=True, check_same_thread=False)
        return sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, check_same_thread=False)

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def _check_is_project(self, create: bool) -> None:
        tables = set(self.db.table_names())
        if tables and "project" not in tables:
            raise ProjectError(f"{self.path.name} is an SQLite file but not a Draftsmith project.")
        if not tables and not create:
            raise ProjectError(f"{self.path.name} is empty, not a Draftsmith project.")

    def close(self) -> None:
        try:
            self.db.close()
        finally:
            self._release()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction for everything inside, however deeply helpers nest.

        An explicit BEGIN (nested blocks become savepoints), so sqlite-utils' own
        writes inside join it instead of committing on their own. Drafting relies on
        this to store a passage and mark its beat done atomically.
        """
        with self.db.atomic():
            yield

    def __enter__(self) -> ProjectStore:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- change tracking --------------------------------------------------------

    @property
    def manuscript_version(self) -> int:
        """Grows with every manuscript change; caches of derived data compare it."""
        return int(self.get_setting("manuscript_version", 0))

    def _bump_version(self) -> None:
        self.set_setting("manuscript_version", self.manuscript_version + 1)

    # -- documents --------------------------------------------------------------

    def documents(self) -> list[Document]:
        rows = self.db.execute(
            "SELECT id, kind, title, parent_id, position, text FROM documents ORDER BY position"
        ).fetchall()
        return [Document(*row) for row in rows]

    def document(self, document_id: int) -> Document:
        row = self.db.execute(
            "SELECT id, kind, title, parent_id, position, text FROM documents WHERE id = ?", [document_id]
        ).fetchone()
        if row is None:
            raise ProjectError(f"The project has no document {document_id}.")
        return Document(*row)

    def chapters(self) -> list[Document]:
        return [document for document in self.documents() if document.kind == "chapter"]

    def write_documents(self, documents: list[tuple[Document, list[Chunk] | None]], removed: Iterable[int],
                        action: str, detail: dict[str, Any]) -> None:
        """Store a reconciled manuscript in one transaction.

        ``documents`` pairs each document with its new chunks, or None when its
        text is unchanged (its chunks stay). Replaced texts are kept as versions.
        """
        with self.transaction():
            for document_id in removed:
                self.keep_version(document_id)
                self.db.execute("DELETE FROM chunks WHERE document_id = ?", [document_id])
                self.db.execute("DELETE FROM documents WHERE id = ?", [document_id])
            for document, chunks in documents:
                if chunks is not None:
                    self.keep_version(document.id)
                self.db["documents"].upsert(
                    {"id": document.id, "kind": document.kind, "title": document.title,
                     "parent_id": document.parent_id, "position": document.position,
                     "text": document.text, "updated_at": now()},
                    pk="id",
                )
                if chunks is not None:
                    self._replace_chunks(document.id, chunks)
            self.log(action, detail)
            self._bump_version()

    def keep_version(self, document_id: int) -> None:
        self.db.execute(
            "INSERT INTO document_versions (document_id, title, text, saved_at) "
            "SELECT id, title, text, ? FROM documents WHERE id = ? AND text != ''",
            [now(), document_id],
        )

    def _replace_chunks(self, document_id: int, chunks: list[Chunk]) -> None:
        self.db.execute("DELETE FROM chunks WHERE document_id = ?", [document_id])
        self.db["chunks"].insert_all(
            ({"document_id": document_id, "ordinal": c.ordinal, "start": c.start, "end": c.end,
              "text": c.text, "tokens": c.tokens, "hash": c.hash} for c in chunks),
            batch_size=500,
        )

    def put_document(self, document: Document, chunks: list[Chunk]) -> None:
        """Write one document and its chunks in place, keeping no version of the old text.

        Drafting grows a chapter a passage at a time; keeping each intermediate text
        would store the chapter once per beat. Joins an enclosing transaction.
        """
        with self.transaction():
            self.db["documents"].upsert(
                {"id": document.id, "kind": document.kind, "title": document.title,
                 "parent_id": document.parent_id, "position": document.position,
                 "text": document.text, "updated_at": now()},
                pk="id",
            )
            self._replace_chunks(document.id, chunks)
            self._bump_version()

    def make_room_after(self, position: int) -> int:
        """Shift every document after ``position`` along and return a free position after it."""
        with self.transaction():
            self.db.execute("UPDATE documents SET position = position + 10 WHERE position > ?", [position])
        return position + 5

    def next_document_id(self) -> int:
        return (self.db.execute("SELECT MAX(id) FROM documents").fetchone()[0] or 0) + 1

    def versions(self, document_id: int) -> list[tuple[str, str]]:
        """Earlier texts of a document, oldest first, as (saved_at, text)."""
        return self.db.execute(
            "SELECT saved_at, text FROM document_versions WHERE document_id = ? ORDER BY id", [document_id]
        ).fetchall()

    # -- chunks -----------------------------------------------------------------

    def chunk_refs(self, story_only: bool = False) -> list[ChunkRef]:
        """Every chunk in reading order; ``story_only`` leaves out front matter (title pages, contents)."""
        where = "WHERE d.kind != 'front' " if story_only else ""
        rows = self.db.execute(
            "SELECT c.id, c.document_id, c.ordinal, c.tokens, c.hash FROM chunks c "
            f"JOIN documents d ON d.id = c.document_id {where}ORDER BY d.position, c.ordinal"
        ).fetchall()
        return [ChunkRef(*row) for row in rows]

    def chunk_texts(self, chunk_ids: Iterable[int]) -> dict[int, str]:
        return {row[0]: row[1] for row in self._rows_by_key("SELECT id, text FROM chunks WHERE id", chunk_ids)}

    def chunk_spans(self, chunk_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
        """(start, end) character offsets of chunks in their documents' texts, by chunk id."""
        query = "SELECT id, start, end FROM chunks WHERE id"
        return {row[0]: (row[1], row[2]) for row in self._rows_by_key(query, chunk_ids)}

    def _rows_by_key(self, query: str, keys: Iterable[object]) -> list[tuple]:
        """``query`` (ending in a column to match) run ``IN`` the keys, 500 at a time, SQLite's bound on parameters."""
        keys = list(keys)
        rows: list[tuple] = []
        for start in range(0, len(keys), 500):
            batch = keys[start : start + 500]
            rows.extend(self.db.execute(f"{query} IN ({','.join('?' * len(batch))})", batch).fetchall())
        return rows

    def chunk_span(self, chunk_id: int) -> tuple[int, int]:
        """(start, end) character offsets of a chunk in its document's text."""
        row = self.db.execute("SELECT start, end FROM chunks WHERE id = ?", [chunk_id]).fetchone()
        if row is None:
            raise ProjectError(f"The project has no chunk {chunk_id}.")
        return row[0], row[1]

    def chunks_matching(self, query: str) -> list[int]:
        """Ids of the chunks an FTS5 query matches (which match, not how well: no rank over the book)."""
        try:
            return [row[0] for row in self.db.execute("SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH ?", [query])]
        except sqlite3.OperationalError:
            return []

    # -- summaries --------------------------------------------------------------

    def summaries(self, keys: Iterable[str]) -> dict[str, tuple[str, str]]:
        """Stored summaries by group key, as (text, method)."""
        query = "SELECT key, text, method FROM summaries WHERE key"
        return {key: (text, method) for key, text, method in self._rows_by_key(query, keys)}

    def put_summaries(self, rows: Iterable[tuple[str, int, str, str, str]]) -> None:
        """Write (key, level, text, method, model) rows in one transaction."""
        with self.transaction():
            self.db["summaries"].upsert_all(
                ({"key": key, "level": level, "text": text, "method": method, "model": model,
                  "created_at": now()} for key, level, text, method, model in rows),
                pk="key",
                batch_size=500,
            )

    # -- settings and history ---------------------------------------------------

    def get_setting(self, key: str, default: Any = None) -> Any:
        row = self.db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return json.loads(row[0]) if row else default

    def set_setting(self, key: str, value: Any) -> None:
        self.db["settings"].upsert({"key": key, "value": json.dumps(value)}, pk="key")

    def log(self, action: str, detail: dict[str, Any]) -> None:
        self.db["history"].insert({"at": now(), "action": action, "detail": json.dumps(detail)})

    def history(self) -> Iterator[tuple[str, str, dict[str, Any]]]:
        for at, action, detail in self.db.execute("SELECT at, action, detail FROM history ORDER BY id"):
            yield at, action, json.loads(detail)
