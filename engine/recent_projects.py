"""The projects a writer opened lately, newest first, for the app's open screen."""

from __future__ import annotations

import json
from pathlib import Path

from engine.json_files import write_json_atomically
from engine.paths import DraftsmithPaths, draftsmith_paths

LIMIT = 12


def recent_projects(paths: DraftsmithPaths | None = None) -> list[Path]:
    """Recent project files that still exist, then any others in the projects folder."""
    paths = paths or draftsmith_paths()
    try:
        listed = [Path(p) for p in json.loads(_file(paths).read_text(encoding="utf-8"))]
    except (FileNotFoundError, ValueError):
        listed = []
    found = sorted(paths.projects_dir.glob("*.draftsmith"), key=lambda p: p.stat().st_mtime, reverse=True) \
        if paths.projects_dir.exists() else []
    ordered = list(dict.fromkeys([p for p in listed if p.exists()] + found))
    return ordered[:LIMIT]


def remember_project(path: Path, paths: DraftsmithPaths | None = None) -> None:
    paths = paths or draftsmith_paths()
    listed = [str(path.resolve())] + [str(p) for p in recent_projects(paths) if p.resolve() != path.resolve()]
    target = _file(paths)
    paths.ensure(target.parent)
    write_json_atomically(target, listed[:LIMIT])


def _file(paths: DraftsmithPaths) -> Path:
    return paths.config_dir / "recent_projects.json"
