"""``draftsmith write``: continue a passage or a project's manuscript with the model.

Without ``--keep`` the continuation streams to stdout and the project is not changed.
With ``--keep`` each continuation is stored in the manuscript as it is written, and
``--words N`` goes on, continuation after continuation, until about N words are kept;
a run that was stopped goes on from where it stopped when started again the same way.
"""

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
from app.commands.project_commands import parse_position
from engine.projects import open_project
from engine.session import WritingSession
from engine.workflows.continuation import Place, continue_in_project, continue_passage
from engine.workflows.writing_session import WriteJournal, WriteStep, write_and_keep, writing_run
from memory.context.cursor import position_at
from memory.project import Project


def register(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser(
        "write",
        help="continue a passage or a project with the model",
        description="Continue TEXT (or standard input when TEXT is '-' or absent) and stream the "
        "continuation to stdout. With --project, continue the manuscript at its end (or --at) with its "
        "memory; --keep stores each continuation in the manuscript, and --words N writes on until "
        "about N words are kept. Ctrl-C stops after the current token (exit 130); what was kept stays.",
    )
    parser.add_argument("text", nargs="?", default="-",
                        help="the passage to continue, or '-' for stdin (ignored with --project)")
    parser.add_argument("--project", metavar="P", help="continue a project's manuscript with its memory")
    parser.add_argument("--at", metavar="CHAPTER[:PARAGRAPH]", help="with --project: where to write (default: the end)")
    parser.add_argument("--keep", action="store_true",
                        help="with --project: store each continuation in the manuscript as it is written")
    parser.add_argument("--words", type=positive_int, metavar="N",
                        help="with --keep: continue, keep and continue again until about N words are kept")
    add_model_options(parser)
    parser.add_argument("--max-tokens", type=positive_int, default=200,
                        help="tokens to write per continuation (default 200)")
    parser.add_argument("--temperature", type=temperature, help="default: the sampler preset's")
    add_sampler_options(parser)
    parser.add_argument("--seed", type=int, help="seed for a repeatable continuation")
    parser.add_argument("--stats", action="store_true", help="print tokens/s and cache reuse to stderr")
    parser.add_argument("--json", action="store_true",
                        help="with --keep: print one JSON object per kept continuation instead of the text")
    parser.set_defaults(run=run)



def run(args: argparse.Namespace) -> int:
    if (args.keep or args.words) and not args.project:
        print("draftsmith: --keep and --words continue a project's manuscript; give --project.", file=sys.stderr)
        return 2
    if args.words and not args.keep:
        print("draftsmith: --words writes kept continuations; add --keep.", file=sys.stderr)
        return 2
    if args.json and not args.keep:
        print("draftsmith: --json reports kept continuations; add --keep.", file=sys.stderr)
        return 2
    if not args.project:
        return _continue(args, None)
    project, _ = open_project(args.project, args.model)
    try:
        return _continue(args, project)
    finally:
        project.close()


def _continue(args: argparse.Namespace, project: Project | None) -> int:
    if project is not None:
        place = Place(*parse_position(args.at))
        place.cursor(project)  # a place that is not in the book is refused before the model loads
        project.ensure_summaries()
    else:
        passage = sys.stdin.read() if args.text == "-" else args.text
        if not passage.strip():
            print("draftsmith: there is no text to continue.", file=sys.stderr)
            return 2
    changes = sampler_changes(args, max_tokens=args.max_tokens, temperature=args.temperature, seed=args.seed)
    with open_session(args, project, changes) as session, session.stopping_on_ctrl_c() as stop:
        try:
            if args.keep:
                _write_and_keep(args, session)
            else:
                _stream(session, place if project else passage)
        finally:
            sys.stdout.flush()
    stats = session.backend.last_stats
    if args.stats and stats and not args.keep:
        print(
            f"{stats.generated_tokens} tokens at {stats.tokens_per_second:.1f} tokens/s; "
            f"prompt {stats.prompt_tokens} tokens, {stats.reused_tokens} reused from cache",
            file=sys.stderr,
        )
    return 130 if stop.is_set() else 0


def _stream(session: WritingSession, where: Place | str) -> None:
    """Print a continuation as it is written: of the project at a place, or of a loose passage."""
    backend, settings, stop = session.backend, session.settings, session.stop_signal
    pieces = (continue_in_project(backend, session.project, settings, where, stop) if isinstance(where, Place)
              else continue_passage(backend, where, settings, stop))
    wrote = False
    for piece in pieces:
        wrote = wrote or bool(piece.strip())
        _print_piece(piece)
    sys.stdout.write("\n")
    if not wrote and not stop.is_set():
        print("draftsmith: the model ended at once and wrote nothing; try another --seed.", file=sys.stderr)


def _write_and_keep(args: argparse.Namespace, session: WritingSession) -> None:
    journal = _journal(args, session.project)
    stream_text = None if args.json else _print_piece
    for step in write_and_keep(session.backend, session.project, journal, session.settings, session.stop_signal,
                               on_text=stream_text):
        if args.json:
            print(json.dumps(step.as_dict(), ensure_ascii=False), flush=True)
        _report(step, args.stats)
    if not args.json:
        sys.stdout.write("\n")


def _journal(args: argparse.Namespace, project: Project) -> WriteJournal:
    """Go on with a stopped run started the same way, or start a new one at --at or the book's end."""
    words = args.words or 0
    document_id, offset = position_at(project, *parse_position(args.at))
    journal, resumed = writing_run(project, words, args.at or "", document_id, offset)
    if resumed:
        print(f"Going on from a stopped run: {journal.written_words} of {words} words are already kept.",
              file=sys.stderr)
    return journal


def _print_piece(piece: str) -> None:
    sys.stdout.write(piece)
    sys.stdout.flush()


def _report(step: WriteStep, stats: bool) -> None:
    line = f"kept {step.words} words ({step.written_words} of {step.target_words})"
    if stats:
        line += (f"; prompt {step.prompt_tokens} tokens, {step.reused_tokens} reused, first token after "
                 f"{step.first_token_seconds:.1f} s, {step.tokens_per_second:.1f} tokens/s")
    print(line, file=sys.stderr, flush=True)
