"""Importing manuscripts: headings, reconciliation, odd files, nothing half-written."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from memory.errors import ManuscriptError
from memory.export import export_manuscript
from memory.importer import import_manuscript, import_text
from memory.manuscript_files import MAX_MANUSCRIPT_BYTES
from memory.project import Project
from memory.storage.store import ProjectStore
from memory.text.manuscript import parse_manuscript
from tests.conftest import NOVELS


def headings_table(corpus: Path, name: str) -> list[tuple[str, str]]:
    with (corpus / "chapters" / f"{name}.chapters.tsv").open() as handle:
        return [(row["kind"], row["heading"]) for row in csv.DictReader(handle, delimiter="\t")]


@pytest.mark.parametrize(("name", "chapters", "parts"), [("pride_and_prejudice", 61, 0), ("treasure_island", 34, 6)])
def test_novels_import_with_their_chapter_tables(name: str, chapters: int, parts: int, corpus: Path,
                                                 request: pytest.FixtureRequest,
        default_model_path: Path) -> None:
    project: Project = request.getfixturevalue("pride_project" if name.startswith("pride") else "treasure_project")
    documents = [d for d in project.store.documents() if d.kind != "front"]
    assert sum(d.kind == "chapter" for d in documents) == chapters
    assert sum(d.kind == "part" for d in documents) == parts
    assert [(d.kind, d.title) for d in documents] == headings_table(corpus, name)


@pytest.mark.parametrize("name", NOVELS)
def test_every_heading_keeps_the_words_it_was_written_with(name: str, corpus: Path) -> None:
    """A title is the book's own heading line ("Chapter 6. Baskerville Hall"), or a number line and the
    title line under it, never a rewording."""
    lines = [" ".join(line.split()) for line in (corpus / f"{name}.txt").read_text(encoding="utf-8").split("\n")]
    written = [line for line in lines if line]
    as_written = set(written) | {f"{number} {title}" for number, title in zip(written, written[1:])}
    titles = [d.title for d in parse_manuscript("\n".join(lines)) if d.kind != "front"]
    assert titles and all(title in as_written for title in titles)


def test_chapter_word_counts_match_the_table(pride_project: Project, corpus: Path) -> None:
    with (corpus / "chapters" / "pride_and_prejudice.chapters.tsv").open() as handle:
        expected = [int(row["words_until_next_heading"]) for row in csv.DictReader(handle, delimiter="\t")]
    words = [d.words for d in pride_project.store.chapters()]
    for got, want in zip(words, expected):
        assert abs(got - want) <= max(3, want * 0.01)


def test_parts_own_their_chapters(treasure_project: Project) -> None:
    documents = treasure_project.store.documents()
    parts = {d.id: d.title for d in documents if d.kind == "part"}
    chapter_seven = [d for d in documents if d.kind == "chapter"][6]
    assert parts[chapter_seven.parent_id] == "PART TWO--The Sea-cook"


def test_reimport_after_an_edit_only_changes_what_changed(tmp_path: Path, corpus: Path, tokenizer) -> None:
    source = tmp_path / "book.txt"
    text = (corpus / "treasure_island.txt").read_text()
    source.write_text(text)
    store = ProjectStore(tmp_path / "book.draftsmith", create=True)
    first = import_manuscript(store, source, tokenizer.count_tokens)
    before = {ref.hash for ref in store.chunk_refs()}
    edited = text.replace("Black Dog Appears and Disappears\n\n\n", "Black Dog Appears and Disappears\n\n\n"
                          "A new opening paragraph, written by the author on a later day, for the second chapter.\n\n")
    assert edited != text
    source.write_text(edited)
    second = import_manuscript(store, source, tokenizer.count_tokens)
    assert second.changed_documents == 1
    assert 1 <= second.new_chunks <= 2
    assert first.chunks <= second.chunks <= first.chunks + 1
    after = {ref.hash for ref in store.chunk_refs()}
    assert len(before - after) <= 2
    chapter_two = store.chapters()[1]
    versions = [text for _, text in store.versions(chapter_two.id)]
    assert len(versions) == 1  # the replaced text is kept
    assert versions[0].startswith("IT was not very long after this")
    assert chapter_two.text.startswith("A new opening paragraph")


def test_a_reimport_keeps_a_chapter_whose_heading_changed_only_its_punctuation(tmp_path: Path, tokenizer) -> None:
    """A project whose titles were stored reworded ("Chapter 1 The Quay", as older imports did),
    or a writer who retouches a heading's punctuation, keeps the same chapters: their ids (which
    the outline and provenance point at) and chunks stay, and the title becomes the book's."""
    prose = "Ada walked along the quay while the gulls cried over the grey water and the boats came in."
    source = tmp_path / "quay.txt"
    source.write_text(f"Chapter 1. The Quay\n\n{prose}\n\nChapter 2. The Light\n\n{prose} Then it rained.\n")
    store = ProjectStore(tmp_path / "quay.draftsmith", create=True)
    import_manuscript(store, source, tokenizer.count_tokens)
    before = {d.id: d.title for d in store.chapters()}
    hashes = {ref.hash for ref in store.chunk_refs()}
    with store.transaction():
        store.db.execute("UPDATE documents SET title = REPLACE(title, '.', '')")
    assert [d.title for d in store.chapters()] == ["Chapter 1 The Quay", "Chapter 2 The Light"]
    report = import_manuscript(store, source, tokenizer.count_tokens)
    assert {d.id: d.title for d in store.chapters()} == before
    assert report.changed_documents == 0 and report.removed_documents == 0
    assert {ref.hash for ref in store.chunk_refs()} == hashes


