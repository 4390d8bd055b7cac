"""The training loop: one token window per step, a checkpoint every few steps, resumable.

A run is fully described by its plan and its token windows (their fingerprint names
the checkpoint it may resume). The window order of each epoch comes from the plan's
seed and LoRA dropout is off, so a run resumed from a checkpoint takes the same steps
as one never stopped. A checkpoint is written to a temporary file and renamed over the
last, so a kill while writing it keeps the one before: a kill loses at most the steps
since the last checkpoint.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torch

from engine.training.lora import load_lora_state, lora_state
from engine.training.progress import TrainingProgress
from engine.training.torch_model import mean_nll


@dataclass(frozen=True)
class TrainingPlan:
    rank: int = 16
    epochs: int = 1
    seq_len: int = 512
    """Tokens per step, BOS included."""
    learning_rate: float = 6e-4
    """The peak: reached after the first twentieth of the steps, then falling linearly to a tenth of it."""
    seed: int = 0
    checkpoint_every: int = 10
    """Steps between checkpoints (also taken when the run stops)."""
    eval_every: int = 25
    """Steps between held-out losses (the torch model's, on a few held-out windows)."""
    eval_windows: int = 4

    @property
    def alpha(self) -> float:
        return 2.0 * self.rank

    def fingerprint(self, model_id: str, windows: list[list[int]]) -> str:
        """What a checkpoint must match to be resumed: the model, the text and how it is learnt."""
        digest = hashlib.sha256(json.dumps({"model": model_id, "rank": self.rank, "epochs": self.epochs,
                                            "seq_len": self.seq_len, "lr": self.learning_rate,
                                            "seed": self.seed}).encode())
        for window in windows:
            digest.update(json.dumps(window).encode())
        return digest.hexdigest()


@dataclass(frozen=True)
class TrainingOutcome:
    steps_done: int
    steps: int
    resumed_from: int
    stopped: bool
    """Stopped by the writer (Ctrl-C, Esc) before the end: a checkpoint is kept, no adapter is made."""
    timed_out: bool
    """Stopped at the run's time limit: what was learnt so far is kept and can still be used."""
    held_out_loss: float | None


def token_windows(token_lists: list[list[int]], seq_len: int, bos: int) -> list[list[int]]:
    """Each text's tokens cut into windows of ``seq_len`` (BOS first); a short tail joins none."""
    body = seq_len - 1
    windows = []
    for tokens in token_lists:
        for start in range(0, len(tokens), body):
            piece = tokens[start:start + body]
            if len(piece) >= max(16, body // 4):
                windows.append([bos, *piece])
    return windows


def _order(plan: TrainingPlan, count: int, epoch: int) -> list[int]:
    order = list(range(count))
    random.Random(plan.seed * 1009 + epoch).shuffle(order)
    return order


def _learning_rate(plan: TrainingPlan, step: int, steps: int) -> float:
    warmup = max(1, steps // 20)
    if step < warmup:
        return plan.learning_rate * (step + 1) / warmup
    return plan.learning_rate * (1.0 - 0.9 * (step - warmup) / max(1, steps - warmup))


def _save(path: Path, state: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.partial-{os.getpid()}")
    try:
        torch.save(state, partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def read_checkpoint(path: Path, fingerprint: str) -> dict | None:
    """The checkpoint at ``path`` when it belongs to this run, else None (a damaged one is ignored)."""
    try:
        state = torch.load(path, weights_only=True)
    except FileNotFoundError:
        return None
    except Exception:  # a damaged checkpoint costs its steps, never the run
        return None
    return state if state.get("fingerprint") == fingerprint else None


def train_lora(model: torch.nn.Module, windows: list[list[int]], held_out: list[list[int]], plan: TrainingPlan,
               checkpoint: Path, fingerprint: str, on_step: Callable[[TrainingProgress], None] | None = None,
               stop: threading.Event | None = None, deadline: float | None = None) -> TrainingOutcome:
    """Train ``model``'s LoRA weights on ``windows``, resuming from ``checkpoint`` when it is this run's."""
    stop = stop or threading.Event()
    steps = len(windows) * plan.epochs
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=plan.learning_rate, weight_decay=0.0)
    state = read_checkpoint(checkpoint, fingerprint)
    step = 0
    held_out_loss: float | None = None
    if state is not None:
        load_lora_state(model, state["lora"])
        optimizer.load_state_dict(state["optimizer"])
        step, held_out_loss = int(state["step"]), state.get("held_out_loss")
    resumed_from = step

    def save() -> None:
        _save(checkpoint, {"fingerprint": fingerprint, "step": step, "lora": lora_state(model),
                           "optimizer": optimizer.state_dict(), "held_out_loss": held_out_loss})

    evaluation = held_out[:plan.eval_windows]
    model.train()
    started, tokens = time.monotonic(), 0
    timed_out = False
    while step < steps:
        if stop.is_set() or (deadline is not None and time.monotonic() >= deadline):
            timed_out = not stop.is_set()
            break
        epoch, at = divmod(step, len(windows))
        ids = torch.tensor([windows[_order(plan, len(windows), epoch)[at]]])
        for group in optimizer.param_groups:
            group["lr"] = _learning_rate(plan, step, steps)
        loss = model(input_ids=ids, labels=ids).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(trainable, 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        step += 1
        tokens += ids.shape[1]
        if evaluation and (step % plan.eval_every == 0 or step == steps):
            held_out_loss = mean_nll(model, evaluation)
            model.train()
        if step % plan.checkpoint_every == 0 or step == steps:
            save()
        if on_step is not None:
            per_step = (time.monotonic() - started) / (step - resumed_from)
            on_step(TrainingProgress(step, steps, tokens, float(loss.item()), held_out_loss,
                                     per_step * (steps - step)))
    if step < steps and step > resumed_from:
        save()
    model.eval()
    done = step >= steps
    return TrainingOutcome(step, steps, resumed_from, stopped=not done and not timed_out, timed_out=timed_out,
                           held_out_loss=held_out_loss if not math.isnan(held_out_loss or 0.0) else None)
