"""The first writing screen: type a passage, press a key, watch it continue.

Generation runs in a thread worker that posts each piece of text as a message;
the screen inserts it where the writer's cursor was. Escape sets the worker's
cancel event, which the engine checks before every token.
"""

from __future__ import annotations

import threading

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, TextArea
from textual.worker import get_current_worker

from app.messages import GenerationEnded, TextGenerated
from app.widgets.status_line import StatusLine
from engine.backend.protocol import Backend, SamplingSettings
from engine.error_log import record_unexpected
from engine.errors import DraftsmithError
from engine.workflows.continuation import continue_passage


class WriteScreen(Screen):
    """A single page of text that the model continues on request."""

    BINDINGS = [
        Binding("ctrl+g,f5", "continue_text", "Continue", priority=True),
        Binding("escape", "cancel_generation", "Stop", priority=True),
    ]

    def __init__(self, settings: SamplingSettings | None = None) -> None:
        super().__init__()
        self.settings = settings or SamplingSettings(max_tokens=160)
        self.backend: Backend | None = None
        self._cancel = threading.Event()
        self._insert_at: tuple[int, int] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield TextArea(id="editor", soft_wrap=True, tab_behavior="focus")
        yield StatusLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#editor", TextArea).focus()

    @property
    def editor(self) -> TextArea:
        return self.query_one("#editor", TextArea)

    @property
    def status(self) -> StatusLine:
        return self.query_one("#status", StatusLine)

    @property
    def generating(self) -> bool:
        return self._insert_at is not None

    def use_backend(self, backend: Backend) -> None:
        """Called by the app once a model is ready."""
        self.backend = backend
        self.status.model_name = backend.description
        self.status.activity = "ready: Ctrl+G continues your text"

    def action_continue_text(self) -> None:
        if self.backend is None:
            self.notify("The model is still loading.", severity="warning")
            return
        if self.generating:
            return
        editor = self.editor
        passage = editor.get_text_range((0, 0), editor.cursor_location)
        if not passage.strip():
            self.notify("Write a few words first; the model continues from your cursor.")
            return
        self._insert_at = editor.cursor_location
        editor.read_only = True
        editor.add_class("generating")
        self.status.activity = "writing… (Esc stops)"
        self._cancel = self._generate(self.backend, passage).cancelled_event  # Esc and Textual both set it

    def stop_generating(self) -> None:
        """Stop a generation in progress (the model is being replaced); what it wrote stays."""
        self.action_cancel_generation()

    def action_cancel_generation(self) -> None:
        if self.generating:
            self._cancel.set()
            self.status.activity = "stopping…"

    @work(thread=True, exclusive=True, group="generation")
    def _generate(self, backend: Backend, passage: str) -> None:
        cancel = get_current_worker().cancelled_event
        try:
            for piece in continue_passage(backend, passage, self.settings, cancel):
                self.post_message(TextGenerated(piece))
        except DraftsmithError as error:
            self.post_message(GenerationEnded(backend.last_stats, error.sentence))
            return
        except Exception as error:  # a bug must not end the app and take the text with it
            self.post_message(GenerationEnded(backend.last_stats, record_unexpected(error, "writing")))
            return
        self.post_message(GenerationEnded(backend.last_stats))

    @on(TextGenerated)
    def _insert_piece(self, message: TextGenerated) -> None:
        if self._insert_at is None:
            return
        result = self.editor.insert(message.text, self._insert_at, maintain_selection_offset=False)
        self._insert_at = result.end_location
        self.editor.move_cursor(result.end_location)
        self._count_words()

    @on(GenerationEnded)
    def _finish(self, message: GenerationEnded) -> None:
        self._insert_at = None
        self.editor.read_only = False
        self.editor.remove_class("generating")
        if message.stats:
            self.status.tokens_per_second = message.stats.tokens_per_second
        if message.error:
            self.notify(message.error, severity="error", timeout=8)
            self.status.activity = "stopped by an error"
        elif message.stats and message.stats.stop_reason == "cancelled":
            self.status.activity = "stopped"
        else:
            self.status.activity = "done: Ctrl+G continues again"

    @on(TextArea.Changed, "#editor")
    def _count_words(self) -> None:
        self.status.words = len(self.editor.text.split())
