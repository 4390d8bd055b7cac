"""Train a style from the app: the name to give it, then the run with its progress.

The run is ``engine.training.style_training.train_style`` in a thread worker, as
``draftsmith style train`` runs it: Esc stops it at the next step with a checkpoint
kept (the same name, trained again, goes on), and the screen shows each step's
tokens, loss, held-out loss and the minutes left, then the held-out figures.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from engine.error_log import record_unexpected
from engine.errors import DraftsmithError
from memory.project import Project


class StyleNameScreen(ModalScreen[str | None]):
    """Asks what to call the new style; Enter starts, Esc cancels."""

    BINDINGS = [("escape", "dismiss", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(id="goal-box"):
            yield Label("Name the style to train on this project's chapters:")
            yield Input(id="style-name", restrict=r"[A-Za-z0-9._-]*", max_length=64)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(event.value.strip())


def _engine_train(project: Project, name: str, on_status, on_step, stop: threading.Event):
    from engine.training.style_training import StyleTrainingRequest, train_style

    return train_style(project, StyleTrainingRequest(name), on_status, on_step, stop)


class StyleTrainingScreen(ModalScreen[None]):
    """One training run: progress while it runs, the held-out figures when it ends; Esc stops or closes."""

    BINDINGS = [("escape", "stop_or_close", "Stop / close")]

    def __init__(self, project: Project, name: str, train: Callable = _engine_train) -> None:
        super().__init__()
        self.project, self.style_name, self._train = project, name, train
        self.stop = threading.Event()
        self.finished = False

    def compose(self) -> ComposeResult:
        with Vertical(id="goal-box"):
            yield Label(f"Training the style {self.style_name} (Esc stops; training it again goes on)")
            yield Static("starting…", id="training-status")
            yield Static("", id="training-step")

    def on_mount(self) -> None:
        self._run()

    @work(thread=True, exclusive=True, group="style-training")
    def _run(self) -> None:
        try:
            report = self._train(self.project, self.style_name,
                                 lambda line: self.app.call_from_thread(self._status, line),
                                 lambda progress: self.app.call_from_thread(self._step, progress), self.stop)
        except DraftsmithError as error:
            self.app.call_from_thread(self._ended, error.sentence)
            return
        except Exception as error:
            self.app.call_from_thread(self._ended, record_unexpected(error, "training a style"))
            return
        if report.stopped:
            message = f"Stopped at step {report.steps_done} of {report.steps}; the checkpoint is kept."
        else:
            message = (f"Done: held-out chapters {report.held_out_nll_plain:.3f} nats/token without the style, "
                       f"{report.held_out_nll_styled:.3f} with it ({report.improvement:+.1%} lower). "
                       f"Choose it with `draftsmith style use {self.style_name}:1`.")
        self.app.call_from_thread(self._ended, message)

    def _status(self, line: str) -> None:
        self.query_one("#training-status", Static).update(line)

    def _step(self, progress) -> None:
        held = f" · held-out {progress.held_out_loss:.3f}" if progress.held_out_loss is not None else ""
        self.query_one("#training-step", Static).update(
            f"step {progress.step}/{progress.steps} · {progress.tokens:,} tokens · loss {progress.loss:.3f}{held} · "
            f"about {progress.seconds_left / 60:.0f} min left")

    def _ended(self, message: str) -> None:
        self.finished = True
        self._status(message + "  (Esc closes)")

    def action_stop_or_close(self) -> None:
        if self.finished:
            self.dismiss(None)
        else:
            self.stop.set()
            self._status("stopping at the end of this step…")
