"""Options shared by commands that load a model."""

from __future__ import annotations

import argparse

from engine.backend.protocol import PromptStyle


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
