"""The Draftsmith Textual application.

The app owns the model: it loads it in a thread worker at start-up (the first
start also assembles the default model) and hands it to the screen. How the model
is obtained is injected as ``backend_loader``, so tests can pass the real default
model already loaded, or a fake for fast UI checks.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on, work
from textual.app import App
from textual.binding import Binding

from app.messages import ModelLoaded, ModelLoadFailed, ModelLoadProgress
from app.screens.write_screen import WriteScreen
from assets import STYLES_DIR
from engine.backend.protocol import Backend
from engine.errors import DraftsmithError

BackendLoader = Callable[[Callable[[int, int], None]], Backend]
"""Loads a model; receives a progress callback taking (done, total)."""


class DraftsmithApp(App):
    """The writer's workspace."""

    TITLE = "Draftsmith"
    CSS_PATH = STYLES_DIR / "draftsmith.tcss"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", priority=True)]

    def __init__(self, backend_loader: BackendLoader) -> None:
        super().__init__()
        self._backend_loader = backend_loader
        self.backend: Backend | None = None
        self.write_screen = WriteScreen()

    async def on_mount(self) -> None:
        await self.push_screen(self.write_screen)
        self.write_screen.status.activity = "loading the model…"
        self._load_model()

    @work(thread=True, exclusive=True, group="model")
    def _load_model(self) -> None:
        def progress(done: int, total: int) -> None:
            self.post_message(ModelLoadProgress(done / total if total else 1.0))

        try:
            backend = self._backend_loader(progress)
        except DraftsmithError as error:
            self.post_message(ModelLoadFailed(error.sentence))
            return
        self.post_message(ModelLoaded(backend))

    @on(ModelLoadProgress)
    def _show_progress(self, message: ModelLoadProgress) -> None:
        self.write_screen.status.activity = f"preparing the model… {message.fraction:.0%}"

    @on(ModelLoaded)
    def _model_ready(self, message: ModelLoaded) -> None:
        self.backend = message.backend
        self.sub_title = message.backend.description
        self.write_screen.use_backend(message.backend)

    @on(ModelLoadFailed)
    def _model_failed(self, message: ModelLoadFailed) -> None:
        self.write_screen.status.activity = "no model"
        self.notify(message.sentence, title="The model could not be loaded", severity="error", timeout=30)
