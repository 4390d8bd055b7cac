"""Loading a model never writes to, or redirects, the terminal Textual draws on."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.model

REPO = Path(__file__).resolve().parents[1]


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
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO,
                            env=os.environ.copy(), timeout=120)
    assert result.returncode == 0, result.stderr
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
