"""A position in the manuscript: where the next words will be written.

The assembler needs the chunks wholly before the position and, when it falls
inside a chunk, the part of that chunk before it.
"""

from __future__ import annotations

from dataclasses import dataclass

from memory.errors import ProjectError
from memory.project import Project
from memory.text.manuscript import paragraph_spans


@dataclass(frozen=True)
class Cursor:
    chunk_index: int
    """Chunks [0, chunk_index) lie wholly before the cursor."""
    partial: str = ""
    """Text of chunk ``chunk_index`` that precedes the cursor."""


def end_of_manuscript(project: Project) -> Cursor:
    return Cursor(len(project.chunks))


def cursor_at(project: Project, chapter: int | None = None, paragraph: int | None = None) -> Cursor:
    """Before paragraph ``paragraph`` (1-based) of chapter ``chapter`` (1-based); its start by default.

    No chapter means the end of the manuscript.
    """
    if chapter is None:
        return end_of_manuscript(project)
    return cursor_at_offset(project, *position_at(project, chapter, paragraph))


def position_at(project: Project, chapter: int | None = None, paragraph: int | None = None) -> tuple[int, int]:
    """The document and character offset before paragraph ``paragraph`` of chapter ``chapter``.

    No chapter means the end of the last chapter (of the last story document if there
    are no chapters): where new text goes at the end of the book.
    """
    chapters = [d for d in project.documents if d.kind == "chapter"]
    if chapter is None:
        story = chapters or [d for d in project.documents if d.kind != "front"]
        if not story:
            raise ProjectError("The manuscript has no chapter to continue; import or write one first.")
        return story[-1].id, len(story[-1].text)
    if not 1 <= chapter <= len(chapters):
        raise ProjectError(f"There is no chapter {chapter}; the manuscript has {len(chapters)}.")
    document = chapters[chapter - 1]
    spans = paragraph_spans(document.text)
    paragraph = paragraph or 1
    if not 1 <= paragraph <= len(spans) + 1:
        raise ProjectError(f"Chapter {chapter} has {len(spans)} paragraphs; there is no paragraph {paragraph}.")
    return document.id, spans[paragraph - 1][0] if paragraph <= len(spans) else len(document.text)


def cursor_at_offset(project: Project, document_id: int, offset: int) -> Cursor:
    """The cursor at character ``offset`` of a document's text."""
    refs = project.chunks
    first = next((i for i, ref in enumerate(refs) if ref.document_id == document_id), None)
    if first is None:  # an empty document: the cursor sits after everything before it
        position = next(d.position for d in project.documents if d.id == document_id)
        earlier = {d.id for d in project.documents if d.position < position}
        return Cursor(sum(1 for ref in refs if ref.document_id in earlier))
    index = first
    while index < len(refs) and refs[index].document_id == document_id:
        start, end = project.store.chunk_span(refs[index].id)
        if offset < end:
            if offset <= start:
                return Cursor(index)
            text = project.store.chunk_texts([refs[index].id])[refs[index].id]
            return Cursor(index, text[: offset - start].rstrip())
        index += 1
    return Cursor(index)
