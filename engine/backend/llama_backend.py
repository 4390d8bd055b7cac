"""The in-process backend: a GGUF model run by llama.cpp through llama-cpp-python.

The model file is validated before llama.cpp opens it (llama.cpp's own errors
say only "failed to load"). Generation goes through llama-cpp-python's streaming
completion, so its KV-cache prefix reuse applies: a prompt sharing its first
thousands of tokens with the previous one evaluates only what changed. What does
have to be read is read here first, a batch at a time, so the writer sees how far
a cold prompt has got (``prompt_progress``) and can stop it between batches.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import llama_cpp
import numpy as np
from llama_cpp.llama_grammar import LlamaGrammar

from engine.backend.cache_reuse import reusable_tokens, reuse_cache, usable_prefix
from engine.backend.chat_template import ChatTemplate, ChatTemplateError
from engine.backend.json_grammar import json_schema_grammar
from engine.backend.llama_adapters import ActiveAdapter, AdapterSet
from engine.backend.llama_internals import cached_tokens, decode_rows, forget_from, token_text
from engine.backend.llama_logging import python_prints_to_logging, route_llama_logs_to_logging
from engine.backend.llama_sampling import ProseSampler, vocab_end_tokens
from engine.backend.markup_tokens import markup_tokens
from engine.backend.prompt_style import choose_prompt_style
from engine.backend.protocol import (
    BackendCapabilities,
    GenerationStats,
    ModelIdentity,
    PromptStyle,
    SamplingSettings,
    TokenScores,
)
from engine.backend.weight_buffers import plain_buffers_if_amx
from engine.errors import BackendError, ModelFileError, PromptTooLongError
from engine.models.gguf_info import GGUFInfo
from engine.models.validation import validate_model
from prompts import RenderedPrompt

DEFAULT_CONTEXT = 4096


@dataclass(frozen=True)
class LlamaSettings:
    """How to run a model: context size, threads, batch and prompt style."""

    n_ctx: int | None = None
    """Context tokens; by default the model's trained length, at most 4096."""
    n_threads: int | None = None
    n_batch: int = 512
    prompt_style: PromptStyle | None = None
    """Force completion or chat; by default chosen from the model's metadata."""


