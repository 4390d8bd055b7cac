"""The binder: the manuscript's chapters and the outline, with status and word counts."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message
from textual.widgets import Tree

from memory.outline import Outline
from memory.store import Document

STATUS_MARKS = {"planned": "○", "drafted": "●", "revised": "◆"}


@dataclass(frozen=True)
class BinderItem:
    kind: str
    """``document`` or ``node``."""
    id: int


class Binder(Tree[BinderItem]):
    """Chapters to open, and outline nodes to plan or draft."""

    @dataclass
    class DocumentChosen(Message):
        document_id: int

    @dataclass
    class NodeChosen(Message):
        node_id: int

    def __init__(self, **kwargs) -> None:
        super().__init__("Book", **kwargs)
        self.show_root = False

    def refresh_items(self, documents: list[Document], outline: Outline) -> None:
        """Rebuild from the project, keeping the cursor on the same item where possible."""
        chosen = self.cursor_node.data if self.cursor_node is not None else None
        self.clear()
        manuscript = self.root.add("Manuscript", expand=True)
        for document in documents:
            if document.kind == "front":
                continue
            label = f"{document.title}  [dim]{document.words:,}w[/]"
            manuscript.add_leaf(label, BinderItem("document", document.id))
        if outline.nodes:
            plan = self.root.add("Outline", expand=True)
            self._add_nodes(plan, outline, None)
        if chosen is not None:
            self.select_item(chosen)

    def _add_nodes(self, parent, outline: Outline, node_id: int | None) -> None:
        for node in outline.children(node_id):
            label = f"{STATUS_MARKS.get(node.status, '?')} {outline.label(node)}: {node.title}"
            children = outline.children(node.id)
            item = BinderItem("node", node.id)
            if children:
                branch = parent.add(label, item, expand=True)
                self._add_nodes(branch, outline, node.id)
            else:
                parent.add_leaf(label, item)

    def select_item(self, item: BinderItem) -> bool:
        for line in range(self.last_line + 1):
            node = self.get_node_at_line(line)
            if node is not None and node.data == item:
                self.move_cursor(node)
                return True
        return False

    def on_tree_node_selected(self, event: Tree.NodeSelected[BinderItem]) -> None:
        event.stop()
        data = event.node.data
        if data is None:
            return
        if data.kind == "document":
            self.post_message(self.DocumentChosen(data.id))
        else:
            self.post_message(self.NodeChosen(data.id))