def test_crlf_and_lf_import_the_same(tmp_path: Path, tokenizer) -> None:
    text = "Chapter 1\n\nIt was a cold morning and the kettle would not boil for anyone.\n\nChapter 2\n\n" \
           "By noon the snow had stopped, and Margaret walked down to the village.\n"
    lf, crlf = tmp_path / "lf.txt", tmp_path / "crlf.txt"
    lf.write_text(text)
    crlf.write_bytes(text.replace("\n", "\r\n").encode())
    results = []
    for path in (lf, crlf):
        store = ProjectStore(tmp_path / f"{path.stem}.draftsmith", create=True)
        import_manuscript(store, path, tokenizer.count_tokens)
        results.append([(d.title, d.text) for d in store.documents()])
    assert results[0] == results[1]
    assert [title for title, _ in results[0]] == ["Chapter 1", "Chapter 2"]


def test_windows_1252_text_imports(tmp_path: Path, tokenizer) -> None:
    path = tmp_path / "old.txt"
    text = "Chapter 1\n\n\u201cCaf\u00e9,\u201d she said, and smiled at the waiter who did not.\n"
    path.write_bytes(text.encode("cp1252"))
    store = ProjectStore(tmp_path / "old.draftsmith", create=True)
    report = import_manuscript(store, path, tokenizer.count_tokens)
    assert report.encoding == "cp1252"
    assert "\u201cCaf\u00e9,\u201d" in store.chapters()[0].text


def test_a_manuscript_without_headings_becomes_one_chapter(tmp_path: Path, tokenizer) -> None:
    path = tmp_path / "draft.md"
    path.write_text("The first paragraph of a draft with no headings at all, just prose.\n\nAnd a second one.\n")
    store = ProjectStore(tmp_path / "draft.draftsmith", create=True)
    import_manuscript(store, path, tokenizer.count_tokens)
    assert [(d.kind, d.title) for d in store.documents()] == [("chapter", "draft")]


def test_heading_styles(tmp_path: Path, tokenizer) -> None:
    prose = "Somebody walked somewhere and thought about something for a long while.\n\n"
    text = "".join(f"{heading}\n\n{prose}" for heading in
                   ["CHAPTER I", "II. The Trial", "Letter 3", "4", "# Markdown heading", "Prologue"])
    store = ProjectStore(tmp_path / "styles.draftsmith", create=True)
    import_text(store, text, tokenizer.count_tokens)
    titles = [d.title for d in store.chapters()]
    assert titles[:4] == ["CHAPTER I", "II. The Trial", "Letter 3", "4"]
    assert "Markdown heading" in titles and "Prologue" in titles


def test_docx_import(tmp_path: Path, tokenizer) -> None:
    import docx

    document = docx.Document()
    document.add_heading("The Beginning", level=1)
    document.add_paragraph("Mara opened the shop at six, as she had every morning for eleven years.")
    document.add_heading("The Middle", level=1)
    document.add_paragraph("The stranger came in at noon and asked for a clock that had never been made.")
    path = tmp_path / "novel.docx"
    document.save(path)
    store = ProjectStore(tmp_path / "novel.draftsmith", create=True)
    import_manuscript(store, path, tokenizer.count_tokens)
    assert [d.title for d in store.chapters()] == ["The Beginning", "The Middle"]
    assert store.chapters()[1].text.startswith("The stranger came in at noon")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8, "looks like a binary file"),
        (b"", "is empty"),
        (b"   \n\n \t\n", "holds only white space"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_written(tmp_path: Path, tokenizer, content: bytes,
                                                      message: str) -> None:
    store = ProjectStore(tmp_path / "book.draftsmith", create=True)
    import_text(store, "Chapter 1\n\nThe only chapter, which must survive a failed import intact.\n",
                tokenizer.count_tokens)
    before = [(d.title, d.text) for d in store.documents()]
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(ManuscriptError, match=message):
        import_manuscript(store, path, tokenizer.count_tokens)
    assert [(d.title, d.text) for d in store.documents()] == before


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path: Path, tokenizer) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(MAX_MANUSCRIPT_BYTES + 1)
    store = ProjectStore(tmp_path / "huge.draftsmith", create=True)
    with pytest.raises(ManuscriptError, match="Split it into volumes"):
        import_manuscript(store, path, tokenizer.count_tokens)
    assert store.documents() == []


def test_export_round_trips(tmp_path: Path, treasure_project: Project, tokenizer) -> None:
    exported = tmp_path / "exported.md"
    exported.write_text(export_manuscript(treasure_project.store, "md"))
    store = ProjectStore(tmp_path / "again.draftsmith", create=True)
    import_manuscript(store, exported, tokenizer.count_tokens)
    original = [(d.kind, d.title, d.text) for d in treasure_project.store.documents() if d.kind != "front"]
    again = [(d.kind, d.title, d.text) for d in store.documents() if d.kind != "front"]
    assert again == original


def test_text_export_keeps_every_chapter(pride_project: Project) -> None:
    text = export_manuscript(pride_project.store, "txt")
    assert text.count("\nChapter ") == 61
    assert "It is a truth universally acknowledged" in text
