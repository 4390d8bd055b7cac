"""``draftsmith style`` as a real process: import, refuse, choose, score, export."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from engine.models.gguf_info import read_gguf_info
from tests.adapter_factory import write_lora


def cli(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DRAFTSMITH_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "app.cli", *args], capture_output=True, text=True, env=env,
                          timeout=600)


def test_style_commands_end_to_end(tmp_path: Path, default_model_path: Path, corpus: Path) -> None:
    home = Path(os.environ["DRAFTSMITH_HOME"])  # the session's home already holds the default model
    registry = home / "config" / "styles.json"
    registry.unlink(missing_ok=True)
    base = read_gguf_info(default_model_path)
    good = write_lora(tmp_path / "voice.gguf", base, strength=0.3, seed=1)
    bad = write_lora(tmp_path / "other-size.gguf", base, swap_shapes=True)

    refused = cli("style", "import", str(bad), home=home)
    assert refused.returncode == 2 and "does not fit" in refused.stderr and "Traceback" not in refused.stderr
    imported = cli("style", "import", str(good), "--name", "mine", "--json", home=home)
    assert imported.returncode == 0, imported.stderr
    assert json.loads(imported.stdout)["rank"] == 8
    listed = json.loads(cli("style", "list", "--json", home=home).stdout)
    assert [s["name"] for s in listed] == ["mine"]

    manuscript = tmp_path / "book.txt"
    manuscript.write_text("Chapter 1\n\nThe storm came over the skerry at dusk, and Ada trimmed the lamp.\n\n"
                          "She watched the sea all night, and at dawn a boat came in on the tide.\n")
    project = tmp_path / "book.draftsmith"
    assert cli("import", str(manuscript), "--project", str(project), home=home).returncode == 0
    assert cli("style", "use", "mine:3", "--project", str(project), home=home).returncode == 2
    assert cli("style", "use", "mine:0.8", "--project", str(project), home=home).returncode == 0
    scored = cli("style", "score", "--project", str(project), "--json", home=home)
    assert scored.returncode == 0, scored.stderr
    chapter = json.loads(scored.stdout)[0]
    assert len(chapter["paragraphs"]) == 2 and all(isinstance(p["score"], float) for p in chapter["paragraphs"])
    written = cli("write", "--project", str(project), "--max-tokens", "8", "--seed", "1", home=home)
    assert written.returncode == 0, written.stderr  # the project's style is applied to generation

    out = tmp_path / "data"
    exported = cli("style", "dataset", "--from", str(corpus / "treasure_island.txt"), "--out", str(out), "--json",
                   home=home)
    assert exported.returncode == 0 and json.loads(exported.stdout)["passages"] > 100
    assert cli("style", "dataset", "--from", str(tmp_path / "nope.txt"), "--out", str(out), home=home).returncode == 2
    registry.unlink(missing_ok=True)
