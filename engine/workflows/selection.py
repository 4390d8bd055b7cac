"""Rewrite, describe or expand the writer's selection, streaming the new text.

The text before the selection (its tail, within the budget) comes along for voice
and continuity. The result goes into the editor's pending region: the writer
keeps it, asks for another version, or puts the original back.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace

from engine.backend.protocol import Backend, SamplingSettings
from engine.errors import DraftsmithError
from engine.provenance import note_prompt
from engine.workflows.continuation import context_budget
from memory.text.token_fit import fit_tail
from prompts import render

TASKS = ("rewrite", "describe", "expand")
_BEFORE_SHARE = 0.6
"""Of the room left after the selection, how much goes to the text before it."""


def transform_selection(backend: Backend, task: str, selection: str, before: str, settings: SamplingSettings,
                        cancel: threading.Event | None = None) -> Iterator[str]:
    if task not in TASKS:
        raise DraftsmithError(f"Unknown task {task!r}; choose one of {', '.join(TASKS)}.")
    if not selection.strip():
        raise DraftsmithError("Select some text first.")
    selected_tokens = backend.count_tokens(selection)
    wanted = {"rewrite": int(selected_tokens * 1.3) + 16, "describe": 160, "expand": max(160, selected_tokens * 4)}
    settings = replace(settings, max_tokens=min(settings.max_tokens, wanted[task]),
                       stop=("\n\nFirst draft:", "\nNote:"))
    room = context_budget(backend, settings) - selected_tokens - 64
    if room < 0:
        raise DraftsmithError("The selection is too long for the model's context; select less.")
    before = fit_tail(backend.count_tokens, before, int(room * _BEFORE_SHARE))
    prompt = render(task, {"before": before, "selection": selection.strip()})
    note_prompt(prompt.text, [("before", backend.count_tokens(before)), ("selection", selected_tokens)], settings)
    yield from backend.stream(prompt, settings, cancel)
