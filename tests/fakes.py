"""A fake backend for fast UI unit tests. Features are also tested on the real model."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

from engine.backend.protocol import (
    BackendCapabilities,
    GenerationStats,
    ModelIdentity,
    PromptStyle,
    SamplingSettings,
    TokenScores,
)
from engine.errors import StyleError
from prompts import RenderedPrompt


class FakeBackend:
    """Streams numbered words at a steady pace; counts tokens as words.

    The first call writes ``word0 word1 …``; later calls ``v2word0 …``, so versions differ.
    """

    description = "fake model (tests)"
    context_length = 4096
    prompt_style = PromptStyle.COMPLETION

    def __init__(self, delay: float = 0.01, prompt_delay: float = 0.0) -> None:
        self.delay = delay
        self.prompt_delay = prompt_delay
        self.last_stats: GenerationStats | None = None
        self.prompts: list[str] = []
        self.prompt_progress = None

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    def stream(self, prompt: RenderedPrompt, settings: SamplingSettings,
               cancel: threading.Event | None = None) -> Iterator[str]:
        self.prompts.append(prompt.text)
        prefix = "" if len(self.prompts) == 1 else f"v{len(self.prompts)}"
        stats = GenerationStats(prompt_tokens=self.count_tokens(prompt.text), stop_reason="length")
        self.last_stats = stats
        if self.prompt_progress is not None:  # a cold prompt, read in two halves
            total = stats.prompt_tokens
            for read in (0, total // 2, total - 1):
                self.prompt_progress(read, total)
                time.sleep(self.prompt_delay)
        for index in range(settings.max_tokens):
            if cancel is not None and cancel.is_set():
                stats.stop_reason = "cancelled"
                return
            time.sleep(self.delay)
            stats.generated_tokens += 1
            yield f" {prefix}word{index}"

    @property
    def model_identity(self) -> ModelIdentity:
        return ModelIdentity("fake model (tests)")

    inspects_cache = False
    """A fake says nothing of a cache unless a test asks it to (the screenshots show none)."""

    @property
    def capabilities(self) -> BackendCapabilities:
        return BackendCapabilities(cache_inspection=self.inspects_cache, scoring=True)

    def cached_prefix(self, prompt: RenderedPrompt) -> int | None:
        """Words shared with the previous prompt: a stand-in for a cache, answered at once."""
        if not self.inspects_cache:
            return None
        if len(self.prompts) == 0:
            return 0
        previous, current = self.prompts[-1].split(), prompt.text.split()
        shared = 0
        while shared < min(len(previous), len(current)) and previous[shared] == current[shared]:
            shared += 1
        return shared

    def set_adapters(self, adapters) -> None:
        if adapters:
            raise StyleError("The fake backend takes no style adapters.")

    def score(self, context: str, continuation: str) -> TokenScores:
        words = tuple(continuation.split())
        return TokenScores(tokens=words, logprobs=tuple(-1.0 for _ in words))

    def close(self) -> None:
        pass


class FakeModelFile(FakeBackend):
    """A fake that says it runs a model file, as a loaded GGUF does."""

    def __init__(self, file: Path) -> None:
        super().__init__()
        self.file = file

    @property
    def model_identity(self) -> ModelIdentity:
        return ModelIdentity(self.file.stem, self.file)
