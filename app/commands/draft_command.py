"""``draftsmith draft`` and ``draftsmith continuity``: headless drafting and its revision list."""

from __future__ import annotations

import argparse
import json
import sys

from app.commands.options import (
    add_model_options,
    add_sampler_options,
    open_session,
    positive_int,
    sampler_changes,
    temperature,
)
from engine.edits.outline_edits import load_outline
from engine.errors import ProjectError
from engine.projects import open_project
from engine.workflows.drafting import DraftProgress, draft
from memory.continuity import project_continuity
from memory.project import Project


def register(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser(
        "draft", help="draft chapters from the outline, beat by beat (resumable)",
        description="Draft the outline's planned beats into the manuscript. Every beat is saved as soon as "
        "it is written: stop with Ctrl-C, or lose power, and run the same command to resume.")
    parser.add_argument("--project", required=True, metavar="P")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--chapter", type=positive_int, metavar="N", help="draft the outline's chapter N")
    which.add_argument("--all", action="store_true", help="draft every chapter (the default)")
    parser.add_argument("--words", type=positive_int, metavar="W",
                        help="target words per chapter (default: the outline's)")
    parser.add_argument("--seed", type=int)
    parser.add_argument("--temperature", type=temperature, help="default: the sampler preset's")
    add_sampler_options(parser)
    parser.add_argument("--show", action="store_true", help="stream the prose to stdout as it is written")
    parser.add_argument("--json", action="store_true", help="print the drafting report as JSON")
    add_model_options(parser)
    parser.set_defaults(run=run_draft)

    report = subcommands.add_parser(
        "continuity", help="list repetitions, pronoun flips and name drift, chapter by chapter",
        description="Read the drafted chapters and list what a revision pass should look at. Nothing is changed.")
    report.add_argument("--project", required=True, metavar="P")
    report.add_argument("--chapter", type=positive_int, metavar="N", help="only the manuscript's chapter N")
    report.add_argument("--json", action="store_true")
    report.set_defaults(run=run_continuity)


def _chapter_node(project: Project, number: int | None) -> int | None:
    if number is None:
        return None
    chapters = load_outline(project.store).chapters()
    if not 1 <= number <= len(chapters):
        raise ProjectError(f"The outline has {len(chapters)} chapters; there is no chapter {number}.")
    return chapters[number - 1].id


def run_draft(args: argparse.Namespace) -> int:
    project, _ = open_project(args.project, args.model)
    try:
        if not load_outline(project.store).chapters():
            raise ProjectError("The outline has no chapters to draft; plan some with `draftsmith outline`.")
        node_id = _chapter_node(project, args.chapter)
        changes = sampler_changes(args, temperature=args.temperature, seed=args.seed)
        with open_session(args, project, changes) as session, session.stopping_on_ctrl_c() as stop:
            report = draft(session.backend, project, node_id, session.settings, args.words, stop, _print_progress,
                           _print_text if args.show else None)
    finally:
        project.close()
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
    else:
        for chapter in report.chapters:
            print(f"{chapter.label} {chapter.title}: {chapter.words:,} of {chapter.target_words:,} words "
                  f"({chapter.adherence:.0%}), {chapter.beats_drafted} beats drafted")
        print(f"{report.passages} passages at {report.tokens_per_second:.1f} tokens/s in {report.seconds:.0f} s")
        if report.commentary_retries:
            print(f"{report.commentary_retries} written again because they talked about the book instead of telling it")
        if report.off_topic_retries:
            print(f"{report.off_topic_retries} written again because they named none of their beat's characters")
        if report.pronoun_retries:
            print(f"{report.pronoun_retries} written again because they gave a character the wrong pronoun")
        if report.stray_retries:
            print(f"{report.stray_retries} written again because they brought in many names the book has never used")
    if report.stopped:
        print("Stopped. Every finished beat is saved; run the same command to resume.", file=sys.stderr)
        return 130
    return 0


def _print_progress(progress: DraftProgress) -> None:
    print(f"{progress.chapter}, {progress.node} ({progress.index}/{progress.total}): "
          f"{progress.words:,} of {progress.target_words:,} words so far", file=sys.stderr, flush=True)


def _print_text(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def run_continuity(args: argparse.Namespace) -> int:
    project, _ = open_project(args.project)
    try:
        issues = project_continuity(project, args.chapter)
    finally:
        project.close()
    if args.json:
        print(json.dumps([issue.as_dict() for issue in issues], indent=2))
        return 0
    for issue in issues:
        excerpt = f"  [{issue.excerpt}]" if issue.excerpt and issue.kind == "loop" else ""
        print(f"{issue.chapter}: {issue.kind}: {issue.message}{excerpt}")
    print(f"{len(issues)} things to review.", file=sys.stderr)
    return 0
