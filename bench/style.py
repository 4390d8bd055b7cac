"""Style adapters: load time, swap time, and how well the fidelity meter separates voices.

Two rank-8 LoRA adapters are built with the ``gguf`` writer for the default model
(random weights: a stand-in for a writer's fine-tune, since none ships with the
repository). The table gives the time to validate and load an adapter, to switch
between adapters or change a scale on the live context (against reloading the model,
the alternative), and the meter's mean score for passages generated with the adapter
and without it, with their separation.

    python bench/style.py [--passages 6] [--tokens 64] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.machine import machine_description  # noqa: E402
from engine.backend.llama_backend import LlamaBackend, LlamaSettings  # noqa: E402
from engine.backend.protocol import SamplingSettings  # noqa: E402
from engine.models.default_model import ensure_default_model  # noqa: E402
from engine.models.gguf_info import read_gguf_info  # noqa: E402
from engine.workflows.style_fidelity import mean_fidelity, paragraph_fidelity  # noqa: E402
from prompts import render  # noqa: E402
from tests.adapter_factory import write_lora  # noqa: E402

OPENINGS = ("The storm came in over the skerry at dusk.", "Ada counted the crates twice before the tide turned.",
            "Nobody in the village spoke of the wreck.")


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def generate(backend: LlamaBackend, count: int, tokens: int) -> list[str]:
    texts = []
    for index in range(count):
        prompt = render("continue", {"passage": OPENINGS[index % len(OPENINGS)]})
        texts.append("".join(backend.stream(prompt, SamplingSettings(max_tokens=tokens, seed=100 + index))))
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--passages", type=int, default=6)
    parser.add_argument("--tokens", type=int, default=64)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    model = ensure_default_model()
    base = read_gguf_info(model)
    with tempfile.TemporaryDirectory() as folder:
        voice = write_lora(Path(folder) / "voice.gguf", base, strength=0.3, seed=1)
        other = write_lora(Path(folder) / "other.gguf", base, strength=0.3, seed=2)
        reload_ms = timed(lambda: LlamaBackend(model, LlamaSettings(n_ctx=2048)).close())
        backend = LlamaBackend(model, LlamaSettings(n_ctx=2048))
        load_ms = timed(lambda: backend.set_adapters([(voice, 1.0)]))
        backend.set_adapters([(other, 1.0)])
        swaps = [timed(lambda a=a: backend.set_adapters([(a, 1.0)])) for a in (voice, other) * 5]
        scales = [timed(lambda s=s: backend.set_adapters([(voice, s)])) for s in (0.5, 1.0, 1.5, 2.0) * 3]
        backend.set_adapters([(voice, 1.0)])
        styled = generate(backend, args.passages, args.tokens)
        backend.set_adapters([])
        plain = generate(backend, args.passages, args.tokens)
        adapters = [(voice, 1.0)]
        styled_scores = paragraph_fidelity(backend, adapters, styled)
        plain_scores = paragraph_fidelity(backend, adapters, plain)
        backend.close()
    rows = {
        "model reload (ms)": reload_ms,
        "adapter validate + load (ms)": load_ms,
        "adapter swap, median (ms)": statistics.median(swaps),
        "scale change, median (ms)": statistics.median(scales),
        "swap / reload": statistics.median(swaps) / reload_ms,
        "meter: adapter-generated (nats/token)": mean_fidelity(styled_scores),
        "meter: plain-generated (nats/token)": mean_fidelity(plain_scores),
        "meter separation (nats/token)": mean_fidelity(styled_scores) - mean_fidelity(plain_scores),
        "passages scored above 0: adapter / plain": f"{sum(s.score > 0 for s in styled_scores)}/{len(styled_scores)}"
                                                    f" vs {sum(s.score > 0 for s in plain_scores)}/{len(plain_scores)}",
    }
    if args.json:
        print(json.dumps({"machine": machine_description(), "results": rows}, indent=2))
        return
    print(f"Machine: {machine_description()}")
    print(f"Default model, two rank-8 adapters on 108 tensors, {args.passages} passages of {args.tokens} tokens each")
    print("| measure | value |")
    print("|---|---:|")
    for label, value in rows.items():
        print(f"| {label} | {value:.3f} |" if isinstance(value, float) else f"| {label} | {value} |")


if __name__ == "__main__":
    main()
