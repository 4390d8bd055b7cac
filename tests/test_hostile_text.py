"""Text and names a writer never typed on purpose: control characters, escapes, undecodable bytes.

A manuscript can reach the project with invisible control characters (stored by an
older version, pasted into the editor, written by a model); every exporter must
still write a file its reader opens, and a file name built to take over the
terminal must import as any other, shown as visible escapes.
"""

from __future__ import annotations

import io
import sqlite3
import zipfile
from contextlib import closing
from pathlib import Path
from xml.etree import ElementTree

import docx
import pytest

from app.cli import main
from engine.edits.importing import import_into_project
from engine.export.exporting import EXPORT_FORMATS, ExportOptions, export_bytes
from engine.paths import draftsmith_paths
from memory.storage.store import ProjectStore
from memory.text.printable import control_characters, plain_name, safe_for_terminal, shown, without_control_characters

HOSTILE = "It was\x00 a dark\x07 night;\x0b the \x1b[2Jrain\x01 fell\x7f \x85hard\ufffe.\udcff"
PROSE = "\n\n".join(["She walked along the river for a long while, thinking of nothing at all."] * 20)


def test_control_characters_are_dropped_from_text_and_escaped_for_a_terminal() -> None:
    assert without_control_characters(HOSTILE) == "It was a dark night; the [2Jrain fell hard."
    assert control_characters(HOSTILE) == 9
    assert without_control_characters("tab\tand\nline") == "tab\tand\nline"
    assert plain_name("odd\n\x1b]0;t\x07  x ") == "odd ]0;t x"
    assert shown("a\nb\x1b[2J\udcff") == "a\\x0ab\\x1b[2J\\xff"
    assert safe_for_terminal("line\n\rprogress\x1b]0;t\x07") == "line\n\rprogress\\x1b]0;t\\x07"


@pytest.fixture(scope="module")
def hostile_project(tmp_path_factory: pytest.TempPathFactory, default_model_path: Path) -> Path:
    """A project whose stored chapter text and title hold control characters, as an older version left them."""
    folder = tmp_path_factory.mktemp("hostile")
    manuscript = folder / "book.txt"
    manuscript.write_text("Chapter 1\n\n" + PROSE + "\n", encoding="utf-8")
    outcome, _ = import_into_project(str(folder / "hostile.draftsmith"), manuscript)
    with closing(sqlite3.connect(outcome.project_file)) as db:
        db.execute("UPDATE documents SET text = text || ? , title = title || ? WHERE kind = 'chapter'",
                   ("\n\n" + HOSTILE.replace("\udcff", ""), "\x1b[31m\x00"))
        db.commit()
    return outcome.project_file


@pytest.mark.parametrize("file_format", EXPORT_FORMATS)
def test_every_exporter_writes_a_file_its_reader_opens(hostile_project: Path, file_format: str) -> None:
    content = export_bytes(hostile_project, ExportOptions(file_format, author="A\x07uthor", title="T\x00itle"))
    if file_format in ("md", "txt"):
        text = content.decode("utf-8")
        assert control_characters(text) == 0
        assert "It was a dark night; the [2Jrain fell hard." in text
        return
    if file_format == "docx":
        document = docx.Document(io.BytesIO(content))
        text = "\n".join(paragraph.text for paragraph in document.paragraphs)
        assert "It was a dark night; the [2Jrain fell hard." in text
        assert document.core_properties.author == "Author"
        return
    with zipfile.ZipFile(io.BytesIO(content)) as epub:
        pages = [name for name in epub.namelist() if name.endswith((".xhtml", ".opf", ".ncx"))]
        assert pages
        for name in pages:
            ElementTree.fromstring(epub.read(name))  # raises on any character XML cannot hold
        assert any("It was a dark night" in epub.read(name).decode() for name in pages)


def test_a_damaged_outline_costs_an_export_only_the_title(hostile_project: Path, tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.draftsmith"
    damaged.write_bytes(hostile_project.read_bytes())
    with closing(sqlite3.connect(damaged)) as db:
        db.executemany("INSERT INTO outline (id, parent_id, position, level, title, status) "
                       "VALUES (?, ?, 0, ?, 'x', 'planned')", [(1, None, "book"), (2, 3, "act"), (3, 2, "act")])
        db.commit()
    text = export_bytes(damaged, ExportOptions("md")).decode("utf-8")
    assert "She walked along the river" in text


def test_a_file_name_built_to_take_over_the_terminal_imports_with_visible_escapes(
        tmp_path: Path, session_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hostile = tmp_path / "odd\udcfe\n\x1b]0;title\x07.txt"
    hostile.write_text(PROSE + "\n", encoding="utf-8")  # no heading: the chapter is named after the file
    capsys.readouterr()
    assert main(["import", str(hostile)]) == 0
    captured = capsys.readouterr()
    for stream in (captured.out, captured.err):
        assert "\x1b" not in stream and "\x07" not in stream
        stream.encode("utf-8")
    assert "odd\\xfe\\x0a\\x1b]0;title\\x07.txt" in captured.err
    projects = list(draftsmith_paths().projects_dir.glob("odd*.draftsmith"))
    assert [project.name for project in projects] == ["odd ]0;title.draftsmith"]
    with ProjectStore(projects[0], read_only=True) as store:
        assert [document.title for document in store.documents()] == ["odd ]0;title"]
