"""Drafted passages: the chapter document a chapter node is drafted into, and the record
that marks a beat drafted with its passage.

``engine.workflows.keeping`` calls ``record_draft`` in the transaction that stores the
passage in its chapter, so after a kill the project holds each passage exactly once
or not at all, and drafting resumes at the first node not yet drafted.
"""

from __future__ import annotations

from memory.project import Project
from memory.storage.outline import OutlineNode
from memory.storage.outline_store import load_outline
from memory.storage.store import Document, now

PASSAGE_SEPARATOR = "\n\n"


def chapter_document(project: Project, chapter: OutlineNode) -> Document:
    """The manuscript document a chapter node is drafted into, created empty if needed.

    A new chapter goes after the document of the nearest earlier drafted chapter,
    or after the imported manuscript, so documents stay in outline order.
    """
    store = project.store
    if chapter.document_id is not None:
        existing = {d.id: d for d in store.documents()}
        if chapter.document_id in existing:
            return existing[chapter.document_id]
    outline = load_outline(store)
    linked = {n.document_id for n in outline.nodes.values() if n.document_id is not None}
    documents = store.documents()
    earlier_ids: list[int] = []
    for node in outline.chapters():
        if node.id == chapter.id:
            break
        if node.document_id is not None:
            earlier_ids.append(node.document_id)
    anchors = [d.position for d in documents if d.id in earlier_ids]
    if not anchors:
        anchors = [d.position for d in documents if d.id not in linked]
    after = max(anchors) if anchors else -10
    with store.transaction():
        position = store.make_room_after(after)
        document = Document(store.next_document_id(), "chapter", chapter.title, None, position, "")
        store.put_document(document, [])
        store.db["outline"].update(chapter.id, {"document_id": document.id, "updated_at": now()})
    chapter.document_id = document.id
    return document


def drafted_passages(project: Project, node_ids: list[int]) -> dict[int, str]:
    """The passage last drafted for each of ``node_ids`` that has one."""
    if not node_ids:
        return {}
    marks = ",".join("?" * len(node_ids))
    rows = project.store.db.execute(
        f"SELECT node_id, text FROM drafts WHERE node_id IN ({marks}) ORDER BY id", node_ids
    ).fetchall()
    return dict(rows)


def record_draft(project: Project, node_id: int, document_id: int, passage: str) -> None:
    """Mark a node drafted with its passage; joins the transaction that keeps the passage."""
    store = project.store
    with store.transaction():
        store.db["drafts"].insert({"node_id": node_id, "document_id": document_id, "text": passage,
                                   "words": len(passage.split()), "created_at": now()})
        store.db["outline"].update(node_id, {"status": "drafted", "updated_at": now()})
