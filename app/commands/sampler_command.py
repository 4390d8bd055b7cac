"""`draftsmith sampler`: show or change how a project's prose is sampled."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict

from engine.backend.banned_phrases import WORN_PHRASES, compile_bans
from engine.projects import project_path
from engine.sampler_presets import PRESETS, project_preset, project_sampler, save_project_sampler
from memory.storage.store import ProjectStore


def register(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser(
        "sampler", help="show or change how the project's prose is sampled",
        description="Show the project's sampler, or change its preset, banned phrases and the list of "
                    "worn-out phrases. `write` and `draft` use it; their own options change one run.")
    parser.add_argument("--project", required=True, metavar="P")
    parser.add_argument("--preset", choices=list(PRESETS), help="the preset to use")
    parser.add_argument("--ban", action="append", default=[], metavar="PHRASE",
                        help="a phrase never to write (repeatable); 're:' starts a regular expression")
    parser.add_argument("--unban", action="append", default=[], metavar="PHRASE", help="take a phrase off the list")
    parser.add_argument("--worn-phrases", choices=["on", "off"], help="the built-in list of worn-out phrases")
    parser.add_argument("--json", action="store_true", help="print the settings as JSON")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    changing = args.preset or args.ban or args.unban or args.worn_phrases
    if changing:
        compile_bans(tuple(args.ban), False)  # a broken pattern is refused before anything is stored
        with ProjectStore(project_path(args.project)) as store:
            save_project_sampler(store, args.preset, args.ban, args.unban,
                                 None if args.worn_phrases is None else args.worn_phrases == "on")
    with ProjectStore(project_path(args.project), read_only=True) as store:
        preset, settings = project_preset(store), project_sampler(store)
    if args.json:
        print(json.dumps({"preset": preset, "settings": asdict(settings)}, indent=2, ensure_ascii=False))
        return 0
    print(f"preset: {preset}")
    for name in ("temperature", "top_k", "top_p", "min_p", "repeat_penalty", "penalty_last_n", "dry_multiplier",
                 "xtc_probability", "top_n_sigma"):
        print(f"  {name}: {getattr(settings, name)}")
    print(f"banned phrases: {'; '.join(settings.banned_phrases) or '(none)'}")
    print(f"worn-out phrases: {'on' if settings.worn_phrases else 'off'} ({len(WORN_PHRASES)} phrases)")
    return 0
