"""Errors raised for the writer to read, shared by every layer above.

Each carries one plain sentence: the command line prints it and exits with its
``exit_code`` (2 for bad input, 1 for a runtime failure); the app shows it in a notice.
The base lives here, in the lowest layer that raises, so the engine and the app
can catch one type.
"""

from __future__ import annotations


class DraftsmithError(Exception):
    """Base of every error meant to be shown to the writer as it is."""

    exit_code = 1

    def __init__(self, sentence: str) -> None:
        super().__init__(sentence)
        self.sentence = sentence


class ManuscriptError(DraftsmithError):
    """A manuscript file that cannot be imported, and why."""

    exit_code = 2


class ProjectError(DraftsmithError):
    """A project that cannot be opened, or a place in it that does not exist."""

    exit_code = 2
