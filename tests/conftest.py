"""Shared fixtures: an isolated DRAFTSMITH_HOME and the real default model, loaded once."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

# Every path Draftsmith writes to moves with this one variable; set it before any
# test imports the engine so nothing touches the real user folders.
_SESSION_HOME = Path(tempfile.mkdtemp(prefix="draftsmith-tests-"))
os.environ["DRAFTSMITH_HOME"] = str(_SESSION_HOME)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that needs the default model as ``model``, from the fixtures it uses.

    ``default_model_path`` is the root of every model fixture (the backend, the
    tokenizer, the imported novels), so the marker cannot be forgotten; a test
    marked ``model`` by hand that uses none of them is a mistake this reports.
    """
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if "server_url" in fixtures and item.get_closest_marker("server") is None:
            item.add_marker(pytest.mark.server)
        uses_model = "default_model_path" in fixtures
        marked = item.get_closest_marker("model") is not None
        if uses_model and not marked:
            item.add_marker(pytest.mark.model)
        elif marked and not uses_model:
            raise pytest.UsageError(f"{item.nodeid} is marked 'model' but uses no model fixture; "
                                    "request default_model_path (directly or through another fixture).")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Remove the session's home, with its copy of the default model (about 250 MB)."""
    shutil.rmtree(_SESSION_HOME, ignore_errors=True)


@pytest.fixture(autouse=True)
def _blank_scratch_page() -> Iterator[None]:
    """Every test's app opens on an empty scratch page, whatever an earlier test wrote there."""
    from engine.scratch_page import scratch_file

    scratch_file().unlink(missing_ok=True)
    yield


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


CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"  # shared/ lies beside the checkout
NOVELS = ("emma", "jane_eyre", "little_women", "middlemarch", "pride_and_prejudice", "sense_and_sensibility",
          "the_hound_of_the_baskervilles", "treasure_island")
"""The corpus's eight novels by file stem, for tests that must hold on every one."""


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not CORPUS.exists():
        pytest.skip("the shared corpus is not beside this checkout")
    return CORPUS


@pytest.fixture(scope="session")
def tokenizer(default_model_path: Path):
    """The default model's vocabulary, for exact token counts without the weights."""
    from engine.tokenizer import Tokenizer

    loaded = Tokenizer(default_model_path)
    loaded.joins_add_up(wait=True)  # every test sees the same counting path
    yield loaded
    loaded.close()


def _imported(tmp_path_factory: pytest.TempPathFactory, corpus: Path, tokenizer, name: str):
    from memory.context.bible import extract_bible
    from memory.importer import import_manuscript
    from memory.project import Project

    project = Project.open(tmp_path_factory.mktemp(name) / f"{name}.draftsmith", tokenizer.count_tokens,
                           create=True, joins_add_up=tokenizer.joins_add_up)
    import_manuscript(project.store, corpus / f"{name}.txt", tokenizer.count_tokens)
    project.ensure_summaries()
    extract_bible(project.store)
    return project


@pytest.fixture(scope="session")
def pride_project(tmp_path_factory, corpus, tokenizer):
    """Pride and Prejudice imported once; tests must not change it."""
    project = _imported(tmp_path_factory, corpus, tokenizer, "pride_and_prejudice")
    yield project
    project.close()


@pytest.fixture(scope="session")
def treasure_project(tmp_path_factory, corpus, tokenizer):
    """Treasure Island imported once; tests must not change it."""
    project = _imported(tmp_path_factory, corpus, tokenizer, "treasure_island")
    yield project
    project.close()