class LlamaBackend:
    """A loaded model. Calls are serialised: one generation or scoring at a time."""

    def __init__(self, model_path: Path | str, settings: LlamaSettings | None = None) -> None:
        self.settings = settings or LlamaSettings()
        self.info: GGUFInfo = validate_model(model_path)
        self._lock = threading.Lock()
        self._grammars: dict[str, LlamaGrammar] = {}
        self._last_stats: GenerationStats | None = None
        self._llm = self._load(self.info)
        self._prompt_style = self.settings.prompt_style or choose_prompt_style(self.info)
        self._chat_template = self._make_chat_template() if self._prompt_style is PromptStyle.CHAT else None
        if self._chat_template is None:
            self._prompt_style = PromptStyle.COMPLETION
        self._adapters = AdapterSet(self._llm, self.info)
        self._markup_stops: tuple[str, ...] | None = None
        self._cache_snapshot = np.zeros(0, dtype=np.int64)
        self._end_tokens: list[int] | None = None
        self._markup: list[tuple[int, str]] | None = None
        self.prompt_progress: Callable[[int, int], None] | None = None
        """Called with (prompt tokens read, prompt tokens in all) while a prompt is read."""

    def _load(self, info: GGUFInfo) -> llama_cpp.Llama:
        route_llama_logs_to_logging()
        trained = info.context_length or DEFAULT_CONTEXT
        n_ctx = self.settings.n_ctx or min(trained, DEFAULT_CONTEXT)
        try:
            with python_prints_to_logging(), plain_buffers_if_amx():
                llm = llama_cpp.Llama(
                    model_path=str(info.path),
                    n_ctx=n_ctx,
                    n_batch=min(self.settings.n_batch, n_ctx),
                    n_threads=self.settings.n_threads or os.cpu_count() or 2,
                    # verbose=False would redirect the process's stderr while loading
                    # and blank a live Textual screen; logs go to `logging` instead.
                    verbose=True,
                )
        except (ValueError, RuntimeError, OSError) as error:
            raise ModelFileError(
                f"llama.cpp could not load {info.path.name} ({info.architecture}, {info.quantization}): "
                "the architecture may be newer than this llama.cpp, or the file is damaged."
            ) from error
        llm.verbose = False  # no per-call prints from here on
        return llm

    def _make_chat_template(self) -> ChatTemplate | None:
        """The model's chat template, checked on a sample conversation; a hostile or broken one is refused."""
        source = self.info.chat_template
        if not source:
            return None
        bos, eos = self._llm.token_bos(), self._llm.token_eos()
        try:
            template = ChatTemplate(source, bos_token=token_text(self._llm, bos) if bos >= 0 else "",
                                    eos_token=token_text(self._llm, eos) if eos >= 0 else "")
            template.check()
        except ChatTemplateError as error:
            self._llm.close()
            raise ModelFileError(
                f"The chat template in {self.info.path.name} was refused because {error}; "
                "to use the model anyway, run it as a base model (--prompt-style completion)."
            ) from error
        return template

    # -- the Backend protocol -------------------------------------------------

    @property
    def description(self) -> str:
        return f"{self.info.name} ({self.info.quantization}, llama.cpp)"

    @property
    def context_length(self) -> int:
        return self._llm.n_ctx()

    @property
    def prompt_style(self) -> PromptStyle:
        return self._prompt_style

    @property
    def last_stats(self) -> GenerationStats | None:
        return self._last_stats

    def tokenize(self, text: str, add_bos: bool = False) -> list[int]:
        return self._llm.tokenize(text.encode("utf-8"), add_bos=add_bos, special=False)

    def count_tokens(self, text: str) -> int:
        return len(self.tokenize(text)) if text else 0

    def prompt_tokens(self, prompt: RenderedPrompt) -> tuple[list[int], tuple[str, ...]]:
        """The exact tokens sent for ``prompt`` in this model's style, and extra stop strings."""
        if self._prompt_style is PromptStyle.CHAT and self._chat_template is not None:
            messages = [{"role": m.role, "content": m.content} for m in prompt.messages]
            try:
                formatted = self._chat_template.render(messages)
            except ChatTemplateError as error:
                raise BackendError(f"The model's chat template failed on this prompt because {error}.") from error
            tokens = self._llm.tokenize(formatted.prompt.encode("utf-8"), add_bos=False, special=True)
            bos = self._llm.token_bos()
            if bos >= 0 and (not tokens or tokens[0] != bos):
                tokens.insert(0, bos)
            return tokens, formatted.stops
        return self.tokenize(prompt.text, add_bos=True), ()

    @property
    def model_identity(self) -> ModelIdentity:
        return ModelIdentity(self.info.name or self.info.path.stem, self.info.path,
                             tuple((adapter.path, adapter.scale) for adapter in self._adapters.active))

    @property
    def capabilities(self) -> BackendCapabilities:
        return BackendCapabilities(adapters=True, cache_inspection=True, scoring=True)

    def cached_prefix(self, prompt: RenderedPrompt) -> int:
        """Tokens of ``prompt`` the KV cache already holds from the previous call, counting those
        it would shift back into place past a dropped stretch.

        Never waits for a generation: it reads the copy of the cache's tokens taken
        when the model last finished reading a prompt, not the live cache.
        """
        tokens, _ = self.prompt_tokens(prompt)
        return min(reusable_tokens(self._cache_snapshot, tokens), len(tokens))

    def _snapshot_cache(self) -> None:
        """Copy what the KV cache holds (called with the lock held) for ``cached_prefix``."""
        self._cache_snapshot = np.array(self._llm.input_ids[: self._llm.n_tokens], dtype=np.int64)

    def stream(
        self,
        prompt: RenderedPrompt,
        settings: SamplingSettings,
        cancel: threading.Event | None = None,
    ) -> Iterator[str]:
        cancel = cancel or threading.Event()
        with self._lock:
            tokens, template_stops = self.prompt_tokens(prompt)
            if len(tokens) >= self.context_length:
                raise PromptTooLongError(
                    f"The prompt takes {len(tokens)} tokens but the model's context holds "
                    f"{self.context_length}; shorten it or raise the context size."
                )
            # A prompt whose recent text dropped chunks at its front has the rest of its cache
            # shifted into place instead of read again.
            reused = min(usable_prefix(self._llm, reuse_cache(self._llm, tokens)), len(tokens) - 1)
            stats = GenerationStats(
                prompt_tokens=len(tokens), reused_tokens=reused, evaluated_tokens=len(tokens) - reused
            )
            self._last_stats = stats
            started = time.perf_counter()
            first_piece_at: float | None = None
            try:
                read = self._read_prompt(tokens, reused, cancel)
            except (RuntimeError, ValueError) as error:
                self._llm.reset()  # what the cache holds is no longer known
                raise BackendError(f"The model could not read the prompt: {error}") from error
            self._snapshot_cache()
            if not read:
                stats.prompt_seconds = time.perf_counter() - started
                stats.stop_reason = "cancelled"
                return
            sampler = ProseSampler(self._llm, tokens, settings, self._end_token_list(),
                                   settings.stop + template_stops + self._prose_stops(settings),
                                   grammar=self._grammar(settings.json_schema))
            pieces = sampler.tokens(cancel)
            try:
                for text in pieces:
                    if text:
                        if first_piece_at is None:
                            first_piece_at = time.perf_counter()
                        yield text
                    if cancel.is_set():
                        break
            except (RuntimeError, ValueError) as error:
                raise BackendError(f"The model stopped with an error: {error}") from error
            finally:
                pieces.close()
                self._snapshot_cache()
                ended = time.perf_counter()
                first_piece_at = first_piece_at or ended
                stats.generated_tokens = len(sampler.run.tokens)
                stats.stop_reason = sampler.run.stop_reason
                stats.rewinds = sampler.run.rewinds
                stats.evaluated_tokens += sampler.run.reread_tokens
                stats.prompt_seconds = first_piece_at - started
                stats.generation_seconds = ended - first_piece_at
                if cancel.is_set():
                    stats.stop_reason = "cancelled"

    def _end_token_list(self) -> list[int]:
        """End-of-text, end-of-turn and markup tokens: none may end free prose before ``min_tokens``."""
        if self._end_tokens is None:
            markup = self._markup_tokens()  # each of them would end the prose as a stop
            ends = {*vocab_end_tokens(self._llm), *(token for token, _ in markup)}
            self._end_tokens = sorted(token for token in ends if token >= 0)
        return self._end_tokens

    def _read_prompt(self, tokens: list[int], cached: int, cancel: threading.Event) -> bool:
        """Evaluate all but the prompt's last token after the cached prefix, reporting progress.

        llama-cpp-python's completion then finds all but one token cached and reads just
        that one. Returns False when ``cancel`` was set between batches.
        """
        llm = self._llm
        head = tokens[:-1]
        progress = self.prompt_progress
        if progress is not None:
            progress(cached, len(tokens))
        if cached >= len(head):
            return True
        if not forget_from(llm, cached):
            llm.reset()
            cached = 0
        for start in range(cached, len(head), llm.n_batch):
            llm.eval(head[start : start + llm.n_batch])
            if progress is not None:
                progress(min(start + llm.n_batch, len(head)), len(tokens))
            if cancel.is_set():
                return False
        return True

    def _prose_stops(self, settings: SamplingSettings) -> tuple[str, ...]:
        """Markup tokens end free prose; a grammar already keeps structured output to its form.

        Found on the first free generation, not at load: scoring and planning never need them.
        """
        if settings.json_schema is not None:
            return ()
        if self._markup_stops is None:
            self._markup_stops = tuple(sorted({text for _, text in self._markup_tokens()}))
        return self._markup_stops

    def _markup_tokens(self) -> list[tuple[int, str]]:
        """The vocabulary's markup tokens, found once (one pass over the vocabulary)."""
        if self._markup is None:
            self._markup = markup_tokens(self._llm)
        return self._markup

    def _grammar(self, json_schema: str | None) -> LlamaGrammar | None:
        """The grammar for a schema, converted once: conversion walks the whole schema."""
        if json_schema is None:
            return None
        if json_schema not in self._grammars:
            self._grammars[json_schema] = LlamaGrammar.from_string(json_schema_grammar(json_schema), verbose=False)
        return self._grammars[json_schema]

    def score(self, context: str, continuation: str) -> TokenScores:
        context_tokens = self.tokenize(context, add_bos=True)
        continuation_tokens = self.tokenize(continuation)
        return self.score_tokens(context_tokens, continuation_tokens)

    def score_tokens(self, context_tokens: list[int], continuation_tokens: list[int]) -> TokenScores:
        """Score token ids directly (benchmarks slice a tokenised novel, not strings)."""
        if not context_tokens:
            raise ValueError("Scoring needs at least one context token (the BOS token will do).")
        total = len(context_tokens) + len(continuation_tokens)
        if total > self.context_length:
            raise PromptTooLongError(
                f"Context and continuation take {total} tokens; the model holds {self.context_length}."
            )
        with self._lock:
            logprobs = _score_with_prefix_reuse(self._llm, context_tokens, continuation_tokens)
            self._snapshot_cache()
        pieces = tuple(
            self._llm.detokenize([token]).decode("utf-8", errors="replace") for token in continuation_tokens
        )
        return TokenScores(tokens=pieces, logprobs=tuple(logprobs))

    # -- styles ---------------------------------------------------------------

    def set_adapters(self, adapters: list[tuple[Path | str, float]]) -> None:
        """Apply LoRA adapters, each with a scale from 0 to 2, without reloading; [] removes all."""
        with self._lock:
            self._adapters.apply(adapters)

    @property
    def active_adapters(self) -> tuple[ActiveAdapter, ...]:
        return self._adapters.active

    def close(self) -> None:
        with self._lock:
            self._llm.close()


