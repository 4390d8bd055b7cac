"""Plan the outline one level at a time: acts from a premise, chapters from an act,
scenes from a chapter, beats from a scene.

The model sees what a writer planning that node would look at: the book's premise,
the synopses of the node's ancestors, its neighbours before and after, and the
cast from the story bible. Its answer is held to a JSON schema token by token, so
the tree it returns is always well formed, and the names and phrases of the prompt's
example are banned while it writes (``example_bans``): a small model given a premise
that names nobody would otherwise take the example's heroine for the writer's.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from engine.backend.protocol import Backend, SamplingSettings
from engine.errors import BackendError
from engine.workflows.example_leaks import example_bans, leaked_from_examples, near_duplicates
from engine.workflows.outline_schema import (
    DEFAULT_COUNTS,
    children_schema,
    complete_items,
    max_output_tokens,
    parse_children,
    planned_node,
)
from memory.context.bible import load_bible
from memory.project import Project
from memory.storage.outline import PLURALS, Outline, OutlineNode, child_level
from memory.storage.outline_store import PlannedNode, add_children, load_outline, replace_children
from memory.storage.outline_store import node as outline_node
from prompts import render
from prompts.labels import CAST

ATTEMPTS = 3
_CAST_LIMIT = 12
_PLANNING_SAMPLING = SamplingSettings(max_tokens=0, temperature=0.7, top_p=0.9, min_p=0.05, repeat_penalty=1.15,
                                      penalty_last_n=64, penalize_prompt=False, dry_multiplier=0.8)
"""DRY keeps a sibling from retelling the one before it word for word; JSON's keys do not
trip it, since quotes and colons break its runs."""


def planning_context(project: Project, outline: Outline, node: OutlineNode) -> str:
    """The lines the planner reads before writing ``node``'s children."""
    lines: list[str] = []
    book = outline.book
    if book is not None:
        lines += [f"Book: {book.title}", f"Premise: {book.synopsis}"]
        for key, label in (("genre", "Genre"), ("style_notes", "Style")):
            value = project.store.get_setting(f"book.{key}")
            if value:
                lines.append(f"{label}: {value}")
    cast = [entry.line() for entry in load_bible(project.store) if entry.kind == "character"][:_CAST_LIMIT]
    if cast:
        lines.append(f"{CAST}: " + ", ".join(cast))
    for ancestor in outline.ancestors(node.id)[1:]:
        lines.append(_node_line(outline, ancestor))
    if node.level != "book":
        before, after = outline.siblings(node.id)
        lines += [_node_line(outline, sibling, "before") for sibling in before[-2:]]
        lines.append(_node_line(outline, node, "this one", details=True))
        lines += [_node_line(outline, sibling, "after") for sibling in after[:1]]
    lines += [_node_line(outline, child, "already planned") for child in outline.children(node.id)]
    return "\n".join(lines)


def _node_line(outline: Outline, node: OutlineNode, note: str = "", details: bool = False) -> str:
    label = outline.label(node) + (f" ({note})" if note else "")
    line = f"{label}: {node.title}. {node.synopsis}".rstrip()
    if details and node.characters:
        line += f" {CAST}: {', '.join(node.characters)}."
    if details and node.place:
        line += f" Place: {node.place}."
    return line


