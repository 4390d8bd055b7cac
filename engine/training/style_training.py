"""``draftsmith style train``: a style adapter from the writer's chapters, measured on held-out ones.

The steps, each of which can stop the run with a sentence before the costly part:
the writer's own text (``memory.training_text``: the model's unedited passages left
out), chapters held out from the end, token windows cut with llama.cpp's tokenizer,
the torch model checked against llama.cpp on the same ids, then training (resumable
from its checkpoint), the adapter written as GGUF and imported as a style (so it
passes the same checks as any adapter), and the held-out loss measured by llama.cpp
with and without it: the figure the writer gets when writing.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import torch

from engine.backend.llama_backend import LlamaBackend, LlamaSettings
from engine.errors import BackendError, StyleError
from engine.models.validation import validate_model
from engine.paths import DraftsmithPaths, draftsmith_paths
from engine.projects import MODEL_SETTING
from engine.provenance import file_sha256
from engine.runtime import resolve_model_path
from engine.styles import StyleRegistry
from engine.training.lora import with_lora, write_gguf_adapter
from engine.training.progress import TrainingProgress
from engine.training.torch_model import agreement, load_torch_model, weights_file
from engine.training.trainer import TrainingOutcome, TrainingPlan, token_windows, train_lora
from memory.project import Project
from memory.training_text import WriterChapter, held_out_split, writer_chapters

HELD_OUT_SHARE = 0.2
MEASURE_TOKENS = 4096
"""Held-out tokens scored with and without the adapter: enough for a steady mean, spread over every held-out chapter."""
AGREEMENT_WINDOWS = 2


@dataclass(frozen=True)
class StyleTrainingRequest:
    name: str
    chapters: range | None = None
    """Chapters to learn from (from 1); all by default."""
    plan: TrainingPlan = field(default_factory=TrainingPlan)
    max_minutes: float | None = None
    held_out_share: float = HELD_OUT_SHARE
    measure_tokens: int = MEASURE_TOKENS


@dataclass(frozen=True)
class StyleTrainingReport:
    name: str
    adapter: str | None
    """The adapter written and registered as a style; None when the run was stopped."""
    trained_chapters: list[int]
    held_out_chapters: list[int]
    training_tokens: int
    left_out_words: int
    """The model's unedited words in the chosen chapters, not learnt from."""
    steps_done: int
    steps: int
    resumed_from: int
    stopped: bool
    timed_out: bool
    torch_nll: float
    llama_nll: float
    held_out_nll_plain: float
    held_out_nll_styled: float | None
    seconds: float

    @property
    def improvement(self) -> float | None:
        """How much lower the held-out loss is with the adapter, as a share of the plain model's."""
        if self.held_out_nll_styled is None:
            return None
        return 1.0 - self.held_out_nll_styled / self.held_out_nll_plain

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "improvement": self.improvement}


def style_name(text: str) -> str:
    name = text.strip()
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", name):
        raise StyleError(f"{text!r} cannot name a style: use letters, digits, '.', '_' or '-' (at most 64).")
    return name


def _windows(backend: LlamaBackend, chapters: list[WriterChapter], seq_len: int) -> list[list[int]]:
    bos = backend.tokenize("", add_bos=True)
    tokens = [backend.tokenize(chapter.text) for chapter in chapters]
    return token_windows(tokens, seq_len, bos[0] if bos else 0)


def _llama_nll(backend: LlamaBackend, windows: list[list[int]]) -> float:
    total, count = 0.0, 0
    for window in windows:
        scores = backend.score_tokens(window[:1], window[1:])
        total -= sum(scores.logprobs)
        count += len(scores.logprobs)
    return total / count if count else float("nan")


