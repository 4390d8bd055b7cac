"""Read and change the outline in the project file, one transaction per change.

Deleting or regenerating never touches drafted prose: a chapter's text belongs to
the manuscript, and a node with drafted text below it is refused rather than lost.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from memory.errors import ProjectError
from memory.storage.outline import LEVELS, Outline, OutlineNode, child_level
from memory.storage.outline_check import check_tree
from memory.storage.store import ProjectStore, now

EDITABLE = ("title", "synopsis", "characters", "place", "target_words", "status")


@dataclass(frozen=True)
class PlannedNode:
    """A node to add, before it has an id."""

    title: str
    synopsis: str = ""
    characters: tuple[str, ...] = ()
    place: str = ""
    target_words: int = 0


def load_outline(store: ProjectStore) -> Outline:
    rows = store.db.execute("SELECT * FROM outline").fetchall()
    columns = [d[0] for d in store.db.execute("SELECT * FROM outline LIMIT 0").description]
    nodes: dict[int, OutlineNode] = {}
    for row in rows:
        try:
            nodes[row[0]] = OutlineNode.from_row(dict(zip(columns, row)))
        except (ValueError, TypeError) as error:  # a hand-edited row: characters that are not a JSON list
            raise ProjectError(f"The outline is damaged: node {row[0]} cannot be read ({error}); mend it in "
                               "the project file, or restore a backup.") from error
    check_tree(nodes)
    return Outline(nodes)


def node(store: ProjectStore, node_id: int) -> OutlineNode:
    outline = load_outline(store)
    if node_id not in outline.nodes:
        raise ProjectError(f"The outline has no node {node_id}.")
    return outline.nodes[node_id]


def create_book(store: ProjectStore, title: str, premise: str, target_words: int = 60000) -> OutlineNode:
    """Start the outline from a premise; a project has one book node."""
    if load_outline(store).book is not None:
        raise ProjectError("This project already has an outline; expand or edit it instead.")
    with store.transaction():
        return _insert(store, None, "book", PlannedNode(title, premise, target_words=target_words), 0)


def add_children(store: ProjectStore, parent_id: int, planned: Iterable[PlannedNode],
                 level: str | None = None) -> list[OutlineNode]:
    """Append nodes under ``parent_id`` at ``level`` (one below the parent's by default)."""
    parent = node(store, parent_id)
    level = level or child_level(parent.level)
    if level is None or LEVELS.index(level) <= LEVELS.index(parent.level):
        raise ProjectError(f"A {parent.level} cannot hold a {level or 'further level'}.")
    with store.transaction():
        start = len(load_outline(store).children(parent_id))
        return [_insert(store, parent_id, level, item, start + i) for i, item in enumerate(planned)]


def replace_children(store: ProjectStore, parent_id: int, planned: Iterable[PlannedNode],
                     level: str | None = None) -> list[OutlineNode]:
    """Regenerate: swap the parent's planned children for new ones, in one transaction."""
    outline = load_outline(store)
    drafted = [n for n in outline.walk(parent_id) if n.status != "planned" or n.document_id]
    if drafted:
        raise ProjectError(
            f"{outline.label(drafted[0])} ({drafted[0].title!r}) under this node is already drafted; "
            "delete or edit nodes one by one instead of regenerating them all."
        )
    with store.transaction():
        for child in outline.walk(parent_id):
            store.db.execute("DELETE FROM outline WHERE id = ?", [child.id])
        return add_children(store, parent_id, planned, level)


def update_node(store: ProjectStore, node_id: int, **changes: object) -> OutlineNode:
    unknown = set(changes) - set(EDITABLE) - {"document_id", "drafted_summary"}
    if unknown:
        raise ProjectError(f"An outline node has no field {sorted(unknown)[0]!r}.")
    if "status" in changes and changes["status"] not in ("planned", "drafted", "revised"):
        raise ProjectError(f"Status must be planned, drafted or revised, not {changes['status']!r}.")
    current = node(store, node_id)
    for name, value in changes.items():
        setattr(current, name, list(value) if name == "characters" else value)  # type: ignore[arg-type]
    with store.transaction():
        store.db["outline"].update(node_id, {**current.row(), "updated_at": now()})
    return current


def delete_node(store: ProjectStore, node_id: int) -> int:
    """Delete a node and its subtree; drafted prose stays in the manuscript. Returns nodes removed."""
    outline = load_outline(store)
    target = node(store, node_id)
    doomed = [target, *outline.walk(node_id)]
    with store.transaction():
        for item in doomed:
            store.db.execute("DELETE FROM outline WHERE id = ?", [item.id])
        _renumber(store, [n for n in outline.children(target.parent_id) if n.id != node_id])
    return len(doomed)


def move_node(store: ProjectStore, node_id: int, index: int) -> None:
    """Move a node to ``index`` (0-based) among its siblings."""
    outline = load_outline(store)
    target = node(store, node_id)
    row = [n for n in outline.children(target.parent_id) if n.id != node_id]
    if not 0 <= index <= len(row):
        raise ProjectError(f"Position {index + 1} is out of range; the node has {len(row) + 1} siblings.")
    row.insert(index, target)
    with store.transaction():
        _renumber(store, row)


def _renumber(store: ProjectStore, row: list[OutlineNode]) -> None:
    for position, item in enumerate(row):
        store.db.execute("UPDATE outline SET position = ? WHERE id = ?", [position, item.id])


def _insert(store: ProjectStore, parent_id: int | None, level: str, item: PlannedNode, position: int) -> OutlineNode:
    created = OutlineNode(id=0, parent_id=parent_id, position=position, level=level, title=item.title,
                          synopsis=item.synopsis, characters=list(item.characters), place=item.place,
                          target_words=item.target_words)
    row = created.row()
    del row["id"]
    created.id = store.db["outline"].insert({**row, "updated_at": now()}).last_pk
    return created
