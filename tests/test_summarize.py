"""Model summaries with the real default model: bottom-up, only what changed, resumable."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from engine.workflows.summarize import summarize_project
from memory.context.summaries import MODEL, summary_status
from memory.importer import import_text
from memory.project import Project
from memory.storage.store import ProjectStore


def opening_chapters(corpus: Path, count: int) -> str:
    text = (corpus / "pride_and_prejudice.txt").read_text()
    return text[: text.index(f"Chapter {count + 1}\n")]


def model_rows(path: Path) -> dict[str, str]:
    with sqlite3.connect(path) as connection:
        return dict(connection.execute("SELECT key, created_at FROM summaries WHERE method = 'model'"))


def test_summaries_are_written_and_only_changes_are_redone(tmp_path: Path, corpus: Path, tokenizer,
                                                           llama_backend) -> None:
    store = ProjectStore(tmp_path / "book.draftsmith", create=True)
    text = opening_chapters(corpus, 2)
    import_text(store, text, tokenizer.count_tokens)
    project = Project(store, tokenizer.count_tokens)
    report = summarize_project(project, llama_backend)
    status = summary_status(store, project.pyramid)
    assert report.written == status.groups == status.by_model
    summaries = store.summaries(group.key for group in project.pyramid.all_groups())
    assert all(text.strip() and method == MODEL for text, method in summaries.values())
    first = model_rows(store.path)

    edited = text.replace("Mr. Bennet was so odd a mixture", "Mr. Bennet, who was tired, was so odd a mixture")
    import_text(store, edited, tokenizer.count_tokens)
    again = summarize_project(project, llama_backend)
    assert 1 <= again.written <= len(project.pyramid.levels)
    assert again.already_done + again.written == summary_status(store, project.pyramid).groups
    after = model_rows(store.path)
    unchanged = set(first) & set(after)
    assert all(first[key] == after[key] for key in unchanged)  # nothing unchanged was redone


def test_summarize_stops_when_cancelled_and_resumes(tmp_path: Path, corpus: Path, tokenizer, llama_backend) -> None:
    store = ProjectStore(tmp_path / "book.draftsmith", create=True)
    import_text(store, opening_chapters(corpus, 2), tokenizer.count_tokens)
    project = Project(store, tokenizer.count_tokens)
    partial = summarize_project(project, llama_backend, limit=3)
    assert partial.written == 3 and partial.remaining > 0
    rest = summarize_project(project, llama_backend)
    assert rest.already_done == 3
    assert rest.remaining == 0
    assert summary_status(store, project.pyramid).by_model == partial.written + rest.written


def test_killed_summarize_resumes_without_redoing_work(tmp_path: Path, corpus: Path, tokenizer,
                                                      default_model_path: Path) -> None:
    manuscript = tmp_path / "book.txt"
    manuscript.write_text(opening_chapters(corpus, 3))
    project_file = tmp_path / "book.draftsmith"
    env = os.environ.copy()
    imported = subprocess.run([sys.executable, "-m", "app.cli", "import", str(manuscript), "--project",
                               str(project_file), "--json"], capture_output=True, text=True, env=env, timeout=120)
    assert imported.returncode == 0, imported.stderr
    process = subprocess.Popen([sys.executable, "-m", "app.cli", "summarize", "--project", str(project_file)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    deadline = time.monotonic() + 120
    # Killed once three summaries are kept; should the machine finish first, the kill is a
    # no-op and the resumed run must still redo nothing.
    while len(model_rows(project_file)) < 3 and process.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    done_before = model_rows(project_file)
    resumed = subprocess.run([sys.executable, "-m", "app.cli", "summarize", "--project", str(project_file), "--json"],
                             capture_output=True, text=True, env=env, timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    report = json.loads(resumed.stdout)
    assert report["already_done"] >= len(done_before)
    assert report["remaining"] == 0 and report["status_missing"] == 0
    assert report["status_by_model"] == report["status_groups"]
    after = model_rows(project_file)
    assert all(after[key] == created for key, created in done_before.items())


class SummaryFakeBackend:
    """A fake backend that answers each summary prompt with the next scripted line."""

    description = "summary fake model (tests)"
    context_length = 4096

    def __init__(self, answers: list[str]) -> None:
        self.answers = list(answers)
        self.calls = 0

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    def stream(self, prompt, settings, cancel=None):
        answer = self.answers[min(self.calls, len(self.answers) - 1)]
        self.calls += 1
        yield " " + answer


COPIED = "The captain tells Tom that he burned the map before they left Bristol."


@pytest.mark.parametrize(("answers", "kept_model_text"), [
    ([COPIED, "Ada rows out to the wreck and saves a sailor."], True),  # copied, then written afresh
    ([COPIED, COPIED], False),  # copied twice: the extractive summary stays
])
def test_a_summary_that_copies_the_prompts_example_is_not_kept(tmp_path: Path, answers, kept_model_text) -> None:
    import threading

    from engine.workflows.summarize import summarize_group
    from memory.importer import import_text
    from memory.project import Project

    project = Project.open(tmp_path / "s.draftsmith", lambda text: len(text.split()), create=True)
    try:
        import_text(project.store, "Chapter 1\n\nAda rowed out through the surf to the wreck, and in the trough "
                    "of a wave she found a sailor clinging to a spar.", project.count_tokens)
        project.ensure_summaries()
        group = project.pyramid.all_groups()[0]
        extractive = project.store.summaries([group.key])[group.key][0]
        summary = summarize_group(project, SummaryFakeBackend(answers), group, threading.Event())
    finally:
        project.close()
    assert "Bristol" not in summary and "Tom" not in summary
    assert summary == ("Ada rows out to the wreck and saves a sailor." if kept_model_text else extractive)