def _spread(windows: list[list[int]], tokens: int) -> list[list[int]]:
    """About ``tokens`` worth of windows taken evenly across all of them.

    The held-out figure speaks for every held-out chapter, not only the first one or two
    that the first few windows would come from."""
    if not windows:
        return []
    width = max(1, len(windows[0]))
    count = min(len(windows), max(1, -(-tokens // width)))
    step = len(windows) / count
    return [windows[int(index * step)] for index in range(count)]


def train_style(project: Project, request: StyleTrainingRequest, on_status: Callable[[str], None] | None = None,
                on_step: Callable[[TrainingProgress], None] | None = None, stop: threading.Event | None = None,
                paths: DraftsmithPaths | None = None) -> StyleTrainingReport:
    """Train, write, register and measure the style ``request.name`` for ``project``'s model."""
    say = on_status or (lambda _message: None)
    stop = stop or threading.Event()
    paths = paths or draftsmith_paths()
    name, plan = style_name(request.name), request.plan
    started = time.monotonic()
    chapters = writer_chapters(project.store, request.chapters)
    if not chapters:
        raise StyleError("There is no prose of the writer's own in the chosen chapters to learn from.")
    train, held = held_out_split(chapters, request.held_out_share)
    if not train or not held:
        raise StyleError("Training needs at least two paragraphs of the writer's prose: one to learn from, "
                         "one to measure on.")
    base_name = project.store.get_setting(MODEL_SETTING) or "default"
    model_path = resolve_model_path(base_name)
    info = validate_model(model_path)
    torch.set_num_threads(os.cpu_count() or 1)
    backend = LlamaBackend(model_path, LlamaSettings(n_ctx=plan.seq_len))
    try:
        windows = _windows(backend, train, plan.seq_len)
        held_windows = _spread(_windows(backend, held, plan.seq_len), request.measure_tokens)
        if not windows or not held_windows:
            raise StyleError("The chosen chapters are too short to train a style on: give it more of your prose.")
        say(f"Measuring the plain model on {len(held)} held-out chapter(s)…")
        plain = _llama_nll(backend, held_windows)
        say(f"Loading {info.name} for training…")
        sha256 = file_sha256(model_path)
        model = load_torch_model(weights_file(model_path, paths.training_dir / "weights", sha256))
        check = agreement(model, _llama_nll(backend, held_windows[:AGREEMENT_WINDOWS]),
                          held_windows[:AGREEMENT_WINDOWS])
        if not check.agrees:
            raise BackendError(
                f"The training library reads {info.name} differently from llama.cpp ({check.torch_nll:.3f} against "
                f"{check.llama_nll:.3f} nats/token on the same text), so an adapter trained on it would be wrong "
                "under llama.cpp; this model cannot be trained here.")
        model = with_lora(model, plan.rank, plan.alpha)
        checkpoint = paths.training_dir / f"{Path(project.store.path).stem}-{name}" / "checkpoint.pt"
        fingerprint = plan.fingerprint(sha256, windows)
        say(f"Training on {len(train)} chapter(s), {sum(len(w) for w in windows):,} tokens, "
            f"{len(windows) * plan.epochs} steps…")
        deadline = time.monotonic() + request.max_minutes * 60 if request.max_minutes else None
        outcome = train_lora(model, windows, held_windows, plan, checkpoint, fingerprint, on_step, stop, deadline)
        adapter, styled = None, None
        if not outcome.stopped:
            adapter = _write_and_register(model, paths, name, info, base_name, plan)
            say("Measuring the held-out chapters with the new style…")
            backend.set_adapters([(adapter, 1.0)])
            styled = _llama_nll(backend, held_windows)
            backend.set_adapters([])
        return _report(name, adapter, train, held, windows, chapters, outcome, check.torch_nll, check.llama_nll,
                       plain, styled, time.monotonic() - started)
    finally:
        backend.close()


def _write_and_register(model, paths: DraftsmithPaths, name: str, info, base_name: str, plan: TrainingPlan) -> Path:
    folder = paths.ensure(paths.trained_styles_dir)
    layers = int(model.base_model.model.config.num_hidden_layers)
    adapter = write_gguf_adapter(model, folder / f"{name}.gguf", info.architecture, layers, plan.alpha,
                                 info.name, name)
    StyleRegistry(paths).import_style(adapter, name, base=base_name)  # the same checks as any adapter
    return adapter


def _report(name: str, adapter: Path | None, train: list[WriterChapter], held: list[WriterChapter],
            windows: list[list[int]], chapters: list[WriterChapter], outcome: TrainingOutcome, torch_nll: float,
            llama_nll: float, plain: float, styled: float | None, seconds: float) -> StyleTrainingReport:
    return StyleTrainingReport(
        name, str(adapter) if adapter else None, [c.number for c in train], [c.number for c in held],
        sum(len(w) for w in windows), sum(c.left_out_words for c in chapters), outcome.steps_done, outcome.steps,
        outcome.resumed_from, outcome.stopped, outcome.timed_out, torch_nll, llama_nll, plain, styled, seconds)
