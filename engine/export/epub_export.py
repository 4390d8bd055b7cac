"""The manuscript as an EPUB 3 book (ebooklib): metadata, a navigation document, a file per chapter.

Each part and chapter is one XHTML file; the navigation document (and the NCX that
older readers use) nests chapters under their parts. Italics become ``<em>``, scene
breaks an ``<hr>``, verse keeps its line breaks. The identifier is derived from the
title and author, so exporting the same book twice gives the same identifier and
a reader's library treats it as one book.
"""

from __future__ import annotations

import html
import io
import uuid

from ebooklib import epub

from engine.export.book_contents import BookForExport
from engine.export.prose_markup import Block, blocks

STYLESHEET = """body { font-family: serif; line-height: 1.4; }
h1, h2 { text-align: center; margin: 2em 0 1em; }
p { text-indent: 1.5em; margin: 0; }
h1 + p, h2 + p, hr + p { text-indent: 0; }
hr.scene-break { border: none; text-align: center; margin: 1em 0; }
hr.scene-break::after { content: "* * *"; }
"""


def epub_bytes(book: BookForExport) -> bytes:
    publication = epub.EpubBook()
    publication.set_identifier(f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'draftsmith:{book.title}:{book.author}')}")
    publication.set_title(book.title)
    publication.set_language(book.language)
    if book.author:
        publication.add_author(book.author)
    style = epub.EpubItem(uid="style", file_name="style/book.css", media_type="text/css", content=STYLESHEET)
    publication.add_item(style)
    spine: list[object] = ["nav"]
    toc: list[object] = []
    current_part: list[object] | None = None
    for number, item in enumerate(book.documents, start=1):
        title = item.title if item.kind != "front" else "Front matter"
        level = 1 if item.kind == "part" or not book.has_parts else 2
        name = f"{'part' if item.kind == 'part' else 'chapter'}-{number:04d}.xhtml"  # beside the stylesheet's folder
        page = epub.EpubHtml(title=title, file_name=name, lang=book.language)
        page.content = _page(item.title if item.kind != "front" else "", level, item.text)
        page.add_item(style)
        publication.add_item(page)
        spine.append(page)
        if item.kind == "part":
            current_part = []
            toc.append((epub.Section(item.title, href=page.file_name), current_part))
        elif item.kind == "chapter" and current_part is not None:
            current_part.append(page)
        else:
            toc.append(page)
    publication.toc = toc
    publication.spine = spine
    publication.add_item(epub.EpubNcx())
    publication.add_item(epub.EpubNav())
    output = io.BytesIO()
    epub.write_epub(output, publication)
    return output.getvalue()


def _page(title: str, level: int, text: str) -> str:
    parts = [f"<h{level}>{html.escape(title)}</h{level}>"] if title else []
    parts += [_block(block) for block in blocks(text)]
    return "\n".join(parts) or "<p></p>"


def _block(block: Block) -> str:
    if block.is_scene_break:
        return '<hr class="scene-break"/>'
    inner = "".join(f"<em>{_escape(run.text)}</em>" if run.italic else _escape(run.text) for run in block.runs)
    return f"<p>{inner}</p>"


def _escape(text: str) -> str:
    return html.escape(text, quote=False).replace("\n", "<br/>")
