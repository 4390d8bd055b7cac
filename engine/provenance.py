"""Describe what produced a generation, for the record kept with the passage.

Workflows note each prompt they send (``note_prompt``) with its sections and token
counts; a caller that will keep the text wraps the generation in ``traced()`` and
then builds the record from the trace, the backend and the sampler settings. The
trace lives in a context variable, so each worker thread has its own.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from engine.backend.protocol import Backend, SamplingSettings
from memory.context.cursor import position_at
from memory.errors import ProjectError
from memory.project import Project
from memory.storage.provenance import (
    AS_WRITTEN,
    PassageOrigin,
    delete_alternative,
    origins,
    origins_between,
)
from memory.text.manuscript import paragraph_spans

__all__ = ["AS_WRITTEN", "PassageOrigin", "PromptTrace", "file_sha256", "forget_alternative", "generation_record",
           "keep_try", "note_prompt", "prompts_noted", "passage_origins",
           "origins_at_offset", "prompt_record", "traced"]


@dataclass
class PromptTrace:
    """The prompts of one generation, in the order they were sent (a retry sends another),
    each with the sampler settings it was sent with."""

    prompts: list[dict[str, Any]] = field(default_factory=list)
    settings: list[SamplingSettings | None] = field(default_factory=list)
    kept: int | None = None
    """The index of the last prompt of the try whose text is kept; the last prompt when unset."""

    def add(self, record: dict[str, Any], settings: SamplingSettings | None) -> None:
        self.prompts.append(record)
        self.settings.append(settings)

    def kept_index(self) -> int | None:
        if self.kept is not None:
            return self.kept
        return len(self.prompts) - 1 if self.prompts else None


_current: contextvars.ContextVar[PromptTrace | None] = contextvars.ContextVar("prompt_trace", default=None)


@contextlib.contextmanager
def traced() -> Iterator[PromptTrace]:
    """Collect the prompts sent inside the block."""
    trace = PromptTrace()
    token = _current.set(trace)
    try:
        yield trace
    finally:
        _current.reset(token)


def note_prompt(text: str, sections: list[tuple[str, int]], settings: SamplingSettings | None = None) -> None:
    """Record a prompt about to be sent: its sections with their token counts, its hash, and
    the settings it is sent with."""
    trace = _current.get()
    if trace is not None:
        trace.add(prompt_record(text, sections), settings)


def prompts_noted() -> int:
    """How many prompts the current trace holds (0 outside ``traced()``)."""
    trace = _current.get()
    return len(trace.prompts) if trace is not None else 0


def keep_try(last_prompt: int) -> None:
    """Say that the text kept is the try whose last prompt is ``last_prompt`` (an index into
    the trace), so its record names that try's prompt and seed, not a later one's."""
    trace = _current.get()
    if trace is not None:
        trace.kept = last_prompt


def prompt_record(text: str, sections: list[tuple[str, int]]) -> dict[str, Any]:
    """A prompt as the record keeps it: its sections' names and token counts, and its hash."""
    return {"sections": [{"name": name, "tokens": tokens} for name, tokens in sections],
            "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()}


def generation_record(backend: Backend, settings: SamplingSettings, trace: PromptTrace) -> dict[str, Any]:
    """The record kept with a passage: model, styles, sampler, seed, prompt, and when.

    The sampler, seed and prompt are those of the kept try (``keep_try``; the last prompt
    by default) as it was sent; ``settings`` stands in where the workflow noted none.
    """
    identity = backend.model_identity
    index = trace.kept_index()
    sent = trace.settings[index] if index is not None and index < len(trace.settings) else None
    used = sent or settings
    sampler = {key: value for key, value in asdict(used).items() if key not in ("seed", "stop", "json_schema")}
    return {
        "model": identity.name,
        "model_file": str(identity.file) if identity.file else None,
        "model_sha256": file_sha256(identity.file) if identity.file else None,
        "adapters": [{"file": str(path), "scale": scale} for path, scale in identity.adapters],
        "sampler": sampler,
        "seed": used.seed,
        "prompt": trace.prompts[index] if index is not None else None,
        "prompts_sent": len(trace.prompts),
        "at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }


_hashes: dict[tuple[str, int, float], str] = {}
_hash_lock = threading.Lock()


def file_sha256(path: Path) -> str:
    """The file's SHA-256, computed once per file version (size and modification time)."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime)
    with _hash_lock:
        if key in _hashes:
            return _hashes[key]
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    with _hash_lock:
        _hashes[key] = digest.hexdigest()
    return _hashes[key]


def passage_origins(project: Project, chapter: int | None = None, paragraph: int | None = None) -> list[PassageOrigin]:
    """The records of generated passages in a paragraph (``chapter``:``paragraph``), a chapter, or the book."""
    if chapter is None:
        return [origin for document in project.documents for origin in origins(project.store, document.id)]
    document_id, start = position_at(project, chapter, paragraph)
    if paragraph is None:
        return origins(project.store, document_id)
    return origins_at_offset(project, document_id, start)


def origins_at_offset(project: Project, document_id: int, offset: int) -> list[PassageOrigin]:
    """The records of generated passages in the paragraph that holds ``offset`` (the app's cursor)."""
    text = project.store.document(document_id).text
    spans = paragraph_spans(text)
    start, end = next(((a, b) for a, b in spans if a <= offset <= b), (offset, offset + 1))
    return origins_between(project.store, document_id, start, max(end, start + 1))


def forget_alternative(project: Project, alternative_id: int) -> None:
    """Delete one kept alternative version; raises ``ProjectError`` when there is none by that id."""
    if not delete_alternative(project.store, alternative_id):
        raise ProjectError(f"There is no kept alternative {alternative_id}; `draftsmith provenance --json` "
                           "lists them.")
