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
           "read_outline", "update_node"]


def read_outline(store: ProjectStore) -> Outline:
    """The outline tree as stored now."""
    return load_outline(store)


def update_node(store: ProjectStore, node_id: int, **changes: object) -> OutlineNode:
    """Change a node's title, synopsis, target length or status."""
    return _update_node(store, node_id, **changes)
