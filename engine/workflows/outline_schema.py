"""The JSON shape the planner asks for, and turning the model's answer into nodes.

Every string and array in the schema is bounded, so constrained decoding always
reaches the closing brace within a known number of tokens: even the 270M base
model then returns a valid tree, never a half-written one.
"""

from __future__ import annotations

import json

from memory.storage.outline import OutlineNode
from memory.storage.outline_store import PlannedNode

TITLE_CHARS = 60
SYNOPSIS_CHARS = {"act": 240, "chapter": 240, "scene": 200, "beat": 160}
NAME_CHARS = 30
PLACE_CHARS = 40
MAX_CHARACTERS = 4
DEFAULT_COUNTS = {"act": 3, "chapter": 4, "scene": 3, "beat": 4}
DEFAULT_WORDS = {"book": 60000, "act": 20000, "chapter": 3000, "scene": 1000, "beat": 300}
_ITEM_OVERHEAD_CHARS = 80
"""Keys, quotes and separators of one item, beyond its strings."""


def children_schema(level: str, count: int) -> dict[str, object]:
    item = {
        "type": "object",
        "properties": {
            "title": {"type": "string", "minLength": 2, "maxLength": TITLE_CHARS},
            "synopsis": {"type": "string", "minLength": 12, "maxLength": SYNOPSIS_CHARS.get(level, 200)},
            "characters": {"type": "array", "maxItems": MAX_CHARACTERS,
                           "items": {"type": "string", "minLength": 2, "maxLength": NAME_CHARS}},
            "place": {"type": "string", "maxLength": PLACE_CHARS},
        },
        "required": ["title", "synopsis", "characters", "place"],
    }
    return {
        "type": "object",
        "properties": {"items": {"type": "array", "minItems": count, "maxItems": count, "items": item}},
        "required": ["items"],
    }


def max_output_tokens(level: str, count: int) -> int:
    """An upper bound on the answer's length: a token is at least one character."""
    per_item = TITLE_CHARS + SYNOPSIS_CHARS.get(level, 200) + MAX_CHARACTERS * NAME_CHARS + PLACE_CHARS
    return count * (per_item + _ITEM_OVERHEAD_CHARS) + 32


def parse_children(raw: str, parent: OutlineNode, level: str, count: int) -> list[PlannedNode]:
    """Nodes from the model's JSON, tidied; raises ValueError if it is not the promised shape.

    The parent's target length is shared among its children; the writer can edit it.
    """
    items = json.loads(raw)["items"]
    if not isinstance(items, list) or len(items) != count:
        raise ValueError(f"expected {count} items")
    return [planned_node(item, parent, level, count) for item in items]


def planned_node(item: dict, parent: OutlineNode, level: str, count: int) -> PlannedNode:
    """One item of the answer as a node; raises KeyError or TypeError when it lacks a field."""
    share = parent.target_words // count if parent.target_words else DEFAULT_WORDS.get(level, 0)
    title = _tidy(item["title"]).strip(" .") or "Untitled"
    characters = tuple(dict.fromkeys(_tidy(name) for name in item.get("characters", []) if _tidy(name)))
    return PlannedNode(title=title, synopsis=_tidy(item["synopsis"]), characters=characters,
                       place=_tidy(item.get("place", "")), target_words=share)


def complete_items(raw: str) -> list[dict]:
    """The items of a partial answer whose JSON objects are already closed, in order.

    Planning stores each node as soon as it is complete, so a plan cut off by a
    kill or a cancel keeps what was already planned.
    """
    key = raw.find('"items"')
    start = raw.find("[", key) if key >= 0 else -1
    if start < 0:
        return []
    decoder = json.JSONDecoder()
    items: list[dict] = []
    position = start + 1
    while True:
        while position < len(raw) and raw[position] in " \t\r\n,":
            position += 1
        if position >= len(raw) or raw[position] != "{":
            return items
        try:
            item, position = decoder.raw_decode(raw, position)
        except json.JSONDecodeError:
            return items
        if isinstance(item, dict):
            items.append(item)


def _tidy(text: object) -> str:
    return " ".join(str(text).split())
