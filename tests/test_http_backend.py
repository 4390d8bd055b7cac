"""The HTTP backend against a real OpenAI-compatible server on 127.0.0.1.

The peer is llama-cpp-python's own server running the default model, started by
the test and stopped after it; no traffic leaves the machine.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.backend.http_backend import HttpBackend
from engine.backend.llama_backend import LlamaBackend
from engine.backend.protocol import Backend, SamplingSettings
from engine.errors import BackendError
from prompts import render

PASSAGE = "The ship left harbour at dawn, and by noon the coast was only a grey line behind us."


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server_url(default_model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    log = (tmp_path_factory.mktemp("server") / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("amx_safe_server.py")), "--model", str(default_model_path),
         "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "512", "--model_alias", "gemma-test"],
        stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 90
    try:
        while True:
            try:
                with urllib.request.urlopen(url + "/models", timeout=2) as response:
                    json.loads(response.read())
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the test server did not start; see {log.name}")
                time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


@pytest.fixture(scope="module")
def http_backend(server_url: str) -> HttpBackend:
    return HttpBackend(server_url)


def test_connects_and_learns_the_model(http_backend: HttpBackend) -> None:
    assert isinstance(http_backend, Backend)
    assert http_backend.model == "gemma-test"
    assert "gemma-test" in http_backend.description


def test_counts_tokens_exactly_like_the_local_model(http_backend: HttpBackend, llama_backend: LlamaBackend) -> None:
    assert http_backend.exact_token_counts
    for text in (PASSAGE, "Jim Hawkins, Squire Trelawney and Dr. Livesey."):
        assert http_backend.count_tokens(text) == llama_backend.count_tokens(text)


def test_streams_a_completion(http_backend: HttpBackend) -> None:
    pieces = list(http_backend.stream(render("continue", {"passage": PASSAGE}),
                                      SamplingSettings(max_tokens=20, seed=3)))
    assert "".join(pieces)  # the server, too, is asked not to end first (min_tokens)
    stats = http_backend.last_stats
    assert 1 <= stats.generated_tokens <= 20
    assert stats.prompt_tokens > 10


def test_same_seed_same_text_over_http(http_backend: HttpBackend) -> None:
    settings = SamplingSettings(max_tokens=12, seed=9)
    prompt = render("continue", {"passage": PASSAGE})
    assert "".join(http_backend.stream(prompt, settings)) == "".join(http_backend.stream(prompt, settings))


def test_cancel_hangs_up(http_backend: HttpBackend) -> None:
    cancel = threading.Event()
    received = []
    for piece in http_backend.stream(render("continue", {"passage": PASSAGE}),
                                     SamplingSettings(max_tokens=300, seed=4), cancel):
        received.append(piece)
        if len(received) == 3:
            cancel.set()
    assert len(received) == 3
    assert http_backend.last_stats.stop_reason == "cancelled"


def test_scores_agree_with_the_local_model(http_backend: HttpBackend, llama_backend: LlamaBackend) -> None:
    continuation = " The wind freshened from the west."
    remote = http_backend.score(PASSAGE, continuation)
    local = llama_backend.score(PASSAGE, continuation)
    assert len(remote.logprobs) == len(local.logprobs)
    assert remote.mean_nll == pytest.approx(local.mean_nll, rel=0.05)


def test_unreachable_server_is_one_sentence() -> None:
    with pytest.raises(BackendError) as caught:
        HttpBackend(f"http://127.0.0.1:{free_port()}/v1", timeout=2)
    assert "Cannot reach the model server" in caught.value.sentence
