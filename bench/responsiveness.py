"""How quickly does the app answer keys while the real model writes?

Drives the real app (headless, Textual's Pilot) on the default model. While a long
continuation streams, it presses keys that switch the side panel, opens the context
inspector (F8), opens and leaves the planning screen (F2, Esc), and finally presses
Esc to stop the generation. For each key it records the time from the press to the
moment the key's action ran, and for Esc how many tokens came after it.

    python bench/responsiveness.py [--presses 30] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.main_app import DraftsmithApp  # noqa: E402
from assets import SAMPLE_MANUSCRIPT  # noqa: E402
from bench.machine import machine_description  # noqa: E402
from engine.backend.llama_backend import LlamaBackend, LlamaSettings  # noqa: E402
from engine.edits.importing import import_into_project  # noqa: E402
from engine.models.default_model import ensure_default_model  # noqa: E402


async def _until(pilot, condition, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the app did not get there in time")
        await pilot.pause(0.01)


async def measure(project: Path, backend: LlamaBackend, presses: int) -> dict[str, object]:
    app = DraftsmithApp(lambda progress, **_: backend, project=project)
    waits: dict[str, list[float]] = {"side panel (Alt+B/Alt+N)": [], "inspector (F8)": [], "planning (F2, Esc)": []}
    async with app.run_test(size=(120, 36)) as pilot:
        await _until(pilot, lambda: app.workspace is not None and app.workspace.backend is not None)
        workspace = app.workspace
        workspace.settings = workspace.settings.__class__(max_tokens=1500, seed=1, min_tokens=1500)
        workspace.editor.move_cursor(workspace.editor.document.end)
        await pilot.press("ctrl+g")
        await _until(pilot, lambda: workspace.editor.pending is not None and len(workspace.editor.pending.text) > 20)
        ran: list[float] = []
        original_side, original_inspect = workspace.action_side, workspace.action_inspect
        workspace.action_side = lambda tab: (ran.append(time.perf_counter()), original_side(tab))
        workspace.action_inspect = lambda: (ran.append(time.perf_counter()), original_inspect())
        original_planning = app.action_planning
        app.action_planning = lambda: (ran.append(time.perf_counter()), original_planning())
        restarts = 0
        for index in range(presses):
            if not workspace.generating:  # the passage ended: keep it and write on
                await pilot.press("ctrl+y", "ctrl+g")
                await _until(pilot, lambda: workspace.generating and workspace.editor.pending is not None)
                restarts += 1
            kind = list(waits)[index % 3]
            keys = {"side panel (Alt+B/Alt+N)": ["alt+b" if index % 2 else "alt+n"], "inspector (F8)": ["f8"],
                    "planning (F2, Esc)": ["f2"]}[kind]
            ran.clear()
            pressed = time.perf_counter()
            await pilot.press(*keys)
            if ran:
                waits[kind].append(ran[0] - pressed)
            if kind.startswith("planning"):
                await pilot.press("escape")
        await _until(pilot, lambda: workspace.generating or workspace.editor.pending is not None)
        if not workspace.generating:
            await pilot.press("ctrl+y", "ctrl+g")
            await _until(pilot, lambda: workspace.generating and workspace.editor.pending is not None)
        await pilot.press("escape")
        generated_at_escape = len(workspace.editor.pending.text) if workspace.editor.pending else 0
        await _until(pilot, lambda: not workspace.generating)
        after = len(workspace.editor.pending.text) if workspace.editor.pending else 0
    return {"waits": waits, "restarts": restarts,
            "characters_after_escape": after - generated_at_escape,
            "tokens_per_second": backend.last_stats.tokens_per_second if backend.last_stats else 0.0}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--presses", type=int, default=30)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    backend = LlamaBackend(ensure_default_model(), LlamaSettings(n_ctx=4096))
    with tempfile.TemporaryDirectory() as folder:
        outcome, project = import_into_project(str(Path(folder) / "skerry.draftsmith"), SAMPLE_MANUSCRIPT,
                                               keep_open=True)
        project.close()
        result = asyncio.run(measure(outcome.project_file, backend, args.presses))
    backend.close()
    rows = [{"key": key, "presses": len(values), "median_ms": 1000 * statistics.median(values) if values else None,
             "max_ms": 1000 * max(values) if values else None} for key, values in result["waits"].items()]
    if args.json:
        print(json.dumps({"machine": machine_description(), "rows": rows, **{k: v for k, v in result.items()
                                                                           if k != "waits"}}, indent=2))
        return 0
    print(f"Keys while the default model writes, on {machine_description()}\n")
    print("| key | presses | median ms | max ms |")
    print("|---|---:|---:|---:|")
    for row in rows:
        print(f"| {row['key']} | {row['presses']} | {row['median_ms']:.1f} | {row['max_ms']:.1f} |")
    print(f"\nEvery key was pressed while text streamed ({result['restarts']} passages kept to write on); "
          f"characters written after Esc: {result['characters_after_escape']} "
          f"(at {result['tokens_per_second']:.1f} tokens/s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
