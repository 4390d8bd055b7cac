"""``draftsmith provenance``: what produced the generated passages at a place in the book."""

from __future__ import annotations

import argparse
import json
import sys

from app.commands.options import positive_int
from app.commands.project_commands import parse_position
from app.origin_text import describe
from engine.projects import open_project
from engine.provenance import forget_alternative, passage_origins


def register(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser(
        "provenance", help="what produced the generated passages at a place",
        description="List the records of generated passages in paragraph CHAPTER:PARAGRAPH, a chapter, or the "
        "whole book: the model and its file hash, styles, sampler and seed, the prompt's sections, and when. "
        "A passage changed since it was kept is marked as edited.")
    parser.add_argument("--project", required=True, metavar="P")
    parser.add_argument("--at", metavar="CHAPTER[:PARAGRAPH]", help="e.g. 12 or 12:5 (default: the whole book)")
    parser.add_argument("--json", action="store_true", help="print the records as JSON")
    parser.add_argument("--delete-alternative", type=positive_int, metavar="ID",
                        help="forget one kept alternative version (its id is in the --json output)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.delete_alternative:
        project, _ = open_project(args.project)
        try:
            forget_alternative(project, args.delete_alternative)
        finally:
            project.close()
        print(f"Alternative {args.delete_alternative} is gone; the passage and the other versions stay.",
              file=sys.stderr)
        return 0
    project, _ = open_project(args.project, read_only=True)
    try:
        found = passage_origins(project, *parse_position(args.at))
    finally:
        project.close()
    if args.json:
        print(json.dumps([origin.as_dict() for origin in found], indent=2, ensure_ascii=False))
        return 0
    if not found:
        print("No generated passage is recorded there: the text is the writer's.", file=sys.stderr)
    for origin in found:
        print(describe(origin))
    return 0
