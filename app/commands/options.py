"""Options shared by commands that load a model."""

from __future__ import annotations

import argparse
import sys

from app.progress import PromptReadProgress, StderrProgress
from engine.backend.protocol import PromptStyle
from engine.sampler_presets import PRESETS
from engine.session import ModelChoice, SamplerChanges, WritingSession
from memory.project import Project


def add_model_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", help="a registered model name or a .gguf path (default: the built-in model)")
    parser.add_argument("--server", metavar="URL",
                        help="use an OpenAI-compatible server instead, e.g. http://127.0.0.1:8080/v1")
    parser.add_argument("--prompt-style", choices=[style.value for style in PromptStyle],
                        help="override how prompts are sent: plain completion or chat messages")
    parser.add_argument("--ctx", type=positive_int, dest="n_ctx", metavar="TOKENS",
                        help="context size in tokens (default: the model's, at most 4096)")


def prompt_style(args: argparse.Namespace) -> PromptStyle | None:
    style = getattr(args, "prompt_style", None)
    return PromptStyle(style) if style else None


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


def sampler_changes(args: argparse.Namespace, **run: object) -> SamplerChanges:
    """This run's sampler options (``run``: the command's own, such as its seed), for the session."""
    return SamplerChanges(preset=args.sampler, bans=tuple(args.ban or ()),
                          worn_phrases=None if args.worn_phrases is None else args.worn_phrases == "on",
                          dry_multiplier=args.dry, xtc_probability=args.xtc, top_n_sigma=args.top_n_sigma,
                          top_k=args.top_k, **run)


def model_choice(args: argparse.Namespace) -> ModelChoice:
    return ModelChoice(getattr(args, "model", None), getattr(args, "server", None), prompt_style(args),
                       getattr(args, "n_ctx", None))


def open_session(args: argparse.Namespace, project: Project | None,
                 changes: SamplerChanges | None = None) -> WritingSession:
    """The writing session for this run, its progress shown on stderr.

    Says on stderr which sampler settings the backend cannot apply (a server's limits).
    """
    session = WritingSession.open(project, model_choice(args), changes,
                                  progress=StderrProgress("Preparing the default model"))
    session.backend.prompt_progress = PromptReadProgress()
    missing = session.unapplied_settings
    if missing:
        print(f"draftsmith: this server cannot apply {', '.join(name.replace('_', ' ') for name in missing)}; "
              "the rest of the sampler is sent.", file=sys.stderr)
    return session


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
