"""Keep every group of the pyramid summarised, and say which summaries are stale.

Summaries are stored by group key (see ``pyramid``). A group with no stored
summary is stale: its text changed since it was summarised, or it is new. Stale
groups get an extractive summary at once (no model needed); the engine's summarize
workflow later replaces extractive summaries with the model's, bottom-up, one
committed row at a time, so a killed run resumes where it stopped.
"""

from __future__ import annotations

from dataclasses import dataclass

from memory.context.pyramid import Group, Pyramid
from memory.storage.store import ProjectStore
from memory.text.extractive import summarize_summaries, summarize_text

EXTRACTIVE = "extractive"
MODEL = "model"


@dataclass(frozen=True)
class SummaryStatus:
    groups: int
    by_model: int
    extractive: int
    missing: int

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def _methods(store: ProjectStore, pyramid: Pyramid) -> list[tuple[Group, str | None]]:
    """Every group, children first, with how its current summary was made (None: stale)."""
    groups = pyramid.all_groups()
    stored = store.summaries(group.key for group in groups)
    return [(group, stored[group.key][1] if group.key in stored else None) for group in groups]


def stale_groups(store: ProjectStore, pyramid: Pyramid) -> list[Group]:
    """Groups with no summary for their current text, children first."""
    return [group for group, method in _methods(store, pyramid) if method is None]


def summary_status(store: ProjectStore, pyramid: Pyramid) -> SummaryStatus:
    methods = [method for _, method in _methods(store, pyramid)]
    return SummaryStatus(len(methods), methods.count(MODEL), methods.count(EXTRACTIVE), methods.count(None))


def refresh_extractive(store: ProjectStore, pyramid: Pyramid) -> int:
    """Give every stale group an extractive summary; returns how many were written."""
    stale = stale_groups(store, pyramid)
    if not stale:
        return 0
    chunk_texts = store.chunk_texts(pyramid.refs[g.start].id for g in stale if g.level == 0)
    known = {key: text for key, (text, _) in store.summaries(
        child.key for g in stale for child in g.children).items()}
    rows = []
    for group in stale:  # children come before parents, so their summaries are known
        if group.level == 0:
            text = summarize_text(chunk_texts[pyramid.refs[group.start].id])
        else:
            text = summarize_summaries([known[child.key] for child in group.children])
        known[group.key] = text
        rows.append((group.key, group.level, text, EXTRACTIVE, ""))
    store.put_summaries(rows)
    return len(rows)


def groups_to_summarize(store: ProjectStore, pyramid: Pyramid) -> list[Group]:
    """Groups whose summary is not yet the model's, children first (the resume order)."""
    return [group for group, method in _methods(store, pyramid) if method != MODEL]
