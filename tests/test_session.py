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
