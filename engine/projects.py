"""Find and open a writer's project, with the token counter of its model.

A project is named by a path to its ``.draftsmith`` file or by a bare name, which
means that file in the projects folder. The project remembers the model whose
tokenizer chunked it, so later counts agree with the stored ones.
"""

from __future__ import annotations

import os
from pathlib import Path

from engine.paths import DraftsmithPaths, draftsmith_paths
from engine.runtime import resolve_model_path
from engine.tokenizer import Tokenizer
from memory.project import Project
from memory.store import ProjectStore

PROJECT_SUFFIX = ".draftsmith"
MODEL_SETTING = "model"


def project_path(name_or_path: str, paths: DraftsmithPaths | None = None) -> Path:
    candidate = Path(name_or_path).expanduser()
    if candidate.suffix == PROJECT_SUFFIX or os.sep in name_or_path:
        return candidate
    return (paths or draftsmith_paths()).projects_dir / f"{name_or_path}{PROJECT_SUFFIX}"


def open_project(name_or_path: str, model: str | None = None, create: bool = False,
                 progress=None) -> tuple[Project, Tokenizer]:
    """Open (or create) a project and the tokenizer of its model."""
    store = ProjectStore(project_path(name_or_path), create=create)
    chosen = model or store.get_setting(MODEL_SETTING) or "default"
    tokenizer = Tokenizer(resolve_model_path(chosen, progress=progress))
    if store.get_setting(MODEL_SETTING) is None:
        store.set_setting(MODEL_SETTING, chosen)
    return Project(store, tokenizer.count_tokens, tokenizer.joins_add_up), tokenizer
