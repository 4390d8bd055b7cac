"""Every use of llama-cpp-python's private internals, in one place.

The public ``Llama`` class offers neither cache surgery (cutting, shifting), nor logits for
chosen rows, nor llama.cpp's sampler chain; these reach past it to ``Llama._ctx``,
``Llama._model``, ``Llama._batch``, ``Llama._input_ids`` and ``_internals.LlamaSampler``.
Their names and signatures change between releases, so ``pyproject.toml`` holds
llama-cpp-python to the 0.3 series, and a new release is checked against this module alone.
"""

from __future__ import annotations

import llama_cpp
import numpy as np
from llama_cpp._internals import LlamaSampler

__all__ = ["LlamaSampler", "cached_tokens", "clear_cache", "context_pointer", "decode_rows", "forget_from",
           "lowest_cached_position", "model_pointer", "model_wrapper", "sample", "shift_run", "token_text", "vocab"]


def context_pointer(llm: llama_cpp.Llama):
    """The C ``llama_context`` (for adapters)."""
    return llm._ctx.ctx


def model_pointer(llm: llama_cpp.Llama):
    """The C ``llama_model`` (for adapters)."""
    return llm._model.model


def model_wrapper(llm: llama_cpp.Llama):
    """llama-cpp-python's own model object, which some samplers (DRY) are built from."""
    return llm._model


def vocab(llm: llama_cpp.Llama):
    """The C vocabulary, which names end-of-generation tokens."""
    return llm._model.vocab


def token_text(llm: llama_cpp.Llama, token: int) -> str:
    return llm._model.token_get_text(token)


def cached_tokens(llm: llama_cpp.Llama) -> list[int]:
    """The tokens the KV cache holds, in order."""
    return llm._input_ids[: llm.n_tokens].tolist()


def forget_from(llm: llama_cpp.Llama, position: int) -> bool:
    """Drop the cache from ``position`` on; False when llama.cpp cannot (read everything again)."""
    if llm._ctx.kv_cache_seq_rm(-1, position, -1):
        llm.n_tokens = position
        return True
    return False


def clear_cache(llm: llama_cpp.Llama) -> None:
    llm.reset()
    llm._ctx.kv_cache_clear()


def shift_run(llm: llama_cpp.Llama, prefix: int, old_at: int, length: int, tokens: np.ndarray) -> bool:
    """Move the cached run ``[old_at, old_at + length)`` to start at ``prefix``, dropping what lies
    between and after it; ``tokens`` are the run's tokens. False when the cache cannot shift."""
    memory = llama_cpp.llama_get_memory(llm._ctx.ctx)
    if not llama_cpp.llama_memory_can_shift(memory) or not llm._ctx.kv_cache_seq_rm(0, prefix, old_at):
        return False
    llm._ctx.kv_cache_seq_rm(0, old_at + length, -1)
    llm._ctx.kv_cache_seq_shift(0, old_at, old_at + length, prefix - old_at)
    llm.input_ids[prefix : prefix + length] = tokens
    llm.n_tokens = prefix + length
    llm._requires_eval = True
    return True


def lowest_cached_position(llm: llama_cpp.Llama) -> int:
    """The first position sequence 0 still holds (sliding-window layers forget the earliest)."""
    return llama_cpp.llama_memory_seq_pos_min(llama_cpp.llama_get_memory(llm._ctx.ctx), 0)


def decode_rows(llm: llama_cpp.Llama, batch: list[int]) -> np.ndarray:
    """Read ``batch`` after the cached tokens and return the logits of every one of its rows."""
    n_past = llm.n_tokens
    llm._batch.set_batch(batch=batch, n_past=n_past, logits_all=True)
    llm._ctx.decode(llm._batch)
    llm.input_ids[n_past : n_past + len(batch)] = batch
    llm.n_tokens += len(batch)
    llm._requires_eval = True
    return np.ctypeslib.as_array(llm._ctx.get_logits(), shape=(len(batch), llm.n_vocab()))


def sample(chain: LlamaSampler, llm: llama_cpp.Llama) -> int:
    """The chain's choice from the logits of the last token read (llama.cpp accepts it into the chain)."""
    return chain.sample(llm._ctx, -1)
