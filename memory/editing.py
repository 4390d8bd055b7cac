"""Save what the writer typed: the editor's text goes into the project as it is.

Autosave runs every few seconds of typing, so it writes in place (one transaction,
re-chunked so memory sees the change) without keeping a version each time; a
version of the text as it was when the writer opened the document is kept once, on
the first save of a session, so an afternoon's edits can always be undone.
"""

from __future__ import annotations

from memory.project import Project
from memory.storage.store import Document
from memory.text.chunking import DEFAULT_CHUNK_TOKENS, chunk_document


def save_document_text(project: Project, document_id: int, text: str, keep_version: bool = False) -> bool:
    """Store ``text`` as the document's text; False when nothing changed."""
    store = project.store
    document = store.document(document_id)
    if document.text == text:
        return False
    chunk_tokens = int(store.get_setting("chunk_tokens", DEFAULT_CHUNK_TOKENS))
    with store.transaction():
        if keep_version:
            store.keep_version(document_id)
        updated = Document(document.id, document.kind, document.title, document.parent_id, document.position, text)
        store.put_document(updated, chunk_document(text, project.count_tokens, chunk_tokens))
        store.log("edit", {"document": document_id, "words": updated.words})
    return True
