"""``draftsmith style train``: learn a style adapter from the writer's own chapters, here.

Parsing and printing only: the training is ``engine.training.style_training``, imported
once the optional training extra is known to be installed.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading

from app.commands.options import positive_int
from engine.errors import ProjectError
from engine.projects import open_project
from engine.training import require_training_stack


def register_train(actions: argparse._SubParsersAction) -> None:
    train = actions.add_parser(
        "train", help="train a style adapter on your own chapters (needs the training extra)",
        description="Train a LoRA adapter for the project's model on the chapters you wrote (passages the "
        "model wrote and you never changed are left out), holding out the last chapters to measure on; "
        "register it as a style and print the held-out loss with and without it. Ctrl-C stops at the "
        "next step and keeps a checkpoint; the same command resumes. Needs `pip install -e '.[train]'`.")
    train.add_argument("--project", required=True, metavar="P")
    train.add_argument("--name", required=True, help="the new style's name")
    train.add_argument("--chapters", metavar="FIRST-LAST", type=chapter_range, help="chapters to learn from "
                       "(default: all)")
    train.add_argument("--rank", type=positive_int, default=16, help="LoRA rank (default 16)")
    train.add_argument("--epochs", type=positive_int, default=1, help="passes over the chapters (default 1)")
    train.add_argument("--max-minutes", type=positive_float, metavar="N",
                       help="stop training after N minutes and keep what it learnt (the same command goes on)")
    train.add_argument("--seq-len", type=positive_int, default=512, metavar="TOKENS",
                       help="tokens per training step (default 512)")
    train.add_argument("--json", action="store_true", help="print the report as JSON")
    train.set_defaults(run=run_train)


def chapter_range(text: str) -> range:
    first, _, last = text.partition("-")
    try:
        start, end = int(first), int(last or first)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a chapter range such as 1-20") from None
    if not 1 <= start <= end:
        raise argparse.ArgumentTypeError(f"{text!r} is not a chapter range such as 1-20")
    return range(start, end + 1)


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text} must be greater than zero")
    return value


def _print_step(progress) -> None:
    held = f", held-out {progress.held_out_loss:.3f}" if progress.held_out_loss is not None else ""
    minutes = progress.seconds_left / 60
    print(f"step {progress.step}/{progress.steps}: {progress.tokens:,} tokens, loss {progress.loss:.3f}{held}, "
          f"about {minutes:.0f} min left", file=sys.stderr, flush=True)


def run_train(args: argparse.Namespace) -> int:
    require_training_stack()
    from engine.training.style_training import StyleTrainingRequest, train_style
    from engine.training.trainer import TrainingPlan

    request = StyleTrainingRequest(args.name, args.chapters, TrainingPlan(rank=args.rank, epochs=args.epochs,
                                                                          seq_len=args.seq_len),
                                   args.max_minutes)
    project, _ = open_project(args.project)
    stop = threading.Event()
    previous = signal.signal(signal.SIGINT, lambda *_: stop.set())
    try:
        if not any(d.kind == "chapter" for d in project.store.documents()):
            raise ProjectError("The project has no chapters to learn a style from; import your manuscript first.")
        report = train_style(project, request, lambda line: print(line, file=sys.stderr, flush=True),
                             _print_step, stop)
    finally:
        signal.signal(signal.SIGINT, previous)
        project.close()
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
    elif report.adapter is not None:
        print(f"Trained {report.name} on chapters {_span(report.trained_chapters)} "
              f"({report.training_tokens:,} tokens, {report.steps_done} of {report.steps} steps)"
              + (", stopped at the time limit" if report.timed_out else "") + ".")
        print(f"Held-out chapters {_span(report.held_out_chapters)}: {report.held_out_nll_plain:.3f} nats/token "
              f"without the style, {report.held_out_nll_styled:.3f} with it ({report.improvement:+.1%} lower).")
        print(f"Write with it: draftsmith style use {report.name}:1 --project {args.project}")
    if report.stopped:
        print(f"Stopped after step {report.steps_done} of {report.steps}; the checkpoint is kept: run the same "
              "command to go on.", file=sys.stderr)
        return 130
    return 0


def _span(numbers: list[int]) -> str:
    return f"{numbers[0]}-{numbers[-1]}" if len(numbers) > 1 else str(numbers[0])
