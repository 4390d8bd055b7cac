"""Write the manuscript back out as Markdown or plain text, headings restored."""

from __future__ import annotations

from collections.abc import Sequence

from memory.storage.store import Document, ProjectStore


def export_manuscript(store: ProjectStore, file_format: str = "md") -> str:
    return export_documents(store.documents(), file_format)


def export_documents(documents: Sequence[Document], file_format: str = "md") -> str:
    """The documents as one text: Markdown headings (``md``) or bare title lines (``txt``)."""
    has_parts = any(d.kind == "part" for d in documents)
    blocks: list[str] = []
    for document in documents:
        if document.kind != "front":
            if file_format == "md":
                level = 1 if document.kind == "part" or not has_parts else 2
                blocks.append("#" * level + " " + document.title)
            else:
                blocks.append(document.title)
        if document.text:
            blocks.append(document.text)
    return "\n\n".join(blocks) + "\n"
