"""The outline: book, acts, chapters, scenes and beats, planned top-down.

Writers plan from the premise down and draft from the beats up. Each node keeps
what the planner and the drafter need: a title, a synopsis, the characters and
place involved, a target length and a status. A chapter node links to the
manuscript document its prose is drafted into.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

LEVELS = ("book", "act", "chapter", "scene", "beat")
PLURALS = {"book": "books", "act": "acts", "chapter": "chapters", "scene": "scenes", "beat": "beats"}
STATUSES = ("planned", "drafted", "revised")


def child_level(level: str) -> str | None:
    """The level one step below ``level``; beats have none."""
    index = LEVELS.index(level)
    return LEVELS[index + 1] if index + 1 < len(LEVELS) else None


@dataclass
class OutlineNode:
    id: int
    parent_id: int | None
    position: int
    level: str
    title: str
    synopsis: str = ""
    characters: list[str] = field(default_factory=list)
    place: str = ""
    target_words: int = 0
    status: str = "planned"
    document_id: int | None = None
    drafted_summary: str = ""
    """What the drafted text turned out to say (from the summary pyramid), beside the plan."""

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)

    def row(self) -> dict[str, object]:
        row = self.as_dict()
        row["characters"] = json.dumps(self.characters)
        return row

    @classmethod
    def from_row(cls, row: dict[str, object]) -> OutlineNode:
        values = {name: row[name] for name in cls.__dataclass_fields__ if name in row}
        characters = json.loads(str(row.get("characters") or "[]"))
        if not isinstance(characters, list):
            raise ValueError("its characters are not a list")
        values["characters"] = [str(name) for name in characters]
        values["synopsis"] = values.get("synopsis") or ""
        values["place"] = values.get("place") or ""
        values["target_words"] = values.get("target_words") or 0
        values["drafted_summary"] = values.get("drafted_summary") or ""
        return cls(**values)


@dataclass
class Outline:
    """The whole tree, loaded at once: outlines have hundreds of nodes, not millions."""

    nodes: dict[int, OutlineNode]

    def children(self, node_id: int | None) -> list[OutlineNode]:
        return sorted((n for n in self.nodes.values() if n.parent_id == node_id), key=lambda n: n.position)

    @property
    def book(self) -> OutlineNode | None:
        roots = self.children(None)
        return roots[0] if roots else None

    def ancestors(self, node_id: int) -> list[OutlineNode]:
        """From the book down to the node's parent."""
        chain: list[OutlineNode] = []
        parent_id = self.nodes[node_id].parent_id
        while parent_id is not None:
            chain.append(self.nodes[parent_id])
            parent_id = self.nodes[parent_id].parent_id
        return chain[::-1]

    def siblings(self, node_id: int) -> tuple[list[OutlineNode], list[OutlineNode]]:
        """The node's siblings before it and after it, in order."""
        node = self.nodes[node_id]
        row = self.children(node.parent_id)
        index = next(i for i, n in enumerate(row) if n.id == node_id)
        return row[:index], row[index + 1 :]

    def walk(self, node_id: int | None = None) -> list[OutlineNode]:
        """The subtree under ``node_id`` (the whole outline by default) in reading order."""
        ordered: list[OutlineNode] = []
        for child in self.children(node_id):
            ordered.append(child)
            ordered.extend(self.walk(child.id))
        return ordered

    def leaves(self, node_id: int) -> list[OutlineNode]:
        """The nodes to draft under ``node_id``, in order: those with no children."""
        below = self.walk(node_id)
        return [n for n in below if not self.children(n.id)] or [self.nodes[node_id]]

    def chapters(self) -> list[OutlineNode]:
        return [n for n in self.walk() if n.level == "chapter"]

    def chapter_of(self, node_id: int) -> OutlineNode | None:
        node = self.nodes[node_id]
        if node.level == "chapter":
            return node
        return next((a for a in self.ancestors(node_id) if a.level == "chapter"), None)

    def label(self, node: OutlineNode) -> str:
        """``Chapter 3`` or ``Beat 2``: the node's level and place among its siblings."""
        if node.level == "book":
            return "Book"
        if node.level == "chapter":
            number = next(i for i, c in enumerate(self.chapters(), start=1) if c.id == node.id)
        else:
            number = next(i for i, c in enumerate(self.children(node.parent_id), start=1) if c.id == node.id)
        return f"{node.level.capitalize()} {number}"
