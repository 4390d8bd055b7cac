"""How long does the writer wait for the first word, step after step?

Two sessions as a writer runs them, at the app's context size (n_ctx 4096), each with
the memory layer and with the plain window (every memory share set to zero: the
recent text alone):

* ``write --keep``: 20 continuations kept one after another at the end of three
  novels (``engine.workflows.writing_session``);
* ``draft``: 12 beats of the drafting bench's fixed outline (3 chapters of 4 beats).

For every call to the model it records the prompt's tokens, those reused from the KV
cache and the seconds to the first token; per session it prints the share of all
prompt tokens reused, the median time to the first token, and that median against
the first (cold) call.

    python bench/latency.py [--steps 20] [--novels pride_and_prejudice treasure_island jane_eyre] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.drafting import build_project  # noqa: E402
from bench.machine import machine_description  # noqa: E402
from engine.backend.llama_backend import LlamaBackend, LlamaSettings  # noqa: E402
from engine.backend.protocol import SamplingSettings  # noqa: E402
from engine.errors import BackendError  # noqa: E402
from engine.models.default_model import ensure_default_model  # noqa: E402
from engine.workflows.drafting import draft  # noqa: E402
from engine.workflows.writing_session import write_and_keep  # noqa: E402
from memory.context.assembler import ContextShares  # noqa: E402
from memory.context.bible import extract_bible  # noqa: E402
from memory.importer import import_manuscript  # noqa: E402
from memory.project import Project  # noqa: E402
from memory.write_journal import start_journal  # noqa: E402

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
N_CTX = 4096
VARIANTS = {"memory": ContextShares(), "plain window": ContextShares(opening=0, facts=0, summaries=0, focus=0)}


@dataclass
class Session:
    name: str
    variant: str
    calls: list[dict] = field(default_factory=list)
    stopped: str = ""

    def summary(self) -> dict[str, object]:
        prompts = sum(call["prompt_tokens"] for call in self.calls)
        reused = sum(call["reused_tokens"] for call in self.calls)
        waits = [call["first_token_seconds"] for call in self.calls]
        median = statistics.median(waits) if waits else 0.0
        return {"session": self.name, "variant": self.variant, "calls": len(self.calls),
                "prompt_tokens": prompts, "reused_share": reused / prompts if prompts else 0.0,
                "cold_seconds": waits[0] if waits else 0.0, "median_seconds": median,
                "median_over_cold": median / waits[0] if waits and waits[0] else 0.0, "stopped": self.stopped}


class RecordingBackend:
    """The real backend, recording each call's prompt cost."""

    def __init__(self, backend: LlamaBackend, session: Session) -> None:
        self._backend = backend
        self._session = session

    def __getattr__(self, name: str):
        return getattr(self._backend, name)

    def stream(self, prompt, settings, cancel=None):
        yield from self._backend.stream(prompt, settings, cancel)
        stats = self._backend.last_stats
        self._session.calls.append({"prompt_tokens": stats.prompt_tokens, "reused_tokens": stats.reused_tokens or 0,
                                    "first_token_seconds": round(stats.prompt_seconds, 3)})


def write_session(backend: LlamaBackend, folder: Path, novel: str, variant: str, steps: int) -> Session:
    session = Session(f"write --keep, {novel}", variant)
    project = Project.open(folder / f"{novel}-{variant}.draftsmith", backend.count_tokens, create=True)
    import_manuscript(project.store, CORPUS / f"{novel}.txt", backend.count_tokens)
    project.ensure_summaries()
    extract_bible(project.store)
    chapter = [d for d in project.documents if d.kind == "chapter"][-1]
    journal = start_journal(project, chapter.id, len(chapter.text), 10**6)
    backend._llm.reset()  # every session starts cold, as after opening the app
    recording = RecordingBackend(backend, session)
    try:
        project.context_shares = VARIANTS[variant] or project.context_shares
        for step in write_and_keep(recording, project, journal, SamplingSettings(max_tokens=200, seed=7)):
            print(f"  {session.name}, {variant}: step {step.step}, {step.prompt_tokens} prompt tokens, "
                  f"{step.reused_tokens} reused, {step.first_token_seconds:.2f} s", file=sys.stderr, flush=True)
            if step.step >= steps:
                break
    except BackendError as error:  # a step the model left empty in every try: the calls so far still count
        session.stopped = str(error)
        print(f"  {session.name}, {variant}: {error}", file=sys.stderr, flush=True)
    project.close()
    return session


def draft_session(backend: LlamaBackend, folder: Path, variant: str) -> Session:
    session = Session("draft, 12 beats", variant)
    project = build_project(folder / f"draft-{variant}.draftsmith", backend, chapters=3, beats=4, beat_words=250)
    backend._llm.reset()
    project.context_shares = VARIANTS[variant] or project.context_shares
    try:
        draft(RecordingBackend(backend, session), project, None, SamplingSettings(seed=7),
              on_progress=lambda p: print(f"  draft, {variant}: {p.chapter} {p.node}", file=sys.stderr, flush=True))
    except BackendError as error:  # a beat with no usable prose: the calls so far still count
        session.stopped = str(error)
    project.close()
    return session


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--novels", nargs="+", default=["pride_and_prejudice", "treasure_island", "jane_eyre"])
    parser.add_argument("--no-draft", action="store_true", help="leave out the drafting session")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    backend = LlamaBackend(ensure_default_model(), LlamaSettings(n_ctx=N_CTX))
    sessions: list[Session] = []
    with tempfile.TemporaryDirectory() as folder:
        for novel in args.novels:
            for variant in VARIANTS:
                sessions.append(write_session(backend, Path(folder), novel, variant, args.steps))
                print(f"SESSION {json.dumps(sessions[-1].summary())}", file=sys.stderr, flush=True)
        if not args.no_draft:
            for variant in VARIANTS:
                sessions.append(draft_session(backend, Path(folder), variant))
                print(f"SESSION {json.dumps(sessions[-1].summary())}", file=sys.stderr, flush=True)
    if args.json:
        print(json.dumps({"machine": machine_description(), "n_ctx": N_CTX,
                          "sessions": [{**s.summary(), "per_call": s.calls} for s in sessions]}, indent=2))
        return 0
    print(f"Machine: {machine_description()}")
    print(f"Gemma 3 270M Q4_K_M, n_ctx {N_CTX}; write --keep: {args.steps} continuations of up to 200 tokens; "
          "each session starts with an empty cache\n")
    print("| session | context | calls | prompt tokens | reused | first call (cold) s | median s | median / cold |")
    print("|---|---|---|---|---|---|---|---|")
    for session in sessions:
        s = session.summary()
        calls = f"{s['calls']} (stopped: empty)" if s["stopped"] else str(s["calls"])
        print(f"| {s['session']} | {s['variant']} | {calls} | {s['prompt_tokens']:,} | {s['reused_share']:.1%} "
              f"| {s['cold_seconds']:.2f} | {s['median_seconds']:.2f} | {s['median_over_cold']:.1%} |")
    print("\nPer call: prompt tokens / reused / seconds to the first token\n")
    for session in sessions:
        cells = " · ".join(f"{c['prompt_tokens']}/{c['reused_tokens']}/{c['first_token_seconds']:.2f}"
                           for c in session.calls)
        print(f"- {session.name}, {session.variant}: {cells}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
