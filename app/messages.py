"""Messages worker threads post to the UI: the only way they talk to widgets."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual.message import Message

from engine.backend.protocol import Backend, GenerationStats
from memory.context.assembler import AssembledContext
from memory.project import Project


@dataclass
class ModelLoaded(Message):
    """A model finished loading and is ready to generate."""

    backend: Backend


@dataclass
class ModelLoadFailed(Message):
    """Loading failed; ``sentence`` says why, for the writer."""

    sentence: str


@dataclass
class ModelLoadProgress(Message):
    """Preparing the model advanced: ``fraction`` from 0 to 1."""

    fraction: float


@dataclass
class TextGenerated(Message):
    """The next piece of generated text."""

    text: str


@dataclass
class PromptRead(Message):
    """The model read more of a prompt before its first token: ``read`` of ``total`` tokens."""

    read: int
    total: int


@dataclass
class GenerationEnded(Message):
    """A generation stopped: finished, cancelled or failed (``error`` set)."""

    stats: GenerationStats | None
    error: str | None = None
    record: dict | None = None
    """What produced the text (model, styles, sampler, prompt), kept with it if the writer keeps it."""


@dataclass
class ProjectOpened(Message):
    """A project is open and ready for the workspace."""

    project: Project


@dataclass
class ProjectOpenFailed(Message):
    sentence: str


@dataclass
class StyleScored(Message):
    """Per-paragraph style fidelity of the open chapter, or why it could not be scored."""

    scores: list
    mean: float = 0.0
    error: str = ""


@dataclass
class ContextInspected(Message):
    """The inspector's context, assembled off the UI thread (``error`` set if it could not be)."""

    context: AssembledContext | None
    cached_tokens: int | None
    error: str | None = None


@dataclass
class PendingReset(Message):
    """Replace the whole pending text (a draft written again, or cleaned once written)."""

    text: str


@dataclass
class StylesApplied(Message):
    """The project's style adapters are on the model (``error`` set if they could not be put on)."""

    adapters: list[tuple[Path, float]]
    error: str | None = None
