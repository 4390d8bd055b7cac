"""Export to Word, EPUB and Markdown: real files read back with the libraries a reader would use."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_LINE_SPACING
from docx.shared import Inches, Pt

from engine.edits.importing import import_into_project
from engine.export.exporting import ExportOptions, ExportTargetError, export_bytes, export_to_file
from engine.export.prose_markup import blocks
from memory.errors import ProjectError
from memory.storage.store import ProjectStore

EPUBCHECK_JAR = Path("/usr/share/java/epubcheck.jar")


def documents(project: Path) -> list[tuple[str, str, str]]:
    with ProjectStore(project, read_only=True) as store:
        return [(d.kind, d.title, d.text) for d in store.documents()]


@pytest.fixture(scope="module")
def treasure(tmp_path_factory: pytest.TempPathFactory, corpus: Path, default_model_path: Path) -> Path:
    """Treasure Island (parts, numbered chapters with titles, italics) in a project of its own."""
    folder = tmp_path_factory.mktemp("export")
    outcome, _ = import_into_project(str(folder / "treasure.draftsmith"), corpus / "treasure_island.txt")
    return outcome.project_file


@pytest.mark.parametrize("suffix", ["docx", "md"])
def test_export_then_import_gives_back_the_same_book(treasure: Path, tmp_path: Path, suffix: str) -> None:
    exported = tmp_path / f"book.{suffix}"
    export_to_file(treasure, exported, ExportOptions(suffix))
    again, _ = import_into_project(str(tmp_path / "again.draftsmith"), exported)
    original, back = documents(treasure), documents(again.project_file)
    assert [(kind, title) for kind, title, _ in back] == [(kind, title) for kind, title, _ in original]
    assert back == original  # every word, every italic mark


def test_italics_and_scene_breaks_become_words_own() -> None:
    text = "She read _The Times_ and *smiled*.\n\n* * *\n\nLater, nothing."
    read = list(blocks(text))
    assert [run.italic for run in read[0].runs] == [False, True, False, True, False]
    assert read[1].is_scene_break and read[1].marker == "* * *"


def test_a_word_document_in_manuscript_format(treasure: Path, tmp_path: Path) -> None:
    target = tmp_path / "submission.docx"
    export_to_file(treasure, target, ExportOptions("docx", manuscript=True, author="Robert Louis Stevenson",
                                                   title="Treasure Island"))
    document = docx.Document(str(target))
    normal = document.styles["Normal"]
    assert normal.font.name == "Courier New" and normal.font.size == Pt(12)
    assert normal.paragraph_format.line_spacing_rule == WD_LINE_SPACING.DOUBLE
    assert normal.paragraph_format.first_line_indent == Inches(0.5)
    header = document.sections[0].header.paragraphs[0]
    assert header.text.startswith("Stevenson / Treasure Island / ")
    assert 'w:instrText' in header._p.xml and "PAGE" in header._p.xml
    headings = [p for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert len(headings) == 6 + 34
    assert all(p.paragraph_format.page_break_before for p in headings[1:])  # each on a new page
    assert document.core_properties.author == "Robert Louis Stevenson"


def test_chosen_chapters_only_with_their_parts(treasure: Path) -> None:
    text = export_bytes(treasure, ExportOptions("md", chapters="3-7")).decode()
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings[0].startswith("# PART ONE") and len([h for h in headings if h.startswith("## ")]) == 5
    assert "## 3 " in text and "## 7 " in text and "## 8 " not in text
    with pytest.raises(ProjectError, match="no chapter 99"):
        export_bytes(treasure, ExportOptions("md", chapters="99-100"))
    with pytest.raises(ProjectError, match="N-M"):
        export_bytes(treasure, ExportOptions("md", chapters="three"))


def test_an_epub_with_metadata_navigation_and_a_file_per_chapter(treasure: Path, tmp_path: Path) -> None:
    target = tmp_path / "treasure.epub"
    export_to_file(treasure, target, ExportOptions("epub", author="Robert Louis Stevenson"))
    with zipfile.ZipFile(target) as archive:
        assert archive.namelist()[0] == "mimetype" and archive.read("mimetype") == b"application/epub+zip"
        names = archive.namelist()
        assert len([n for n in names if n.endswith(".xhtml") and "/chapter-" in n]) >= 34
        package = next(archive.read(n).decode() for n in names if n.endswith(".opf"))
        nav = next(archive.read(n).decode() for n in names if n.endswith("nav.xhtml"))
    assert "<dc:creator" in package and "Robert Louis Stevenson" in package and "<dc:language>en" in package
    assert "PART ONE" in nav and "The Old Sea-dog at the Admiral Benbow" in nav


def epubcheck_command() -> list[str] | None:
    java = shutil.which("java")
    if java and EPUBCHECK_JAR.exists():
        return [java, "-jar", str(EPUBCHECK_JAR)]
    return None


@pytest.mark.skipif(epubcheck_command() is None,
                    reason="epubcheck is not installed (Debian: apt install epubcheck)")
def test_epubcheck_accepts_the_epub(treasure: Path, tmp_path: Path) -> None:
    target = tmp_path / "treasure.epub"
    export_to_file(treasure, target, ExportOptions("epub", author="Robert Louis Stevenson"))
    checked = subprocess.run([*epubcheck_command(), str(target)], capture_output=True, text=True, timeout=300)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "No errors or warnings detected" in checked.stdout


def test_a_word_or_epub_export_never_replaces_a_file_unasked(treasure: Path, tmp_path: Path) -> None:
    target = tmp_path / "book.docx"
    target.write_bytes(b"the writer's own document")
    with pytest.raises(ExportTargetError, match="--force"):
        export_to_file(treasure, target, ExportOptions("docx"))
    assert target.read_bytes() == b"the writer's own document"
    export_to_file(treasure, target, ExportOptions("docx"), force=True)
    assert docx.Document(io.BytesIO(target.read_bytes())).paragraphs
    with pytest.raises(ExportTargetError, match="--manuscript"):
        export_bytes(treasure, ExportOptions("epub", manuscript=True))


def test_a_markdown_export_carries_its_provenance_beside_it(tmp_path: Path, default_model_path: Path) -> None:
    from memory.storage.provenance import record_passage

    book = tmp_path / "book.md"
    book.write_text("# Chapter 1\n\nAda climbed the stairs. The lamp was cold.\n")
    outcome, _ = import_into_project(str(tmp_path / "book.draftsmith"), book)
    with ProjectStore(outcome.project_file) as store:
        chapter = store.chapters()[0]
        record_passage(store, chapter.id, "continue", "The lamp was cold.", {"model": "a model", "seed": 3})
    from app.cli import main

    assert main(["export", "--project", str(outcome.project_file), "--out", str(tmp_path / "out.md"),
                 "--provenance"]) == 0
    import json

    [record] = json.loads((tmp_path / "out.md.provenance.json").read_text())
    assert record["chapter"] == "Chapter 1" and record["text"] == "The lamp was cold."
    assert record["status"] == "as written" and record["record"]["model"] == "a model"
    import_into_project(str(outcome.project_file), tmp_path / "out.md")  # re-imported: the record stays
    with ProjectStore(outcome.project_file, read_only=True) as store:
        from memory.storage.provenance import origins

        [kept] = origins(store, store.chapters()[0].id)
    assert kept.text == "The lamp was cold." and kept.status == "as written"