def plan_children(
    backend: Backend,
    project: Project,
    node_id: int,
    count: int | None = None,
    level: str | None = None,
    seed: int | None = None,
    cancel: threading.Event | None = None,
    on_item: Callable[[PlannedNode], None] | None = None,
) -> list[PlannedNode]:
    """Generate the children of ``node_id``; ``on_item`` gets each one as soon as its JSON closes.

    Nothing is stored here: ``expand_node`` stores a finished plan in one
    transaction, and drafting stores each beat through ``on_item`` as it comes.
    """
    outline = load_outline(project.store)
    node = outline_node(project.store, node_id)
    level = level or child_level(node.level)
    if level is None:
        raise BackendError("A beat is the smallest unit of the outline; it has no children to plan.")
    count = count or DEFAULT_COUNTS[level]
    heading = f"{PLURALS[level].capitalize()} of {outline.label(node).lower() if node.level != 'book' else 'the book'}"
    prompt_context = planning_context(project, outline, node)
    prompt = render("plan_children", {"context": prompt_context, "heading": heading, "count": str(count)})
    schema = json.dumps(children_schema(level, count))
    room = backend.context_length - backend.count_tokens(prompt.text) - 64
    settings = replace(_PLANNING_SAMPLING, json_schema=schema,
                       banned_phrases=example_bans("plan_children", prompt_context),
                       max_tokens=max(64, min(max_output_tokens(level, count), room)))
    problem = ""
    check = _PlanCheck(source=prompt_context, earlier=[child.synopsis for child in outline.children(node.id)])
    for attempt in range(ATTEMPTS):
        attempt_seed = None if seed is None else seed + attempt
        # The last try may tell two siblings alike (a plan to edit is better than none), but
        # nothing copied from the example reaches the outline.
        check.allow_repeats = attempt == ATTEMPTS - 1
        raw, delivered, problem = _stream_items(
            backend.stream(prompt, replace(settings, seed=attempt_seed), cancel), node, level, count, on_item, check)
        if cancel is not None and cancel.is_set():
            raise BackendError("Planning was cancelled.")
        if delivered and (problem or len(delivered) < count):
            return delivered  # already handed on: the caller plans the rest with these in view
        if problem:
            continue
        try:
            planned = parse_children(raw, node, level, count)
        except (ValueError, KeyError, TypeError) as error:  # cut short by the token limit: try again
            problem = str(error)
            continue
        problem = check.plan(planned)
        if not problem:
            return planned
    raise BackendError(f"The model did not produce a complete plan in {ATTEMPTS} tries ({problem}); nothing was "
                       "planned. Try again with another seed, or write these parts yourself.")


@dataclass
class _PlanCheck:
    """What makes a planned node unusable: the prompt's example copied, or a sibling told twice."""

    source: str
    earlier: list[str]
    allow_repeats: bool = False
    """Accept siblings told alike (the last try)."""

    def item(self, planned: PlannedNode, before: list[PlannedNode]) -> str:
        text = " ".join([planned.synopsis, *planned.characters, planned.place])  # titles are common words
        leaks = leaked_from_examples(text, "plan_children", self.source)
        if leaks:
            return f"it copied its example ({', '.join(leaks[:3])})"
        earlier = self.earlier + [node.synopsis for node in before]
        if not self.allow_repeats and near_duplicates([planned.synopsis], earlier):
            return "two nodes had the same synopsis"
        return ""

    def plan(self, planned: list[PlannedNode]) -> str:
        return next((problem for index, node in enumerate(planned)
                     if (problem := self.item(node, planned[:index]))), "")


def _stream_items(pieces: Iterable[str], node: OutlineNode, level: str, count: int,
                  on_item: Callable[[PlannedNode], None] | None,
                  check: _PlanCheck) -> tuple[str, list[PlannedNode], str]:
    """Join the answer's pieces, handing each sound item that completes to ``on_item`` (at most ``count``).

    Returns the answer, the items handed on, and the problem that stopped the handing on, if any.
    """
    raw = ""
    delivered: list[PlannedNode] = []
    for piece in pieces:
        raw += piece
        if on_item is None or "}" not in piece:
            continue
        items = complete_items(raw)
        while len(delivered) < min(len(items), count):
            try:
                planned = planned_node(items[len(delivered)], node, level, count)
            except (KeyError, TypeError):
                return raw, delivered, ""  # not the promised shape: the answer is judged (and retried) by the caller
            problem = check.item(planned, delivered)
            if problem:
                return raw, delivered, problem
            delivered.append(planned)
            on_item(planned)
    return raw, delivered, ""


def expand_node(
    backend: Backend,
    project: Project,
    node_id: int,
    count: int | None = None,
    level: str | None = None,
    seed: int | None = None,
    regenerate: bool = False,
    cancel: threading.Event | None = None,
) -> list[OutlineNode]:
    """Plan ``node_id``'s children and store them: appended, or replacing the planned ones."""
    planned = plan_children(backend, project, node_id, count, level, seed, cancel)
    if regenerate:
        return replace_children(project.store, node_id, planned, level)
    return add_children(project.store, node_id, planned, level)

