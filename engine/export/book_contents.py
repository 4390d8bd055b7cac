"""What an export holds: the book's metadata and the documents chosen, in reading order."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from memory.errors import ProjectError
from memory.storage.outline_store import load_outline
from memory.storage.store import Document, ProjectStore
from memory.text.printable import without_control_characters

AUTHOR_SETTING = "book.author"
LANGUAGE_SETTING = "book.language"
_RANGE = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$")


@dataclass(frozen=True)
class BookForExport:
    title: str
    author: str
    language: str
    documents: tuple[Document, ...]

    @property
    def has_parts(self) -> bool:
        return any(document.kind == "part" for document in self.documents)

    @property
    def author_surname(self) -> str:
        return self.author.split()[-1] if self.author.strip() else "Anonymous"

    @property
    def short_title(self) -> str:
        words = self.title.split()
        return " ".join(words[:4]) if words else "Untitled"


def parse_chapter_range(text: str | None) -> range | None:
    """``"3-7"`` as chapters 3 to 7, ``"4"`` as chapter 4, None as the whole book."""
    if text is None:
        return None
    match = _RANGE.match(text)
    if not match:
        raise ProjectError(f"--chapters takes N or N-M, such as 3-7, not {text!r}.")
    first, last = int(match.group(1)), int(match.group(2) or match.group(1))
    if first < 1 or last < first:
        raise ProjectError(f"--chapters {text} is not a range of chapters from 1 up.")
    return range(first, last + 1)


def book_for_export(store: ProjectStore, fallback_title: str, chapters: range | None = None,
                    title: str | None = None, author: str | None = None,
                    language: str | None = None) -> BookForExport:
    """The documents to export (front matter and parts only where their chapters are chosen).

    Control characters are left out of every title, text and metadata field: they are
    invisible in the editor, and the XML inside Word and EPUB files cannot hold them.
    A damaged outline costs the export only the book's title, never the manuscript.
    """
    documents = store.documents()
    if chapters is not None:
        documents = _chosen(documents, chapters)
    try:
        book = load_outline(store).book
    except ProjectError:
        book = None
    return BookForExport(
        title=without_control_characters(
            title or (book.title if book is not None and book.title != "Untitled" else fallback_title)),
        author=without_control_characters(author or str(store.get_setting(AUTHOR_SETTING, "") or "")),
        language=without_control_characters(language or str(store.get_setting(LANGUAGE_SETTING, "en") or "en")),
        documents=tuple(replace(document, title=without_control_characters(document.title),
                                text=without_control_characters(document.text)) for document in documents),
    )


def _chosen(documents: list[Document], chapters: range) -> list[Document]:
    numbered = [document for document in documents if document.kind == "chapter"]
    if chapters.start > len(numbered):
        raise ProjectError(f"There is no chapter {chapters.start}; the manuscript has {len(numbered)}.")
    wanted = {document.id for document in numbered[chapters.start - 1 : chapters.stop - 1]}
    parts = {document.parent_id for document in numbered if document.id in wanted}
    return [document for document in documents if document.id in wanted or document.id in parts]
