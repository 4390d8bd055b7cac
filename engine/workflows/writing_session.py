"""Write on without an outline: continue, keep, and continue again, until about N words.

Each step continues the book where the last kept passage ended, with the memory
layer's context, and keeps the passage into the manuscript at once, with its record
and the run's journal (``keeping.keep_continuation``). The context's anchor holds still between steps, so each
prompt starts with the previous one and llama.cpp reads only what is new; every step
reports what its prompt cost, for the writer and for the latency benchmark.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from engine.backend.protocol import Backend, SamplingSettings
from engine.errors import BackendError
from engine.provenance import PromptTrace, generation_record, prompt_record
from engine.workflows.continuation import Place, context_sections, continue_prompt_for, going_on
from engine.workflows.keeping import keep_continuation
from engine.workflows.passage_cleaning import trim_to_sentence
from engine.workflows.try_seeds import try_seed
from memory.project import Project
from memory.write_journal import WriteJournal, start_journal, unfinished_journal

EMPTY_TRIES = 3
"""Tries a step has to write words, each with a seed of its own (``try_seed``)."""


@dataclass(frozen=True)
class WriteStep:
    """One kept continuation and what its prompt cost."""

    step: int
    text: str
    words: int
    written_words: int
    target_words: int
    prompt_tokens: int
    reused_tokens: int | None
    generated_tokens: int
    first_token_seconds: float
    tokens_per_second: float
    anchor: int

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def writing_run(project: Project, target_words: int, at: str, document_id: int,
                offset: int) -> tuple[WriteJournal, bool]:
    """The run to write with: a stopped one started the same way (``True``), when ``target_words``
    is set and one exists, or a new one from ``offset`` in document ``document_id``."""
    if target_words:
        journal = unfinished_journal(project, target_words, at)
        if journal is not None:
            return journal, True
    return start_journal(project, document_id, offset, target_words or 1, at), False


def write_and_keep(
    backend: Backend,
    project: Project,
    journal: WriteJournal,
    settings: SamplingSettings,
    cancel: threading.Event | None = None,
    on_text: Callable[[str], None] | None = None,
) -> Iterator[WriteStep]:
    """Continue at the journal's point until its target is written, keeping each step.

    Stops early, keeping what was kept, when ``cancel`` is set. A step that writes no
    words in ``EMPTY_TRIES`` seeds raises ``BackendError``; the steps before it stay kept.
    """
    cancel = cancel or threading.Event()
    while not journal.finished and not cancel.is_set():
        prompt, context = continue_prompt_for(backend, project, settings,
                                              Place(document_id=journal.document_id, offset=journal.offset))
        text = ""
        for attempt in range(EMPTY_TRIES):
            kept_settings = going_on(replace(settings, seed=try_seed(settings.seed, attempt, journal.steps)))
            pieces = []
            for piece in backend.stream(prompt, kept_settings, cancel):
                pieces.append(piece)
                if on_text is not None:
                    on_text(piece)
            if cancel.is_set():
                return
            text = _keepable("".join(pieces))
            if text.strip():
                break
        else:
            raise BackendError(f"The model wrote nothing to keep in {EMPTY_TRIES} tries after "
                               f"{journal.written_words} words; the words before are kept.")
        trace = PromptTrace()
        trace.add(prompt_record(prompt.text, context_sections(context)), kept_settings)
        record = generation_record(backend, kept_settings, trace)
        journal = keep_continuation(project, journal, text, record)
        stats = backend.last_stats
        yield WriteStep(
            step=journal.steps, text=text, words=len(text.split()), written_words=journal.written_words,
            target_words=journal.target_words,
            prompt_tokens=stats.prompt_tokens if stats else 0,
            reused_tokens=stats.reused_tokens if stats else None,
            generated_tokens=stats.generated_tokens if stats else 0,
            first_token_seconds=round(stats.prompt_seconds, 3) if stats else 0.0,
            tokens_per_second=round(stats.tokens_per_second, 2) if stats else 0.0,
            anchor=context.anchor,
        )


def _keepable(text: str) -> str:
    """The continuation up to its last full sentence, its start made a space or a paragraph break."""
    trimmed = trim_to_sentence(text).rstrip()
    if not trimmed:
        return ""
    lead = text[: len(text) - len(text.lstrip())]
    return ("\n\n" if "\n" in lead else " ") + trimmed
