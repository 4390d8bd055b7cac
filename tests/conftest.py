"""Shared fixtures: an isolated DRAFTSMITH_HOME and the real default model, loaded once."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

# Every path Draftsmith writes to moves with this one variable; set it before any
# test imports the engine so nothing touches the real user folders.
_SESSION_HOME = Path(tempfile.mkdtemp(prefix="draftsmith-tests-"))
os.environ["DRAFTSMITH_HOME"] = str(_SESSION_HOME)


@pytest.fixture(scope="session")
def session_home() -> Path:
    return _SESSION_HOME


@pytest.fixture(scope="session")
def default_model_path(session_home: Path) -> Path:
    from engine.models.default_model import ensure_default_model

    return ensure_default_model()


@pytest.fixture(scope="session")
def llama_backend(default_model_path: Path) -> Iterator[object]:
    """The real default model, loaded once for the whole test session."""
    from engine.backend.llama_backend import LlamaBackend, LlamaSettings

    backend = LlamaBackend(default_model_path, LlamaSettings(n_ctx=2048))
    yield backend
    backend.close()


@pytest.fixture
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh DRAFTSMITH_HOME for tests that inspect what gets written."""
    monkeypatch.setenv("DRAFTSMITH_HOME", str(tmp_path / "home"))
    return tmp_path / "home"
