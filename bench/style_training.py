"""Train a style on the first 80% of a novel's chapters and measure it on the last 20%.

For each novel: a fresh project holding the whole novel, ``style train`` with its
defaults (rank 16, 512-token steps, one epoch at most; ``--learning-rate``, ``--rank``
and ``--seq-len`` replace one) or a time limit per novel, and
the held-out chapters' loss under llama.cpp without and with the adapter (the figure
``style train`` prints). The table also gives the seconds per step and the time one
epoch over a 100,000-word manuscript would take at that pace, and the process's peak
memory. A run cut by ``--max-minutes`` measures what was learnt by then.

Then, as ``bench/prose.py`` measures prose, the model continues the held-out chapters
from three paragraph starts (1,024 tokens before each, 400 written under the default
sampler, the same seed) with the adapter at scale 1 and without it: repeated 4-grams
per 1,000 words beside the book's own over the same words, loops, and the written
text's mean NLL beside the book's true continuation's, both under the model that wrote.

    python bench/style_training.py [--novels pride_and_prejudice treasure_island emma]
                                   [--max-minutes 50] [--no-continuations] [--json]
                                   [--learning-rate 6e-4] [--rank 16] [--seq-len 512]
    python bench/style_training.py --tables run-1.json run-2.json
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.machine import machine_description  # noqa: E402

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
WORDS = 100_000
TOKENS_PER_WORD = 1.33
"""Gemma's tokens per word on nineteenth-century English prose, for the 100,000-word projection."""


HELD_OUT_CURSORS = (0.2, 0.5, 0.8)
"""Where in the held-out chapters' text the continuations start."""


def continuations(project, report, tokens: int = 400) -> dict[str, dict[str, float]]:
    """The prose bench's figures on the held-out chapters, with the adapter at scale 1 and without."""
    from dataclasses import replace

    from bench.prose import _mean_nll, per_thousand, samplers, true_continuation, words
    from engine.backend.llama_backend import LlamaBackend, LlamaSettings
    from engine.models.default_model import ensure_default_model
    from memory.continuity import loops
    from memory.text.token_fit import fit_tail
    from memory.training_text import writer_chapters
    from prompts import render

    chapters = writer_chapters(project.store)
    held = set(report.held_out_chapters)
    book = "\n\n".join(c.text for c in chapters)
    held_start = len("\n\n".join(c.text for c in chapters if c.number not in held))
    starts = [m.end() for m in re.finditer(r"\n\n", book) if m.start() >= held_start]
    span = len(book) - held_start
    cursors = [min(starts, key=lambda s, at=held_start + span * p: abs(s - at)) for p in HELD_OUT_CURSORS]
    settings = samplers(tokens)[0]["stack (balanced)"]
    backend = LlamaBackend(ensure_default_model(), LlamaSettings(n_ctx=2048))
    figures: dict[str, dict[str, float]] = {}
    try:
        for label, adapters in (("with the style", [(report.adapter, 1.0)]), ("plain", [])):
            backend.set_adapters(adapters)
            rows = []
            for index, cursor in enumerate(cursors):
                window = fit_tail(backend.count_tokens, book[max(0, cursor - 8000):cursor].rstrip() + "\n\n", 1024)
                prompt = render("continue", {"passage": window})
                written = "".join(backend.stream(prompt, replace(settings, seed=1000 + index)))
                human = true_continuation(book, cursor, max(len(words(written)), 20))
                rows.append({"repeats": per_thousand(written), "book_repeats": per_thousand(human),
                             "loop": bool(loops(written)), "words": len(words(written)),
                             "nll": _mean_nll(backend, prompt.text, written) if written.strip() else float("nan"),
                             "book_nll": _mean_nll(backend, prompt.text, human)})
            count = len(rows)
            figures[label] = {key: sum(float(r[key]) for r in rows) / count
                              for key in ("repeats", "book_repeats", "nll", "book_nll", "words")}
            figures[label]["loops"] = sum(r["loop"] for r in rows)
    finally:
        backend.close()
    return figures


