"""The writer's changes to the outline, as the app and the command line make them.

Each is one call on the project store (``memory.storage.outline_store`` keeps the tree and its
order); the planner's own additions go through ``engine.workflows.planning``.
"""

from __future__ import annotations

from memory.storage.outline import Outline, OutlineNode
from memory.storage.outline_store import (
    PlannedNode,
    add_children,
    create_book,
    delete_node,
    load_outline,
    move_node,
    node,
)
from memory.storage.outline_store import update_node as _update_node
from memory.storage.store import ProjectStore

__all__ = ["PlannedNode", "add_children", "create_book", "delete_node", "load_outline", "move_node", "node",
           "read_outline", "set_book_details", "update_node"]

BOOK_DETAILS = ("genre", "style_notes")
"""What the writer tells the planner about the book besides its premise (``book.genre``...)."""


def set_book_details(store: ProjectStore, **details: str | None) -> None:
    """Keep the book's genre and style notes for the planner; None leaves one as it is."""
    unknown = set(details) - set(BOOK_DETAILS)
    if unknown:
        raise ValueError(f"not a book detail: {', '.join(sorted(unknown))}")
    with store.transaction():
        for key, value in details.items():
            if value is not None:
                store.set_setting(f"book.{key}", value)


def read_outline(store: ProjectStore) -> Outline:
    """The outline tree as stored now."""
    return load_outline(store)


def update_node(store: ProjectStore, node_id: int, **changes: object) -> OutlineNode:
    """Change a node's title, synopsis, target length or status."""
    return _update_node(store, node_id, **changes)
