"""A backend that talks to an OpenAI-compatible server over HTTP.

For writers whose models need more than one laptop: llama-server, llama-cpp-python's
own server, vLLM or Ollama, on this machine or another. It uses only the standard
library, streams server-sent events, and hangs up within a token when cancelled.
"""

from __future__ import annotations

import json
import math
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from engine.backend.json_grammar import json_schema_grammar
from engine.backend.protocol import (
    BackendCapabilities,
    GenerationStats,
    ModelIdentity,
    PromptStyle,
    SamplingSettings,
    TokenScores,
)
from engine.errors import BackendError, StyleError
from prompts import RenderedPrompt

DEFAULT_CONTEXT = 4096
_CHARS_PER_TOKEN_ESTIMATE = 3  # errs high, so budgets built on estimates still fit


class HttpBackend:
    """An OpenAI-compatible server reached at ``base_url`` (for example ``http://127.0.0.1:8080/v1``)."""

    def __init__(
        self,
        base_url: str,
        model: str | None = None,
        prompt_style: PromptStyle = PromptStyle.COMPLETION,
        context_length: int | None = None,
        api_key: str | None = None,
        timeout: float = 120.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.server_root = self.base_url.removesuffix("/v1")
        self._api_key = api_key
        self._timeout = timeout
        self._prompt_style = prompt_style
        self._last_stats: GenerationStats | None = None
        self._tokenize_route: str | None = None
        self.prompt_progress: Callable[[int, int], None] | None = None
        """Unused: a server reads the prompt on its side and does not say how far it got."""
        self.model = model or self._first_model_id()
        self._context_length = context_length or self._server_context_length() or DEFAULT_CONTEXT

    # -- plumbing -------------------------------------------------------------

    def _request(self, path: str, payload: dict[str, Any] | None = None, root: bool = False):
        url = (self.server_root if root else self.base_url) + path
        data = json.dumps(payload).encode("utf-8") if payload is not None else None
        headers = {"Content-Type": "application/json"}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        request = urllib.request.Request(url, data=data, headers=headers, method="POST" if data else "GET")
        try:
            return urllib.request.urlopen(request, timeout=self._timeout)
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", errors="replace")[:300]
            raise BackendError(f"The server at {url} refused the request ({error.code}): {detail}") from error
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise BackendError(f"Cannot reach the model server at {url}: {reason}.") from error

    def _json(self, path: str, payload: dict[str, Any] | None = None, root: bool = False) -> Any:
        with self._request(path, payload, root) as response:
            return json.loads(response.read())

    def _first_model_id(self) -> str:
        models = self._json("/models").get("data", [])
        if not models:
            raise BackendError(f"The server at {self.base_url} serves no model.")
        return str(models[0]["id"])

    def _server_context_length(self) -> int | None:
        try:
            for card in self._json("/models").get("data", []):
                for key in ("max_model_len", "context_length", "n_ctx"):
                    if isinstance(card.get(key), int):
                        return card[key]
            props = self._json("/props", root=True)
            return int(props["default_generation_settings"]["n_ctx"])
        except (BackendError, KeyError, TypeError, ValueError):
            return None

    # -- the Backend protocol -------------------------------------------------

    @property
    def description(self) -> str:
        return f"{self.model} (server {self.server_root})"

    @property
    def context_length(self) -> int:
        return self._context_length

    @property
    def prompt_style(self) -> PromptStyle:
        return self._prompt_style

    @property
    def last_stats(self) -> GenerationStats | None:
        return self._last_stats

    @property
    def exact_token_counts(self) -> bool:
        """False when the server has no tokenize route and counts are estimates."""
        return self._find_tokenize_route() != "estimate"

    def count_tokens(self, text: str) -> int:
        if not text:
            return 0
        route = self._find_tokenize_route()
        if route == "estimate":
            return math.ceil(len(text) / _CHARS_PER_TOKEN_ESTIMATE)
        return len(self._tokenize(route, text))

    def _tokenize(self, route: str, text: str) -> list[int]:
        if route == "/extras/tokenize":  # llama-cpp-python's server
            reply = self._json(route, {"input": text, "model": self.model}, root=True)
            tokens = reply["tokens"]
            bos = self._json(route, {"input": "", "model": self.model}, root=True)["tokens"]
            return tokens[len(bos):]
        reply = self._json(route, {"content": text, "prompt": text, "model": self.model,
                                   "add_special": False, "add_special_tokens": False}, root=True)
        return reply["tokens"]

    def _find_tokenize_route(self) -> str:
        if self._tokenize_route is None:
            self._tokenize_route = "estimate"
            for route in ("/extras/tokenize", "/tokenize"):
                try:
                    self._tokenize(route, "a")
                except (BackendError, KeyError, TypeError, ValueError):
                    continue
                self._tokenize_route = route
                break
        return self._tokenize_route

    def stream(
        self,
        prompt: RenderedPrompt,
        settings: SamplingSettings,
        cancel: threading.Event | None = None,
    ) -> Iterator[str]:
        cancel = cancel or threading.Event()
        chat = self._prompt_style is PromptStyle.CHAT
        payload = self._sampling_payload(settings)
        if chat:
            path = "/chat/completions"
            payload["messages"] = [{"role": m.role, "content": m.content} for m in prompt.messages]
        else:
            path = "/completions"
            payload["prompt"] = prompt.text
        stats = GenerationStats(prompt_tokens=0 if chat else self.count_tokens(prompt.text) + 1)
        stats.evaluated_tokens = stats.prompt_tokens
        self._last_stats = stats
        started = time.perf_counter()
        first_piece_at: float | None = None
        response = self._request(path, payload)
        try:
            for event in _server_sent_events(response):
                if cancel.is_set():
                    stats.stop_reason = "cancelled"
                    break
                for choice in event.get("choices", []):
                    text = (choice.get("delta") or {}).get("content") if chat else choice.get("text")
                    if text:
                        first_piece_at = first_piece_at or time.perf_counter()
                        stats.generated_tokens += 1
                        yield text
                    if choice.get("finish_reason"):
                        stats.stop_reason = choice["finish_reason"]
                usage = event.get("usage") or {}
                if usage.get("prompt_tokens"):
                    stats.prompt_tokens = stats.evaluated_tokens = int(usage["prompt_tokens"])
                if usage.get("completion_tokens"):
                    stats.generated_tokens = int(usage["completion_tokens"])
        finally:
            response.close()
            ended = time.perf_counter()
            first_piece_at = first_piece_at or ended
            stats.prompt_seconds = first_piece_at - started
            stats.generation_seconds = ended - first_piece_at
            if cancel.is_set():
                stats.stop_reason = "cancelled"

    def _sampling_payload(self, settings: SamplingSettings) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "model": self.model,
            "max_tokens": settings.max_tokens,
            "temperature": settings.temperature,
            "top_p": settings.top_p,
            "top_k": settings.top_k,  # 0 is off; a server left to itself keeps 40
            "min_p": settings.min_p,
            "repeat_penalty": settings.repeat_penalty,
            "repeat_last_n": settings.penalty_last_n,
            "frequency_penalty": settings.frequency_penalty,
            "presence_penalty": settings.presence_penalty,
            # llama-server's names; a server that does not know them ignores them
            "dry_multiplier": settings.dry_multiplier,
            "dry_base": settings.dry_base,
            "dry_allowed_length": settings.dry_allowed_length,
            "dry_penalty_last_n": settings.dry_penalty_last_n,
            "xtc_probability": settings.xtc_probability,
            "xtc_threshold": settings.xtc_threshold,
            "stream": True,
        }
        if settings.top_n_sigma > 0:
            payload["top_n_sigma"] = settings.top_n_sigma
        if settings.seed is not None:
            payload["seed"] = settings.seed
        if settings.min_tokens > 0 and settings.json_schema is None:
            payload["min_tokens"] = settings.min_tokens  # llama-cpp-python's server; others ignore it
        if settings.stop:
            payload["stop"] = list(settings.stop)
        if settings.json_schema is not None:
            # llama-server and llama_cpp.server both take a GBNF grammar.
            payload["grammar"] = json_schema_grammar(settings.json_schema)
        return payload

    def score(self, context: str, continuation: str) -> TokenScores:
        """Ask the server to echo the text with log-probabilities (needs echo support)."""
        reply = self._json(
            "/completions",
            {"model": self.model, "prompt": context + continuation, "max_tokens": 1,
             "echo": True, "logprobs": 1, "temperature": 0.0},
        )
        try:
            logprobs = reply["choices"][0]["logprobs"]
            rows = zip(logprobs["tokens"], logprobs["token_logprobs"], logprobs["text_offset"])
            picked = [(token, value) for token, value, offset in rows
                      if offset >= len(context) and offset < len(context) + len(continuation)
                      and value is not None]
        except (KeyError, TypeError, IndexError) as error:
            raise BackendError("This server cannot score text: it returned no per-token log-probabilities.") from error
        return TokenScores(tokens=tuple(t for t, _ in picked), logprobs=tuple(float(v) for _, v in picked))

    @property
    def model_identity(self) -> ModelIdentity:
        return ModelIdentity(f"{self.model} at {self.base_url}")

    @property
    def capabilities(self) -> BackendCapabilities:
        # Scoring works where the server echoes log-probabilities; ``score`` says so when it does not.
        return BackendCapabilities(adapters=False, cache_inspection=False, scoring=True,
                                   unsent=("banned_phrases", "worn_phrases", "penalize_prompt"))

    def cached_prefix(self, prompt: RenderedPrompt) -> None:
        """A server keeps its cache to itself."""
        return None

    def set_adapters(self, adapters: list[tuple[Path | str, float]]) -> None:
        if adapters:
            raise StyleError("Style adapters need the built-in llama.cpp runtime; a server applies its own.")

    def close(self) -> None:
        """Nothing to release: each request opens and closes its own connection."""


def _server_sent_events(response) -> Iterator[dict[str, Any]]:
    """Decode an SSE stream of JSON events, ending at ``[DONE]``."""
    for raw_line in response:
        line = raw_line.decode("utf-8").strip()
        if not line.startswith("data:"):
            continue
        data = line[len("data:"):].strip()
        if data == "[DONE]":
            return
        try:
            yield json.loads(data)
        except json.JSONDecodeError as error:
            raise BackendError(f"The server sent a malformed event: {data[:200]}") from error
