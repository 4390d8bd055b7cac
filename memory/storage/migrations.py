"""Numbered, append-only schema migrations for the project file.

``PRAGMA user_version`` records how many have run. Never edit a released
migration: add the next one, so every older project file upgrades in order.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils

Migration = Callable[[sqlite_utils.Database], None]


def _m001_initial(db: sqlite_utils.Database) -> None:
    db["project"].create({"key": str, "value": str}, pk="key", if_not_exists=True)
    db["documents"].create(
        {"id": int, "kind": str, "title": str, "parent_id": int, "position": int, "text": str, "updated_at": str},
        pk="id",
        if_not_exists=True,
    )
    db["documents"].create_index(["position"], if_not_exists=True)
    db["chunks"].create(
        {"id": int, "document_id": int, "ordinal": int, "start": int, "end": int, "text": str,
         "tokens": int, "hash": str},
        pk="id",
        foreign_keys=[("document_id", "documents", "id")],
        if_not_exists=True,
    )
    db["chunks"].create_index(["document_id", "ordinal"], unique=True, if_not_exists=True)
    if not db["chunks_fts"].exists():
        db["chunks"].enable_fts(["text"], create_triggers=True, tokenize="porter unicode61")
    db["summaries"].create(
        {"key": str, "level": int, "text": str, "method": str, "model": str, "created_at": str}, pk="key",
        if_not_exists=True,
    )
    db["bible"].create(
        {"id": int, "name": str, "kind": str, "aliases": str, "pronouns": str, "facts": str,
         "mentions": int, "source": str, "updated_at": str},
        pk="id",
        if_not_exists=True,
    )
    db["bible"].create_index(["name"], unique=True, if_not_exists=True)
    db["settings"].create({"key": str, "value": str}, pk="key", if_not_exists=True)
    db["history"].create({"id": int, "at": str, "action": str, "detail": str}, pk="id", if_not_exists=True)
    db["document_versions"].create(
        {"id": int, "document_id": int, "title": str, "text": str, "saved_at": str}, pk="id",
        if_not_exists=True,
    )


def _m002_outline(db: sqlite_utils.Database) -> None:
    db["outline"].create(
        {"id": int, "parent_id": int, "position": int, "level": str, "title": str, "synopsis": str,
         "characters": str, "place": str, "target_words": int, "status": str, "document_id": int,
         "drafted_summary": str, "updated_at": str},
        pk="id",
        if_not_exists=True,
    )
    db["outline"].create_index(["parent_id", "position"], if_not_exists=True)
    db["drafts"].create(
        {"id": int, "node_id": int, "document_id": int, "text": str, "words": int, "created_at": str},
        pk="id",
        if_not_exists=True,
    )
    db["drafts"].create_index(["node_id"], if_not_exists=True)


def _m003_provenance(db: sqlite_utils.Database) -> None:
    db["provenance"].create(
        {"id": int, "document_id": int, "kind": str, "text": str, "record": str, "created_at": str},
        pk="id",
        if_not_exists=True,
    )
    db["provenance"].create_index(["document_id"], if_not_exists=True)


def _m004_alternatives(db: sqlite_utils.Database) -> None:
    db["alternatives"].create(
        {"id": int, "provenance_id": int, "text": str, "record": str, "created_at": str},
        pk="id",
        foreign_keys=[("provenance_id", "provenance", "id")],
        if_not_exists=True,
    )
    db["alternatives"].create_index(["provenance_id"], if_not_exists=True)


def _m005_bible_timeline(db: sqlite_utils.Database) -> None:
    """Facts that hold from a chapter on (a marriage and its new name, a death), and proposals."""
    if "timeline" not in db["bible"].columns_dict:
        db["bible"].add_column("timeline", str)


MIGRATIONS: list[Migration] = [_m001_initial, _m002_outline, _m003_provenance, _m004_alternatives,
                               _m005_bible_timeline]


def migrate(db: sqlite_utils.Database) -> int:
    """Run the migrations this file has not seen yet.

    Each runs in a transaction where SQLite allows it; creating the full-text index
    commits on its own, so every step is also safe to run twice after a crash.
    """
    current = db.execute("PRAGMA user_version").fetchone()[0]
    if current > len(MIGRATIONS):
        from memory.errors import ProjectError

        raise ProjectError(
            "This project was saved by a newer Draftsmith (schema "
            f"{current}, this one knows {len(MIGRATIONS)}); update Draftsmith to open it."
        )
    for number, migration in enumerate(MIGRATIONS[current:], start=current + 1):
        with db.conn:
            migration(db)
            db.execute(f"PRAGMA user_version = {number}")
    return len(MIGRATIONS)


def check_schema_current(db: sqlite_utils.Database, name: str) -> None:
    """A project opened read-only cannot be upgraded: refuse one from a newer Draftsmith.

    An older one reads as it is (migrations only add tables); readers of a table a
    later migration adds find it empty.
    """
    from memory.errors import ProjectError

    current = db.execute("PRAGMA user_version").fetchone()[0]
    if current > len(MIGRATIONS):
        raise ProjectError(f"{name} was saved by a newer Draftsmith (schema {current}, this one knows "
                           f"{len(MIGRATIONS)}); update Draftsmith to open it.")
