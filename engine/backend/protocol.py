"""The one interface every model runtime offers the rest of Draftsmith.

Workflows depend on this protocol only, so the same drafting code runs on the
in-process llama.cpp model or on a server across the room. Streaming takes a
plain ``threading.Event`` so a UI worker can cancel without the engine knowing
about any UI.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Protocol, runtime_checkable

from prompts import RenderedPrompt


class PromptStyle(str, Enum):
    """How a model wants its prompt: plain text to continue, or chat messages."""

    COMPLETION = "completion"
    CHAT = "chat"


@dataclass(frozen=True)
class SamplingSettings:
    """How to pick each next token. Defaults suit prose from small local models."""

    max_tokens: int = 256
    temperature: float = 0.8
    top_p: float = 0.95
    min_p: float = 0.05
    repeat_penalty: float = 1.05
    penalty_last_n: int = 256
    """Tokens the repetition penalties look back over: the end of the prompt (the book's recent
    text) and what this call wrote, not this call's tokens alone."""
    penalize_prompt: bool = True
    """Whether the penalties and DRY see the end of the prompt as well as what this call writes."""
    frequency_penalty: float = 0.0
    presence_penalty: float = 0.0
    dry_multiplier: float = 0.8
    """DRY ("don't repeat yourself"): a token that would extend a run already in the text is
    penalised by multiplier x base^(run length - allowed length); 0 turns it off."""
    dry_base: float = 1.75
    dry_allowed_length: int = 2
    dry_penalty_last_n: int = 1024
    xtc_probability: float = 0.0
    """XTC ("exclude top choices"): with this probability per token, the likeliest tokens above
    ``xtc_threshold`` are dropped but the least likely of them; 0 turns it off."""
    xtc_threshold: float = 0.1
    top_n_sigma: float = 0.0
    """Keep tokens within n standard deviations of the top logit; 0 turns it off."""
    top_k: int = 0
    """Keep only the k likeliest tokens (before top-p, which then sorts k, not the whole
    vocabulary); 0 turns it off."""
    banned_phrases: tuple[str, ...] = ()
    """Phrases the text may not contain: plain words, or a regular expression after "re:".
    When the text completes one, generation goes back to where it began and tries again."""
    worn_phrases: bool = False
    """Also ban the built-in list of worn-out phrases (``engine.backend.banned_phrases``)."""
    seed: int | None = None
    stop: tuple[str, ...] = ()
    min_tokens: int = 1
    """Tokens written before an end-of-text token may end free prose (a book goes on after a
    cursor; a continuation that ends at once writes nothing). Structured output ignores it."""
    json_schema: str | None = None
    """A JSON Schema (as JSON text) the output must match, enforced token by token.

    Constrained decoding is what lets even a small base model return a valid
    outline; keep every string and array bounded so the output always ends.
    """


@dataclass
class GenerationStats:
    """What one call cost, for the status bar, the inspector and benchmarks."""

    prompt_tokens: int = 0
    reused_tokens: int | None = None
    """Prompt tokens served from the KV cache (None when the backend cannot tell)."""
    evaluated_tokens: int = 0
    generated_tokens: int = 0
    prompt_seconds: float = 0.0
    generation_seconds: float = 0.0
    stop_reason: str = "stop"
    """``stop`` (end of text or a stop string), ``length`` or ``cancelled``."""
    rewinds: int = 0
    """Banned phrases taken back (the cache cut back to where each began)."""

    @property
    def tokens_per_second(self) -> float:
        if self.generation_seconds <= 0:
            return 0.0
        return self.generated_tokens / self.generation_seconds


@dataclass(frozen=True)
class TokenScores:
    """Per-token log-probabilities of a continuation given its context."""

    tokens: tuple[str, ...]
    logprobs: tuple[float, ...] = field(default=())

    @property
    def mean_logprob(self) -> float:
        return sum(self.logprobs) / len(self.logprobs) if self.logprobs else 0.0

    @property
    def mean_nll(self) -> float:
        """Mean negative log-likelihood in nats per token (lower is better)."""
        return -self.mean_logprob

    @property
    def perplexity(self) -> float:
        return math.exp(self.mean_nll)


@dataclass(frozen=True)
class BackendCapabilities:
    """What a backend can do beyond streaming text, declared rather than probed."""

    adapters: bool = False
    """Style adapters (LoRA) can be put on the loaded model."""
    cache_inspection: bool = False
    """``cached_prefix`` says how much of a prompt is already read."""
    scoring: bool = False
    """``score`` gives real log-probabilities of a continuation."""
    unsent: tuple[str, ...] = ()
    """Sampler settings this backend cannot apply (a server cannot take back a banned phrase)."""


def unapplied(capabilities: BackendCapabilities, settings: SamplingSettings) -> list[str]:
    """The settings of ``settings`` that are in use but that a backend cannot apply, by name."""
    defaults = SamplingSettings()
    used = {"banned_phrases": bool(settings.banned_phrases), "worn_phrases": settings.worn_phrases,
            "penalize_prompt": settings.penalize_prompt != defaults.penalize_prompt}
    return [name for name in capabilities.unsent if used.get(name, True)]


@dataclass(frozen=True)
class ModelIdentity:
    """Which model writes: its name, its file when it runs here, and the style adapters on it."""

    name: str
    file: Path | None = None
    adapters: tuple[tuple[Path, float], ...] = ()


@runtime_checkable
class Backend(Protocol):
    """A loaded model, wherever it runs."""

    prompt_progress: Callable[[int, int], None] | None
    """Set by whoever shows progress: called with (prompt tokens read, in all) while a
    prompt is read before the first token, from the generating thread."""

    @property
    def description(self) -> str:
        """A short name for the status bar: the model and where it runs."""
        ...

    @property
    def context_length(self) -> int:
        """Tokens the model sees at once (prompt plus generated text)."""
        ...

    @property
    def prompt_style(self) -> PromptStyle: ...

    @property
    def last_stats(self) -> GenerationStats | None:
        """Stats of the most recent ``stream`` call, final once it has ended."""
        ...

    def count_tokens(self, text: str) -> int:
        """Tokens ``text`` takes in the model's vocabulary, without BOS."""
        ...

    def stream(
        self,
        prompt: RenderedPrompt,
        settings: SamplingSettings,
        cancel: threading.Event | None = None,
    ) -> Iterator[str]:
        """Yield the completion as text pieces; stop within a token of ``cancel`` being set."""
        ...

    @property
    def capabilities(self) -> BackendCapabilities:
        """What this backend offers besides ``stream`` and ``count_tokens``."""
        ...

    @property
    def model_identity(self) -> ModelIdentity:
        """The model and adapters that write, for the record kept with each passage."""
        ...

    def score(self, context: str, continuation: str) -> TokenScores:
        """Log-probability of each token of ``continuation`` following ``context``."""
        ...

    def cached_prefix(self, prompt: RenderedPrompt) -> int | None:
        """Tokens of ``prompt`` already read into the cache, or None when the backend cannot tell.

        Answers at once, even while another thread is generating: it is asked for the
        app's context inspector.
        """
        ...

    def set_adapters(self, adapters: list[tuple[Path | str, float]]) -> None:
        """Put style adapters (path, scale) on the model; [] removes them all.

        Raises ``StyleError`` where ``capabilities.adapters`` is false.
        """
        ...

    def close(self) -> None:
        """Free the model; waits for a generation in progress to stop."""
        ...
