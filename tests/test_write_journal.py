"""The journal of a run of kept continuations, on a real project file."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.workflows.keeping import keep_continuation
from memory.editing import save_document_text
from memory.project import Project
from memory.storage.store import Document
from memory.write_journal import start_journal, unfinished_journal

pytestmark = pytest.mark.model

CHAPTER = "Ada climbed the stairs.\n\nThe lamp was cold.\n\nShe struck a match."


@pytest.fixture
def project(tmp_path: Path, tokenizer) -> Project:
    project = Project.open(tmp_path / "p.draftsmith", tokenizer.count_tokens, create=True)
    with project.store.transaction():
        project.store.put_document(Document(1, "chapter", "One", None, 0, ""), [])
    save_document_text(project, 1, CHAPTER)
    yield project
    project.close()


def test_kept_text_goes_where_the_journal_points_and_advances_it(project: Project) -> None:
    journal = start_journal(project, 1, CHAPTER.index("The lamp"), 50, at="1:2")
    assert journal.offset == CHAPTER.index("\n\nThe lamp")  # the end of the paragraph before
    journal = keep_continuation(project, journal, " It was late.")
    journal = keep_continuation(project, journal, "\n\nWind shook the glass.")
    assert project.store.document(1).text == (
        "Ada climbed the stairs. It was late.\n\nWind shook the glass.\n\nThe lamp was cold.\n\nShe struck a match.")
    assert (journal.steps, journal.written_words) == (2, 7)
    assert [entry for _, action, entry in project.store.history() if action == "keep"][-1]["step"] == 2


def test_a_stopped_run_is_found_again_only_when_started_the_same_way(project: Project) -> None:
    journal = keep_continuation(project, start_journal(project, 1, len(CHAPTER), 50), " The wick caught.")
    assert unfinished_journal(project, 50) == journal
    assert unfinished_journal(project, 80) is None  # another target
    assert unfinished_journal(project, 50, at="1:2") is None  # another place


def test_an_edit_before_the_point_or_a_finished_run_starts_afresh(project: Project) -> None:
    journal = keep_continuation(project, start_journal(project, 1, len(CHAPTER), 4), " The wick caught slowly.")
    assert journal.finished and unfinished_journal(project, 4) is None
    journal = keep_continuation(project, start_journal(project, 1, len(CHAPTER), 50), " Smoke rose.")
    save_document_text(project, 1, project.store.document(1).text.replace("Smoke rose.", "Smoke curled."))
    assert unfinished_journal(project, 50) is None
