"""Continue a passage of prose where the writer left off.

Without a project the passage itself is the whole context; when it is longer
than the model can see, its most recent part is kept, cut at a paragraph or
sentence boundary so the model never starts mid-word. Within a project, the
memory layer assembles the context: opening, cast, summaries and recent text.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from engine.backend.protocol import Backend, SamplingSettings
from engine.errors import PromptTooLongError
from engine.provenance import note_prompt
from memory.context.assembler import AssembledContext, assemble
from memory.context.cursor import Cursor, cursor_at, cursor_at_offset
from memory.project import Project
from memory.text.token_fit import fit_tail
from prompts import RenderedPrompt, render

TEMPLATE_ALLOWANCE = 96
"""Tokens kept free for the instruct template's wrapping and the BOS token."""


GENERATION_RESERVE_SHARE = 8
"""An eighth of the model's context (512 tokens of 4096) is kept for the text being written,
however short the writer's chosen length: changing the length within it leaves the prompt
as it was, so the model's cache of that prompt still serves the next continuation."""


def context_budget(backend: Backend, settings: SamplingSettings) -> int:
    """Tokens of context that leave room for the template and the text to be generated."""
    reserve = max(settings.max_tokens, backend.context_length // GENERATION_RESERVE_SHARE)
    budget = backend.context_length - reserve - TEMPLATE_ALLOWANCE
    if budget <= 0:
        raise PromptTooLongError(
            f"Asking for {settings.max_tokens} tokens leaves no room for context in a "
            f"{backend.context_length}-token context."
        )
    return budget


MIN_CONTINUATION_TOKENS = 32
"""A continuation of a book writes at least this many tokens (about 20 words) before an
end-of-text token may stop it: the book goes on after the cursor, and a model that ends at
once would otherwise write nothing, and say nothing."""


def going_on(settings: SamplingSettings) -> SamplingSettings:
    """``settings`` with the floor of ``MIN_CONTINUATION_TOKENS`` before an end token may stop a continuation."""
    floor = min(settings.max_tokens, MIN_CONTINUATION_TOKENS)
    return settings if settings.min_tokens >= floor else replace(settings, min_tokens=floor)


def continue_passage(
    backend: Backend,
    passage: str,
    settings: SamplingSettings,
    cancel: threading.Event | None = None,
) -> Iterator[str]:
    """Stream a continuation of ``passage``."""
    window = fit_tail(backend.count_tokens, passage, context_budget(backend, settings))
    prompt = render("continue", {"passage": window})
    settings = going_on(settings)
    note_prompt(prompt.text, [("passage", backend.count_tokens(window))], settings)
    yield from backend.stream(prompt, settings, cancel)


@dataclass(frozen=True)
class Place:
    """Where a continuation is written: before a chapter's paragraph, at a document offset, or
    (neither given) at the end of the book. Every front end names its place this way and the
    engine finds the cursor, so a continuation's context is built the same way from all of them."""

    chapter: int | None = None
    paragraph: int | None = None
    document_id: int | None = None
    offset: int | None = None

    def cursor(self, project: Project) -> Cursor:
        if self.document_id is not None:
            return cursor_at_offset(project, self.document_id, self.offset or 0)
        return cursor_at(project, self.chapter, self.paragraph)


END = Place()


def book_context(project: Project, budget: int, place: Place = END) -> AssembledContext:
    """The memory layer's context for continuing the book at ``place``: the one builder of it."""
    return assemble(project, budget, place.cursor(project))


REFITS = 3
"""How many times a context the backend counts longer than the project did is rebuilt smaller."""

RECOUNT_SLACK = TEMPLATE_ALLOWANCE // 4
"""Tokens a backend's count of a context may exceed its budget by before it is rebuilt: the
template allowance is kept for the template, and a quarter of it absorbs a join counted apart."""


MIN_REFIT_BUDGET = 64
"""A context rebuilt smaller than this is no context: the prompt is refused instead."""


def fitted_to_backend(backend: Backend, budget: int, build: Callable[[int], AssembledContext]) -> AssembledContext:
    """``build(budget)``, rebuilt under a smaller budget while ``backend`` counts it over ``budget``.

    The project counts tokens with the tokenizer of the model it was made with; the model
    writing may be another (a server's, one named for this run, a style's fine-tune) that
    cuts the same text into more tokens, and a prompt that overflows its context fails or
    loses its start. Each rebuild scales the budget by the ratio of the two counts; with
    the project's own model the first build fits and costs one count of its text.
    """
    target = budget
    for _ in range(REFITS + 1):
        context = build(target)
        measured = backend.count_tokens(context.text)
        if measured <= budget + RECOUNT_SLACK:
            return context
        target = int(target * budget / measured * 0.98)
        if target < MIN_REFIT_BUDGET:
            break
    raise PromptTooLongError(
        f"The model writing counts this project's text in more tokens than the project's own model "
        f"({measured} for a budget of {budget}), and no shorter context fits; re-import the manuscript "
        f"with this model (`draftsmith import --model`) to count it as this model does."
    )


def continue_prompt_for(backend: Backend, project: Project, settings: SamplingSettings,
                        place: Place = END) -> tuple[RenderedPrompt, AssembledContext]:
    """The continue prompt at ``place`` sized for ``backend``: the one builder every front end uses."""
    context = fitted_to_backend(backend, context_budget(backend, settings),
                                lambda budget: book_context(project, budget, place))
    return render("continue", {"passage": context.text}), context


def continue_in_project(
    backend: Backend,
    project: Project,
    settings: SamplingSettings,
    place: Place = END,
    cancel: threading.Event | None = None,
) -> Iterator[str]:
    """Stream a continuation at ``place`` with the memory layer's context."""
    prompt, context = continue_prompt_for(backend, project, settings, place)
    settings = going_on(settings)
    note_prompt(prompt.text, context_sections(context), settings)
    yield from backend.stream(prompt, settings, cancel)


def context_sections(context: AssembledContext) -> list[tuple[str, int]]:
    """The sections of an assembled context with their token counts, for a passage's record."""
    return [(section.name, section.tokens) for section in context.sections]


@dataclass(frozen=True)
class ContextInspection:
    """What the model would read if the writer continued at a place, and how much of it is cached."""

    context: AssembledContext
    cached_tokens: int | None


def context_at(project: Project, budget: int, place: Place = END) -> AssembledContext:
    """The context a continuation at ``place`` would be given (``draftsmith context``),
    summaries made first where missing."""
    project.ensure_summaries()
    return book_context(project, budget, place)


def inspect_context(project: Project, backend: Backend, settings: SamplingSettings,
                    place: Place) -> ContextInspection:
    """The context for continuing at ``place``, as the app's inspector shows it.

    Safe to call while the same backend generates in another thread: assembling
    only reads the project, and ``cached_prefix`` does not wait for the model.
    """
    prompt, context = continue_prompt_for(backend, project, settings, place)
    cached = backend.cached_prefix(prompt) if backend.capabilities.cache_inspection else None
    return ContextInspection(context, cached)
