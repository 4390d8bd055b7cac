"""The planning screen: the outline tree, edited in place, planned by the model.

Generating children runs in a worker that only reads the project; the nodes it
returns are stored here, on the UI thread, in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label, TextArea, Tree
from textual.worker import get_current_worker

from app.screens.chord_screen import CHORD_KEY, Chord, ChordScreen
from app.widgets.binder import BinderItem
from engine.backend.protocol import Backend
from engine.edits.outline_edits import (
    PlannedNode,
    add_children,
    create_book,
    delete_node,
    load_outline,
    move_node,
    update_node,
)
from engine.error_log import record_unexpected
from engine.errors import DraftsmithError
from engine.workflows.planning import plan_children
from memory.project import Project
from memory.storage.outline import Outline, child_level


@dataclass
class ChildrenPlanned(Message):
    parent_id: int
    planned: list[PlannedNode]
    error: str = ""


PLANNING_CHORDS = (Chord(("up",), "move(-1)", "move up"), Chord(("down",), "move(1)", "move down"))
"""Ctrl+T then ↑ or ↓: Alt+↑ and Alt+↓ for terminals that cannot send Alt."""


class PlanningScreen(Screen):
    BINDINGS = [
        Binding("ctrl+n", "plan_children", "Plan children", priority=True),
        Binding("ctrl+s", "save_node", "Save node", priority=True),
        Binding("alt+up", "move(-1)", "Move up", priority=True),
        Binding("alt+down", "move(1)", "Move down", priority=True),
        Binding(CHORD_KEY, "chord", "More keys", priority=True),
        Binding("ctrl+x", "delete_node", "Delete", priority=True),
        Binding("ctrl+b", "draft_node", "Draft node", priority=True),
        Binding("escape", "back", "Back", priority=True),
    ]

    def __init__(self, project: Project, backend: Backend | None) -> None:
        super().__init__()
        self.project = project
        self.backend = backend
        self.planning = False
        self.child_count = 3
        """How many children Ctrl+N plans."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="planning"):
            yield Tree("Outline", id="outline-tree")
            with Vertical(id="node-form"):
                yield Label("Premise (for a new outline) or the node's title:")
                yield Input(id="node-title")
                yield Label("Synopsis:")
                yield TextArea(id="node-synopsis", soft_wrap=True)
                yield Label("Target words:")
                yield Input(id="node-words", type="integer")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Planning"
        self.refresh_tree()

    @property
    def tree(self) -> Tree:
        return self.query_one("#outline-tree", Tree)

    @property
    def outline(self) -> Outline:
        return load_outline(self.project.store)

    @property
    def selected_id(self) -> int | None:
        node = self.tree.cursor_node
        return node.data if node is not None else None

    def refresh_tree(self, select: int | None = None) -> None:
        outline = self.outline
        tree = self.tree
        tree.clear()
        tree.root.expand()

        def add(parent, node_id):
            for child in outline.children(node_id):
                label = f"[{child.id}] {outline.label(child)}: {child.title} ({child.status})"
                if outline.children(child.id):
                    add(parent.add(label, child.id, expand=True), child.id)
                else:
                    parent.add_leaf(label, child.id)

        add(tree.root, None)
        if select is not None:
            for line in range(tree.last_line + 1):
                found = tree.get_node_at_line(line)
                if found is not None and found.data == select:
                    tree.move_cursor(found)
        if not outline.nodes:
            self.notify("No outline yet: type a premise as the title, the synopsis below, then Ctrl+S.")

    @on(Tree.NodeHighlighted, "#outline-tree")
    def _show(self, event: Tree.NodeHighlighted) -> None:
        if event.node.data is None:
            return
        node = self.outline.nodes[event.node.data]
        self.query_one("#node-title", Input).value = node.title
        self.query_one("#node-synopsis", TextArea).text = node.synopsis
        self.query_one("#node-words", Input).value = str(node.target_words or "")

    def action_save_node(self) -> None:
        title = self.query_one("#node-title", Input).value.strip()
        synopsis = self.query_one("#node-synopsis", TextArea).text.strip()
        words_text = self.query_one("#node-words", Input).value.strip()
        words = int(words_text) if words_text.isdigit() else 0
        try:
            if not self.outline.nodes:
                node = create_book(self.project.store, title or "Untitled", synopsis, words or 60000)
            elif self.selected_id is not None:
                node = update_node(self.project.store, self.selected_id, title=title, synopsis=synopsis,
                                   target_words=words)
            else:
                return
        except DraftsmithError as error:
            self.notify(error.sentence, severity="error")
            return
        self.refresh_tree(select=node.id)
        self.notify("Saved.")

    def action_plan_children(self) -> None:
        node_id = self.selected_id
        if node_id is None or self.backend is None or self.planning:
            self.notify("Choose a node (and wait for the model) to plan its children.", severity="warning")
            return
        if child_level(self.outline.nodes[node_id].level) is None:
            self.notify("A beat is the smallest unit; it has no children.", severity="warning")
            return
        self.planning = True
        self.notify("Planning…")
        self._plan(self.backend, node_id)

    @work(thread=True, exclusive=True, group="planning")
    def _plan(self, backend: Backend, node_id: int) -> None:
        try:
            planned = plan_children(backend, self.project, node_id, count=self.child_count,
                                    cancel=get_current_worker().cancelled_event)
        except DraftsmithError as error:
            self.post_message(ChildrenPlanned(node_id, [], error.sentence))
            return
        except Exception as error:
            self.post_message(ChildrenPlanned(node_id, [], record_unexpected(error, "planning")))
            return
        self.post_message(ChildrenPlanned(node_id, planned))

    @on(ChildrenPlanned)
    def _store_children(self, message: ChildrenPlanned) -> None:
        self.planning = False
        if message.error:
            self.notify(message.error, severity="error")
            return
        added = add_children(self.project.store, message.parent_id, message.planned)
        self.refresh_tree(select=added[0].id if added else message.parent_id)
        self.notify(f"Planned {len(added)} nodes.")

    def action_chord(self) -> None:
        self.app.push_screen(ChordScreen(PLANNING_CHORDS), self._run_chord)

    async def _run_chord(self, action: str | None) -> None:
        if action is not None:
            await self.run_action(action)

    def action_move(self, step: int) -> None:
        node_id = self.selected_id
        if node_id is None:
            return
        before, _ = self.outline.siblings(node_id)
        try:
            move_node(self.project.store, node_id, len(before) + step)
        except DraftsmithError:
            return
        self.refresh_tree(select=node_id)

    def action_delete_node(self) -> None:
        node_id = self.selected_id
        if node_id is not None:
            removed = delete_node(self.project.store, node_id)
            self.refresh_tree()
            self.notify(f"Deleted {removed} nodes; drafted text stays in the manuscript.")

    def action_draft_node(self) -> None:
        node_id = self.selected_id
        if node_id is None:
            return
        self.dismiss_to_workspace(node_id)

    def dismiss_to_workspace(self, node_id: int | None = None) -> None:
        """Back to the workspace; with ``node_id``, draft that node there."""
        self.app.pop_screen()
        workspace = self.app.screen
        refresh = getattr(workspace, "refresh_binder", None)
        if refresh is None:
            return
        refresh()
        if node_id is not None and workspace.binder.select_item(BinderItem("node", node_id)):
            workspace.action_draft_node()

    def action_back(self) -> None:
        self.dismiss_to_workspace()
