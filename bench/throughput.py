"""Generated tokens/s of Draftsmith's streaming path against raw llama-cpp-python.

Both load the default model with the same context, threads and batch, and generate
from the same prompt. Raw llama-cpp-python samples with its own chain (``create_completion``:
top-k 40, a repetition penalty over the call's last 64 tokens, top-p, min-p,
temperature); Draftsmith samples token by token with llama.cpp's chain and its banned
phrases, once with the ``plain`` preset (the same penalty, top-p, min-p and
temperature) and once with the sampler a new project drafts with (the default preset,
worn phrases banned). The samplers differ, so the texts do; only the time after the
first token is compared, in rounds that alternate the order within one run, and the
median of each is reported with its ratios to raw and to the ``plain`` preset (goal: the
default stack at least 0.9 of ``plain``).

    python bench/throughput.py [--tokens 256] [--rounds 5] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import llama_cpp  # noqa: E402

from bench.machine import machine_description  # noqa: E402
from engine.backend.llama_backend import LlamaBackend, LlamaSettings  # noqa: E402
from engine.backend.protocol import SamplingSettings  # noqa: E402
from engine.models.default_model import ensure_default_model  # noqa: E402
from engine.sampler_presets import DEFAULT_PRESET, preset_settings  # noqa: E402
from prompts import render  # noqa: E402

PROMPT = (
    "It was the best of times, it was the worst of times, it was the age of wisdom, it was the age of "
    "foolishness, it was the epoch of belief, it was the epoch of incredulity. In the little town by the "
    "sea, the fishermen came home at dusk, and"
)
N_CTX, N_BATCH = 2048, 512


def timed(stream) -> tuple[str, float]:
    """The streamed text and the seconds from its first piece to its end."""
    first: float | None = None
    parts = []
    for piece in stream:
        first = first or time.perf_counter()
        parts.append(piece)
    return "".join(parts), time.perf_counter() - (first or time.perf_counter())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=256)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    model = ensure_default_model()
    threads = os.cpu_count() or 2
    ours = LlamaBackend(model, LlamaSettings(n_ctx=N_CTX, n_batch=N_BATCH, n_threads=threads))
    raw = llama_cpp.Llama(str(model), n_ctx=N_CTX, n_batch=N_BATCH, n_threads=threads, verbose=False)
    base = SamplingSettings(max_tokens=args.tokens, min_tokens=args.tokens, seed=1234)
    plain = preset_settings("plain", base)
    default = replace(preset_settings(DEFAULT_PRESET, base), worn_phrases=True)
    prompt = render("continue", {"passage": PROMPT})

    def run_raw() -> tuple[str, float]:
        chunks = raw.create_completion(
            PROMPT, max_tokens=plain.max_tokens, temperature=plain.temperature, top_p=plain.top_p,
            min_p=plain.min_p, repeat_penalty=plain.repeat_penalty, seed=plain.seed, stream=True)
        return timed(chunk["choices"][0]["text"] for chunk in chunks)

    paths = {"raw llama-cpp-python": run_raw,
             "Draftsmith, plain preset": lambda: timed(ours.stream(prompt, plain)),
             f"Draftsmith, {DEFAULT_PRESET} preset and worn phrases": lambda: timed(ours.stream(prompt, default))}
    rates: dict[str, list[float]] = {name: [] for name in paths}
    for round_index in range(args.rounds):
        order = list(paths.items())
        for name, run in order if round_index % 2 == 0 else order[::-1]:
            text, seconds = run()
            tokens = len(raw.tokenize(text.encode("utf-8"), add_bos=False))
            rates[name].append((tokens - 1) / seconds if seconds > 0 else 0.0)
        print(f"round {round_index + 1}/{args.rounds} done", file=sys.stderr)

    medians = {name: statistics.median(values) for name, values in rates.items()}
    raw_rate = medians["raw llama-cpp-python"]
    result = {
        "machine": machine_description(),
        "tokens": args.tokens,
        "rounds": args.rounds,
        "median_tokens_per_second": medians,
        "ratio_to_raw": {name: value / raw_rate for name, value in medians.items()},
        "ratio_to_plain": {name: value / medians["Draftsmith, plain preset"] for name, value in medians.items()},
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"Machine: {result['machine']}")
    print(f"Gemma 3 270M Q4_K_M, n_ctx {N_CTX}, {threads} threads, {args.tokens} tokens, "
          f"median of {args.rounds} rounds\n")
    print("| path | generated tokens/s (median) | ratio to raw | ratio to plain |")
    print("|---|---:|---:|---:|")
    for name, value in medians.items():
        print(f"| {name} | {value:.1f} | {result['ratio_to_raw'][name]:.3f} | "
              f"{result['ratio_to_plain'][name]:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
