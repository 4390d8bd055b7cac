"""Options shared by commands that load a model."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace

from engine.backend.banned_phrases import compile_bans
from engine.backend.protocol import Backend, PromptStyle, SamplingSettings, unapplied
from engine.sampler_presets import PRESETS, project_sampler
from memory.storage.store import ProjectStore


def add_model_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", help="a registered model name or a .gguf path (default: the built-in model)")
    parser.add_argument("--server", metavar="URL",
                        help="use an OpenAI-compatible server instead, e.g. http://127.0.0.1:8080/v1")
    parser.add_argument("--prompt-style", choices=[style.value for style in PromptStyle],
                        help="override how prompts are sent: plain completion or chat messages")
    parser.add_argument("--ctx", type=positive_int, dest="n_ctx", metavar="TOKENS",
                        help="context size in tokens (default: the model's, at most 4096)")


def prompt_style(args: argparse.Namespace) -> PromptStyle | None:
    return PromptStyle(args.prompt_style) if args.prompt_style else None


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text} must be greater than zero")
    return value


def temperature(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.0 <= value <= 5.0:  # also refuses nan
        raise argparse.ArgumentTypeError(f"{text} is not a temperature from 0 to 5")
    return value


def add_sampler_options(parser: argparse.ArgumentParser) -> None:
    """The sampler options of commands that write prose; they change this run only."""
    group = parser.add_argument_group("sampler (this run; `draftsmith sampler` changes a project's)")
    group.add_argument("--sampler", choices=list(PRESETS), help="a preset (default: the project's, else balanced)")
    group.add_argument("--ban", action="append", default=[], metavar="PHRASE",
                       help="a phrase not to write (repeatable); 're:' starts a regular expression")
    group.add_argument("--worn-phrases", choices=["on", "off"],
                       help="ban the built-in list of worn-out phrases (default: the project's, else on)")
    group.add_argument("--dry", type=non_negative, metavar="MULTIPLIER", help="DRY strength; 0 turns it off")
    group.add_argument("--xtc", type=probability, metavar="PROBABILITY", help="XTC probability; 0 turns it off")
    group.add_argument("--top-n-sigma", type=non_negative, metavar="N", help="top-n-sigma; 0 turns it off")
    group.add_argument("--top-k", type=whole_number, metavar="K", help="keep the K likeliest tokens; 0 turns it off")


def sampler_from_args(args: argparse.Namespace, store: ProjectStore | None, **base: object) -> SamplingSettings:
    """The project's sampler (or the defaults without one) with this run's options over it."""
    temperature, max_tokens = base.pop("temperature", None), base.pop("max_tokens", None)
    settings = project_sampler(store, SamplingSettings(**base), temperature, max_tokens, args.sampler)
    changes: dict[str, object] = {}
    if args.ban:
        changes["banned_phrases"] = settings.banned_phrases + tuple(args.ban)
    if args.worn_phrases:
        changes["worn_phrases"] = args.worn_phrases == "on"
    for option, name in (("dry", "dry_multiplier"), ("xtc", "xtc_probability"), ("top_n_sigma", "top_n_sigma"),
                         ("top_k", "top_k")):
        if getattr(args, option) is not None:
            changes[name] = getattr(args, option)
    settings = replace(settings, **changes)
    compile_bans(settings.banned_phrases, settings.worn_phrases)  # a broken pattern stops the run before it starts
    return settings


def warn_unapplied(backend: Backend, settings: SamplingSettings) -> None:
    """Say on stderr which sampler settings the backend cannot apply."""
    missing = unapplied(backend.capabilities, settings)
    if missing:
        print(f"draftsmith: this server cannot apply {', '.join(name.replace('_', ' ') for name in missing)}; "
              "the rest of the sampler is sent.", file=sys.stderr)


def whole_number(text: str) -> int:
    """A count that may be zero (0 turns a sampler off)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} must be zero or more")
    return value


def non_negative(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.0 <= value <= 100.0:
        raise argparse.ArgumentTypeError(f"{text} is not a number from 0 to 100")
    return value


def probability(text: str) -> float:
    value = non_negative(text)
    if value > 1.0:
        raise argparse.ArgumentTypeError(f"{text} is not a probability from 0 to 1")
    return value
