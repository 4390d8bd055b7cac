"""Kill ``draftsmith style train`` at random moments; each run must resume and end as an unkilled one.

A project holds a few chapters of a novel. One run of ``style train`` goes to the end
unkilled: its held-out loss with the new style is the reference. Then another style is
trained on the same chapters, and each attempt is sent SIGKILL at a random moment
(anywhere from loading to the last measurement) until the given number of kills is
reached; each next attempt is the same command, which resumes from the checkpoint.
The last attempt is left to finish. Per kill the table gives the moment, the last step
the run had reported, the step its checkpoint held afterwards (the steps lost, at most
one checkpoint interval) and the step the next attempt resumed from; then the killed
style's held-out figure beside the reference.

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


def killed_attempt(command: list[str], env: dict[str, str], after: float, log: Path) -> tuple[bool, int | None]:
    """Start ``command``, SIGKILL it ``after`` seconds later; (it was killed, last step it reported)."""
    with log.open("w") as stderr:
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=stderr, cwd=ROOT)
        try:
            process.wait(timeout=after)
            killed = False
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            killed = True
    steps = _STEP.findall(log.read_text())
    return killed, int(steps[-1][0]) if steps else None


def print_table(result: dict) -> None:
    """The kills and the held-out figures of one run, as Markdown."""
    kills, gap = result["kills"], result["gap"]
    print(f"Training kills on {result['machine']}\n")
    print(f"{result['novel']}, chapters {result['chapters']}: {result['steps']} steps, "
          f"unkilled run {result['reference_seconds']:.0f} s\n")
    print("| kill | after | last step reported | checkpoint after the kill | steps lost |")
    print("|---:|---:|---:|---:|---:|")
    for number, kill in enumerate(kills, start=1):
        print(f"| {number} | {kill['after_s']:.0f} s | {kill['last_step'] if kill['last_step'] is not None else '-'} "
              f"| {kill['checkpoint'] if kill['checkpoint'] is not None else '-'} | {kill['lost']} |")
    print(f"\nHeld-out NLL: plain {result['plain']:.4f}, unkilled style {result['reference']:.4f}, "
          f"killed {len(kills)} times and resumed {result['killed']:.4f} ({gap:.2%} apart); "
          f"the last attempt resumed from step {result['resumed_from']}.")


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
        kills, attempts = [], 0
        command = train_command("book", "killed", args.chapters)
        while len(kills) < args.kills:
            after = rng.uniform(1.0, seconds)
            attempts += 1
            killed, last_step = killed_attempt(command, env, after, home / f"attempt-{attempts}.log")
            if not killed:  # it finished first: the next kill needs a run still going
                print(f"attempt {attempts} finished before its kill at {after:.0f} s", file=sys.stderr)
                command = train_command("book", f"killed-{attempts}", args.chapters)
                continue
            kills.append({"attempt": attempts, "after_s": after, "last_step": last_step,
                          "checkpoint": checkpoint_step(home, "book", command[command.index("--name") + 1])})
            print(f"kill {len(kills)} at {after:.0f} s: step {last_step}, checkpoint {kills[-1]['checkpoint']}",
                  file=sys.stderr, flush=True)
        final, _ = run_to_end(command, env)
    for kill in kills:
        kill["lost"] = (kill["last_step"] or 0) - (kill["checkpoint"] or 0)
    gap = abs(final["held_out_nll_styled"] / reference["held_out_nll_styled"] - 1)
    result = {"machine": machine_description(), "novel": args.novel, "chapters": args.chapters,
              "steps": reference["steps"], "reference_seconds": seconds, "kills": kills,
              "reference": reference["held_out_nll_styled"], "killed": final["held_out_nll_styled"],
              "plain": reference["held_out_nll_plain"], "gap": gap, "resumed_from": final["resumed_from"]}
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print_table(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
