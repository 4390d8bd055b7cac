"""Where each passage the model wrote came from, kept with the project.

When generated text is kept, a record is stored beside it: the kind of generation,
the passage as it was kept, and what produced it (the model and its file's hash,
style adapters, sampler settings and seed, the prompt's sections and hash), as
the engine describes them. Records are found again by their text in the chapter,
so they survive re-imports and edits elsewhere; a passage the writer has since
changed is reported as edited, never attributed to the model as it now reads.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from memory.store import ProjectStore, now

AS_WRITTEN = "as written"
EDITED = "edited since"

_SENTENCE_END = re.compile(r"(?<=[.!?\u201d\"'])\s+")


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

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def record_passage(store: ProjectStore, document_id: int, kind: str, text: str, record: dict[str, Any]) -> int:
    """Store the record of a kept passage; joins the transaction that keeps the text."""
    with store.transaction():
        return store.db["provenance"].insert({
            "document_id": document_id, "kind": kind, "text": text.strip(), "record": json.dumps(record),
            "created_at": now()}).last_pk


def origins(store: ProjectStore, document_id: int) -> list[PassageOrigin]:
    """Every record of the chapter, with its status against the chapter's text now."""
    text = store.document(document_id).text
    if not store.db["provenance"].exists():  # a project from before provenance, opened read-only
        return []
    rows = store.db.execute(
        "SELECT id, document_id, kind, text, record, created_at FROM provenance WHERE document_id = ? ORDER BY id",
        [document_id]).fetchall()
    return [_located(row, text) for row in rows]


def origins_between(store: ProjectStore, document_id: int, start: int, end: int) -> list[PassageOrigin]:
    """The records of passages that overlap ``[start, end)`` of the chapter's text, latest first."""
    found = [origin for origin in origins(store, document_id)
             if origin.start >= 0 and origin.start < end and origin.end > start]
    return sorted(found, key=lambda origin: -origin.id)


def _located(row: tuple, text: str) -> PassageOrigin:
    record_id, document_id, kind, passage, record, created_at = row
    start = text.find(passage)
    status, end = AS_WRITTEN, start + len(passage)
    if start < 0:
        status, start, end = EDITED, *_remains(passage, text)
    return PassageOrigin(record_id, document_id, kind, passage, json.loads(record), created_at, status, start, end)


def _remains(passage: str, text: str) -> tuple[int, int]:
    """Where what is left of an edited passage is: from the first to the last of its sentences the
    text still holds, or else from its opening (or closing) words; (-1, -1) when none is left."""
    spans = []
    for sentence in _SENTENCE_END.split(passage):
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
