"""Read a manuscript file (.txt, .md or .docx) into text.

Word documents are read with python-docx; their heading styles become Markdown
headings so one heading detector serves every format.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from memory.errors import ManuscriptError
from memory.storage.file_kinds import regular_file
from memory.text.printable import control_characters, without_control_characters
from memory.text.text_normalize import DecodedText, decode_manuscript

MAX_MANUSCRIPT_BYTES = 64 * 1024 * 1024
"""Far beyond any novel (a 500k-word book is about 3 MB); larger files are refused."""


def read_manuscript_file(path: Path) -> DecodedText:
    size = regular_file(path, "a .txt, .md or .docx", ManuscriptError).st_size
    if size > MAX_MANUSCRIPT_BYTES:
        raise ManuscriptError(
            f"{path.name} is {size / 1024 / 1024:.0f} MB; a manuscript is rarely over 5 MB, so this is "
            f"probably not one (the limit is {MAX_MANUSCRIPT_BYTES // 1024 // 1024} MB). Split it into volumes."
        )
    is_zip = zipfile.is_zipfile(path)
    if path.suffix.lower() == ".docx" and not is_zip:
        try:
            decode_manuscript(path.read_bytes(), path.name)
        except ManuscriptError:
            raise ManuscriptError(f"{path.name} is named .docx but is not a Word document.") from None
        raise ManuscriptError(f"{path.name} is named .docx but is not a Word document: it is plain text, "
                              "so rename it to .txt to import it.")
    if path.suffix.lower() == ".docx" or (is_zip and path.suffix.lower() not in (".txt", ".md")):
        text = _docx_text(path)
        return DecodedText(text=without_control_characters(text), encoding="docx",
                           control_characters=control_characters(text))
    return decode_manuscript(path.read_bytes(), path.name)


def _docx_text(path: Path) -> str:
    import docx  # python-docx; imported here because only .docx imports need it

    try:
        document = docx.Document(str(path))
    except Exception as error:  # python-docx raises several unrelated types for bad files
        raise ManuscriptError(f"{path.name} cannot be read as a Word document ({error}).") from error
    lines = []
    for paragraph in document.paragraphs:
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        text = _marked_text(paragraph).strip()
        if not text:
            continue
        if style.lower().startswith("heading") and style[-1:].isdigit():
            text = "#" * int(style[-1]) + " " + text
        lines.append(text)
    if not lines:
        raise ManuscriptError(f"{path.name} has no text in it.")
    return "\n\n".join(lines)


def _marked_text(paragraph) -> str:
    """The paragraph's text with italic runs as ``_underscores_``, as plain-text manuscripts mark them."""
    pieces: list[str] = []
    italic_open = False
    for run in paragraph.runs:
        italic = bool(run.italic) and bool(run.text.strip())
        if italic != italic_open:
            pieces.append("_")
            italic_open = italic
        pieces.append(run.text)
    if italic_open:
        pieces.append("_")
    marked = "".join(pieces)
    # Text outside runs (hyperlinks, fields) would be lost: fall back to the whole text then.
    return marked if marked.replace("_", "") == paragraph.text.replace("_", "") else paragraph.text
