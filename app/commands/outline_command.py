"""``draftsmith outline``: create, print, expand and edit a project's outline."""

from __future__ import annotations

import argparse
import json
import sys

from app.commands.options import add_model_options, open_session, positive_int
from engine.edits.outline_edits import (
    PlannedNode,
    add_children,
    create_book,
    delete_node,
    load_outline,
    move_node,
    set_book_details,
    update_node,
)
from engine.edits.outline_edits import node as outline_node
from engine.errors import ProjectError
from engine.projects import open_project
from engine.workflows.planning import expand_node
from memory.project import Project
from memory.storage.outline import LEVELS, Outline


def register(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser(
        "outline", help="create, print, expand or edit the project's outline",
        description="With --premise, start the outline; with --expand NODE, plan the next level under NODE "
        "with the model (--regenerate replaces its planned children). --edit, --add, --move and --delete "
        "change nodes by hand. Always ends by printing the outline (NODE numbers in brackets).")
    parser.add_argument("--project", required=True, metavar="P")
    parser.add_argument("--premise", metavar="TEXT", help="start the outline from this premise")
    parser.add_argument("--title", help="with --premise: the book's title; with --edit or --add: the node's")
    parser.add_argument("--words", type=positive_int, help="target length in words (book, or edited node)")
    parser.add_argument("--genre", help="the book's genre, which the planner reads (e.g. 'gothic mystery')")
    parser.add_argument("--style-notes", metavar="TEXT", help="notes on voice and style for the planner")
    parser.add_argument("--expand", type=positive_int, metavar="NODE", help="plan NODE's children")
    parser.add_argument("--level", choices=LEVELS[1:],
                        help="with --expand or --add: the level of the new nodes (e.g. beats straight under a chapter)")
    parser.add_argument("--count", type=positive_int, help="with --expand: how many children")
    parser.add_argument("--regenerate", action="store_true", help="with --expand: replace planned children")
    parser.add_argument("--seed", type=int)
    parser.add_argument("--edit", type=positive_int, metavar="NODE", help="change NODE's --title/--synopsis/--words")
    parser.add_argument("--synopsis", help="with --edit or --add")
    parser.add_argument("--add", type=positive_int, metavar="PARENT", help="add a child under PARENT by hand")
    parser.add_argument("--move", type=positive_int, metavar="NODE", help="move NODE to --to POSITION")
    parser.add_argument("--to", type=positive_int, metavar="POSITION", help="1-based position among siblings")
    parser.add_argument("--delete", type=positive_int, metavar="NODE", help="delete NODE and what is under it")
    parser.add_argument("--json", action="store_true", help="print the outline as JSON")
    add_model_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    project, _ = open_project(args.project, args.model, create=bool(args.premise))
    try:
        _apply_changes(args, project)
        outline = load_outline(project.store)
    finally:
        project.close()
    if args.json:
        print(json.dumps([dict(n.as_dict(), label=outline.label(n)) for n in outline.walk()], indent=2))
    else:
        print(render_outline(outline) or "The project has no outline yet; start one with --premise.")
    return 0


def _apply_changes(args: argparse.Namespace, project: Project) -> None:
    store = project.store
    if args.premise:
        create_book(store, args.title or "Untitled", args.premise, args.words or 60000)
    set_book_details(store, genre=args.genre, style_notes=args.style_notes)
    if args.expand:
        outline_node(store, args.expand)  # an unknown node is refused before the model loads
        with open_session(args, project) as session:
            print(f"Planning under node {args.expand}…", file=sys.stderr)
            expand_node(session.backend, project, args.expand, args.count, args.level, args.seed, args.regenerate)
    if args.edit:
        changes = {k: v for k, v in (("title", args.title), ("synopsis", args.synopsis),
                                     ("target_words", args.words)) if v is not None}
        if not changes:
            raise ProjectError("--edit needs --title, --synopsis or --words.")
        update_node(store, args.edit, **changes)
    if args.add:
        if not args.title:
            raise ProjectError("--add needs a --title.")
        add_children(store, args.add, [PlannedNode(args.title, args.synopsis or "", target_words=args.words or 0)],
                     args.level)
    if args.move:
        if not args.to:
            raise ProjectError("--move needs --to POSITION.")
        move_node(store, args.move, args.to - 1)
    if args.delete:
        removed = delete_node(store, args.delete)
        print(f"Deleted {removed} outline nodes; drafted text stays in the manuscript.", file=sys.stderr)


def render_outline(outline: Outline) -> str:
    """The tree as indented lines: ``[id] Label: title (words, status) synopsis``."""
    lines = []
    for node in outline.walk():
        depth = len(outline.ancestors(node.id))
        words = f"{node.target_words:,} words, " if node.target_words else ""
        lines.append(f"{'  ' * depth}[{node.id}] {outline.label(node)}: {node.title} ({words}{node.status})")
        if node.synopsis:
            lines.append(f"{'  ' * depth}    {node.synopsis}")
    return "\n".join(lines)
