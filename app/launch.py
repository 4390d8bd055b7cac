"""Build and run the app with the writer's chosen model."""

from __future__ import annotations

from app.main_app import DraftsmithApp
from engine.runtime import open_backend


def create_app(model: str | None = None) -> DraftsmithApp:
    """The app wired to load ``model`` (the built-in one by default) in the background."""
    return DraftsmithApp(lambda progress: open_backend(model, progress=progress))


def launch_app(model: str | None = None) -> int:
    app = create_app(model)
    app.run()
    if app.backend is not None:
        app.backend.close()
    return app.return_code or 0
