"""Reuse the KV cache past a stretch a prompt dropped from its middle.

The memory layer's prompts keep their first sections the same for many passages
while the recent text loses whole chunks at its front and gains text at its end.
llama-cpp-python reuses only the longest common prefix, so each such prompt would be
read again from the recent text on: thousands of tokens for a few new ones.

Here the cache is rearranged instead, the way KoboldCpp's ContextShift does: the
dropped stretch is removed (``llama_memory_seq_rm``) and the run after it is shifted
back into place (``llama_memory_seq_add``), so only the new text at the end is read.
The run's entries were computed with the dropped stretch in view, so the result is
close to, not exactly, what reading the prompt afresh would give; that is the trade
every context-shifting runtime makes for answering in a fraction of a second.

llama.cpp keeps a sequence's positions consecutive, so new tokens cannot be read into
the middle: when the sections before the recent text change, the prompt is read
again from the change (which is why the memory layer changes them seldom).
"""

from __future__ import annotations

import llama_cpp
import numpy as np

from engine.backend.llama_internals import lowest_cached_position, shift_run

MIN_KEPT = 64
"""Rearrange the cache only when at least this many tokens after the change are reused."""
_GRAM = 8
"""Tokens a run must share to be found; long enough that prose rarely repeats them by chance."""


def reusable_tokens(cached: np.ndarray, tokens: list[int]) -> int:
    """How many tokens at the start of ``tokens`` ``reuse_cache`` would find in a cache holding ``cached``."""
    prefix, run = _plan(cached, np.asarray(tokens, dtype=np.int64))
    return prefix + (run[1] if run else 0)


def reuse_cache(llm: llama_cpp.Llama, tokens: list[int]) -> int:
    """Drop a stretch from the cache where that makes it hold more of ``tokens``' start.

    After the common prefix, if the cache holds the tokens that follow it further on
    (a run of at least ``MIN_KEPT``), the tokens between are dropped and the run is
    shifted back. Otherwise the cache is left as it is. Returns how many tokens at the
    start of ``tokens`` the cache now holds.
    """
    cached = np.array(llm.input_ids[: llm.n_tokens], dtype=np.int64)
    prefix, run = _plan(cached, np.asarray(tokens, dtype=np.int64))
    if run is None:
        return prefix
    old_at, length = run
    if not shift_run(llm, prefix, old_at, length, cached[old_at : old_at + length]):
        return prefix
    return prefix + length


def usable_prefix(llm: llama_cpp.Llama, prefix: int) -> int:
    """``prefix``, or 0 when the cache no longer holds what reading on from it needs.

    A model with sliding-window layers (Gemma 3) keeps, for those layers, only the
    positions a window can still see; shifting the cache also leaves them without
    its first positions. Reading on from ``prefix`` needs the window before it, so a
    cache whose lowest position is later than that must be read again from the
    start, as llama-server does; otherwise the new tokens would attend to nothing
    where the window should see text.
    """
    if prefix <= 0:
        return 0
    lowest = lowest_cached_position(llm)
    if lowest <= 0:
        return prefix
    window = llama_cpp.llama_model_n_swa(llm.model)
    return prefix if window > 0 and lowest <= prefix - window else 0


def _plan(cached: np.ndarray, wanted: np.ndarray) -> tuple[int, tuple[int, int] | None]:
    """The common prefix's length, and the run to shift back after it, if any."""
    prefix = _common_length(cached, wanted)
    if len(wanted) - prefix < MIN_KEPT or len(cached) - prefix < MIN_KEPT:
        return prefix, None
    return prefix, _shared_run(cached, wanted, prefix)


def _shared_run(cached: np.ndarray, wanted: np.ndarray, prefix: int) -> tuple[int, int] | None:
    """(where in ``cached`` the tokens after the prefix recur, how many), or None."""
    probe = wanted[prefix : prefix + _GRAM]
    if len(probe) < _GRAM:
        return None
    candidates = np.flatnonzero(cached[prefix + 1 : len(cached) - _GRAM + 1] == probe[0]) + prefix + 1
    for old_at in candidates:
        if np.array_equal(cached[old_at : old_at + _GRAM], probe):
            length = _common_length(cached[old_at:], wanted[prefix:])
            if length >= MIN_KEPT:
                return int(old_at), length
    return None


def _common_length(a: np.ndarray, b: np.ndarray) -> int:
    size = min(len(a), len(b))
    differ = np.flatnonzero(a[:size] != b[:size])
    return int(differ[0]) if len(differ) else size
