"""One variable moves every path, and nothing is created until it is needed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from engine.paths import draftsmith_paths


def test_home_variable_moves_everything(isolated_home: Path) -> None:
    paths = draftsmith_paths()
    for folder in (paths.config_dir, paths.projects_dir, paths.cache_dir, paths.models_cache_dir):
        assert folder.is_relative_to(isolated_home)
    assert not isolated_home.exists()  # resolving paths creates nothing


def test_without_the_variable_platform_folders_are_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DRAFTSMITH_HOME", raising=False)
    paths = draftsmith_paths()
    assert "draftsmith" in str(paths.config_dir).lower()
    assert "draftsmith" in str(paths.cache_dir).lower()


def test_importing_every_package_writes_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    code = "import app.cli, app.main_app, engine.runtime, memory, prompts"
    env = {"DRAFTSMITH_HOME": str(home), "PATH": ""}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parents[1])
    assert result.returncode == 0, result.stderr
    assert not home.exists()