def _score_with_prefix_reuse(llm: llama_cpp.Llama, context: list[int], continuation: list[int]) -> list[float]:
    """Evaluate the context (reusing the KV cache) then the continuation with logits.

    Only the rows that predict continuation tokens ask llama.cpp for logits: with a
    262k-token vocabulary, logits for every position would cost a megabyte a token.
    """
    if not continuation:
        return []
    head, scored = context[:-1], [context[-1], *continuation[:-1]]
    prefix = usable_prefix(llm, min(llm.longest_token_prefix(cached_tokens(llm), head), len(head)))
    if not forget_from(llm, prefix):
        llm.reset()
        prefix = 0
    if head[prefix:]:
        llm.eval(head[prefix:])
    logprobs: list[float] = []
    for start in range(0, len(scored), llm.n_batch):
        batch = scored[start : start + llm.n_batch]
        targets = continuation[start : start + len(batch)]
        logprobs.extend(_log_softmax_at(decode_rows(llm, batch), targets))
    return logprobs


def _log_softmax_at(rows: np.ndarray, targets: list[int], slice_rows: int = 16) -> list[float]:
    """Log-probability of each row's target, a few rows at a time: a whole batch of rows over
    a 262k-token vocabulary would be hundreds of megabytes in double precision."""
    picked: list[float] = []
    for start in range(0, len(targets), slice_rows):
        block = rows[start : start + slice_rows]
        peak = block.max(axis=1, keepdims=True)
        log_norm = np.log(np.exp(block - peak, dtype=np.float64).sum(axis=1)) + peak[:, 0]
        chosen = block[np.arange(len(block)), targets[start : start + slice_rows]]
        picked.extend((chosen - log_norm).tolist())
    return picked
