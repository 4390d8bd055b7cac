"""What the writer asked the model to write, as objects a worker can run.

Each request knows how to stream its text for the pending region and is kept by
the workspace so that "another version" runs the same request again. Running one
only reads the project, so it is safe in a thread worker. ``post`` adds text to the
pending region; ``reset`` replaces all of it (a draft that is written again, or
cleaned once written, shows what will be kept).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from engine.backend.protocol import Backend, SamplingSettings
from engine.workflows.continuation import Place, continue_in_project
from engine.workflows.drafting import write_beat
from engine.workflows.selection import transform_selection
from memory.project import Project

Post = Callable[[str], None]


def _ignore(text: str) -> None:
    """A request that never replaces its pending text wholesale."""


@dataclass(frozen=True)
class ContinueAtCursor:
    """Continue the document at a character offset, with the memory layer's context."""

    document_id: int
    offset: int

    def run(self, backend: Backend, project: Project, settings: SamplingSettings, cancel: threading.Event,
            post: Post, reset: Post = _ignore) -> None:
        place = Place(document_id=self.document_id, offset=self.offset)
        for piece in continue_in_project(backend, project, settings, place, cancel):
            post(piece)


@dataclass(frozen=True)
class TransformSelection:
    """Rewrite, describe or expand the selected text."""

    task: str
    selection: str
    before: str

    def run(self, backend: Backend, project: Project, settings: SamplingSettings, cancel: threading.Event,
            post: Post, reset: Post = _ignore) -> None:
        for piece in transform_selection(backend, self.task, self.selection, self.before, settings, cancel):
            post(piece)


@dataclass(frozen=True)
class DraftNode:
    """Write an outline node's passage to follow its chapter's text, as ``draftsmith draft`` does."""

    node_id: int
    document_id: int
    words: int

    def run(self, backend: Backend, project: Project, settings: SamplingSettings, cancel: threading.Event,
            post: Post, reset: Post = _ignore) -> None:
        passage = write_beat(backend, project, self.node_id, settings, cancel, on_text=post,
                             on_restart=lambda: reset(""), words=self.words)
        if not cancel.is_set():
            reset(passage)  # the passage as it will be kept: cleaned, or the better of two tries


GenerationRequest = ContinueAtCursor | TransformSelection | DraftNode


def request_kind(request: GenerationRequest | None) -> str:
    """The kind of generation a passage's record names: continue, rewrite, describe, expand or draft."""
    if isinstance(request, TransformSelection):
        return request.task
    if isinstance(request, DraftNode):
        return "draft"
    return "continue"
