"""Kill Draftsmith at random moments and check that the writer's project survives each time.

Each trial starts a real process on a real project, sends SIGKILL at a random
moment, and then checks the project file:

* ``PRAGMA integrity_check`` is ``ok``;
* every word committed before the kill is still there (a snapshot is read, with a
  read-only connection, just before the signal): for commands that add text the
  old text must still begin each chapter, and an import leaves the old book or the
  whole new one, never a mix;
* no passage is stored twice;
* running the same command again finishes (the resume), and leaves a whole book
  with the story bible built from it.

Scenarios: ``import`` (a novel into a new project), ``reimport`` (a second novel
over the first), ``summarize`` (model summaries), ``draft`` (beats of a small
outline), ``write`` (``write --keep``), ``app`` (the app keeping one Ctrl+G passage
and generating the next) and ``app-beat`` (the app keeping a Ctrl+B drafted beat and
drafting the next, killed 0 to 15 s after its first keep; after the kill every beat whose passage is in the text must be
marked drafted and no planned beat may have one, and ``draft`` then finishes the
chapter without writing a kept beat twice). It prints a table of trials, failures and words lost.

    python bench/kill_trials.py [--trials 100] [--seed 7] [--scenario NAME] [--json]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.machine import machine_description  # noqa: E402
from engine.models.default_model import ensure_default_model  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
FIRST_BOOK, SECOND_BOOK = "treasure_island", "the_hound_of_the_baskervilles"
SHARES = {"import": 0.25, "reimport": 0.2, "summarize": 0.1, "draft": 0.1, "write": 0.15, "app": 0.1,
          "app-beat": 0.1}


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "app.cli", *args]


def read_state(project: Path) -> dict[str, object]:
    """What the project holds now, read without taking its writer lock."""
    if not project.exists():
        return {"documents": {}, "drafts": [], "summaries": 0, "beats": {}}
    uri = f"{project.resolve().as_uri()}?mode=ro"
    for _ in range(50):
        try:
            with contextlib.closing(sqlite3.connect(uri, uri=True, timeout=5)) as db:
                tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
                documents = {title: text for title, text in db.execute(
                    "SELECT title, text FROM documents WHERE kind = 'chapter' ORDER BY position")} \
                    if "documents" in tables else {}
                drafts = [row[0] for row in db.execute("SELECT node_id FROM drafts")] if "drafts" in tables else []
                passages = list(db.execute("SELECT node_id, text FROM drafts")) if "drafts" in tables else []
                beats = dict(db.execute("SELECT id, status FROM outline WHERE level = 'beat'")) \
                    if "outline" in tables else {}
                summaries = db.execute("SELECT COUNT(*) FROM summaries WHERE method = 'model'").fetchone()[0] \
                    if "summaries" in tables else 0
                return {"documents": documents, "drafts": drafts, "summaries": summaries, "beats": beats,
                        "passages": passages}
        except sqlite3.DatabaseError:
            time.sleep(0.05)  # the file is being created: try again
    return {"documents": {}, "drafts": [], "summaries": 0, "beats": {}}


def integrity(project: Path) -> str:
    if not project.exists():
        return "ok"
    with contextlib.closing(sqlite3.connect(project)) as db:
        return db.execute("PRAGMA integrity_check").fetchone()[0]


def words(text: str) -> int:
    return len(text.split())


def repeated_passages(documents: dict[str, str], allowed: Counter[str]) -> int:
    """Paragraphs of eight words or more stored more often than the book itself has them."""
    counts = Counter(paragraph.strip() for text in documents.values() for paragraph in text.split("\n\n")
                     if words(paragraph) >= 8)
    return sum(count - allowed[paragraph] for paragraph, count in counts.items() if count > max(1, allowed[paragraph]))


def bible_pending(project: Path) -> bool:
    with contextlib.closing(sqlite3.connect(f"{project.resolve().as_uri()}?mode=ro", uri=True)) as db:
        row = db.execute("SELECT value FROM settings WHERE key = 'bible_pending'").fetchone()
    return bool(row and json.loads(row[0]))


@dataclass
class Trial:
    scenario: str
    delay: float
    failures: list[str] = field(default_factory=list)
    words_lost: int = 0
    words_at_kill: int = 0
    """Words the project held past its starting state when the signal came: the work at stake."""


@dataclass
class Fixtures:
    folder: Path
    books: dict[str, Path]
    base_project: Path
    """Treasure Island imported, with an outline of one chapter and three planned beats."""
    base_paragraphs: Counter[str]


def prepare(folder: Path) -> Fixtures:
    books = {name: CORPUS / f"{name}.txt" for name in (FIRST_BOOK, SECOND_BOOK)}
    base = folder / "base.draftsmith"
    subprocess.run(cli("import", str(books[FIRST_BOOK]), "--project", str(base)), check=True,
                   capture_output=True)
    subprocess.run(cli("outline", "--project", str(base), "--premise", "Jim sails again.", "--title", "Return"),
                   check=True, capture_output=True)
    subprocess.run(cli("outline", "--project", str(base), "--add", "1", "--level", "chapter", "--title", "Home",
                       "--synopsis", "Jim comes home to the inn.", "--words", "240"), check=True, capture_output=True)
    for title in ("Arrival", "Mother", "Night"):
        subprocess.run(cli("outline", "--project", str(base), "--add", "2", "--level", "beat", "--title", title,
                           "--synopsis", f"Jim Hawkins and the {title.lower()} at the Admiral Benbow inn."),
                       check=True, capture_output=True)
    state = read_state(base)
    paragraphs = Counter(p.strip() for text in state["documents"].values() for p in text.split("\n\n"))
    return Fixtures(folder, books, base, paragraphs)


def run_trial(scenario: str, fixtures: Fixtures, rng: random.Random, index: int) -> Trial:
    folder = fixtures.folder / f"trial-{index:03d}"
    folder.mkdir()
    project = folder / "book.draftsmith"
    if scenario == "import":
        command = cli("import", str(fixtures.books[FIRST_BOOK]), "--project", str(project))
        delay = rng.uniform(0.2, 6.0)
    elif scenario == "reimport":
        shutil.copy(fixtures.base_project, project)
        command = cli("import", str(fixtures.books[SECOND_BOOK]), "--project", str(project))
        delay = rng.uniform(0.2, 8.0)
    elif scenario == "summarize":
        shutil.copy(fixtures.base_project, project)
        command = cli("summarize", "--project", str(project), "--limit", "6")
        delay = rng.uniform(1.0, 20.0)
    elif scenario == "draft":
        shutil.copy(fixtures.base_project, project)
        command = cli("draft", "--project", str(project), "--seed", str(index))
        delay = rng.uniform(1.0, 30.0)
    elif scenario == "write":
        shutil.copy(fixtures.base_project, project)
        command = cli("write", "--project", str(project), "--keep", "--words", "120", "--seed", str(index),
                      "--max-tokens", "80")
        delay = rng.uniform(1.0, 25.0)
    elif scenario == "app":  # keeps one passage, then generates another until killed
        shutil.copy(fixtures.base_project, project)
        command = [sys.executable, "-m", "tests.app_kill_target", str(project)]
        delay = rng.uniform(2.0, 30.0)
    else:  # app-beat: keeps one drafted beat, then drafts the next until killed
        shutil.copy(fixtures.base_project, project)
        command = [sys.executable, "-m", "tests.app_kill_target", str(project), "--beats"]
        delay = rng.uniform(0.0, 15.0)  # after the first keep: the keep, then the next beat's draft
    trial = Trial(scenario, delay)
    start_words = sum(words(text) for text in read_state(project)["documents"].values())
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    lines: list[str] = []
    kept = threading.Event()
    reader = threading.Thread(target=_read_lines, args=(process, lines, kept), daemon=True)
    reader.start()
    if scenario == "app-beat":
        waited = time.monotonic() + KEEP_WAIT  # the model loads and drafts the first beat: minutes when busy
        while not kept.wait(1.0) and process.poll() is None and time.monotonic() < waited:
            pass
        trial.delay = -1.0 if not kept.is_set() else delay
    time.sleep(delay)
    committed = read_state(project)
    process.kill()
    trial.words_at_kill = abs(sum(words(text) for text in committed["documents"].values()) - start_words)
    process.wait()
    reader.join(5)
    output = "".join(lines)
    check_after_kill(trial, scenario, fixtures, project, committed, output)
    resume(trial, scenario, command, fixtures, project)
    shutil.rmtree(folder, ignore_errors=True)
    return trial


KEEP_WAIT = 600.0
"""Seconds an app-beat trial waits for the first keep before it kills anyway (delay shown as -1)."""


def _read_lines(process: subprocess.Popen, lines: list[str], kept: threading.Event) -> None:
    for line in process.stdout or ():
        lines.append(line)
        if line.startswith("KEPT "):
            kept.set()


def check_after_kill(trial: Trial, scenario: str, fixtures: Fixtures, project: Path, committed: dict,
                     output: str) -> None:
    if (result := integrity(project)) != "ok":
        trial.failures.append(f"integrity: {result}")
        return
    after = read_state(project)
    if scenario in ("import", "reimport"):
        target = SECOND_BOOK if scenario == "reimport" else FIRST_BOOK
        whole = expected_titles(fixtures, target)
        titles = list(after["documents"])
        old = list(committed["documents"])
        if titles and titles != whole and titles != old:
            trial.failures.append("the manuscript mixes two books")
        if old and titles != old and titles != whole:
            trial.words_lost += sum(words(text) for text in committed["documents"].values())
        return
    for title, text in committed["documents"].items():
        now = after["documents"].get(title, "")
        if not now.startswith(text.rstrip()):
            lost = words(text) - words(os.path.commonprefix([text, now]))
            trial.words_lost += max(lost, 1)
            trial.failures.append(f"committed text of {title!r} changed")
    if scenario == "app" and output.startswith("KEPT "):
        kept = json.loads(output.splitlines()[0][5:])
        if not any(kept.strip()[-200:] in text for text in after["documents"].values()):
            trial.failures.append("the passage kept in the app was not saved")
            trial.words_lost += words(kept[-200:])
    if scenario == "app-beat":
        check_beats(trial, after, output)
    duplicated = repeated_passages(after["documents"], fixtures.base_paragraphs)
    if duplicated or len(after["drafts"]) != len(set(after["drafts"])):
        trial.failures.append(f"{duplicated} passages stored twice")


def check_beats(trial: Trial, after: dict, output: str) -> None:
    """Each beat's passage is in the text exactly when the beat is marked drafted."""
    book = "\n\n".join(after["documents"].values())
    drafted = {node for node, status in after["beats"].items() if status != "planned"}
    with_passage = {node for node, text in after["passages"] if text.strip() and text.strip() in book}
    if missing := [node for node, text in after["passages"] if text.strip() not in book]:
        trial.failures.append(f"beats {missing} have a draft that is not in the text")
    if drafted != with_passage:
        trial.failures.append(f"beats drafted {sorted(drafted)} but passages in the text for {sorted(with_passage)}")
    if output.startswith("KEPT "):
        kept = json.loads(output.splitlines()[0][5:])
        if kept["beat"] not in drafted:
            trial.failures.append("the beat kept in the app is still planned")
        if kept["text"].strip()[-200:] not in book:
            trial.failures.append("the beat kept in the app was not saved")
            trial.words_lost += words(kept["text"][-200:])


