"""The manuscript as a Word document (python-docx), plain or in standard manuscript format.

Parts and chapters become Heading 1 and Heading 2 (chapters are Heading 1 in a book
without parts), the styles the importer reads, so a document exported and imported
again gives back the same chapters and text. Italics and scene breaks become Word's
own. The manuscript option follows the usual submission format: 12-point Courier
New, double spacing, half-inch first-line indents, a header with the author's
surname, a short title and the page number, and each chapter on a new page.
"""

from __future__ import annotations

import io

from docx import Document as new_document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt

from engine.export.book_contents import BookForExport
from engine.export.prose_markup import blocks

MANUSCRIPT_FONT = "Courier New"
SCENE_BREAK = "#"


def docx_bytes(book: BookForExport, manuscript: bool = False) -> bytes:
    document = new_document()
    document.core_properties.title = book.title
    document.core_properties.author = book.author
    document.core_properties.language = book.language
    if manuscript:
        _manuscript_format(document, book)
    first_heading = True
    for item in book.documents:
        if item.kind != "front":
            level = 1 if item.kind == "part" or not book.has_parts else 2
            heading = document.add_heading(item.title, level=level)
            if manuscript and not first_heading:
                heading.paragraph_format.page_break_before = True
            if manuscript:
                for run in heading.runs:
                    run.font.name = MANUSCRIPT_FONT
                    run.font.size = Pt(12)
            first_heading = False
        for block in blocks(item.text):
            if block.is_scene_break:
                paragraph = document.add_paragraph(SCENE_BREAK if manuscript else block.marker)
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                paragraph.paragraph_format.first_line_indent = Inches(0)
                continue
            paragraph = document.add_paragraph()
            for run in block.runs:
                pieces = run.text.split("\n")  # verse keeps its lines
                for index, piece in enumerate(pieces):
                    added = paragraph.add_run(piece)
                    added.italic = run.italic or None
                    if index < len(pieces) - 1:
                        added.add_break()
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def _manuscript_format(document, book: BookForExport) -> None:
    normal = document.styles["Normal"]
    normal.font.name = MANUSCRIPT_FONT
    normal.font.size = Pt(12)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), MANUSCRIPT_FONT)
    spacing = normal.paragraph_format
    spacing.line_spacing_rule = WD_LINE_SPACING.DOUBLE
    spacing.first_line_indent = Inches(0.5)
    spacing.space_before = Pt(0)
    spacing.space_after = Pt(0)
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    for margin in ("top_margin", "bottom_margin", "left_margin", "right_margin"):
        setattr(section, margin, Inches(1))
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    header.paragraph_format.first_line_indent = Inches(0)
    header.add_run(f"{book.author_surname} / {book.short_title} / ")
    _page_number_field(header)


def _page_number_field(paragraph) -> None:
    """Word's PAGE field, which shows each page's own number."""
    run = paragraph.add_run()
    begin, instruction, end = OxmlElement("w:fldChar"), OxmlElement("w:instrText"), OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = "PAGE"
    end.set(qn("w:fldCharType"), "end")
    run._r.append(begin)
    run._r.append(instruction)
    run._r.append(end)
