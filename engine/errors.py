"""Errors the engine raises for the writer to read.

Each carries one plain sentence: the command line prints it and exits with
code 2 (bad input) or 1 (a runtime failure); the app shows it in a notice.
"""

from __future__ import annotations

from memory.errors import DraftsmithError, ManuscriptError, ProjectError

__all__ = ["BackendError", "DraftsmithError", "ManuscriptError", "ModelFileError", "ProjectError",
           "PromptTooLongError", "StyleError"]


class ModelFileError(DraftsmithError):
    """A model or adapter file that cannot be used, and why, in one sentence."""

    exit_code = 2


class BackendError(DraftsmithError):
    """The model runtime or server failed while working."""

    exit_code = 1


class PromptTooLongError(DraftsmithError):
    """A prompt that would not fit the model's context window."""

    exit_code = 2


class StyleError(DraftsmithError):
    """A style (adapter or fine-tuned model) that cannot be used as asked."""

    exit_code = 2
