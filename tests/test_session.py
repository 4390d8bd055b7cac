"""The writing session: one rule for the model, one sampler and one stop for the app and every command."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import pytest

from engine.backend.banned_phrases import BannedPhraseError
from engine.projects import MODEL_SETTING
from engine.runtime import resolve_model_path
from engine.session import (
    ModelChoice,
    SamplerChanges,
    WritingSession,
    model_to_load,
    session_sampler,
    use_project_styles,
    writing_model,
)
from memory.project import Project
from tests.fakes import FakeBackend, FakeModelFile


def _project(tmp_path: Path, model: str | None) -> Project:
    project = Project.open(tmp_path / "book.draftsmith", lambda text: len(text.split()), create=True)
    if model is not None:
        project.store.set_setting(MODEL_SETTING, model)
    return project


def test_the_runs_model_then_the_projects_then_the_built_in_one(tmp_path: Path) -> None:
    project = _project(tmp_path, "my-voice")
    try:
        assert writing_model(project) == "my-voice"  # what counted the project's budget
        assert writing_model(project, "other") == "other"  # the writer's word for this run
        assert writing_model(project, server="http://127.0.0.1:8080/v1") is None  # the server's own model
        assert writing_model(None) is None  # no project: the built-in one
    finally:
        project.close()


def test_a_project_without_styles_puts_none_on(tmp_path: Path) -> None:
    project = _project(tmp_path, None)
    try:
        assert use_project_styles(FakeBackend(), project) == []  # a backend without adapters is fine
    finally:
        project.close()


def test_one_sampler_setting_holds_the_writers_temperature_and_length(tmp_path: Path) -> None:
    """What the app's settings screen saves is what every command reads; a run's own options win."""
    from app.cli import build_parser
    from app.commands.options import sampler_changes
    from engine.sampler_presets import PRESETS, project_sampler, save_project_sampler

    project = _project(tmp_path, None)
    try:
        store = project.store
        save_project_sampler(store, preset="plain", temperature=0.55, max_tokens=120, ban=["lantern"])
        settings = project_sampler(store)
        assert (settings.temperature, settings.max_tokens) == (0.55, 120)
        assert settings.top_k == PRESETS["plain"]["top_k"]  # the preset under them
        assert session_sampler(project, SamplerChanges(seed=1)).temperature == 0.55  # a command writes with it
        args = build_parser().parse_args(["write", "--project", "p", "--ban", "re:\\bgrim\\b", "--top-k", "7",
                                          "--worn-phrases", "off"])
        overridden = session_sampler(project, sampler_changes(args, temperature=0.9, max_tokens=40, seed=1))
        assert (overridden.temperature, overridden.max_tokens, overridden.seed) == (0.9, 40, 1)
        assert overridden.banned_phrases == ("lantern", "re:\\bgrim\\b")  # the run's bans add to the project's
        assert (overridden.top_k, overridden.worn_phrases) == (7, False)
    finally:
        project.close()


def test_a_broken_ban_is_refused_before_the_model_loads(tmp_path: Path) -> None:
    project = _project(tmp_path, None)
    try:
        with pytest.raises(BannedPhraseError):
            WritingSession.open(project, ModelChoice(model=str(tmp_path / "never-loaded.gguf")),
                                SamplerChanges(bans=("re:(unclosed",)))
    finally:
        project.close()


def test_stop_reaches_the_generation_running_now() -> None:
    session = WritingSession(FakeBackend())
    first = session.begin()
    session.stop()
    assert first.is_set() and session.stopped
    worker_event = threading.Event()  # the app's worker passes its own, which Textual also sets
    assert session.begin(worker_event) is worker_event and not session.stopped
    session.stop()
    assert worker_event.is_set()


def test_ctrl_c_inside_a_session_stops_it_and_the_old_handler_comes_back() -> None:
    session = WritingSession(FakeBackend())
    before = signal.getsignal(signal.SIGINT)
    with session.stopping_on_ctrl_c() as stop:
        os.kill(os.getpid(), signal.SIGINT)  # no KeyboardInterrupt: the session takes it
        assert stop.wait(5)
    assert signal.getsignal(signal.SIGINT) is before


def test_the_app_loads_the_projects_own_model_unless_the_writer_chose_one(tmp_path: Path) -> None:
    built_in = resolve_model_path(None)
    project = _project(tmp_path, "default")
    try:
        assert model_to_load(FakeModelFile(built_in), project) is None  # it is loaded already
        assert model_to_load(FakeModelFile(tmp_path / "other.gguf"), project) == "default"
        assert model_to_load(FakeModelFile(built_in), project, explicit=str(built_in)) is None
        assert model_to_load(FakeBackend(), project) is None  # a server writes with its own
    finally:
        project.close()


def test_a_project_saved_by_an_older_app_keeps_its_temperature_and_length(tmp_path: Path) -> None:
    from engine.sampler_presets import LEGACY_SETTING, project_sampler

    project = _project(tmp_path, None)
    try:
        project.store.set_setting(LEGACY_SETTING, {"temperature": 0.4, "max_tokens": 90})
        settings = project_sampler(project.store)
        assert (settings.temperature, settings.max_tokens) == (0.4, 90)
    finally:
        project.close()