def expected_titles(fixtures: Fixtures, book: str) -> list[str]:
    cache = fixtures.__dict__.setdefault("_titles", {})
    if book not in cache:
        scratch = fixtures.folder / f"whole-{book}.draftsmith"
        if not scratch.exists():
            subprocess.run(cli("import", str(fixtures.books[book]), "--project", str(scratch)), check=True,
                           capture_output=True)
        cache[book] = list(read_state(scratch)["documents"])
    return cache[book]


def resume(trial: Trial, scenario: str, command: list[str], fixtures: Fixtures, project: Path) -> None:
    if scenario == "app":
        command = cli("context", "--project", str(project))  # the project opens again, as in the app
    elif scenario == "app-beat":
        command = cli("draft", "--project", str(project), "--seed", "3")  # the rest of the chapter
    finished = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900)
    if finished.returncode != 0:
        trial.failures.append(f"the resumed run exited {finished.returncode}: {finished.stderr.strip()[-200:]}")
        return
    after = read_state(project)
    if scenario in ("import", "reimport"):
        target = SECOND_BOOK if scenario == "reimport" else FIRST_BOOK
        if list(after["documents"]) != expected_titles(fixtures, target):
            trial.failures.append("the resumed import did not leave the whole book")
        if bible_pending(project):
            trial.failures.append("the story bible was not rebuilt")
    if scenario == "app-beat" and any(status == "planned" for status in after["beats"].values()):
        trial.failures.append("draft left a beat planned")
    if integrity(project) != "ok":
        trial.failures.append("integrity after the resumed run")
    duplicated = repeated_passages(after["documents"], fixtures.base_paragraphs)
    if duplicated or len(after["drafts"]) != len(set(after["drafts"])):
        trial.failures.append(f"{duplicated} passages stored twice after the resumed run")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--scenario", choices=list(SHARES), help="run only this scenario, every trial")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    ensure_default_model()
    rng = random.Random(args.seed)
    shares = {args.scenario: 1.0} if args.scenario else SHARES
    plan = [name for name, share in shares.items() for _ in range(round(share * args.trials))][: args.trials]
    rng.shuffle(plan)
    trials: list[Trial] = []
    with tempfile.TemporaryDirectory(prefix="kill-trials-") as scratch:
        fixtures = prepare(Path(scratch))
        for index, scenario in enumerate(plan):
            trial = run_trial(scenario, fixtures, rng, index)
            trials.append(trial)
            status = "ok" if not trial.failures else "; ".join(trial.failures)
            if scenario == "app-beat" and trial.delay < 0:
                status += " (the app stopped before its first keep: the keep was not under test)"
            when = "after the first keep" if scenario == "app-beat" else "from the start"
            print(f"[{index + 1}/{len(plan)}] {scenario} killed {trial.delay:.1f} s {when} "
                  f"({trial.words_at_kill} words changed): {status}", file=sys.stderr)
    rows = []
    for scenario in shares:
        mine = [t for t in trials if t.scenario == scenario]
        rows.append({"scenario": scenario, "trials": len(mine), "failures": sum(bool(t.failures) for t in mine),
                     "words_lost": sum(t.words_lost for t in mine),
                     "words_at_kill": sum(t.words_at_kill for t in mine)})
    rows.append({"scenario": "all", "trials": len(trials), "failures": sum(bool(t.failures) for t in trials),
                 "words_lost": sum(t.words_lost for t in trials),
                 "words_at_kill": sum(t.words_at_kill for t in trials)})
    if args.json:
        print(json.dumps({"machine": machine_description(), "rows": rows,
                          "failures": [t.__dict__ for t in trials if t.failures]}, indent=2))
    else:
        print(f"Kill trials on {machine_description()}\n")
        print(f"| {'scenario':10} | trials | failures | words lost | words changed before the kills |")
        print(f"|{'-' * 12}|-------:|---------:|-----------:|-------------------------------:|")
        for row in rows:
            print(f"| {row['scenario']:10} | {row['trials']:6} | {row['failures']:8} | {row['words_lost']:10} "
                  f"| {row['words_at_kill']:30} |")
    return 0 if not any(t.failures for t in trials) else 1


if __name__ == "__main__":
    sys.exit(main())
