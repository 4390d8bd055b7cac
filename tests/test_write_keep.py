"""``draftsmith write --keep --words N`` as a writer runs it overnight: real processes, the
real default model, a real project file; killed and run again."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_cli import draftsmith

pytestmark = pytest.mark.model

STEP_KEYS = {"step", "text", "words", "written_words", "target_words", "prompt_tokens", "reused_tokens",
             "generated_tokens", "first_token_seconds", "tokens_per_second", "anchor"}


@pytest.fixture(scope="module")
def hound(tmp_path_factory: pytest.TempPathFactory, corpus: Path, default_model_path: Path) -> Path:
    project = tmp_path_factory.mktemp("keep") / "hound.draftsmith"
    result = draftsmith("import", str(corpus / "the_hound_of_the_baskervilles.txt"), "--project", str(project))
    assert result.returncode == 0, result.stderr
    return project


@pytest.fixture
def project(hound: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "hound.draftsmith"
    shutil.copy(hound, copy)
    return copy


def last_chapter(project: Path) -> str:
    with sqlite3.connect(project) as db:
        return db.execute("SELECT text FROM documents WHERE kind = 'chapter' ORDER BY position DESC").fetchone()[0]


def keep_args(project: Path, words: int) -> list[str]:
    return ["write", "--project", str(project), "--keep", "--words", str(words), "--max-tokens", "40",
            "--seed", "5", "--ctx", "1024", "--json"]


def test_each_kept_continuation_is_stored_once_and_reported(project: Path) -> None:
    before = last_chapter(project)
    result = draftsmith(*keep_args(project, 60), timeout=600)
    assert result.returncode == 0, result.stderr
    steps = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert steps and all(STEP_KEYS <= step.keys() for step in steps)
    assert [step["step"] for step in steps] == list(range(1, len(steps) + 1))
    assert steps[-1]["written_words"] >= 60
    assert len(steps) == 1 or steps[-2]["written_words"] < 60  # it stops once the words are written
    after = last_chapter(project)
    assert after == before + "".join(step["text"] for step in steps)  # in order, each once, nothing else
    assert all(0 <= step["reused_tokens"] < step["prompt_tokens"] <= 1024 for step in steps)
    # After the first (cold) step, each prompt is mostly read from the cache.
    assert sum(step["reused_tokens"] for step in steps[1:]) >= 0.5 * sum(step["prompt_tokens"] for step in steps[1:])
    assert "Reading the prompt" in result.stderr  # the cold first prompt shows its progress


def test_a_killed_run_goes_on_without_storing_a_passage_twice(project: Path) -> None:
    before = last_chapter(project)
    process = subprocess.Popen([sys.executable, "-m", "app.cli", *keep_args(project, 150)], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True, env=os.environ.copy())
    first = json.loads(process.stdout.readline())
    process.send_signal(signal.SIGKILL)
    rest, _ = process.communicate(timeout=60)
    killed_steps = [first, *(json.loads(line) for line in rest.splitlines() if line.strip())]
    result = draftsmith(*keep_args(project, 150), timeout=600)
    assert result.returncode == 0, result.stderr
    assert "Going on from a stopped run" in result.stderr
    resumed = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert resumed[0]["step"] >= killed_steps[-1]["step"] + 1 and resumed[-1]["written_words"] >= 150
    after = last_chapter(project)
    assert after.startswith(before)
    for step in [*killed_steps, *resumed]:
        assert after.count(step["text"]) == 1
    assert after.endswith("".join(step["text"] for step in resumed))


def test_keep_needs_a_project_and_json_needs_keep(project: Path) -> None:
    assert draftsmith("write", "--keep", "--words", "10", "some text").returncode == 2
    assert draftsmith("write", "--project", str(project), "--words", "10").returncode == 2
    assert draftsmith("write", "--project", str(project), "--json").returncode == 2
    assert draftsmith("write", "--temperature", "nan", "text").returncode == 2


def test_each_kept_continuation_records_what_produced_it(project: Path, default_model_path: Path) -> None:
    from engine.provenance import file_sha256
    from memory.editing import save_document_text
    from memory.project import Project

    result = draftsmith(*keep_args(project, 30), timeout=600)
    assert result.returncode == 0, result.stderr
    steps = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    shown = draftsmith("provenance", "--project", str(project), "--at", "15", "--json")
    assert shown.returncode == 0, shown.stderr
    records = json.loads(shown.stdout)
    assert [r["text"] for r in records] == [step["text"].strip() for step in steps]
    for origin in records:
        assert origin["kind"] == "continue" and origin["status"] == "as written"
        record = origin["record"]
        assert record["model_sha256"] == file_sha256(default_model_path)
        assert record["seed"] is not None and record["sampler"]["max_tokens"] == 40
        assert [s["name"] for s in record["prompt"]["sections"]][-1] == "recent"
        assert len(record["prompt"]["sha256"]) == 64
    opened = Project.open(project, lambda text: len(text.split()))
    try:  # the writer changes a word of the first kept passage
        chapter = opened.store.chapters()[-1]
        first = records[0]["text"]
        changed = first.replace(first.split()[-1], "REWRITTEN", 1)
        save_document_text(opened, chapter.id, chapter.text.replace(first, changed))
    finally:
        opened.close()
    again = json.loads(draftsmith("provenance", "--project", str(project), "--at", "15", "--json").stdout)
    assert again[0]["status"] == "edited since"
    human = draftsmith("provenance", "--project", str(project), "--at", "15")
    assert "EDITED since it was kept" in human.stdout and "model:" in human.stdout


def test_the_recorded_try_written_again_gives_the_kept_text(project: Path, llama_backend) -> None:
    """The seed, sampler and prompt a kept step's record names write the same text again."""
    import hashlib

    from engine.backend.llama_internals import clear_cache
    from engine.backend.protocol import SamplingSettings
    from engine.workflows.continuation import Place, continue_prompt_for
    from engine.workflows.writing_session import write_and_keep
    from memory.editing import save_document_text
    from memory.project import Project
    from memory.storage.provenance import origins
    from memory.write_journal import start_journal

    opened = Project.open(project, llama_backend.count_tokens)
    try:
        chapter = opened.store.chapters()[-1]
        journal = start_journal(opened, chapter.id, len(chapter.text), 10)
        settings = SamplingSettings(max_tokens=40, temperature=0.0, seed=11)
        clear_cache(llama_backend._llm)
        step = next(write_and_keep(llama_backend, opened, journal, settings))
        [origin] = [o for o in origins(opened.store, chapter.id) if o.kind == "continue"]
        assert origin.text == step.text.strip()

        save_document_text(opened, chapter.id, chapter.text)  # the book as it was before the step
        opened.ensure_summaries()
        rerun = SamplingSettings(**origin.record["sampler"], seed=origin.record["seed"])
        prompt, _ = continue_prompt_for(llama_backend, opened, rerun,
                                        Place(document_id=chapter.id, offset=journal.offset))
        assert hashlib.sha256(prompt.text.encode()).hexdigest() == origin.record["prompt"]["sha256"]
        clear_cache(llama_backend._llm)
        again = "".join(llama_backend.stream(prompt, rerun))
        assert again.strip().startswith(origin.text)  # the step keeps whole sentences of it
    finally:
        opened.close()
