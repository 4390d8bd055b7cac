"""What the writer asked the model to write, as objects a worker can run.

Each request knows how to stream its text for the pending region and is kept by
the workspace so that "another version" runs the same request again. Running one
only reads the project, so it is safe in a thread worker.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from engine.backend.protocol import Backend, SamplingSettings
from engine.workflows.continuation import continue_in_project
from engine.workflows.passage import write_passage
from engine.workflows.selection import transform_selection
from memory.cursor import cursor_at_offset
from memory.project import Project

Post = Callable[[str], None]


@dataclass(frozen=True)
class ContinueAtCursor:
    """Continue the document at a character offset, with the memory layer's context."""

    document_id: int
    offset: int

    def run(self, backend: Backend, project: Project, settings: SamplingSettings, cancel: threading.Event,
            post: Post) -> None:
        cursor = cursor_at_offset(project, self.document_id, self.offset)
        for piece in continue_in_project(backend, project, settings, cursor, cancel):
            post(piece)


@dataclass(frozen=True)
class TransformSelection:
    """Rewrite, describe or expand the selected text."""

    task: str
    selection: str
    before: str

    def run(self, backend: Backend, project: Project, settings: SamplingSettings, cancel: threading.Event,
            post: Post) -> None:
        for piece in transform_selection(backend, self.task, self.selection, self.before, settings, cancel):
            post(piece)


@dataclass(frozen=True)
class DraftNode:
    """Write an outline node's passage to follow its chapter's text."""

    node_id: int
    document_id: int
    note: str
    words: int
    heading: str

    def run(self, backend: Backend, project: Project, settings: SamplingSettings, cancel: threading.Event,
            post: Post) -> None:
        document = project.store.document(self.document_id)
        write_passage(backend, project, document, self.note, self.words, settings, cancel, post, self.heading)


GenerationRequest = ContinueAtCursor | TransformSelection | DraftNode


def request_kind(request: GenerationRequest | None) -> str:
    """The kind of generation a passage's record names: continue, rewrite, describe, expand or draft."""
    if isinstance(request, TransformSelection):
        return request.task
    if isinstance(request, DraftNode):
        return "draft"
    return "continue"
