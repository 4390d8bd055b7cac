"""Style training: the writer's text, the weights copy, the torch model against llama.cpp,
a short real training run, and a stopped run resumed.

The training tests load the real default model twice over (llama.cpp and PyTorch) and
train a few steps on a few hundred tokens; they assert what the code controls (files,
checks, steps, the direction the adapter moves the scores), never a figure a CPU decides.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from engine.models.gguf_header import copy_without_vocabulary, read_gguf_header
from memory.importer import import_manuscript
from memory.storage.provenance import record_passage
from memory.storage.store import ProjectStore
from memory.training_text import held_out_split, writer_chapters

CHAPTERS = "".join(
    f"Chapter {n}\n\n" + "\n\n".join(
        f"Paragraph {p} of chapter {n}: the keeper of the Skerry light walked the wet rocks at dusk, "
        f"counting the gulls and the boats, and wrote in her log that the wind had gone round to the west."
        for p in range(1, 4)) + "\n\n"
    for n in range(1, 5))


def _store_with_chapters(path: Path, text: str = CHAPTERS) -> ProjectStore:
    manuscript = path.with_suffix(".txt")
    manuscript.write_text(text)
    store = ProjectStore(path, create=True)
    import_manuscript(store, manuscript, lambda t: len(t.split()))
    return store


def test_the_models_unedited_passages_are_not_the_writers_and_edited_ones_are(tmp_path: Path) -> None:
    store = _store_with_chapters(tmp_path / "book.draftsmith")
    try:
        first = next(d for d in store.documents() if d.kind == "chapter")
        generated = "The lamp flared once and the sea went white under it, all the way to the reef."
        edited = "A boat came in under oars with no light showing, and nobody aboard spoke a word."
        with store.transaction():
            store.db["documents"].update(first.id, {"text": f"{first.text}\n\n{generated}\n\nBut {edited[2:]}"})
            record_passage(store, first.id, "continue", generated, {})
            record_passage(store, first.id, "continue", edited, {})
        chapter = writer_chapters(store, range(1, 2))[0]
        assert generated not in chapter.text and "Paragraph 3 of chapter 1" in chapter.text
        assert "But boat came in under oars" in chapter.text  # changed by the writer: theirs now
        assert chapter.left_out_words == len(generated.split())
    finally:
        store.close()


def test_the_last_chapters_are_held_out_and_one_chapter_is_split(tmp_path: Path) -> None:
    store = _store_with_chapters(tmp_path / "book.draftsmith")
    try:
        chapters = writer_chapters(store)
        train, held = held_out_split(chapters, 0.2)
        assert [c.number for c in train] == [1, 2, 3] and [c.number for c in held] == [4]
        train, held = held_out_split(chapters[:1], 0.2)
        assert train[0].text and held[0].text and held[0].text not in train[0].text
    finally:
        store.close()


def test_the_weights_copy_keeps_every_tensor_and_setting_but_the_vocabulary(default_model_path: Path,
                                                                             tmp_path: Path) -> None:
    copy = copy_without_vocabulary(default_model_path, tmp_path / "weights.gguf")
    source, copied = read_gguf_header(default_model_path), read_gguf_header(copy)
    assert [(t.name, t.shape, t.ggml_type, t.n_bytes) for t in copied.tensors] == \
        [(t.name, t.shape, t.ggml_type, t.n_bytes) for t in source.tensors]
    assert "tokenizer.ggml.tokens" not in copied.metadata
    assert copied.metadata["gemma3.vocab_size"] == source.metadata["tokenizer.ggml.tokens"]
    assert copied.metadata["gemma3.block_count"] == source.metadata["gemma3.block_count"]
    with default_model_path.open("rb") as a, copy.open("rb") as b:
        for original, kept in zip(source.tensors[::40], copied.tensors[::40]):
            a.seek(original.data_offset)
            b.seek(kept.data_offset)
            assert a.read(original.n_bytes) == b.read(kept.n_bytes)


def test_without_the_extra_style_train_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    import engine.training
    from app.cli import main

    monkeypatch.setattr(engine.training, "missing_training_packages", lambda: ["torch", "peft"])
    assert main(["style", "train", "--project", "nowhere", "--name", "mine"]) == 2
    error = capsys.readouterr().err
    assert "pip install -e '.[train]'" in error and error.count("\n") == 1


torch = pytest.importorskip("torch", reason="the training extra is not installed")


@pytest.fixture(scope="module")
def torch_model(default_model_path: Path, tmp_path_factory):
    from engine.training.torch_model import load_torch_model

    return load_torch_model(copy_without_vocabulary(default_model_path,
                                                    tmp_path_factory.mktemp("weights") / "weights.gguf"))


def test_the_torch_model_and_llama_cpp_score_the_same_tokens_alike(torch_model, llama_backend, corpus) -> None:
    from engine.training.torch_model import AGREEMENT_LIMIT, agreement

    text = (corpus / "treasure_island.txt").read_text()[40000:44000]
    window = llama_backend.tokenize(text, add_bos=True)[:256]
    llama = -float(np.mean(llama_backend.score_tokens(window[:1], window[1:]).logprobs))
    check = agreement(torch_model, llama, [window])
    assert check.difference <= AGREEMENT_LIMIT, (check.torch_nll, check.llama_nll)
    without_bos = agreement(torch_model, llama, [window[1:]])
    assert without_bos.torch_nll > check.torch_nll  # the BOS token is part of what the model was trained on


@pytest.fixture
def training_project(tmp_path: Path, corpus: Path, tokenizer, isolated_home: Path):
    from engine.projects import open_project

    text = (corpus / "pride_and_prejudice.txt").read_text()
    start = text.index("Chapter 1") if "Chapter 1" in text else 0
    manuscript = tmp_path / "pride.txt"
    manuscript.write_text(text[start:start + 14000])
    project, _ = open_project(str(tmp_path / "pride.draftsmith"), create=True)
    import_manuscript(project.store, manuscript, tokenizer.count_tokens)
    yield project
    project.close()


def _request(**changes):
    from engine.training.style_training import StyleTrainingRequest
    from engine.training.trainer import TrainingPlan

    plan = TrainingPlan(rank=4, epochs=2, seq_len=64, learning_rate=3e-4, checkpoint_every=1, eval_every=2,
                        eval_windows=1)
    return StyleTrainingRequest("pride-test", range(1, 3), plan, measure_tokens=256, **changes)


def test_a_short_run_makes_an_adapter_the_import_accepts_that_moves_scores_toward_its_text(
        training_project, llama_backend, isolated_home: Path) -> None:
    from engine.styles import StyleRegistry
    from engine.training.style_training import train_style

    steps: list[int] = []
    report = train_style(training_project, _request(), on_step=lambda p: steps.append(p.step))
    assert report.adapter is not None and not report.stopped
    assert steps == list(range(1, report.steps + 1)) and report.steps_done == report.steps
    style = StyleRegistry().get("pride-test")  # registered through the import's checks
    assert style.kind == "adapter" and style.rank == 4 and Path(style.path) == Path(report.adapter)
    assert report.held_out_chapters and set(report.held_out_chapters).isdisjoint(report.trained_chapters)
    chapters = [d for d in training_project.store.documents() if d.kind == "chapter"]
    text = chapters[report.trained_chapters[0] - 1].text  # what it learnt from
    window = llama_backend.tokenize(text, add_bos=True)[:64]
    plain = llama_backend.score_tokens(window[:1], window[1:]).mean_logprob
    llama_backend.set_adapters([(report.adapter, 1.0)])
    try:
        styled = llama_backend.score_tokens(window[:1], window[1:]).mean_logprob
    finally:
        llama_backend.set_adapters([])
    assert styled > plain  # the training text is likelier with the adapter on


def test_a_stopped_run_keeps_its_checkpoint_and_the_same_request_goes_on(training_project,
                                                                         isolated_home: Path) -> None:
    from engine.training.style_training import train_style

    stop = threading.Event()
    first = train_style(training_project, _request(), on_step=lambda p: stop.set() if p.step == 2 else None,
                        stop=stop)
    assert first.stopped and first.adapter is None and first.steps_done == 2
    assert list((isolated_home / "cache" / "training").glob("*/checkpoint.pt"))
    second = train_style(training_project, _request())
    assert second.resumed_from == 2 and second.steps_done == second.steps and second.adapter is not None


def test_a_killed_style_train_resumes_from_its_last_checkpoint(tmp_path: Path, corpus: Path, tokenizer,
                                                               isolated_home: Path) -> None:
    """SIGKILL ``draftsmith style train`` after a checkpoint; the same command goes on from it and finishes."""
    import json
    import os
    import re
    import subprocess
    import sys

    from engine.projects import open_project

    text = (corpus / "pride_and_prejudice.txt").read_text()
    manuscript = tmp_path / "pride.txt"
    manuscript.write_text(text[text.index("Chapter 1"):][:9000])
    project, _ = open_project(str(tmp_path / "killed.draftsmith"), create=True)
    import_manuscript(project.store, manuscript, tokenizer.count_tokens)
    project.close()
    command = [sys.executable, "-m", "app.cli", "style", "train", "--project", str(tmp_path / "killed.draftsmith"),
               "--name", "killed", "--rank", "4", "--seq-len", "64", "--json"]
    env = {**os.environ, "DRAFTSMITH_HOME": str(isolated_home)}
    root = Path(__file__).resolve().parents[1]
    first = subprocess.Popen(command, env=env, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    reported = 0
    for line in first.stderr:  # the steps as the writer sees them; killed once a checkpoint lies behind
        found = re.match(r"step (\d+)/(\d+)", line)
        if found:
            reported = int(found.group(1))
            assert int(found.group(2)) > 12, "the slice is too short to be killed mid-run"
            if reported == 12:
                first.kill()
                break
    first.wait(timeout=60)
    assert reported == 12 and first.returncode == -9
    done = subprocess.run(command, env=env, cwd=root, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert report["resumed_from"] == 10  # the checkpoint every 10 steps: the kill lost two
    assert report["steps_done"] == report["steps"] and report["adapter"] and report["held_out_nll_styled"]
