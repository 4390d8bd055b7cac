"""The workspace's generation: continue, transform and draft into a pending region, then keep or discard.

A mixin of ``WorkspaceScreen`` (it reads the screen's project, settings, backend,
editor and status line). The model streams in a thread worker that only reads the
project; what it writes stays pending in the editor until Ctrl+Y keeps it, and the
keep is one engine call, one transaction. Its message handlers use Textual's naming
convention (``on_text_generated``), which a mixin's methods answer as the screen's own.
"""

from __future__ import annotations

from textual import work
from textual.widgets import Static
from textual.worker import get_current_worker

from app.generation_requests import (
    ContinueAtCursor,
    DraftNode,
    GenerationRequest,
    TransformSelection,
    request_kind,
)
from app.messages import GenerationEnded, PendingReset, TextGenerated
from engine.backend.protocol import Backend
from engine.edits.manuscript_edits import chapter_for_drafting
from engine.error_log import record_unexpected
from engine.errors import DraftsmithError
from engine.provenance import generation_record, traced
from engine.workflows.keeping import Keep, keep_generated, passage_joint

PENDING_HINT = "Pending: Ctrl+Y keep · Ctrl+R another version · Alt+←/→ choose · Esc discard"


class GenerationActions:
    """Ctrl+G, Ctrl+B, the selection tasks, Ctrl+Y, Ctrl+R, Alt+←/→ and Esc."""

    def _ready(self) -> bool:
        if self.backend is None:
            self.notify("The model is still loading.", severity="warning")
            return False
        if self._generating:
            return False
        if self.editor.document_id is None:
            self.notify("Open a chapter from the binder first.", severity="warning")
            return False
        return True

    def action_continue_text(self) -> None:
        if not self._ready() or self.editor.pending is not None:
            return
        self.save_now()
        self.editor.begin_pending()
        offset = self.editor.document.get_index_from_location(self.editor.cursor_location)
        self._start(ContinueAtCursor(self.editor.document_id, offset))

    def action_transform(self, task: str) -> None:
        if not self._ready() or self.editor.pending is not None:
            return
        if not self.editor.selected_text.strip():
            self.notify("Select the text to work on first.", severity="warning")
            return
        selection = self.editor.selected_text
        start = min(self.editor.selection.start, self.editor.selection.end)
        before = self.editor.get_text_range((0, 0), start)
        self.save_now()
        self.editor.begin_pending(replace_selection=True)
        self._start(TransformSelection(task, selection, before))

    def action_draft_node(self) -> None:
        """Expand the outline node under the binder's cursor into prose at the end of its chapter."""
        item = self.binder.cursor_node.data if self.binder.cursor_node is not None else None
        if item is None or item.kind != "node":
            self.notify("Choose a beat, scene or chapter in the binder's outline.", severity="warning")
            return
        if self.backend is None or self._generating or self.editor.pending is not None:
            return
        outline = self._outline()
        if outline is None or item.id not in outline.nodes:
            return
        node = outline.nodes[item.id]
        chapter = outline.chapter_of(node.id)
        if chapter is None:
            self.notify("Only chapters and what is inside them are drafted.", severity="warning")
            return
        self.save_now()
        document = chapter_for_drafting(self.project, chapter)
        self.refresh_binder()
        self.open_document(document.id)
        self.editor.move_cursor(self.editor.document.end)
        self.editor.insert(passage_joint(document.text))
        self.editor.begin_pending()
        self._start(DraftNode(node.id, document.id, node.target_words or 250))

    def _start(self, request: GenerationRequest) -> None:
        self._last_request = request
        self._generating = True
        self.query_one("#hint", Static).update("Writing… Esc stops")
        self.status.activity = "writing…"
        # The session stops the worker's own cancel event: Esc sets it through the session,
        # and Textual sets it when it cancels the worker (a newer generation, the app closing).
        self.session.begin(self._generate(self.backend, request).cancelled_event)

    @work(thread=True, exclusive=True, group="generation")
    def _generate(self, backend: Backend, request: GenerationRequest) -> None:
        """Stream text for ``request``; only reads the project."""
        cancel = get_current_worker().cancelled_event  # the event the session stops
        try:
            with traced() as trace:
                request.run(backend, self.project, self.settings, cancel,
                            lambda piece: self.post_message(TextGenerated(piece)),
                            lambda text: self.post_message(PendingReset(text)))
        except DraftsmithError as error:
            self.post_message(GenerationEnded(backend.last_stats, error.sentence))
            return
        except Exception as error:  # a bug must not end the app and take the pending text with it
            self.post_message(GenerationEnded(backend.last_stats, record_unexpected(error, "writing")))
            return
        self.post_message(GenerationEnded(backend.last_stats, record=generation_record(backend, self.settings, trace)))

    def on_pending_reset(self, message: PendingReset) -> None:
        if self.editor.pending is not None:
            self.editor.set_pending_text(message.text)

    def on_text_generated(self, message: TextGenerated) -> None:
        self.editor.append_pending(message.text)

    def on_generation_ended(self, message: GenerationEnded) -> None:
        self._generating = False
        if message.record is not None and self.editor.pending is not None:
            self.editor.pending.records[self.editor.pending.index] = message.record
        if message.stats:
            self.status.tokens_per_second = message.stats.tokens_per_second
        if message.error:
            self.notify(message.error, severity="error", timeout=8)
        stopped = message.stats is not None and message.stats.stop_reason == "cancelled"
        self.status.activity = "stopped" if stopped else "done"
        if self.editor.pending is not None:
            versions = len(self.editor.pending.alternatives)
            self.query_one("#hint", Static).update(f"{PENDING_HINT}  ({versions} version{'s' * (versions > 1)})")

    def action_accept(self) -> None:
        """Keep the chosen version: the chapter, its record, the others and its beat, at once."""
        if self.editor.pending is None or self._generating:
            return
        pending = self.editor.pending
        record = pending.records.get(pending.index)
        others = tuple((text, pending.records[index]) for index, text in enumerate(pending.alternatives)
                       if index != pending.index and index in pending.records and text.strip())
        accepted = self.editor.accept()
        self.query_one("#hint", Static).update("")
        request, self._last_request = self._last_request, None
        editor = self.editor
        if editor.document_id is not None:
            node_id = request.node_id if isinstance(request, DraftNode) else None
            self._stored(lambda first: keep_generated(self.project, Keep(
                editor.document_id, editor.committed_text, accepted, request_kind(request), record, others,
                node_id, keep_version=first)))
            if node_id is not None:
                self.refresh_binder()
        self.status.activity = "kept"

    def action_regenerate(self) -> None:
        if self.editor.pending is None or self._generating or self._last_request is None:
            return
        self.editor.new_alternative()
        self._start(self._last_request)

    def action_alternative(self, step: int) -> None:
        if self.editor.pending is not None and not self._generating:
            self.editor.show_alternative(step)
            pending = self.editor.pending
            self.query_one("#hint", Static).update(
                f"{PENDING_HINT}  (version {pending.index + 1} of {len(pending.alternatives)})")

    def stop_generating(self) -> None:
        """Stop a generation in progress (the model is being replaced); what it wrote stays pending."""
        if self._generating:
            self.session.stop()
            self.status.activity = "stopping…"

    def action_stop_or_discard(self) -> None:
        if self._generating:
            self.session.stop()
            self.status.activity = "stopping…"
        elif self.editor.pending is not None:
            self.editor.discard()
            self._last_request = None
            self.query_one("#hint", Static).update("")
            self.status.activity = "discarded"
