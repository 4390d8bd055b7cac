"""The side panel: the selected outline node, the story bible, the context inspector."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from app.widgets.context_inspector import ContextInspector
from engine.workflows.style_fidelity import ParagraphFidelity
from memory.context.bible import BibleEntry
from memory.storage.outline import Outline, OutlineNode


class BibleTable(DataTable):
    """The story bible, one row per entry; the writer confirms a proposed change (C) or
    removes an entry that is nobody (Delete) from here."""

    BINDINGS = [
        Binding("c", "confirm", "Confirm change"),
        Binding("delete", "remove", "Remove entry"),
    ]

    class ConfirmRequested(Message):
        def __init__(self, name: str) -> None:
            super().__init__()
            self.name = name

    class RemoveRequested(Message):
        def __init__(self, name: str) -> None:
            super().__init__()
            self.name = name

    def _chosen(self) -> str | None:
        if not self.row_count:
            return None
        return str(self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value)

    def action_confirm(self) -> None:
        if (name := self._chosen()) is not None:
            self.post_message(self.ConfirmRequested(name))

    def action_remove(self) -> None:
        if (name := self._chosen()) is not None:
            self.post_message(self.RemoveRequested(name))


class SidePanel(Vertical):
    def compose(self) -> ComposeResult:
        with TabbedContent(id="side-tabs"):
            yield from self._panes()

    def _panes(self) -> ComposeResult:
        with TabPane("Node", id="tab-node"):
            yield Static("Choose an outline node in the binder.", id="node-details")
        with TabPane("Bible", id="tab-bible"):
            table = BibleTable(id="bible-table", cursor_type="row", zebra_stripes=True)
            table.add_columns("name", "kind", "pronouns", "facts")
            yield table
        with TabPane("Context", id="tab-context"):
            yield ContextInspector(id="inspector")
        with TabPane("Origin", id="tab-origin"):
            yield Static("Alt+O shows what produced the generated passages in the paragraph at the cursor.",
                         id="origin-details")
        with TabPane("Style", id="tab-style"):
            yield Static("Alt+S scores each paragraph against the project's style.", id="style-summary")
            table = DataTable(id="style-table", cursor_type="row", zebra_stripes=True)
            table.add_columns("¶", "score", "opening")
            yield table

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
        table = self.query_one("#bible-table", BibleTable)
        table.clear()
        for entry in entries:
            names = ", ".join(entry.all_names())
            facts = [*entry.facts, *(dated.describe() for dated in entry.timeline)]
            table.add_row(names, entry.kind, entry.pronouns or "", "; ".join(facts), key=entry.name)

    def show_style(self, scores: list[ParagraphFidelity], mean: float) -> None:
        """Per-paragraph fidelity, lowest first: where the draft drifts from the writer's voice."""
        table = self.query_one("#style-table", DataTable)
        table.clear()
        for score in sorted(scores, key=lambda s: s.score):
            table.add_row(str(score.index), f"{score.score:+.3f}", score.excerpt)
        self.query_one("#style-summary", Static).update(
            f"Mean {mean:+.3f} nats/token over {len(scores)} paragraphs; above 0 reads like the style.")

    def show_origins(self, described: list[str]) -> None:
        text = "\n\n".join(described) or "No generated passage is recorded here: the text is the writer's."
        self.query_one("#origin-details", Static).update(text)

    @property
    def active(self) -> str:
        return self.query_one(TabbedContent).active

    @active.setter
    def active(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    @property
    def inspector(self) -> ContextInspector:
        return self.query_one(ContextInspector)
