"""Write the manuscript back out as Markdown or plain text, headings restored."""

from __future__ import annotations

from memory.store import ProjectStore


def export_manuscript(store: ProjectStore, file_format: str = "md") -> str:
    documents = store.documents()
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
