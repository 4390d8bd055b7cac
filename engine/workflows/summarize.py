"""Write the model's summaries into the pyramid, bottom-up, resumable.

Chunks are summarised from their text, groups from their children's summaries,
so each group waits for its children. Each summary is committed on its own: a
killed run loses at most the one in progress, and the next run starts from the
groups that still lack a model summary, never redoing finished work.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace

from engine.backend.protocol import Backend, SamplingSettings
from engine.workflows.example_leaks import example_bans, leaked_from_examples
from memory.context.pyramid import Group
from memory.context.summaries import MODEL, groups_to_summarize
from memory.project import Project
from memory.text.extractive import shorten
from memory.text.token_fit import fit_head
from prompts import render

SUMMARY_SETTINGS = SamplingSettings(max_tokens=60, temperature=0.2, top_p=0.9, repeat_penalty=1.05,
                                    seed=1, stop=("\n",))
MAX_SOURCE_TOKENS = 700
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class SummarizeReport:
    written: int
    already_done: int
    remaining: int
    cancelled: bool

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def summarize_project(
    project: Project,
    backend: Backend,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    limit: int | None = None,
) -> SummarizeReport:
    """Replace extractive summaries with the model's until done, cancelled or ``limit`` written."""
    cancel = cancel or threading.Event()
    project.ensure_summaries()
    pyramid = project.pyramid
    todo = groups_to_summarize(project.store, pyramid)
    total = len(pyramid.all_groups())
    already = total - len(todo)
    written = 0
    for group in todo:
        if cancel.is_set() or (limit is not None and written >= limit):
            break
        text = summarize_group(project, backend, group, cancel)
        if cancel.is_set():
            break
        project.store.put_summaries([(group.key, group.level, text, MODEL, backend.description)])
        written += 1
        if progress:
            progress(already + written, total)
    return SummarizeReport(written, already, len(todo) - written, cancel.is_set())


def summarize_group(project: Project, backend: Backend, group: Group, cancel: threading.Event) -> str:
    """One summary: of the chunk's text at level 0, of the children's summaries above."""
    if group.level == 0:
        ref = project.pyramid.refs[group.start]
        chunk = project.store.chunk_texts([ref.id])[ref.id]
        task, source = "summarize_passage", _limit(backend, " ".join(chunk.split()))
        prompt = render(task, {"passage": source})
    else:
        stored = project.store.summaries(child.key for child in group.children)
        events = " ".join(stored[child.key][0] for child in group.children if child.key in stored)
        task, source = "summarize_events", _limit(backend, events)
        prompt = render(task, {"events": source})
    bans = example_bans(task, source)  # the example's names and sentences are not the book's
    for attempt in range(SUMMARY_ATTEMPTS):
        settings = replace(SUMMARY_SETTINGS, banned_phrases=bans)
        if attempt:
            settings = replace(settings, seed=attempt, temperature=0.7)
        summary = _clean("".join(backend.stream(prompt, settings, cancel)))
        if summary and not leaked_from_examples(summary, task, source):
            return summary
        if cancel.is_set():
            break
    # Nothing, or the prompt's example copied (its names, its sentence): the extractive summary stays.
    return _fallback(project, group)


SUMMARY_ATTEMPTS = 2
"""Tries before a summary that copies the prompt's example gives way to the extractive one."""


def _limit(backend: Backend, text: str) -> str:
    return fit_head(backend.count_tokens, text, MAX_SOURCE_TOKENS)


def _clean(raw: str) -> str:
    line = raw.strip().split("\n")[0].strip().strip('"').strip()
    return shorten(line, 40)


def _fallback(project: Project, group: Group) -> str:
    stored = project.store.summaries([group.key])
    return stored[group.key][0] if group.key in stored else ""
