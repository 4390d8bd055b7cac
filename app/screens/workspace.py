"""The writer's workspace: binder, editor and side panel over one project.

The writer's text is saved a moment after they stop typing and whenever they
switch documents; pending generated text is never saved until accepted. All
model work runs in thread workers that only read the project and post messages;
every write to the project happens here, on the UI thread, one transaction each.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Header, Static
from textual.worker import get_current_worker

from app.generation_requests import (
    ContinueAtCursor,
    DraftNode,
    GenerationRequest,
    TransformSelection,
    request_kind,
)
from app.messages import (
    ContextInspected,
    GenerationEnded,
    PendingReset,
    PromptRead,
    StylesApplied,
    StyleScored,
    TextGenerated,
)
from app.origin_text import describe
from app.screens.chord_screen import CHORD_KEY, Chord, ChordScreen
from app.stray_keys import catch_stray_key
from app.widgets.binder import Binder
from app.widgets.draft_editor import DraftEditor
from app.widgets.side_panel import BibleTable, SidePanel
from app.widgets.status_line import StatusLine
from engine.backend.protocol import Backend, SamplingSettings
from engine.error_log import record_unexpected
from engine.errors import DraftsmithError, ProjectError
from engine.provenance import AS_WRITTEN, generation_record, origins_at_offset, traced
from engine.session import styles_to_change, use_project_styles
from engine.styles import adapters_for, project_styles
from engine.workflows.bible_edits import confirm_changes, remove_entry
from engine.workflows.continuation import Place, inspect_context
from engine.workflows.keeping import Keep, keep_generated
from engine.workflows.manuscript_edits import chapter_for_drafting, save_chapter_text
from engine.workflows.outline_edits import load_outline
from engine.workflows.style_fidelity import mean_fidelity, paragraph_fidelity
from memory.manuscript import paragraph_spans
from memory.outline import Outline
from memory.project import Project

AUTOSAVE_SECONDS = 1.0
PENDING_HINT = "Pending: Ctrl+Y keep · Ctrl+R another version · Alt+←/→ choose · Esc discard"


WORKSPACE_CHORDS = (
    Chord(("w",), "transform('rewrite')", "rewrite"),
    Chord(("d",), "transform('describe')", "describe"),
    Chord(("e",), "transform('expand')", "expand"),
    Chord(("left", "["), "alternative(-1)", "prev version"),
    Chord(("right", "]"), "alternative(1)", "next version"),
    Chord(("a",), "swap_alternative", "swap in kept version"),
    Chord(("n",), "side('tab-node')", "node"),
    Chord(("b",), "side('tab-bible')", "bible"),
    Chord(("o",), "origin", "origin"),
    Chord(("s",), "style_fidelity", "style score"),
)
"""Ctrl+T then the key: the same action as Alt and the key."""


class WorkspaceScreen(Screen):
    BINDINGS = [
        Binding("ctrl+g", "continue_text", "Continue", priority=True),
        Binding("ctrl+y", "accept", "Keep", priority=True),
        Binding("ctrl+r", "regenerate", "Another", priority=True),
        Binding("alt+left", "alternative(-1)", "Prev", show=False, priority=True),
        Binding("alt+right", "alternative(1)", "Next", show=False, priority=True),
        Binding("escape", "stop_or_discard", "Stop/Discard", priority=True),
        Binding("ctrl+b", "draft_node", "Draft node", priority=True),
        Binding("alt+e", "transform('expand')", "Expand sel.", show=False),
        Binding("alt+w", "transform('rewrite')", "Rewrite sel.", show=False),
        Binding("alt+d", "transform('describe')", "Describe sel.", show=False),
        Binding("ctrl+s", "save", "Save", show=False),
        Binding("alt+n", "side('tab-node')", "Node", show=False, priority=True),
        Binding("alt+b", "side('tab-bible')", "Bible", show=False, priority=True),
        Binding("f8", "inspect", "Inspector", priority=True),
        Binding("alt+o", "origin", "Origin", show=False, priority=True),
        Binding("alt+a", "swap_alternative", "Other version", show=False, priority=True),
        Binding("alt+s", "style_fidelity", "Style score", show=False, priority=True),
        Binding(CHORD_KEY, "chord", "More keys", priority=True),
    ]
    PENDING_ACTIONS = ("accept", "regenerate", "alternative")
    """Active only while there is pending text, so Ctrl+Y is the editor's redo the rest of the time."""

    def __init__(self, project: Project, settings: SamplingSettings | None = None) -> None:
        super().__init__()
        self.project = project
        self.settings = settings or SamplingSettings(max_tokens=160)
        self.backend: Backend | None = None
        self._cancel = threading.Event()
        self._generating = False
        self._last_request: GenerationRequest | None = None
        self._versioned: set[int] = set()
        self._autosave_timer = None
        self.session_words = 0

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="workspace"):
            yield Binder(id="binder")
            yield DraftEditor(id="editor")
            yield SidePanel(id="side")
        yield Static("", id="hint")
        yield StatusLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.project.store.path.stem
        self.refresh_binder()
        self.side.show_bible(self.project.bible())
        documents = self.project.store.documents()
        first = next((d for d in documents if d.kind == "chapter"), None) or \
            next((d for d in documents if d.kind != "front"), None)
        if first is not None:
            self.open_document(first.id)
        self.editor.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Pending-text keys act only on pending text; Esc falls through when there is nothing to stop."""
        if action in self.PENDING_ACTIONS:
            return self.editor.pending is not None
        if action == "stop_or_discard":
            return self._generating or self.editor.pending is not None
        return True

    # -- parts ----------------------------------------------------------------

    @property
    def editor(self) -> DraftEditor:
        return self.query_one(DraftEditor)

    @property
    def binder(self) -> Binder:
        return self.query_one(Binder)

    @property
    def side(self) -> SidePanel:
        return self.query_one(SidePanel)

    @property
    def status(self) -> StatusLine:
        return self.query_one(StatusLine)

    @property
    def generating(self) -> bool:
        return self._generating

    def use_backend(self, backend: Backend) -> None:
        self.backend = backend
        backend.prompt_progress = lambda read, total: self.post_message(PromptRead(read, total))
        self.status.model_name = backend.description
        self.status.activity = "ready: Ctrl+G continues"
        if styles_to_change(backend, self.project):
            self.status.activity = "putting on the project's styles…"
            self._generating = True  # nothing is written until the project's styles are on the model
            self._apply_styles(backend)

    @work(thread=True, exclusive=True, group="styles")
    def _apply_styles(self, backend: Backend) -> None:
        try:
            adapters = use_project_styles(backend, self.project)
        except DraftsmithError as error:
            self.post_message(StylesApplied([], error.sentence))
            return
        except Exception as error:
            self.post_message(StylesApplied([], record_unexpected(error, "putting on the project's styles")))
            return
        self.post_message(StylesApplied(adapters))

    @on(StylesApplied)
    def _styles_applied(self, message: StylesApplied) -> None:
        self._generating = False
        if message.error:
            self.notify(message.error, title="The project's styles are not on this model", severity="error",
                        timeout=15)
        styles = ", ".join(f"{path.stem} \u00d7{scale:g}" for path, scale in message.adapters)
        self.status.model_name = self.backend.description + (f" + {styles}" if styles else "")
        self.status.activity = "ready: Ctrl+G continues"

    @on(PromptRead)
    def _prompt_read(self, message: PromptRead) -> None:
        """A cold prompt can take a while before the first word: say how far it has got."""
        if self._generating and message.read < message.total - 1:
            self.status.activity = f"reading the prompt: {message.read:,} of {message.total:,} tokens"
        elif self._generating:
            self.status.activity = "writing…"

    def refresh_binder(self) -> None:
        self.binder.refresh_items(self.project.store.documents(), self._outline() or Outline({}))

    def _outline(self) -> Outline | None:
        """The project's outline, or None with a notice saying why it cannot be read (a hand-edited file)."""
        try:
            return load_outline(self.project.store)
        except ProjectError as error:
            self.notify(error.sentence, severity="error", timeout=12)
            return None

    # -- documents and saving -------------------------------------------------

    def open_document(self, document_id: int) -> None:
        self.save_now()
        document = self.project.store.document(document_id)
        self.editor.open_document(document.id, document.text)
        self.editor.move_cursor(self.editor.document.end)  # where a writer usually goes on
        self.status.words = document.words
        self.status.activity = f"{document.title}"

    @on(BibleTable.ConfirmRequested)
    def confirm_bible_change(self, message: BibleTable.ConfirmRequested) -> None:
        self._edit_bible(lambda: confirm_changes(self.project.store, message.name),
                         f"{message.name}: the proposed change holds from its chapter on.")

    @on(BibleTable.RemoveRequested)
    def remove_bible_entry(self, message: BibleTable.RemoveRequested) -> None:
        self._edit_bible(lambda: remove_entry(self.project.store, message.name),
                         f"{message.name} is out of the bible, and stays out on re-import.")

    def _edit_bible(self, edit, done: str) -> None:
        try:
            edit()
        except ProjectError as error:
            self.notify(str(error), severity="warning")
            return
        self.side.show_bible(self.project.bible())
        self.notify(done)

    @on(Binder.DocumentChosen)
    def _document_chosen(self, message: Binder.DocumentChosen) -> None:
        if self.editor.pending is not None:
            self.notify("Keep or discard the pending text first.", severity="warning")
            return
        self.open_document(message.document_id)
        self.editor.focus()

    @on(Binder.NodeChosen)
    def _node_chosen(self, message: Binder.NodeChosen) -> None:
        outline = self._outline()
        if outline is None or message.node_id not in outline.nodes:
            return
        self.side.show_node(outline, outline.nodes[message.node_id])
        self.side.active = "tab-node"

    @on(DraftEditor.Changed, "#editor")
    def _text_changed(self) -> None:
        self.status.words = len(self.editor.committed_text.split())  # pending words are not the writer's yet
        if self.editor.pending is None:
            if self._autosave_timer is not None:
                self._autosave_timer.stop()
            self._autosave_timer = self.set_timer(AUTOSAVE_SECONDS, self.save_now)

    def save_now(self) -> bool:
        """Store the editor's committed text (never pending text). True if anything changed."""
        editor = self.editor
        if editor.document_id is None:
            return False
        return self._stored(lambda first: save_chapter_text(self.project, editor.document_id,
                                                            editor.committed_text, keep_version=first))

    def _stored(self, store: Callable[[bool], bool]) -> bool:
        """Run ``store`` (told whether to keep a version: the document's first save this
        session), then count the session's new words."""
        editor = self.editor
        first = editor.document_id not in self._versioned
        before = self.project.store.document(editor.document_id).words
        changed = store(first)
        if changed:
            self._versioned.add(editor.document_id)
            self.session_words += max(0, len(editor.committed_text.split()) - before)
            self.status.session_words = self.session_words
            self.project.ensure_summaries()  # extractive: milliseconds, so memory is current at once
        return changed

    def action_save(self) -> None:
        self.status.activity = "saved" if self.save_now() else "nothing to save"

    # -- generation -----------------------------------------------------------

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
        if document.text:
            self.editor.insert("\n\n")
        self.editor.begin_pending()
        self._start(DraftNode(node.id, document.id, node.target_words or 250))

    def _start(self, request: GenerationRequest) -> None:
        self._last_request = request
        self._generating = True
        self.query_one("#hint", Static).update("Writing… Esc stops")
        self.status.activity = "writing…"
        # The worker's own cancel event reaches the engine: Esc sets it, and so does Textual
        # when it cancels the worker (a newer generation, or the app closing).
        self._cancel = self._generate(self.backend, request).cancelled_event

    @work(thread=True, exclusive=True, group="generation")
    def _generate(self, backend: Backend, request: GenerationRequest) -> None:
        """Stream text for ``request``; only reads the project."""
        cancel = get_current_worker().cancelled_event
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

    @on(PendingReset)
    def _pending_reset(self, message: PendingReset) -> None:
        if self.editor.pending is not None:
            self.editor.set_pending_text(message.text)

    @on(TextGenerated)
    def _piece(self, message: TextGenerated) -> None:
        self.editor.append_pending(message.text)

    @on(GenerationEnded)
    def _ended(self, message: GenerationEnded) -> None:
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
            self._cancel.set()
            self.status.activity = "stopping…"

    def action_stop_or_discard(self) -> None:
        if self._generating:
            self._cancel.set()
            self.status.activity = "stopping…"
        elif self.editor.pending is not None:
            self.editor.discard()
            self._last_request = None
            self.query_one("#hint", Static).update("")
            self.status.activity = "discarded"

    # -- side panel -----------------------------------------------------------

    NARROW = 110
    """Below this width the side panel opens only on demand (Alt+N, Alt+B, F8), so 80 columns stay usable."""

    def on_key(self, event: events.Key) -> None:
        catch_stray_key(event, self.editor)

    def action_chord(self) -> None:
        """Ctrl+T then a letter: the Alt bindings for terminals that cannot send Alt."""
        self.app.push_screen(ChordScreen(WORKSPACE_CHORDS), self._run_chord)

    async def _run_chord(self, action: str | None) -> None:
        if action is not None:
            await self.run_action(action)

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

    @on(ContextInspected)
    def _context_inspected(self, message: ContextInspected) -> None:
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

    @on(StyleScored)
    def _style_scored(self, message: StyleScored) -> None:
        self._generating = False
        if message.error:
            self.notify(message.error, severity="error")
            self.status.activity = "style not scored"
            return
        self.side.show_style(message.scores, message.mean)
        self.status.activity = f"style {message.mean:+.2f} nats/token"
