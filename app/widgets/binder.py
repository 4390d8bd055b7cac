"""The binder: the manuscript's chapters and the outline, with status and word counts.

The binder is narrow (18 columns on an 80-column terminal), so each chapter's line
starts with what tells it apart: its number and its length. A title that begins
with its own numbering ("CHAPTER XXI. THE OLD PIRATE") shows only the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rich.text import Text
from textual.message import Message
from textual.widgets import Tree

from memory.storage.outline import Outline
from memory.storage.store import Document

STATUS_MARKS = {"planned": "○", "drafted": "●", "revised": "◆"}

_OWN_NUMBERING = re.compile(
    r"^\s*(?:chapter|chap\.|ch\.|letter)\s+(?:\d+|[ivxlcdm]+|the\s+\w+|\w+)\b[\s.:,;\u2014\u2013-]*",
    re.IGNORECASE)


def compact_count(words: int) -> str:
    """A word count in at most four characters: 850, 4.1k, 112k."""
    if words < 1000:
        return str(words)
    if words < 100_000:
        return f"{words / 1000:.1f}k"
    return f"{words // 1000}k"


def chapter_label(number: int, document: Document) -> Text:
    """``12 4.1k The Sea Cook``: number and length first, then the title without its own numbering."""
    rest = _OWN_NUMBERING.sub("", document.title, count=1).strip()
    return Text.assemble(f"{number} ", (compact_count(document.words), "dim"), " ", rest or document.title)


def document_label(document: Document) -> Text:
    """A part or other document: its title in bold, with its length."""
    return Text.assemble((document.title, "bold"), "  ", (compact_count(document.words), "dim"))

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
        self.guide_depth = 2  # the narrowest guides: every column of 18 is worth a letter of a title

    def refresh_items(self, documents: list[Document], outline: Outline) -> None:
        """Rebuild from the project, keeping the cursor on the same item where possible."""
        chosen = self.cursor_node.data if self.cursor_node is not None else None
        self.clear()
        manuscript = self.root.add("Manuscript", expand=True)
        number = 0
        for document in documents:
            if document.kind == "front":
                continue
            if document.kind == "chapter":
                number += 1
                label = chapter_label(number, document)
            else:
                label = document_label(document)
            manuscript.add_leaf(label, BinderItem("document", document.id))
        if outline.nodes:
            plan = self.root.add("Outline", expand=True)
            self._add_nodes(plan, outline, None)
        if chosen is not None:
            self.select_item(chosen)

    def _add_nodes(self, parent, outline: Outline, node_id: int | None) -> None:
        for node in outline.children(node_id):
            label = Text(f"{STATUS_MARKS.get(node.status, '?')} {outline.label(node)}: {node.title}")
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
