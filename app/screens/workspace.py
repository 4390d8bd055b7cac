"""The writer's workspace: binder, editor and side panel over one project.

The writer's text is saved a moment after they stop typing and whenever they
switch documents; pending generated text is never saved until accepted. All
model work runs in thread workers that only read the project and post messages;
every write to the project happens here, on the UI thread, one transaction each.
Generation and its pending text (``workspace_generation``) and the side panel's
tabs (``workspace_side``) are the screen's two mixins.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from app.generation_requests import GenerationRequest
from app.messages import PromptRead, StylesApplied
from app.screens.chord_screen import CHORD_KEY, Chord, ChordScreen
from app.screens.session_holder import SessionHolder
from app.screens.workspace_generation import GenerationActions
from app.screens.workspace_side import SidePanelActions
from app.stray_keys import catch_stray_key
from app.widgets.binder import Binder
from app.widgets.draft_editor import DraftEditor
from app.widgets.side_panel import BibleTable, SidePanel
from app.widgets.status_line import StatusLine
from engine.backend.protocol import Backend, SamplingSettings
from engine.edits.bible_edits import confirm_changes, remove_entry
from engine.edits.manuscript_edits import save_chapter_text
from engine.edits.outline_edits import load_outline
from engine.error_log import record_unexpected
from engine.errors import DraftsmithError, ProjectError
from engine.session import styles_to_change, use_project_styles
from memory.project import Project
from memory.storage.outline import Outline

AUTOSAVE_SECONDS = 1.0

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


class WorkspaceScreen(GenerationActions, SidePanelActions, SessionHolder, Screen):
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
        self._settings = settings or SamplingSettings(max_tokens=160)
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
        self.open_session(backend, self.project)
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

    # -- keys ---------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        catch_stray_key(event, self.editor)

    def action_chord(self) -> None:
        """Ctrl+T then a letter: the Alt bindings for terminals that cannot send Alt."""
        self.app.push_screen(ChordScreen(WORKSPACE_CHORDS), self._run_chord)

    async def _run_chord(self, action: str | None) -> None:
        if action is not None:
            await self.run_action(action)
