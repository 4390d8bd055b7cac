"""``draftsmith style``: import, list, choose, compare and score the writer's styles."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from app.commands.options import positive_int
from app.commands.style_train_command import register_train
from app.progress import StderrProgress
from engine.backend.llama_backend import LlamaBackend, LlamaSettings
from engine.backend.protocol import SamplingSettings
from engine.errors import StyleError
from engine.projects import open_project, project_path
from engine.runtime import resolve_model_path
from engine.styles import (
    StyleRegistry,
    adapters_for,
    model_for,
    parse_choice,
    project_styles,
    save_project_styles,
)
from engine.workflows.style_compare import compare_scales
from engine.workflows.style_fidelity import chapters_to_score, score_chapters
from memory.storage.store import ProjectStore
from memory.training_data import write_dataset


def register(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser("style", help="your own voice: LoRA adapters and fine-tuned models",
                                    description="Import, list, choose, compare and score styles.")
    actions = parser.add_subparsers(dest="style_command", metavar="ACTION", required=True)

    imported = actions.add_parser("import", help="check and register an adapter or fine-tuned model",
                                  description="Check a GGUF LoRA adapter against its base model (type, "
                                  "architecture, every tensor's shape, rank, alpha) or a fine-tuned GGUF model, "
                                  "and register it by name. Nothing is copied.")
    imported.add_argument("path", type=Path)
    imported.add_argument("--name")
    imported.add_argument("--base", metavar="MODEL", help="the adapter's base model (default: the built-in one)")
    imported.add_argument("--json", action="store_true")
    imported.set_defaults(run=run_import)

    listed = actions.add_parser("list", help="the imported styles", description="List imported styles.")
    listed.add_argument("--json", action="store_true")
    listed.set_defaults(run=run_list)

    removed = actions.add_parser("remove", help="forget a style (the file stays)", description="Forget a style.")
    removed.add_argument("name")
    removed.set_defaults(run=run_remove)

    use = actions.add_parser("use", help="choose a project's styles, NAME or NAME:SCALE (0 to 2)",
                             description="Set the styles a project writes with; several adapters mix. "
                             "No NAME clears them.")
    use.add_argument("names", nargs="*", metavar="NAME[:SCALE]")
    use.add_argument("--project", required=True, metavar="P")
    use.set_defaults(run=run_use)

    compare = actions.add_parser("compare", help="the same continuation at several scales, one seed",
                                 description="Continue TEXT with the style at each scale, from one seed.")
    compare.add_argument("text", help="the passage to continue, or '-' for stdin")
    compare.add_argument("--style", required=True, action="append", metavar="NAME[:SCALE]")
    compare.add_argument("--scales", default="0,0.5,1,1.5", help="comma-separated multipliers (default 0,0.5,1,1.5)")
    compare.add_argument("--max-tokens", type=positive_int, default=80)
    compare.add_argument("--seed", type=int, default=0)
    compare.add_argument("--json", action="store_true")
    compare.set_defaults(run=run_compare)

    score = actions.add_parser("score", help="how much each paragraph reads like the style",
                               description="Per paragraph: mean log-likelihood ratio (nats/token) of the model "
                               "with the style adapter over the plain model. Above 0 reads like the style.")
    score.add_argument("--project", required=True, metavar="P")
    score.add_argument("--chapter", type=positive_int, metavar="N", help="only chapter N (default: all)")
    score.add_argument("--style", action="append", metavar="NAME[:SCALE]", help="default: the project's styles")
    score.add_argument("--json", action="store_true")
    score.set_defaults(run=run_score)

    register_train(actions)

    dataset = actions.add_parser("dataset", help="write your prose as fine-tuning files",
                                 description="Write plain-text chunks, JSONL {text} and instruction pairs "
                                 "from your manuscripts, with a README on fine-tuning and importing the result.")
    dataset.add_argument("--from", dest="sources", nargs="+", type=Path, required=True, metavar="FILE")
    dataset.add_argument("--out", type=Path, required=True, metavar="DIR")
    dataset.add_argument("--json", action="store_true")
    dataset.set_defaults(run=run_dataset)


def run_import(args: argparse.Namespace) -> int:
    style = StyleRegistry().import_style(args.path, args.name, args.base)
    if args.json:
        print(json.dumps(style.__dict__, indent=2))
    else:
        detail = f"rank {style.rank}, alpha {style.alpha:g}" if style.kind == "adapter" and style.alpha else ""
        print(f"Imported {style.name}: a {style.kind} on {style.base}" + (f" ({detail})" if detail else ""))
    return 0


def run_list(args: argparse.Namespace) -> int:
    styles = StyleRegistry().styles()
    if args.json:
        print(json.dumps([s.__dict__ for s in styles], indent=2))
    elif not styles:
        print("No styles yet: import one with `draftsmith style import PATH`.")
    for style in [] if args.json else styles:
        print(f"{style.name:<20} {style.kind:<8} base {style.base:<24} {style.path}")
    return 0


def run_remove(args: argparse.Namespace) -> int:
    StyleRegistry().remove(args.name)
    print(f"Forgot the style {args.name}; its file is untouched.", file=sys.stderr)
    return 0


def run_use(args: argparse.Namespace) -> int:
    choices = [parse_choice(text) for text in args.names]
    with ProjectStore(project_path(args.project)) as store:
        save_project_styles(store, choices)
    print(", ".join(f"{c.name} at {c.scale:g}" for c in choices) or "No styles: the plain model.")
    return 0


def _load_for(choices, registry: StyleRegistry) -> LlamaBackend:
    model = model_for(choices, registry)
    return LlamaBackend(resolve_model_path(model, progress=StderrProgress("Preparing the default model")),
                        LlamaSettings())


def run_compare(args: argparse.Namespace) -> int:
    registry = StyleRegistry()
    choices = [parse_choice(text) for text in args.style]
    try:
        scales = [float(s) for s in args.scales.split(",") if s.strip()]
    except ValueError:
        raise StyleError(f"--scales takes numbers separated by commas, not {args.scales!r}.") from None
    passage = sys.stdin.read() if args.text == "-" else args.text
    backend = _load_for(choices, registry)
    try:
        results = compare_scales(backend, adapters_for(choices, registry), passage, scales,
                                 SamplingSettings(max_tokens=args.max_tokens, seed=args.seed))
    finally:
        backend.close()
    if args.json:
        print(json.dumps([r.__dict__ for r in results], indent=2))
        return 0
    for result in results:
        print(f"── scale {result.scale:g} ──\n{result.text.strip()}\n")
    return 0


def run_score(args: argparse.Namespace) -> int:
    registry = StyleRegistry()
    project, _ = open_project(args.project)
    try:
        choices = [parse_choice(t) for t in args.style] if args.style else project_styles(project.store)
        chosen = chapters_to_score(project, args.chapter)
    finally:
        project.close()
    backend = _load_for(choices, registry)
    try:
        report = [chapter.as_dict() for chapter in score_chapters(
            backend, adapters_for(choices, registry), chosen,
            lambda title, paragraphs: print(f"Scoring {title} ({paragraphs} paragraphs)…", file=sys.stderr,
                                            flush=True))]
    finally:
        backend.close()
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    for chapter in report:
        print(f"{chapter['chapter']}: {chapter['mean']:+.3f} nats/token")
        for p in chapter["paragraphs"]:
            print(f"  ¶{p['index']:<4} {p['score']:+.3f}  {p['excerpt']}…")
    return 0


def run_dataset(args: argparse.Namespace) -> int:
    report = write_dataset(args.sources, args.out)
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
    else:
        print(f"Wrote {report.passages} passages ({report.words:,} words) from {report.files} files "
              f"to {report.out_dir}")
    return 0
