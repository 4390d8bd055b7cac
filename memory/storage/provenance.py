"""Where each passage the model wrote came from, kept with the project.

When generated text is kept, a record is stored beside it: the kind of generation,
the passage as it was kept, and what produced it (the model and its file's hash,
style adapters, sampler settings and seed, the prompt's sections and hash), as
the engine describes them. Records are found again by their text in the chapter,
so they survive re-imports and edits elsewhere; a passage the writer has since
changed is reported as edited, never attributed to the model as it now reads.

The other versions generated for the same place are kept too, as a branch of the
kept passage, each with its own record. Whichever member of the branch the chapter
now holds is the current one: swapping a version in (or undoing the swap) changes
only the text, and the records follow.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from memory.storage.store import ProjectStore, now
from memory.text.text_analysis import split_sentences

AS_WRITTEN = "as written"
EDITED = "edited since"



@dataclass(frozen=True)
class PassageOrigin:
    """A kept passage's record, and how the chapter holds it now."""

    id: int
    document_id: int
    kind: str
    text: str
    record: dict[str, Any]
    created_at: str
    status: str
    """``AS_WRITTEN`` when the chapter still holds the passage word for word, else ``EDITED``."""
    start: int = -1
    end: int = -1
    """Where the passage (or what is left of it) is in the chapter's text; -1 when it is gone."""
    alternatives: tuple[Alternative, ...] = ()
    """The branch's other versions, for swapping in."""

    def as_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "alternatives": [alternative.__dict__ for alternative in self.alternatives]}


@dataclass(frozen=True)
class Alternative:
    """Another version generated for the same place, with its record. ``id`` 0 is the version first kept."""

    id: int
    text: str
    record: dict[str, Any]


def record_passage(store: ProjectStore, document_id: int, kind: str, text: str, record: dict[str, Any]) -> int:
    """Store the record of a kept passage; joins the transaction that keeps the text."""
    with store.transaction():
        return store.db["provenance"].insert({
            "document_id": document_id, "kind": kind, "text": text.strip(), "record": json.dumps(record),
            "created_at": now()}).last_pk


def keep_alternatives(store: ProjectStore, provenance_id: int, versions: list[tuple[str, dict[str, Any]]]) -> None:
    """Keep the versions not chosen for a place as a branch of the kept passage ``provenance_id``."""
    with store.transaction():
        store.db["alternatives"].insert_all(
            {"provenance_id": provenance_id, "text": text.strip(), "record": json.dumps(record), "created_at": now()}
            for text, record in versions if text.strip())


def delete_alternative(store: ProjectStore, alternative_id: int) -> bool:
    """Forget one kept alternative; the passage and the other versions stay."""
    with store.transaction():
        return store.db.execute("DELETE FROM alternatives WHERE id = ?", [alternative_id]).rowcount > 0


def origins(store: ProjectStore, document_id: int) -> list[PassageOrigin]:
    """Every record of the chapter, with its status against the chapter's text now."""
    text = store.document(document_id).text
    if not store.db["provenance"].exists():  # a project from before provenance, opened read-only
        return []
    rows = store.db.execute(
        "SELECT id, document_id, kind, text, record, created_at FROM provenance WHERE document_id = ? ORDER BY id",
        [document_id]).fetchall()
    branches = _branches(store, [row[0] for row in rows])
    return [_located(row, text, branches.get(row[0], [])) for row in rows]


def _branches(store: ProjectStore, provenance_ids: list[int]) -> dict[int, list[Alternative]]:
    if not provenance_ids or not store.db["alternatives"].exists():
        return {}
    found: dict[int, list[Alternative]] = {}
    for start in range(0, len(provenance_ids), 500):
        batch = provenance_ids[start : start + 500]
        marks = ",".join("?" * len(batch))
        for alternative_id, provenance_id, text, record in store.db.execute(
                f"SELECT id, provenance_id, text, record FROM alternatives WHERE provenance_id IN ({marks}) "
                "ORDER BY id", batch):
            found.setdefault(provenance_id, []).append(Alternative(alternative_id, text, json.loads(record)))
    return found


def origins_between(store: ProjectStore, document_id: int, start: int, end: int) -> list[PassageOrigin]:
    """The records of passages that overlap ``[start, end)`` of the chapter's text, latest first."""
    found = [origin for origin in origins(store, document_id)
             if origin.start >= 0 and origin.start < end and origin.end > start]
    return sorted(found, key=lambda origin: -origin.id)


def _located(row: tuple, text: str, branch: list[Alternative]) -> PassageOrigin:
    record_id, document_id, kind, passage, record, created_at = row
    members = [Alternative(0, passage, json.loads(record)), *branch]
    current = next((member for member in members if member.text in text), None)
    if current is None:  # changed by the writer: reported against the version first kept
        current, status = members[0], EDITED
        start, end = _remains(passage, text)
    else:
        status, start = AS_WRITTEN, text.find(current.text)
        end = start + len(current.text)
    others = tuple(member for member in members if member is not current)
    return PassageOrigin(record_id, document_id, kind, current.text, current.record, created_at, status, start, end,
                         others)


def _remains(passage: str, text: str) -> tuple[int, int]:
    """Where what is left of an edited passage is: from the first to the last of its sentences the
    text still holds, or else from its opening (or closing) words; (-1, -1) when none is left."""
    spans = []
    for sentence in split_sentences(passage):
        if len(sentence.split()) >= 4 and (at := text.find(sentence)) >= 0:
            spans.append((at, at + len(sentence)))
    if spans:
        return min(a for a, _ in spans), max(b for _, b in spans)
    words = passage.split()
    for size in range(min(6, len(words) - 1), 2, -1):
        head, tail = " ".join(words[:size]), " ".join(words[-size:])
        if (at := text.find(head)) >= 0:
            tail_at = text.find(tail, at)
            return at, tail_at + len(tail) if tail_at >= 0 else min(len(text), at + len(passage))
        if (at := text.find(tail)) >= 0:
            return max(0, at + len(tail) - len(passage)), at + len(tail)
    return -1, -1
