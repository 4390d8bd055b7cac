"""The models a writer registered by name, kept in a small JSON file.

Registration stores a path, not a copy: model files are large and writers keep
them where their other tools expect them.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from engine.errors import ModelFileError
from engine.json_files import write_json_atomically
from engine.models.default_model import DEFAULT_MODEL_NAME, ensure_default_model
from engine.models.validation import validate_model
from engine.paths import DraftsmithPaths, draftsmith_paths


@dataclass(frozen=True)
class RegisteredModel:
    name: str
    path: Path


class ModelRegistry:
    """Named models: ``default`` plus whatever the writer added."""

    def __init__(self, paths: DraftsmithPaths | None = None) -> None:
        self._paths = paths or draftsmith_paths()

    @property
    def file(self) -> Path:
        return self._paths.model_registry_file

    def registered(self) -> list[RegisteredModel]:
        """The writer's models in the order they were added."""
        try:
            raw = json.loads(self.file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except ValueError as error:
            raise ModelFileError(f"The model list {self.file} is damaged ({error}); fix or delete it.") from error
        return [RegisteredModel(entry["name"], Path(entry["path"])) for entry in raw.get("models", [])]

    def add(self, path: Path | str, name: str | None = None) -> RegisteredModel:
        """Validate ``path`` and register it under ``name`` (the file's stem by default)."""
        info = validate_model(path)
        resolved = info.path.resolve()
        name = (name or resolved.stem).strip()
        if not name:
            raise ModelFileError("A model's name cannot be empty.")
        if name == DEFAULT_MODEL_NAME or name == "default":
            raise ModelFileError(f"The name {name!r} is reserved for the built-in model; choose another.")
        models = [model for model in self.registered() if model.name != name]
        models.append(RegisteredModel(name, resolved))
        self._save(models)
        return models[-1]

    def remove(self, name: str) -> None:
        models = self.registered()
        kept = [model for model in models if model.name != name]
        if len(kept) == len(models):
            raise ModelFileError(f"No registered model is named {name!r}.")
        self._save(kept)

    def resolve(self, name_or_path: str | None) -> Path:
        """Turn what the writer typed (a name, a path, or nothing) into a model path."""
        if name_or_path in (None, "", "default", DEFAULT_MODEL_NAME):
            return ensure_default_model(self._paths)
        for model in self.registered():
            if model.name == name_or_path:
                return model.path
        candidate = Path(name_or_path).expanduser()
        if candidate.suffix.lower() == ".gguf" or candidate.exists() or os.sep in name_or_path:
            return candidate
        known = ", ".join(["default", *(m.name for m in self.registered())])
        raise ModelFileError(f"No model is named {name_or_path!r}; known models: {known}.")

    def _save(self, models: list[RegisteredModel]) -> None:
        self._paths.ensure(self.file.parent)
        payload = {"models": [{"name": m.name, "path": str(m.path)} for m in models]}
        write_json_atomically(self.file, payload)
