"""``draftsmith write``: stream a continuation of a passage to stdout."""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from app.commands.options import add_model_options, positive_int, prompt_style
from app.progress import StderrProgress
from engine.backend.protocol import SamplingSettings
from engine.runtime import open_backend
from engine.styles import apply_styles, model_for, project_styles
from app.commands.project_commands import parse_position
from engine.projects import open_project
from engine.workflows.continuation import continue_in_project, continue_passage
from memory.cursor import cursor_at


def register(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser(
        "write",
        help="continue a passage with the model, streaming to stdout",
        description="Continue TEXT (or standard input when TEXT is '-' or absent) and stream the "
        "continuation to stdout. Ctrl-C stops after the current token (exit 130).",
    )
    parser.add_argument("text", nargs="?", default="-",
                        help="the passage to continue, or '-' for stdin (ignored with --project)")
    parser.add_argument("--project", metavar="P", help="continue a project's manuscript with its memory")
    parser.add_argument("--at", metavar="CHAPTER[:PARAGRAPH]", help="with --project: where to write (default: the end)")
    add_model_options(parser)
    parser.add_argument("--max-tokens", type=positive_int, default=200, help="tokens to write (default 200)")
    parser.add_argument("--temperature", type=float, default=0.8)
    parser.add_argument("--seed", type=int, help="seed for a repeatable continuation")
    parser.add_argument("--stats", action="store_true", help="print tokens/s and cache reuse to stderr")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    project = None
    styles = []
    if args.project:
        project, _ = open_project(args.project, args.model)
        project.ensure_summaries()
        cursor = cursor_at(project, *parse_position(args.at))
        styles = project_styles(project.store)
    else:
        passage = sys.stdin.read() if args.text == "-" else args.text
        if not passage.strip():
            print("draftsmith: there is no text to continue.", file=sys.stderr)
            return 2
    backend = open_backend(
        args.model or model_for(styles),
        server=args.server,
        prompt_style=prompt_style(args),
        n_ctx=args.n_ctx,
        progress=StderrProgress("Preparing the default model"),
    )
    apply_styles(backend, styles)
    settings = SamplingSettings(max_tokens=args.max_tokens, temperature=args.temperature, seed=args.seed)
    cancel = threading.Event()
    previous = signal.signal(signal.SIGINT, lambda *_: cancel.set())
    try:
        pieces = (continue_in_project(backend, project, settings, cursor, cancel) if project
                  else continue_passage(backend, passage, settings, cancel))
        for piece in pieces:
            sys.stdout.write(piece)
            sys.stdout.flush()
    finally:
        signal.signal(signal.SIGINT, previous)
        sys.stdout.write("\n")
        sys.stdout.flush()
        backend.close()
        if project:
            project.close()
    stats = backend.last_stats
    if args.stats and stats:
        print(
            f"{stats.generated_tokens} tokens at {stats.tokens_per_second:.1f} tokens/s; "
            f"prompt {stats.prompt_tokens} tokens, {stats.reused_tokens} reused from cache",
            file=sys.stderr,
        )
    return 130 if cancel.is_set() else 0
