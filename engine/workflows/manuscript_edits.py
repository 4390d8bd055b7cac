"""The writer's own changes to the manuscript, as the app makes them: one call per action.

Saving a chapter re-chunks it and refreshes the summaries that depend on it
(``memory.editing``); keeping a drafted passage records it against its outline node so
the node is marked drafted and its passage found again (``memory.drafts``).
"""

from __future__ import annotations

from memory.drafts import chapter_document, record_draft
from memory.editing import save_document_text
from memory.outline import OutlineNode
from memory.project import Project
from memory.store import Document


def save_chapter_text(project: Project, document_id: int, text: str, keep_version: bool = False) -> bool:
    """Store a chapter's text as the writer left it; ``keep_version`` keeps the text it replaces."""
    return save_document_text(project, document_id, text, keep_version=keep_version)


def chapter_for_drafting(project: Project, chapter: OutlineNode) -> Document:
    """The manuscript chapter an outline chapter is drafted into, made (empty) when it has none."""
    return chapter_document(project, chapter)


def keep_drafted_passage(project: Project, node_id: int, document_id: int, passage: str) -> None:
    """Mark outline node ``node_id`` drafted with ``passage``, kept in document ``document_id``."""
    record_draft(project, node_id, document_id, passage)
