"""``draftsmith models``: list, add and remove the models Draftsmith can use."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from app.progress import StderrProgress
from engine.errors import ModelFileError
from engine.models.default_model import DEFAULT_MODEL_NAME, ensure_default_model
from engine.models.discovery import discover_gguf_files
from engine.models.gguf_info import human_size
from engine.models.registry import ModelRegistry
from engine.models.validation import inspect_model_file


def register(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser(
        "models",
        help="list the models Draftsmith can use, or register one",
        description="List the built-in model, the models you registered and GGUF files found in "
        "LM Studio, the Hugging Face cache and ~/models, read from their metadata.",
    )
    parser.add_argument("--json", action="store_true", help="print the list as JSON")
    parser.add_argument("--no-scan", action="store_true", help="skip searching other tools' folders")
    parser.set_defaults(run=run_list)
    actions = parser.add_subparsers(dest="action", metavar="ACTION")

    add = actions.add_parser("add", help="register a GGUF model under a name",
                             description="Validate a GGUF model and register it under a name.")
    add.add_argument("path", type=Path)
    add.add_argument("--name", help="the name to use it by (default: the file name)")
    add.add_argument("--json", action="store_true", help="print the registered model as JSON")
    add.set_defaults(run=run_add)

    remove = actions.add_parser("remove", help="forget a registered model (the file is kept)",
                                description="Forget a registered model; its file is not touched.")
    remove.add_argument("name")
    remove.set_defaults(run=run_remove)


@dataclass
class ModelRow:
    name: str
    source: str
    path: Path
    details: dict | None
    problem: str | None


def collect_models(scan: bool) -> list[ModelRow]:
    built_in = ensure_default_model(progress=StderrProgress("Preparing the default model"))
    rows = [_row(DEFAULT_MODEL_NAME, "built-in", built_in)]
    registry = ModelRegistry()
    rows += [_row(model.name, "registered", model.path) for model in registry.registered()]
    if scan:
        known = {row.path.resolve() for row in rows}
        rows += [_row(path.stem, "found", path) for path in discover_gguf_files() if path.resolve() not in known]
    return rows


def _row(name: str, source: str, path: Path) -> ModelRow:
    try:
        return ModelRow(name, source, path, inspect_model_file(path).summary(), None)
    except ModelFileError as error:
        return ModelRow(name, source, path, None, error.sentence)


def run_list(args: argparse.Namespace) -> int:
    rows = collect_models(scan=not args.no_scan)
    if args.json:
        payload = [{"name": r.name, "source": r.source, "path": str(r.path), "problem": r.problem,
                    **(r.details or {})} for r in rows]
        print(json.dumps(payload, indent=2))
        return 0
    header = f"{'NAME':<24} {'SOURCE':<10} {'ARCH':<10} {'SIZE':>9} {'QUANT':<8} {'CTX':>7} {'CHAT':<4} PATH"
    print(header)
    for row in rows:
        if row.details is None:
            print(f"{row.name[:24]:<24} {row.source:<10} unusable: {row.problem}  {row.path}")
            continue
        d = row.details
        print(
            f"{row.name[:24]:<24} {row.source:<10} {d['architecture'][:10]:<10} "
            f"{human_size(d['size_bytes']):>9} {d['quantization'][:8]:<8} "
            f"{d['context_length'] or '?':>7} {'yes' if d['has_chat_template'] else 'no':<4} {row.path}"
        )
    return 0


def run_add(args: argparse.Namespace) -> int:
    model = ModelRegistry().add(args.path, args.name)
    if args.json:
        print(json.dumps({"name": model.name, "path": str(model.path)}))
    else:
        print(f"Registered {model.name}: {model.path}")
    return 0


def run_remove(args: argparse.Namespace) -> int:
    ModelRegistry().remove(args.name)
    print(f"Forgot {args.name}; its file is untouched.", file=sys.stderr)
    return 0