def run_novel(name: str, max_minutes: float | None, with_continuations: bool = True,
              overrides: dict[str, int | float] | None = None, keep: Path | None = None) -> dict[str, object]:
    """Train and measure one novel; ``overrides`` replace fields of style train's default plan.

    ``keep`` is a folder the adapter is copied into, so that it outlives the bench's projects."""
    from dataclasses import replace

    from engine.edits.importing import import_into_project
    from engine.projects import open_project
    from engine.training.style_training import StyleTrainingRequest, train_style
    from engine.training.trainer import TrainingPlan

    import_into_project(name, CORPUS / f"{name}.txt")
    project, _ = open_project(name)
    seconds: list[float] = []
    last = [time.monotonic()]

    def step(progress) -> None:
        now = time.monotonic()
        seconds.append(now - last[0])
        last[0] = now
        if progress.step % 10 == 0:
            print(f"  {name}: step {progress.step}/{progress.steps}, loss {progress.loss:.3f}", file=sys.stderr,
                  flush=True)

    try:
        plan = replace(TrainingPlan(), **(overrides or {}))
        report = train_style(project, StyleTrainingRequest(f"bench-{name}", plan=plan, max_minutes=max_minutes),
                             lambda line: print(f"  {name}: {line}", file=sys.stderr, flush=True), step)
        prose = continuations(project, report) if with_continuations and report.adapter else {}
        if keep and report.adapter:
            keep.mkdir(parents=True, exist_ok=True)
            shutil.copy2(report.adapter, keep / f"{name}.gguf")
    finally:
        project.close()
    per_step = sorted(seconds[1:] or seconds)[len(seconds[1:] or seconds) // 2] if seconds else float("nan")
    epoch_steps = WORDS * TOKENS_PER_WORD / (plan.seq_len - 1)
    return {"novel": name, "trained_chapters": len(report.trained_chapters),
            "held_out_chapters": len(report.held_out_chapters), "training_tokens": report.training_tokens,
            "steps_done": report.steps_done, "steps": report.steps, "seconds_per_step": per_step,
            "epoch_minutes_100k_words": per_step * epoch_steps / 60, "plain": report.held_out_nll_plain,
            "styled": report.held_out_nll_styled, "improvement": report.improvement,
            "torch_vs_llama": abs(report.torch_nll - report.llama_nll) / report.llama_nll,
            "peak_rss_gib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024,
            "seconds": report.seconds, "learning_rate": plan.learning_rate, "rank": plan.rank,
            "seq_len": plan.seq_len, "continuations": prose}


def print_tables(machine: str, rows: list[dict]) -> None:
    """The training table and, where measured, the continuations table, as Markdown."""
    print(f"Style training on {machine}\n")
    print("| novel | learning rate | rank | tokens/step | chapters (train/held out) | tokens | steps | s/step "
          "| epoch of 100k words | held-out NLL plain | with the style | lower by | torch vs llama.cpp | peak memory |")
    print("|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        styled = f"{row['styled']:.3f}" if row["styled"] is not None else "-"
        lower = f"{row['improvement']:.1%}" if row["improvement"] is not None else "-"
        print(f"| {row['novel']} | {row.get('learning_rate', 2e-4):g} | {row.get('rank', 16)} | "
              f"{row.get('seq_len', 512)} | "
              f"{row['trained_chapters']}/{row['held_out_chapters']} | "
              f"{row['training_tokens']:,} | {row['steps_done']}/{row['steps']} | {row['seconds_per_step']:.1f} | "
              f"{row['epoch_minutes_100k_words']:.0f} min | {row['plain']:.3f} | {styled} | {lower} | "
              f"{row['torch_vs_llama']:.2%} | {row['peak_rss_gib']:.1f} GiB |")
    if any(row["continuations"] for row in rows):
        print("\n| novel | continuations | repeated 4-grams /1k | book's own /1k | ratio | loops | words | NLL "
              "| book's NLL | NLL over book's |")
        print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for row in rows:
            for label, f in row["continuations"].items():
                ratio = f["repeats"] / f["book_repeats"] if f["book_repeats"] else float("inf")
                print(f"| {row['novel']} | {label} | {f['repeats']:.1f} | {f['book_repeats']:.1f} | {ratio:.2f} | "
                      f"{f['loops']:.0f}/{len(HELD_OUT_CURSORS)} | {f['words']:.0f} | {f['nll']:.2f} | "
                      f"{f['book_nll']:.2f} | {f['nll'] / f['book_nll'] - 1:+.0%} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--novels", nargs="+", default=["pride_and_prejudice", "treasure_island", "emma"])
    parser.add_argument("--max-minutes", type=float, help="training minutes per novel (default: one whole epoch)")
    parser.add_argument("--no-continuations", action="store_true", help="skip the continuations with the adapter")
    parser.add_argument("--learning-rate", type=float, help="peak learning rate (default: style train's)")
    parser.add_argument("--rank", type=int, help="LoRA rank (default: style train's)")
    parser.add_argument("--seq-len", type=int, help="tokens per step and per held-out window (default: style train's)")
    parser.add_argument("--tables", nargs="+", type=Path, metavar="JSON",
                        help="print the tables of earlier --json runs (one novel each, say) instead of training")
    parser.add_argument("--keep-adapters", type=Path, metavar="DIR",
                        help="copy each novel's adapter here, to score it again without training")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.tables:
        runs = [json.loads(path.read_text()) for path in args.tables]
        print_tables(runs[0]["machine"], [row for run in runs for row in run["rows"]])
        return 0
    with tempfile.TemporaryDirectory(prefix="style-bench-") as home:
        os.environ["DRAFTSMITH_HOME"] = home
        overrides = {field: value for field, value in (("learning_rate", args.learning_rate), ("rank", args.rank),
                                                       ("seq_len", args.seq_len)) if value is not None}
        rows = [run_novel(name, args.max_minutes, not args.no_continuations, overrides, args.keep_adapters)
                for name in args.novels]
    if args.json:
        print(json.dumps({"machine": machine_description(), "rows": rows}, indent=2))
        return 0
    print_tables(machine_description(), rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
