"""Kill ``draftsmith style train`` at random moments; each run must resume and end as an unkilled one.

A project holds a few chapters of a novel. One run of ``style train`` goes to the end
unkilled: its held-out loss with the new style is the reference. Then another style is
trained on the same chapters, and each attempt is sent SIGKILL at a random moment
(anywhere from loading to the last measurement) until the given number of kills is
reached; each next attempt is the same command, which resumes from the checkpoint.
Each kill falls within the time the run has left; an attempt that still finishes
first ends its run, and the next kills go to a fresh one. After the last kill the
attempt is left to finish. Per kill the table gives the moment, the last step the run
had reported and the step its checkpoint held afterwards (the steps lost, at most one
checkpoint interval); per run, the kills it took, the step its last attempt resumed
from and its held-out figure beside the unkilled run's.

    python bench/training_kills.py [--kills 10] [--seed 3] [--novel treasure_island] [--chapters 1-3] [--json]
    python bench/training_kills.py --tables run.json
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.machine import machine_description  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
_STEP = re.compile(r"^step (\d+)/(\d+)", re.MULTILINE)


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "app.cli", *args]


def train_command(project: str, name: str, chapters: str) -> list[str]:
    return cli("style", "train", "--project", project, "--name", name, "--chapters", chapters, "--json")


def checkpoint_step(home: Path, project: str, name: str) -> int | None:
    """The step the run's checkpoint holds (None when it has none yet)."""
    import torch

    found = list(home.rglob(f"training/{project}-{name}/checkpoint.pt"))
    if not found:
        return None
    return int(torch.load(found[0], weights_only=True)["step"])


def run_to_end(command: list[str], env: dict[str, str]) -> tuple[dict, float]:
    started = time.monotonic()
    done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[3:])} exited {done.returncode}: {done.stderr[-2000:]}")
    return json.loads(done.stdout), time.monotonic() - started


def killed_attempt(command: list[str], env: dict[str, str], after: float,
                   log: Path) -> tuple[dict | None, int | None]:
    """Start ``command``, SIGKILL it ``after`` seconds later.

    Returns (its report when it finished before the kill, else None; the last step it reported).
    """
    with log.open("w") as stderr, log.with_suffix(".json").open("w") as stdout:
        process = subprocess.Popen(command, env=env, stdout=stdout, stderr=stderr, cwd=ROOT)
        try:
            process.wait(timeout=after)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    steps = _STEP.findall(log.read_text())
    last_step = int(steps[-1][0]) if steps else None
    if process.returncode != 0:
        return None, last_step
    return json.loads(log.with_suffix(".json").read_text()), last_step


def steps_lost(kill: dict) -> int:
    """Steps the kill undid: those reported beyond the checkpoint it left (none when no step was reported)."""
    if kill["last_step"] is None:
        return 0
    return max(0, kill["last_step"] - (kill["checkpoint"] or 0))


def print_table(result: dict) -> None:
    """The kills and the held-out figures of one run, as Markdown."""
    print(f"Training kills on {result['machine']}\n")
    print(f"{result['novel']}, chapters {result['chapters']}: {result['steps']} steps, "
          f"unkilled run {result['reference_seconds']:.0f} s; held-out NLL plain {result['plain']:.4f}, "
          f"unkilled style {result['reference']:.4f}\n")
    print("| run | kill | after | last step reported | checkpoint after the kill | steps lost |")
    print("|---:|---:|---:|---:|---:|---:|")
    number = 0
    for index, run in enumerate(result["runs"], start=1):
        for kill in run["kills"]:
            number += 1
            print(f"| {index} | {number} | {kill['after_s']:.0f} s | "
                  f"{kill['last_step'] if kill['last_step'] is not None else '-'} | "
                  f"{kill['checkpoint'] if kill['checkpoint'] is not None else '-'} | {steps_lost(kill)} |")
    print("\n| run | kills | resumed last from step | held-out NLL with the style | against the unkilled run |")
    print("|---:|---:|---:|---:|---:|")
    for index, run in enumerate(result["runs"], start=1):
        print(f"| {index} | {len(run['kills'])} | {run['resumed_from']} | {run['styled']:.4f} | {run['gap']:.2%} |")
    most_lost = max(steps_lost(kill) for run in result["runs"] for kill in run["kills"])
    print(f"\nWorst gap {result['gap']:.2%}; most steps lost to one kill {most_lost}.")


def _finished(run: dict, report: dict, reference: float) -> dict:
    for kill in run["kills"]:
        kill["lost"] = steps_lost(kill)
    styled = report["held_out_nll_styled"]
    return {**run, "styled": styled, "resumed_from": report["resumed_from"], "gap": abs(styled / reference - 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--novel", default="treasure_island")
    parser.add_argument("--chapters", default="1-3", help="chapters to train on (the last is held out)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--tables", type=Path, metavar="JSON", help="print the table of an earlier --json run")
    args = parser.parse_args()
    if args.tables:
        print_table(json.loads(args.tables.read_text()))
        return 0
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="training-kills-") as folder:
        home = Path(folder)
        env = {**os.environ, "DRAFTSMITH_HOME": str(home), "PYTHONPATH": str(ROOT)}
        subprocess.run(cli("import", str(CORPUS / f"{args.novel}.txt"), "--project", "book"), env=env, check=True,
                       capture_output=True, cwd=ROOT)
        print("the unkilled run…", file=sys.stderr, flush=True)
        reference, seconds = run_to_end(train_command("book", "unkilled", args.chapters), env)
        steps, figure = reference["steps"], reference["held_out_nll_styled"]
        runs: list[dict] = []
        run: dict = {"name": "killed-1", "kills": []}
        kills = attempts = 0
        while kills < args.kills:
            # A moment within the work the run has left, so that most attempts are killed.
            done = checkpoint_step(home, "book", run["name"]) or 0
            after = rng.uniform(1.0, max(5.0, seconds * (1.0 - done / steps)))
            attempts += 1
            command = train_command("book", run["name"], args.chapters)
            report, last_step = killed_attempt(command, env, after, home / f"attempt-{attempts}.log")
            if report is not None:  # it finished before its kill: that run is done, the next starts afresh
                print(f"attempt {attempts} finished before its kill at {after:.0f} s", file=sys.stderr, flush=True)
                runs.append(_finished(run, report, figure))
                run = {"name": f"killed-{len(runs) + 1}", "kills": []}
                continue
            kills += 1
            run["kills"].append({"attempt": attempts, "after_s": after, "last_step": last_step,
                                 "checkpoint": checkpoint_step(home, "book", run["name"])})
            print(f"kill {kills} at {after:.0f} s: step {last_step}, checkpoint {run['kills'][-1]['checkpoint']}",
                  file=sys.stderr, flush=True)
        final, _ = run_to_end(train_command("book", run["name"], args.chapters), env)
        runs.append(_finished(run, final, figure))
    runs = [run for run in runs if run["kills"]]  # a run no kill reached tests nothing
    result = {"machine": machine_description(), "novel": args.novel, "chapters": args.chapters, "steps": steps,
              "reference_seconds": seconds, "reference": figure, "plain": reference["held_out_nll_plain"],
              "runs": runs, "gap": max(run["gap"] for run in runs),
              "most_lost": max(steps_lost(kill) for run in runs for kill in run["kills"])}
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print_table(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
