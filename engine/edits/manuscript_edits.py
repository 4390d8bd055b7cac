"""The writer's own changes to the manuscript, as the app makes them: one call per action.

Saving a chapter re-chunks it and refreshes the summaries that depend on it
(``memory.editing``). Generated text the writer keeps goes through ``keeping``.
"""

from __future__ import annotations

from memory.drafts import chapter_document
from memory.editing import save_document_text
from memory.project import Project
from memory.storage.outline import OutlineNode
from memory.storage.store import Document


def save_chapter_text(project: Project, document_id: int, text: str, keep_version: bool = False) -> bool:
    """Store a chapter's text as the writer left it; ``keep_version`` keeps the text it replaces."""
    return save_document_text(project, document_id, text, keep_version=keep_version)


def chapter_for_drafting(project: Project, chapter: OutlineNode) -> Document:
    """The manuscript chapter an outline chapter is drafted into, made (empty) when it has none."""
    return chapter_document(project, chapter)
