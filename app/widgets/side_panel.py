"""The side panel: the selected outline node, the story bible, the context inspector."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from app.widgets.context_inspector import ContextInspector
from memory.bible import BibleEntry
from memory.outline import Outline, OutlineNode


class SidePanel(Vertical):
    def compose(self) -> ComposeResult:
        with TabbedContent(id="side-tabs"):
            yield from self._panes()

    def _panes(self) -> ComposeResult:
        with TabPane("Node", id="tab-node"):
            yield Static("Choose an outline node in the binder.", id="node-details")
        with TabPane("Bible", id="tab-bible"):
            table = DataTable(id="bible-table", cursor_type="row", zebra_stripes=True)
            table.add_columns("name", "kind", "pronouns", "facts")
            yield table
        with TabPane("Context", id="tab-context"):
            yield ContextInspector(id="inspector")

    def show_node(self, outline: Outline, node: OutlineNode) -> None:
        lines = [f"[b]{outline.label(node)}: {node.title}[/b]", f"status: {node.status}"]
        if node.target_words:
            lines.append(f"target: {node.target_words:,} words")
        if node.characters:
            lines.append("characters: " + ", ".join(node.characters))
        if node.place:
            lines.append(f"place: {node.place}")
        lines += ["", node.synopsis or "(no synopsis)"]
        if node.drafted_summary:
            lines += ["", "[i]As drafted:[/i] " + node.drafted_summary]
        self.query_one("#node-details", Static).update("\n".join(lines))

    def show_bible(self, entries: list[BibleEntry]) -> None:
        table = self.query_one("#bible-table", DataTable)
        table.clear()
        for entry in entries:
            names = ", ".join(entry.all_names())
            table.add_row(names, entry.kind, entry.pronouns or "", "; ".join(entry.facts))

    @property
    def active(self) -> str:
        return self.query_one(TabbedContent).active

    @active.setter
    def active(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    @property
    def inspector(self) -> ContextInspector:
        return self.query_one(ContextInspector)
