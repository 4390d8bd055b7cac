"""The ``draftsmith`` command: with no arguments it opens the app.

Exit codes: 0 success, 1 a runtime failure, 2 bad input or arguments,
130 stopped by Ctrl-C. Errors are one sentence on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from app.commands import (
    draft_command,
    models_command,
    outline_command,
    project_commands,
    provenance_command,
    sampler_command,
    style_command,
    write_command,
)
from app.terminal_output import terminal_safe_streams
from engine.errors import DraftsmithError
from memory.text.printable import shown

COMMANDS = (write_command, models_command, project_commands, outline_command, draft_command, style_command,
            provenance_command, sampler_command)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="draftsmith",
        description="An offline writing assistant for novels and long non-fiction. "
        "Run with no command to open the app.",
    )
    parser.add_argument("--model", help="model name, path or 'default' for the app (default: the built-in model)")
    parser.add_argument("--project", help="open the app on this project (a name or a .draftsmith path)")
    subcommands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        command.register(subcommands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command is None:
            from app.launch import launch_app  # Textual loads only when the app opens

            return launch_app(model=args.model, project=args.project)
        with terminal_safe_streams():
            return args.run(args)
    except DraftsmithError as error:
        print(f"draftsmith: {shown(error.sentence)}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("\ndraftsmith: stopped.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
