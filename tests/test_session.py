"""Which model writes for a project: one rule for the app and every command."""

from __future__ import annotations

from pathlib import Path

from engine.projects import MODEL_SETTING
from engine.session import use_project_styles, writing_model
from memory.project import Project
from tests.fakes import FakeBackend


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
    import argparse

    from app.commands.options import sampler_from_args
    from engine.sampler_presets import PRESETS, project_sampler, save_project_sampler

    project = _project(tmp_path, None)
    try:
        store = project.store
        save_project_sampler(store, preset="plain", temperature=0.55, max_tokens=120)
        settings = project_sampler(store)
        assert (settings.temperature, settings.max_tokens) == (0.55, 120)
        assert settings.top_k == PRESETS["plain"]["top_k"]  # the preset under them
        run = argparse.Namespace(sampler=None, ban=None, worn_phrases=None, dry=None, xtc=None, top_n_sigma=None,
                                 top_k=None)
        assert sampler_from_args(run, store, seed=1).temperature == 0.55  # a command writes with it too
        overridden = sampler_from_args(run, store, temperature=0.9, max_tokens=40, seed=1)
        assert (overridden.temperature, overridden.max_tokens) == (0.9, 40)  # the run's own, over the project's
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
