"""The workspace's side panel: node, bible, context inspector, origin and style score.

A mixin of ``WorkspaceScreen`` (it reads the screen's project, settings, backend,
editor and status line). On a narrow terminal the panel opens only on demand and the
key that opened a tab closes it again. Context assembly and style scoring run in
thread workers; their message handlers use Textual's naming convention
(``on_context_inspected``), which a mixin's methods answer as the screen's own.
"""

from __future__ import annotations

from textual import work

from app.messages import ContextInspected, StyleScored
from app.origin_text import describe
from engine.backend.protocol import Backend
from engine.error_log import record_unexpected
from engine.errors import DraftsmithError
from engine.provenance import AS_WRITTEN, origins_at_offset
from engine.styles import adapters_for, project_styles
from engine.workflows.continuation import Place, inspect_context
from engine.workflows.style_fidelity import mean_fidelity, paragraph_fidelity
from memory.text.manuscript import paragraph_spans


class SidePanelActions:
    """Alt+N, Alt+B, F8, Alt+O, Alt+A and Alt+S."""

    NARROW = 110
    """Below this width the side panel opens only on demand (Alt+N, Alt+B, F8), so 80 columns stay usable."""

    def on_resize(self) -> None:
        self.set_class(self.size.width < self.NARROW, "narrow")

    def action_side(self, tab: str) -> None:
        """Show a tab of the side panel; on a narrow terminal the same key again closes the panel."""
        self._open_side(tab)

    def _open_side(self, tab: str) -> bool:
        """Open the side panel at ``tab``, or close it if it is open there on a narrow terminal;
        returns whether it is open afterwards."""
        if self.has_class("narrow") and self.side.active == tab and self.has_class("side-open"):
            self.remove_class("side-open")
            self.editor.focus()
            return False
        self.add_class("side-open")
        self.side.active = tab
        return True

    def action_inspect(self) -> None:
        """Show what the model would see if the writer continued at the cursor now (F8 again closes it)."""
        if not self._open_side("tab-context"):
            return
        if self.editor.document_id is None or self.backend is None:
            return
        self.save_now()
        offset = self.editor.document.get_index_from_location(self.editor.cursor_location)
        self._inspect(self.backend, self.editor.document_id, offset)

    @work(thread=True, exclusive=True, group="inspect")
    def _inspect(self, backend: Backend, document_id: int, offset: int) -> None:
        """Assemble the context off the UI thread; the backend answers without waiting for a generation."""
        try:
            inspection = inspect_context(self.project, backend, self.settings,
                                         Place(document_id=document_id, offset=offset))
        except DraftsmithError as error:
            self.post_message(ContextInspected(None, None, error.sentence))
            return
        except Exception as error:
            self.post_message(ContextInspected(None, None, record_unexpected(error, "inspecting the context")))
            return
        self.post_message(ContextInspected(inspection.context, inspection.cached_tokens))

    def on_context_inspected(self, message: ContextInspected) -> None:
        if message.error:
            self.notify(message.error, severity="error")
            return
        self.side.inspector.show(message.context, message.cached_tokens)

    def action_origin(self) -> None:
        """Show what produced the generated passages in the paragraph at the cursor."""
        self.add_class("side-open")
        self.side.active = "tab-origin"
        if self.editor.document_id is None:
            return
        self.save_now()
        offset = self.editor.document.get_index_from_location(self.editor.cursor_location)
        found = origins_at_offset(self.project, self.editor.document_id, offset)
        self.side.show_origins([describe(origin, with_alternatives=True) for origin in found])

    def action_swap_alternative(self) -> None:
        """Put the next version generated for the passage at the cursor in its place (Ctrl+Z undoes it)."""
        if self.editor.document_id is None or self.editor.pending is not None or self._generating:
            return
        self.save_now()
        offset = self.editor.document.get_index_from_location(self.editor.cursor_location)
        found = [origin for origin in origins_at_offset(self.project, self.editor.document_id, offset)
                 if origin.status == AS_WRITTEN and origin.alternatives]
        if not found:
            self.notify("No other version was kept for the passage here.", severity="warning")
            return
        origin = found[0]
        replacement = origin.alternatives[0].text
        document = self.editor.document
        self.editor.replace(replacement, document.get_location_from_index(origin.start),
                            document.get_location_from_index(origin.end))
        self.save_now()
        self.status.activity = f"swapped in another version ({len(origin.alternatives)} kept); Ctrl+Z undoes it"
        self.action_origin()

    # -- style fidelity -------------------------------------------------------

    def action_style_fidelity(self) -> None:
        """Score the open chapter's paragraphs against the project's style adapters."""
        if self.backend is None or self._generating or self.editor.document_id is None:
            return
        if not self.backend.capabilities.adapters:
            self.notify("Style scores need the built-in llama.cpp runtime.", severity="warning")
            return
        try:
            adapters = adapters_for(project_styles(self.project.store))
        except DraftsmithError as error:
            self.notify(error.sentence, severity="error")
            return
        if not adapters:
            self.notify("This project has no style adapter: choose one with `draftsmith style use NAME`.",
                        severity="warning")
            return
        text = self.editor.committed_text
        paragraphs = [text[a:b] for a, b in paragraph_spans(text)]
        self.add_class("side-open")
        self.side.active = "tab-style"
        self.status.activity = "scoring the style…"
        self._generating = True  # the model is busy: no generation meanwhile
        self._score_style(self.backend, adapters, paragraphs)

    @work(thread=True, exclusive=True, group="generation")
    def _score_style(self, backend, adapters, paragraphs: list[str]) -> None:
        try:
            scores = paragraph_fidelity(backend, adapters, paragraphs)
        except DraftsmithError as error:
            self.post_message(StyleScored([], error=error.sentence))
            return
        except Exception as error:
            self.post_message(StyleScored([], error=record_unexpected(error, "scoring the style")))
            return
        self.post_message(StyleScored(scores, mean_fidelity(scores)))

    def on_style_scored(self, message: StyleScored) -> None:
        self._generating = False
        if message.error:
            self.notify(message.error, severity="error")
            self.status.activity = "style not scored"
            return
        self.side.show_style(message.scores, message.mean)
        self.status.activity = f"style {message.mean:+.2f} nats/token"
