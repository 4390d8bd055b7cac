"""Open the model a writer asked for, wherever it runs.

One entry point for the command line and the app: a registered name, a path, a
server URL or nothing (the embedded default model).
"""

from __future__ import annotations

from pathlib import Path

from engine.backend.http_backend import HttpBackend
from engine.backend.llama_backend import LlamaBackend, LlamaSettings
from engine.backend.protocol import Backend, PromptStyle
from engine.models.default_model import ProgressCallback, ensure_default_model
from engine.models.registry import ModelRegistry
from engine.paths import DraftsmithPaths


def resolve_model_path(
    model: str | None, paths: DraftsmithPaths | None = None, progress: ProgressCallback | None = None
) -> Path:
    """The file behind ``model``; assembles the default model on first use."""
    if model in (None, "", "default"):
        return ensure_default_model(paths, progress)
    return ModelRegistry(paths).resolve(model)


def open_backend(
    model: str | None = None,
    *,
    server: str | None = None,
    prompt_style: PromptStyle | None = None,
    n_ctx: int | None = None,
    paths: DraftsmithPaths | None = None,
    progress: ProgressCallback | None = None,
) -> Backend:
    """Load ``model`` in-process, or connect to ``server`` when one is given."""
    if server:
        return HttpBackend(
            server,
            model=model,
            prompt_style=prompt_style or PromptStyle.COMPLETION,
            context_length=n_ctx,
        )
    path = resolve_model_path(model, paths, progress)
    return LlamaBackend(path, LlamaSettings(n_ctx=n_ctx, prompt_style=prompt_style))
