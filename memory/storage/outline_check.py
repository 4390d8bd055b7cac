"""Refuse, in one sentence, an outline that is not a tree.

The outline lives in the project file, where a writer with an SQLite tool can
edit it by hand. Every walk over it (drafting, the binder, ``outline --json``)
follows parents up to the book, so a node whose parent is missing, or a loop of
parents, would send them round for ever; the outline is checked once as it
loads, and the writer is told which nodes to mend.
"""

from __future__ import annotations

from memory.errors import ProjectError
from memory.storage.outline import LEVELS, OutlineNode

_MEND = "mend it in the project file, or restore a backup"


def check_tree(nodes: dict[int, OutlineNode]) -> None:
    """Raise ``ProjectError`` unless every node has a known level and a chain of parents ending at the book."""
    for node in nodes.values():
        if node.level not in LEVELS:
            raise ProjectError(f"The outline is damaged: node {node.id} ({node.title!r}) has the level "
                               f"{node.level!r}, which is none of {', '.join(LEVELS)}; {_MEND}.")
        if node.parent_id is not None and node.parent_id not in nodes:
            raise ProjectError(f"The outline is damaged: node {node.id} ({node.title!r}) names node "
                               f"{node.parent_id} as its parent, and there is none; {_MEND}.")
    reaches_book: set[int] = set()
    for start in nodes:
        chain: list[int] = []
        current: int | None = start
        while current is not None and current not in reaches_book:
            if current in chain:
                loop = chain[chain.index(current):] + [current]
                raise ProjectError(f"The outline is damaged: its nodes {' → '.join(map(str, loop))} are each "
                                   f"other's parents, so none of them is under the book; {_MEND}.")
            chain.append(current)
            current = nodes[current].parent_id
        reaches_book.update(chain)
