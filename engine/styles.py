"""Styles: the writer's own voice, as a LoRA adapter on a base model or a fine-tuned model.

Importing validates the file against its base model (see ``adapter_validation``)
and records it by name; nothing is copied. A project chooses its styles, each with
a scale, and generation applies them to the loaded model without reloading it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from engine.backend.protocol import Backend
from engine.errors import StyleError
from engine.json_files import write_json_atomically
from engine.models.adapter_validation import validate_adapter
from engine.models.registry import ModelRegistry
from engine.models.validation import inspect_model_file, validate_model
from engine.paths import DraftsmithPaths, draftsmith_paths

PROJECT_SETTING = "styles"


@dataclass(frozen=True)
class Style:
    name: str
    kind: str
    """``adapter`` (applied on ``base``) or ``model`` (a fine-tuned model used as is)."""
    path: str
    base: str
    rank: int | None = None
    alpha: float | None = None


@dataclass(frozen=True)
class StyleChoice:
    """A style a project uses, and how strongly (0 to 2)."""

    name: str
    scale: float = 1.0


class StyleRegistry:
    def __init__(self, paths: DraftsmithPaths | None = None) -> None:
        self._paths = paths or draftsmith_paths()
        self._models = ModelRegistry(self._paths)

    @property
    def file(self) -> Path:
        return self._paths.style_registry_file

    def styles(self) -> list[Style]:
        try:
            raw = json.loads(self.file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except ValueError as error:
            raise StyleError(f"The style list {self.file} is damaged ({error}); fix or delete it.") from error
        return [Style(**entry) for entry in raw.get("styles", [])]

    def get(self, name: str) -> Style:
        for style in self.styles():
            if style.name == name:
                return style
        known = ", ".join(s.name for s in self.styles()) or "none yet"
        raise StyleError(f"No style is named {name!r} (imported styles: {known}).")

    def import_style(self, path: Path | str, name: str | None = None, base: str | None = None) -> Style:
        """Validate an adapter against its base (or a fine-tuned model on its own) and record it."""
        info = inspect_model_file(path)
        name = (name or info.path.stem).strip()
        if not name:
            raise StyleError("A style's name cannot be empty.")
        if info.is_adapter:
            base_name = base or "default"
            base_info = validate_model(self._models.resolve(base_name))
            check = validate_adapter(info.path, base_info)
            style = Style(name, "adapter", str(info.path.resolve()), base_name, check.rank, check.alpha)
        else:
            validate_model(info.path)
            style = Style(name, "model", str(info.path.resolve()), info.name)
        self._save([s for s in self.styles() if s.name != name] + [style])
        return style

    def remove(self, name: str) -> None:
        styles = self.styles()
        kept = [s for s in styles if s.name != name]
        if len(kept) == len(styles):
            raise StyleError(f"No style is named {name!r}.")
        self._save(kept)

    def _save(self, styles: list[Style]) -> None:
        self._paths.ensure(self.file.parent)
        write_json_atomically(self.file, {"styles": [asdict(s) for s in styles]})


def parse_choice(text: str) -> StyleChoice:
    """``name`` or ``name:scale`` as typed on the command line."""
    name, _, scale = text.partition(":")
    try:
        value = float(scale) if scale else 1.0
    except ValueError:
        raise StyleError(f"{scale!r} is not a scale; write NAME or NAME:SCALE, e.g. mine:0.8.") from None
    if not 0.0 <= value <= 2.0:
        raise StyleError(f"A style's scale must be between 0 and 2, not {value:g}.")
    return StyleChoice(name.strip(), value)


def adapters_for(choices: list[StyleChoice], registry: StyleRegistry | None = None) -> list[tuple[Path, float]]:
    """The adapter files and scales for a set of chosen styles (model styles are loaded instead)."""
    registry = registry or StyleRegistry()
    adapters = []
    for choice in choices:
        style = registry.get(choice.name)
        if style.kind == "adapter":
            adapters.append((Path(style.path), choice.scale))
    return adapters


def model_for(choices: list[StyleChoice], registry: StyleRegistry | None = None) -> str | None:
    """The fine-tuned model to load, if a chosen style is one, else the adapters' base."""
    registry = registry or StyleRegistry()
    styles = [registry.get(choice.name) for choice in choices]
    models = [s.path for s in styles if s.kind == "model"]
    if len(models) > 1:
        raise StyleError("Only one fine-tuned model style can be used at a time; adapters can be mixed.")
    bases = {s.base for s in styles if s.kind == "adapter"}
    if models and bases:
        raise StyleError("A fine-tuned model style cannot be mixed with adapters made for another base model.")
    if len(bases) > 1:
        raise StyleError(f"These adapters were made for different base models ({', '.join(sorted(bases))}).")
    return models[0] if models else (bases.pop() if bases else None)


def project_choices(settings_value: object) -> list[StyleChoice]:
    """The styles stored in a project's settings."""
    return [StyleChoice(str(item["name"]), float(item.get("scale", 1.0))) for item in (settings_value or [])]


def apply_styles(backend: Backend, choices: list[StyleChoice], registry: StyleRegistry | None = None) -> None:
    """Put the chosen styles' adapters on a loaded model (a fine-tuned model style is loaded instead)."""
    adapters = adapters_for(choices, registry)
    if not backend.capabilities.adapters:
        if adapters:
            raise StyleError("Style adapters need the built-in llama.cpp runtime; a server applies its own.")
        return
    backend.set_adapters(adapters)


def project_styles(store: object) -> list[StyleChoice]:
    """The styles a project writes with (its ``styles`` setting)."""
    return project_choices(store.get_setting(PROJECT_SETTING))  # type: ignore[attr-defined]


def save_project_styles(store: object, choices: list[StyleChoice], registry: StyleRegistry | None = None) -> None:
    """Make ``choices`` the styles a project writes with; a mix that cannot work is refused unsaved."""
    model_for(choices, registry)
    store.set_setting(PROJECT_SETTING, [{"name": c.name, "scale": c.scale}  # type: ignore[attr-defined]
                                        for c in choices])
