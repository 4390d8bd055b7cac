"""Build and run the app with the writer's chosen model and project."""

from __future__ import annotations

from app.main_app import DraftsmithApp
from engine.runtime import open_backend


def create_app(model: str | None = None, project: str | None = None) -> DraftsmithApp:
    """The app wired to load ``model`` (the built-in one by default) in the background."""

    def load(progress, name: str | None = None, n_ctx: int | None = None):
        return open_backend(name or model, progress=progress, n_ctx=n_ctx)

    return DraftsmithApp(load, project, model)


def launch_app(model: str | None = None, project: str | None = None) -> int:
    app = create_app(model, project)
    app.run()
    if app.backend is not None:
        app.backend.close()
    return app.return_code or 0
