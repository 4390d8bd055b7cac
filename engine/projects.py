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
from memory.context.bible import bible_pending, extract_bible
from memory.errors import ProjectError
from memory.project import Project
from memory.storage.store import ProjectStore
from memory.storage.store_files import project_files
from memory.text.printable import plain_name, shown

PROJECT_SUFFIX = ".draftsmith"
MODEL_SETTING = "model"


def project_path(name_or_path: str, paths: DraftsmithPaths | None = None) -> Path:
    """The project file a name or path means; a bare name (often a manuscript's file name) loses any
    control characters or undecodable bytes, which have no place in a name the writer sees."""
    candidate = Path(name_or_path).expanduser()
    if candidate.suffix == PROJECT_SUFFIX or os.sep in name_or_path:
        return candidate
    name = plain_name(name_or_path)
    if not name:
        raise ProjectError(f"'{shown(name_or_path)}' cannot name a project: give it letters or digits.")
    return (paths or draftsmith_paths()).projects_dir / f"{name}{PROJECT_SUFFIX}"


def open_project(name_or_path: str, model: str | None = None, create: bool = False,
                 progress=None, read_only: bool = False) -> tuple[Project, Tokenizer]:
    """Open (or create) a project and the tokenizer of its model.

    Opened to write, a project whose last import was cut off before its story bible
    was rebuilt gets the bible rebuilt now. A project this call created is removed
    again if opening it fails, so a failed first open leaves no empty file behind.
    """
    path = project_path(name_or_path)
    created = create and not path.exists()
    store = ProjectStore(path, create=create, read_only=read_only)
    try:
        chosen = model or store.get_setting(MODEL_SETTING) or "default"
        tokenizer = Tokenizer(resolve_model_path(chosen, progress=progress))
        if not read_only:
            if store.get_setting(MODEL_SETTING) is None:
                store.set_setting(MODEL_SETTING, chosen)
            if bible_pending(store):
                extract_bible(store)
    except BaseException:
        store.close()
        if created:
            remove_project_file(path)
        raise
    return Project(store, tokenizer.count_tokens, tokenizer.joins_add_up), tokenizer


def remove_project_file(path: Path) -> None:
    """Delete a project file with its SQLite companions (only ever one this process just created)."""
    for companion in project_files(path):
        companion.unlink(missing_ok=True)
