"""Continuations under the sampler stack and under the old sampler, against the book itself.

From cursors spread over each novel (paragraph starts at 30%, 55% and 80% of its text),
the default model continues the 1,024 tokens before the cursor for 400 tokens, once under
each sampler, with the same seed. Per sampler it reports repeated 4-grams per 1,000 words
beside the novel's own rate over the same number of words from the same cursors,
distinct-2 and distinct-3, continuations with a loop (a sentence repeated, as the
continuity report finds them), continuations under 20 words, tokens per second, and
the mean negative log-likelihood of the written text under the model without any
sampler, beside that of the book's true continuation at the same cursors: text that is
neither more predictable than a book (a loop) nor far less (word salad).

The parts of the stack alone run at the middle cursor of each novel.

    python bench/prose.py [--corpus DIR] [--novels NAME ...] [--tokens 400] [--json]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.continuation import novels_in  # noqa: E402
from bench.machine import machine_description  # noqa: E402
from engine.backend.llama_backend import LlamaBackend, LlamaSettings  # noqa: E402
from engine.backend.protocol import SamplingSettings  # noqa: E402
from engine.models.default_model import ensure_default_model  # noqa: E402
from engine.sampler_presets import preset_settings  # noqa: E402
from memory.continuity import loops, repeated_ngram_count  # noqa: E402
from memory.text.token_fit import fit_tail  # noqa: E402
from prompts import render  # noqa: E402

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
POSITIONS = (0.30, 0.55, 0.80)
CONTEXT_TOKENS = 1024
SHORT_WORDS = 20
_WORD = re.compile(r"[A-Za-z']+")


def samplers(tokens: int) -> tuple[dict[str, SamplingSettings], dict[str, SamplingSettings]]:
    """The default and the old sampler at every cursor; each part of the stack alone at one."""
    base = SamplingSettings(max_tokens=tokens, min_tokens=32)
    default = replace(preset_settings("balanced", base), worn_phrases=True)
    old = preset_settings("plain", base)
    parts = {
        "book penalty only": replace(old, repeat_penalty=default.repeat_penalty, penalty_last_n=default.penalty_last_n,
                                     penalize_prompt=True),
        "DRY only": replace(old, dry_multiplier=default.dry_multiplier),
        "XTC only": replace(old, xtc_probability=0.5, xtc_threshold=0.1),
        "worn phrases only": replace(old, worn_phrases=True),
    }
    return {"stack (balanced)": default, "old (plain)": old}, parts


def cursors(text: str) -> list[int]:
    """Paragraph starts near each position of ``POSITIONS``."""
    starts = [m.end() for m in re.finditer(r"\n\s*\n", text)]
    targets = [int(len(text) * p) for p in POSITIONS]
    return [min(starts, key=lambda s, at=at: abs(s - at)) for at in targets]


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def distinct(text: str, n: int) -> float:
    tokens = [w.lower() for w in words(text)]
    grams = list(zip(*(tokens[i:] for i in range(n))))
    return len(set(grams)) / len(grams) if grams else 0.0


def per_thousand(text: str) -> float:
    count = len(words(text))
    return repeated_ngram_count(text) * 1000 / count if count else 0.0


def true_continuation(text: str, cursor: int, word_count: int) -> str:
    """The book's own text after the cursor, ``word_count`` words of it."""
    tail = text[cursor:cursor + word_count * 12]
    found = list(_WORD.finditer(tail))
    return tail[: found[min(word_count, len(found)) - 1].end()] if found else ""


def run_novel(backend: LlamaBackend, path: Path, tokens: int) -> list[dict[str, object]]:
    text = path.read_text(encoding="utf-8")
    main, parts = samplers(tokens)
    rows = []
    for index, cursor in enumerate(cursors(text)):
        window = fit_tail(backend.count_tokens, text[max(0, cursor - 8000):cursor].rstrip() + "\n\n", CONTEXT_TOKENS)
        prompt = render("continue", {"passage": window})
        chosen = {**main, **(parts if index == 1 else {})}
        for name, settings in chosen.items():
            seed = 1000 + index
            started = time.perf_counter()
            written = "".join(backend.stream(prompt, replace(settings, seed=seed)))
            stats = backend.last_stats
            row = {"novel": path.stem, "cursor": index, "sampler": name, "words": len(words(written)),
                   "repeats_per_1000": per_thousand(written), "distinct_2": distinct(written, 2),
                   "distinct_3": distinct(written, 3), "loop": bool(loops(written)),
                   "short": len(words(written)) < SHORT_WORDS, "tokens_per_s": stats.tokens_per_second,
                   "seconds": time.perf_counter() - started, "rewinds": stats.rewinds}
            human = true_continuation(text, cursor, max(row["words"], SHORT_WORDS))
            row["human_repeats_per_1000"] = per_thousand(human)
            if name in main and written.strip():
                row["nll"] = _mean_nll(backend, prompt.text, written)
                row["human_nll"] = _mean_nll(backend, prompt.text, human)
            rows.append(row)
            print(f"  {path.stem} {index} {name}: {row['words']} words, {row['repeats_per_1000']:.1f} repeats/1k "
                  f"(book {row['human_repeats_per_1000']:.1f})", file=sys.stderr)
    return rows


