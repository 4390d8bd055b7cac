"""Continue a passage of prose where the writer left off.

Without a project the passage itself is the whole context; when it is longer
than the model can see, its most recent part is kept, cut at a paragraph or
sentence boundary so the model never starts mid-word. Within a project, the
memory layer assembles the context: opening, cast, summaries and recent text.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

from engine.backend.protocol import Backend, SamplingSettings
from engine.errors import PromptTooLongError
from memory.assembler import assemble
from memory.cursor import Cursor
from memory.project import Project
from memory.token_fit import fit_tail
from prompts import render

_TEMPLATE_ALLOWANCE = 96
"""Tokens kept free for the instruct template's wrapping and the BOS token."""


def context_budget(backend: Backend, settings: SamplingSettings) -> int:
    """Tokens of context that leave room for the template and the text to be generated."""
    budget = backend.context_length - settings.max_tokens - _TEMPLATE_ALLOWANCE
    if budget <= 0:
        raise PromptTooLongError(
            f"Asking for {settings.max_tokens} tokens leaves no room for context in a "
            f"{backend.context_length}-token context."
        )
    return budget


def continue_passage(
    backend: Backend,
    passage: str,
    settings: SamplingSettings,
    cancel: threading.Event | None = None,
) -> Iterator[str]:
    """Stream a continuation of ``passage``."""
    window = fit_tail(backend.count_tokens, passage, context_budget(backend, settings))
    yield from backend.stream(render("continue", {"passage": window}), settings, cancel)


def continue_in_project(
    backend: Backend,
    project: Project,
    settings: SamplingSettings,
    cursor: Cursor | None = None,
    cancel: threading.Event | None = None,
) -> Iterator[str]:
    """Stream a continuation at ``cursor`` with the memory layer's context."""
    context = assemble(project, context_budget(backend, settings), cursor)
    yield from backend.stream(render("continue", {"passage": context.text}), settings, cancel)
