"""What writes for a project: one rule for the model, and the project's styles on it.

The app, ``draftsmith write`` and ``draftsmith draft`` all ask here which model writes
for a project and put the project's style adapters on the model they loaded, so
``draftsmith style use mine:0.8`` reaches Ctrl+G in the app as it reaches the commands.

The model is, in order: the one the writer names for this run, the model a chosen
style needs (a fine-tuned model, or the base its adapters were made for), the model
the project was created with, and the built-in one. A server writes with the model it
has loaded unless the writer names another.
"""

from __future__ import annotations

from pathlib import Path

from engine.backend.protocol import Backend
from engine.projects import MODEL_SETTING
from engine.styles import adapters_for, apply_styles, model_for, project_styles
from memory.project import Project


def writing_model(project: Project | None, explicit: str | None = None, server: str | None = None) -> str | None:
    """The model that writes for ``project`` (None: the built-in one, or a ``server``'s own)."""
    if explicit:
        return explicit
    if project is None or server:  # a server writes with what it has loaded
        return None
    return model_for(project_styles(project.store)) or project.store.get_setting(MODEL_SETTING) or None


def styles_to_change(backend: Backend, project: Project) -> bool:
    """Whether ``backend`` needs the project's styles put on (or another project's taken off)."""
    return bool(project_styles(project.store)) or bool(backend.model_identity.adapters)


def use_project_styles(backend: Backend, project: Project) -> list[tuple[Path, float]]:
    """Put ``project``'s style adapters on ``backend`` (none clears them); the adapters now on.

    Raises ``StyleError`` when a style cannot be used with this backend (an adapter made
    for another model, or a server, which applies its own).
    """
    choices = project_styles(project.store)
    apply_styles(backend, choices)
    return adapters_for(choices)
