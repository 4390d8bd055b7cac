"""The core never imports the UI: checked by import-linter and by a clean interpreter."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_core_packages_do_not_load_textual() -> None:
    code = (
        "import sys, engine.runtime, engine.workflows.continuation, engine.models.registry, "
        "engine.backend.http_backend, prompts, memory\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'textual', 'app'})\n"
        "print(','.join(bad))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_import_contracts_hold() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint)], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 6 kept, 0 broken." in result.stdout
