"""The recent text shows the book as the writer wrote it: headings in place, paragraphs whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from memory.context.assembler import assemble
from memory.context.cursor import cursor_at_offset, position_at
from memory.export import export_documents
from memory.importer import import_manuscript
from memory.project import Project
from memory.storage.store import Document

pytestmark = pytest.mark.model


def _book_before(project: Project, document_id: int, offset: int) -> str:
    """The manuscript as plain text, headings and all, up to ``offset`` of a document."""
    documents = project.documents
    index = next(i for i, d in enumerate(documents) if d.id == document_id)
    before = export_documents(documents[:index], "txt").rstrip()
    here = documents[index]
    blocks = [before, here.title if here.kind != "front" else "", here.text[:offset].rstrip()]
    return "\n\n".join(block for block in blocks if block)


@pytest.mark.parametrize("fixture", ["pride_project", "treasure_project"])
@pytest.mark.parametrize("budget", [1024, 3840])
def test_recent_text_is_the_book_as_written_before_the_cursor(fixture: str, budget: int,
                                                              request: pytest.FixtureRequest,
                                                              default_model_path: Path) -> None:
    project: Project = request.getfixturevalue(fixture)
    chapters = len(project.store.chapters())
    crossed = 0
    for chapter in range(2, chapters + 1, 3):
        for paragraph in (1, 2, 7):
            try:
                document_id, offset = position_at(project, chapter, paragraph)
            except Exception:  # a chapter shorter than seven paragraphs
                continue
            recent = assemble(project, budget, cursor_at_offset(project, document_id, offset)).section("recent")
            assert recent is not None
            assert _book_before(project, document_id, offset).endswith(recent.text), (chapter, paragraph)
            crossed += any(d.title + "\n\n" in recent.text for d in project.documents if d.kind == "chapter")
    assert crossed  # some of these recent texts run from one chapter into the next, under its heading


def test_a_paragraph_split_between_chunks_is_shown_whole(treasure_project: Project) -> None:
    refs = treasure_project.chunks
    spans = treasure_project.store.chunk_spans(ref.id for ref in refs)
    split = next(i for i in range(1, len(refs)) if refs[i].document_id == refs[i - 1].document_id
                 and spans[refs[i].id][0] - spans[refs[i - 1].id][1] < 2)
    document = next(d for d in treasure_project.documents if d.id == refs[split].document_id)
    end = spans[refs[split].id][1]
    context = assemble(treasure_project, 1024, cursor_at_offset(treasure_project, document.id, end))
    joint = document.text[spans[refs[split].id][0] - 30: spans[refs[split].id][0] + 30]
    assert "\n" not in joint  # the place is inside one paragraph of the book
    assert joint in context.section("recent").text


def test_a_new_chapter_with_no_text_yet_ends_the_prompt_with_its_heading(tmp_path: Path, tokenizer) -> None:
    manuscript = tmp_path / "book.txt"
    first = " ".join(f"Anna walked to the mill on day {n} and found the door shut." for n in range(40))
    manuscript.write_text(f"Chapter 1\n\n{first}\n", encoding="utf-8")
    project = Project.open(tmp_path / "book.draftsmith", tokenizer.count_tokens, create=True,
                           joins_add_up=tokenizer.joins_add_up)
    try:
        import_manuscript(project.store, manuscript, tokenizer.count_tokens)
        store = project.store
        with store.transaction():
            position = store.make_room_after(max(d.position for d in store.documents()))
            store.put_document(Document(store.next_document_id(), "chapter", "The Mill Race", None, position, ""), [])
        context = assemble(project, 1024)
        assert context.text.endswith(first.split(". ")[-1] + "\n\nThe Mill Race")
        assert tokenizer.count_tokens(context.text) == context.total_tokens <= 1024
        # Drafting gives the heading as the lead the model continues from: it is not shown twice.
        led = assemble(project, 1024, lead="The Mill Race\n\n")
        assert led.text.count("The Mill Race") == 1
    finally:
        project.close()
