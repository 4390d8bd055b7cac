"""Loading a model never writes to, or redirects, the terminal Textual draws on."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def run_python(code: str) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter from the repository; it must exit 0."""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO,
                            env=os.environ.copy(), timeout=120)
    assert result.returncode == 0, result.stderr
    return result


def test_loading_and_generating_print_nothing_to_the_terminal(default_model_path: Path) -> None:
    code = (
        "import sys\n"
        "from engine.backend.llama_backend import LlamaBackend\n"
        "from engine.backend.protocol import SamplingSettings\n"
        "from prompts import render\n"
        f"backend = LlamaBackend({str(default_model_path)!r})\n"
        "text = ''.join(backend.stream(render('continue', {'passage': 'Once'}), SamplingSettings(max_tokens=5)))\n"
        "backend.score('Once upon', ' a time')\n"
        "backend.close()\n"
        "print('OK')\n"
    )
    result = run_python(code)
    assert result.stdout == "OK\n"
    assert result.stderr == ""


def test_loading_does_not_redirect_file_descriptors(default_model_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.backend.llama_backend import LlamaBackend

    redirected: list[tuple[int, int]] = []
    real_dup2 = os.dup2

    def spy(fd: int, fd2: int, *args: object) -> int:
        redirected.append((fd, fd2))
        return real_dup2(fd, fd2, *args)

    monkeypatch.setattr(os, "dup2", spy)
    backend = LlamaBackend(default_model_path)
    backend.close()
    assert redirected == []


def test_prints_redirected_from_two_threads_at_once_are_restored() -> None:
    """One thread's redirection overlapping another's must not leave a logging writer behind."""
    import threading

    from engine.backend.llama_logging import python_prints_to_logging

    original = sys.stdout, sys.stderr
    first_inside, second_waiting, first_left = threading.Event(), threading.Event(), threading.Event()

    def first() -> None:
        with python_prints_to_logging():
            first_inside.set()
            second_waiting.wait(5)
            second_waiting.wait(0.2)  # time for the second thread to try to enter
        first_left.set()

    def second() -> None:
        first_inside.wait(5)
        second_waiting.set()
        with python_prints_to_logging():
            first_left.wait(5)  # leave after the first thread, the order that used to leak

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert (sys.stdout, sys.stderr) == original


def test_loading_a_model_and_a_tokenizer_together_keeps_stdout(default_model_path: Path) -> None:
    """The app loads both in two threads; afterwards a print must still reach stdout."""
    code = (
        "import threading\n"
        "from engine.backend.llama_backend import LlamaBackend\n"
        "from engine.tokenizer import Tokenizer\n"
        f"path = {str(default_model_path)!r}\n"
        "loaded = []\n"
        "threads = [threading.Thread(target=lambda: loaded.append(LlamaBackend(path))),\n"
        "           threading.Thread(target=lambda: loaded.append(Tokenizer(path)))]\n"
        "for t in threads: t.start()\n"
        "for t in threads: t.join()\n"
        "for item in loaded: item.close()\n"
        "print('OK')\n"
    )
    assert run_python(code).stdout == "OK\n"