def _mean_nll(backend: LlamaBackend, context: str, continuation: str) -> float:
    scores = backend.score(context, continuation)
    return -statistics.mean(scores.logprobs) if scores.logprobs else float("nan")


def summarize(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    table = []
    for name in dict.fromkeys(r["sampler"] for r in rows):
        mine = [r for r in rows if r["sampler"] == name]
        scored = [r for r in mine if "nll" in r]
        table.append({
            "sampler": name, "continuations": len(mine),
            "repeats_per_1000": statistics.mean(r["repeats_per_1000"] for r in mine),
            "human_repeats_per_1000": statistics.mean(r["human_repeats_per_1000"] for r in mine),
            "distinct_2": statistics.mean(r["distinct_2"] for r in mine),
            "distinct_3": statistics.mean(r["distinct_3"] for r in mine),
            "loops": sum(r["loop"] for r in mine) / len(mine),
            "short": sum(r["short"] for r in mine) / len(mine),
            "tokens_per_s": statistics.mean(r["tokens_per_s"] for r in mine),
            "nll": statistics.mean(r["nll"] for r in scored) if scored else None,
            "human_nll": statistics.mean(r["human_nll"] for r in scored) if scored else None,
        })
    return table


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--novels", nargs="+")
    parser.add_argument("--tokens", type=int, default=400)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    paths = novels_in(args.corpus, args.novels)
    if not paths:
        print(f"No novels to read in {args.corpus}.", file=sys.stderr)
        return 2
    backend = LlamaBackend(ensure_default_model(), LlamaSettings(n_ctx=2048))
    rows = []
    try:
        for path in paths:
            print(f"{path.stem}…", file=sys.stderr)
            rows += run_novel(backend, path, args.tokens)
    finally:
        backend.close()
    table = summarize(rows)
    if args.json:
        print(json.dumps({"machine": machine_description(), "summary": table, "rows": rows}, indent=2))
        return 0
    print(f"Machine: {machine_description()}")
    print(f"{len(paths)} novels; {args.tokens} tokens from {CONTEXT_TOKENS} tokens of context; "
          f"stack and old sampler at {len(POSITIONS)} cursors per novel, parts alone at the middle one\n")
    print("| sampler | continuations | repeated 4-grams /1k words | book's own /1k | ratio | distinct-2 | distinct-3 "
          "| with a loop | under 20 words | tokens/s | NLL | book's NLL |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    plain_speed = next((t["tokens_per_s"] for t in table if t["sampler"] == "old (plain)"), None)
    for t in table:
        ratio = t["repeats_per_1000"] / t["human_repeats_per_1000"] if t["human_repeats_per_1000"] else float("inf")
        nll = f"{t['nll']:.2f}" if t["nll"] is not None else "-"
        human = f"{t['human_nll']:.2f}" if t["human_nll"] is not None else "-"
        print(f"| {t['sampler']} | {t['continuations']} | {t['repeats_per_1000']:.1f} | "
              f"{t['human_repeats_per_1000']:.1f} | {ratio:.2f} | {t['distinct_2']:.3f} | {t['distinct_3']:.3f} | "
              f"{t['loops']:.0%} | {t['short']:.0%} | {t['tokens_per_s']:.1f} | {nll} | {human} |")
    if plain_speed:
        stack = next(t for t in table if t["sampler"] == "stack (balanced)")
        print(f"\nTokens/s, stack over old: {stack['tokens_per_s'] / plain_speed:.2f}")
    per_novel = {}
    for r in rows:
        if r["sampler"] == "stack (balanced)":
            per_novel.setdefault(r["novel"], []).append(r)
    print("\n| novel (stack) | repeated 4-grams /1k | book's own /1k | loops | NLL | book's NLL |")
    print("|---|---|---|---|---|---|")
    for novel, mine in per_novel.items():
        scored = [r for r in mine if "nll" in r]
        print(f"| {novel} | {statistics.mean(r['repeats_per_1000'] for r in mine):.1f} | "
              f"{statistics.mean(r['human_repeats_per_1000'] for r in mine):.1f} | {sum(r['loop'] for r in mine)} | "
              f"{statistics.mean(r['nll'] for r in scored):.2f} | "
              f"{statistics.mean(r['human_nll'] for r in scored):.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
