"""``draftsmith outline`` and ``draftsmith draft`` as real processes, killed and resumed."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

PREMISE = "A lighthouse keeper, Ada Fenn, finds a drowned sailor, Tom Reyes, who is not dead."


def cli(*args: str, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app.cli", *args], capture_output=True, text=True,
                          env=os.environ.copy(), timeout=timeout)


def drafted_rows(project_file: Path) -> list[tuple[int, str]]:
    with sqlite3.connect(project_file) as db:
        return db.execute("SELECT node_id, text FROM drafts ORDER BY id").fetchall()


def chapter_text(project_file: Path) -> str:
    with sqlite3.connect(project_file) as db:
        return db.execute("SELECT text FROM documents WHERE kind = 'chapter'").fetchone()[0]


def _outline_with_beats(project_file: Path, beats: int) -> list[int]:
    created = cli("outline", "--project", str(project_file), "--premise", PREMISE, "--title", "The Light",
                  "--genre", "gothic mystery")
    assert created.returncode == 0, created.stderr
    with sqlite3.connect(project_file) as db:
        assert db.execute("SELECT value FROM settings WHERE key = 'book.genre'").fetchone()[0] == '"gothic mystery"'
    chapter = cli("outline", "--project", str(project_file), "--add", "1", "--level", "chapter", "--title", "Landfall",
                  "--words", "320",
                  "--synopsis", "Ada Fenn drags Tom Reyes from the surf and hides him in the lamp room.")
    assert chapter.returncode == 0, chapter.stderr
    for number in range(beats):
        added = cli("outline", "--project", str(project_file), "--add", "2", "--level", "beat",
                    "--title", f"Beat {number + 1}",
                    "--synopsis", f"Ada Fenn tends Tom Reyes through the storm, hour {number + 1}.")
        assert added.returncode == 0, added.stderr
    listing = json.loads(cli("outline", "--project", str(project_file), "--json").stdout)
    return [node["id"] for node in listing if node["level"] == "chapter"]


def test_a_killed_draft_resumes_with_no_lost_or_duplicated_text(tmp_path: Path, default_model_path: Path) -> None:
    project_file = tmp_path / "light.draftsmith"
    _outline_with_beats(project_file, beats=4)
    process = subprocess.Popen([sys.executable, "-m", "app.cli", "draft", "--project", str(project_file),
                                "--chapter", "1", "--seed", "4"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=os.environ.copy())
    deadline = time.monotonic() + 300
    # Killed once two beats are kept. On a machine fast enough to finish first the kill
    # is a no-op, and what follows still holds: nothing lost, each beat exactly once.
    while len(drafted_rows(project_file)) < 2 and process.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    before = drafted_rows(project_file)
    assert chapter_text(project_file) == "\n\n".join(text for _, text in before)

    resumed = cli("draft", "--project", str(project_file), "--chapter", "1", "--seed", "4", "--json")
    assert resumed.returncode == 0, resumed.stderr
    after = drafted_rows(project_file)
    assert after[: len(before)] == before  # nothing lost or rewritten
    assert len(after) == 4 and len({node for node, _ in after}) == 4  # each beat exactly once
    assert chapter_text(project_file) == "\n\n".join(text for _, text in after)
    report = json.loads(resumed.stdout)
    assert report["passages"] == 4 - len(before)
    assert report["chapters"][0]["beats_drafted"] == 4

    continuity = cli("continuity", "--project", str(project_file), "--json")
    assert continuity.returncode == 0 and isinstance(json.loads(continuity.stdout), list)


def test_outline_commands_refuse_bad_input_with_exit_2(tmp_path: Path, default_model_path: Path) -> None:
    project_file = tmp_path / "empty.draftsmith"
    no_outline = cli("draft", "--project", str(project_file))
    assert no_outline.returncode == 2 and "no project" in no_outline.stderr
    created = cli("outline", "--project", str(project_file), "--premise", PREMISE)
    assert created.returncode == 0
    nothing = cli("draft", "--project", str(project_file))
    assert nothing.returncode == 2 and "no chapters" in nothing.stderr
    missing = cli("outline", "--project", str(project_file), "--edit", "42", "--title", "x")
    assert missing.returncode == 2 and "no node 42" in missing.stderr
    for command in ("outline", "draft", "continuity"):
        assert cli(command, "--help").returncode == 0
