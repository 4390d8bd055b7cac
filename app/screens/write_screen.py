"""The scratch page: type a passage, press a key, watch it continue.

It works as the workspace does, without a project: Ctrl+G streams a continuation
into a pending region at the cursor, which the writer keeps (Ctrl+Y), writes again
(Ctrl+R, Alt+←/→ among the versions) or discards (Esc). The page's own text is
kept between runs of the app (``engine.scratch_page``); pending text never is.
Generation runs in a thread worker that posts each piece as a message; Esc stops
the writing session, which sets the worker's cancel event that the engine checks
before every token.
"""

from __future__ import annotations

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header
from textual.worker import get_current_worker

from app.messages import GenerationEnded, TextGenerated
from app.screens.session_holder import SessionHolder
from app.stray_keys import catch_stray_key
from app.widgets.draft_editor import DraftEditor
from app.widgets.status_line import StatusLine
from engine.backend.protocol import Backend, SamplingSettings
from engine.error_log import record_unexpected
from engine.errors import DraftsmithError
from engine.scratch_page import load_scratch, save_scratch
from engine.workflows.continuation import continue_passage

AUTOSAVE_SECONDS = 1.0
PENDING_HINT = "Ctrl+Y keeps, Ctrl+R another, Esc discards"


class WriteScreen(SessionHolder, Screen):
    """A single page of text that the model continues on request."""

    BINDINGS = [
        Binding("ctrl+g,f5", "continue_text", "Continue", priority=True),
        Binding("ctrl+y", "accept", "Keep", priority=True),
        Binding("ctrl+r", "regenerate", "Another", priority=True),
        Binding("alt+left", "alternative(-1)", "Prev", show=False, priority=True),
        Binding("alt+right", "alternative(1)", "Next", show=False, priority=True),
        Binding("escape", "stop_or_discard", "Stop/Discard", priority=True),
    ]
    PENDING_ACTIONS = ("accept", "regenerate", "alternative")

    def __init__(self, settings: SamplingSettings | None = None) -> None:
        super().__init__()
        self._settings = settings or SamplingSettings(max_tokens=160)
        self._generating = False
        self._passage = ""
        self._autosave_timer = None
        self._editor = DraftEditor(id="editor")

    def compose(self) -> ComposeResult:
        yield Header()
        yield self._editor
        yield StatusLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.editor.open_document(0, load_scratch())
        self.editor.move_cursor(self.editor.document.end)
        self._count_words()
        self.editor.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Pending-text keys act only on pending text; Esc falls through when there is nothing to stop."""
        if action in self.PENDING_ACTIONS:
            return self.editor.pending is not None and not self._generating
        if action == "stop_or_discard":
            return self._generating or self.editor.pending is not None
        return True

    @property
    def editor(self) -> DraftEditor:
        return self._editor  # held, so the page's text can still be saved as the app closes

    @property
    def status(self) -> StatusLine:
        return self.query_one("#status", StatusLine)

    @property
    def generating(self) -> bool:
        return self._generating

    @property
    def has_text(self) -> bool:
        return bool(self.editor.committed_text.strip())

    def use_backend(self, backend: Backend) -> None:
        """Called by the app once a model is ready."""
        self.open_session(backend, None)
        self.status.model_name = backend.description
        self.status.activity = "ready: Ctrl+G continues your text"

    def on_key(self, event: events.Key) -> None:
        catch_stray_key(event, self.editor)

    # -- continuing -----------------------------------------------------------

    def action_continue_text(self) -> None:
        if self.backend is None:
            self.notify("The model is still loading.", severity="warning")
            return
        if self._generating or self.editor.pending is not None:
            return
        editor = self.editor
        passage = editor.get_text_range((0, 0), editor.cursor_location)
        if not passage.strip():
            self.notify("Write a few words first; the model continues from your cursor.")
            return
        self._passage = passage
        editor.begin_pending()
        self._start()

    def action_regenerate(self) -> None:
        self.editor.new_alternative()
        self._start()

    def action_alternative(self, step: int) -> None:
        self.editor.show_alternative(step)
        pending = self.editor.pending
        if pending is not None:
            self.status.activity = f"version {pending.index + 1} of {len(pending.alternatives)}: {PENDING_HINT}"

    def action_accept(self) -> None:
        self.editor.accept()
        self.status.activity = "kept"
        self.save_now()

    def action_stop_or_discard(self) -> None:
        if self._generating:
            self.session.stop()
            self.status.activity = "stopping…"
            return
        self.editor.discard()
        self.status.activity = "discarded"

    def stop_generating(self) -> None:
        """Stop a generation in progress (the model is being replaced); what it wrote stays pending."""
        if self._generating:
            self.session.stop()

    def _start(self) -> None:
        assert self.backend is not None
        self._generating = True
        self.status.activity = "writing… (Esc stops)"
        self.session.begin(self._generate(self.backend, self._passage).cancelled_event)  # Esc and Textual both set it

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
        if self._generating:
            self.editor.append_pending(message.text)

    @on(GenerationEnded)
    def _finish(self, message: GenerationEnded) -> None:
        self._generating = False
        if message.stats:
            self.status.tokens_per_second = message.stats.tokens_per_second
        if message.error:
            self.notify(message.error, severity="error", timeout=8)
        pending = self.editor.pending
        if pending is not None and not pending.text.strip():
            self.editor.discard()
            self.status.activity = "stopped by an error" if message.error else "nothing written"
            return
        stopped = "stopped" if message.stats and message.stats.stop_reason == "cancelled" else "done"
        self.status.activity = f"{stopped}: {PENDING_HINT}"

    # -- keeping the page -----------------------------------------------------

    @on(DraftEditor.Changed, "#editor")
    def _text_changed(self) -> None:
        self._count_words()
        if self.editor.pending is None:
            if self._autosave_timer is not None:
                self._autosave_timer.stop()
            self._autosave_timer = self.set_timer(AUTOSAVE_SECONDS, self.save_now)

    def save_now(self) -> None:
        """Keep the page's text (never pending text) for the next time the app opens."""
        if self._autosave_timer is not None:
            self._autosave_timer.stop()
            self._autosave_timer = None
        try:
            save_scratch(self.editor.committed_text)
        except DraftsmithError as error:
            self.notify(f"The scratch page could not be saved: {error.sentence}", severity="error", timeout=10)

    def on_unmount(self) -> None:
        self.save_now()

    def _count_words(self) -> None:
        self.status.words = len(self.editor.committed_text.split())
