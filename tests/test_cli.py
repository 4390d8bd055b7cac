"""The ``draftsmith`` command as a writer runs it: a real process, real exit codes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.gguf_factory import write_tiny_gguf


def draftsmith(*args: str, stdin: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        input=stdin, capture_output=True, text=True, timeout=timeout, env=os.environ.copy(),
    )


@pytest.mark.parametrize("command", [[], ["write"], ["models"], ["models", "add"], ["models", "remove"]])
def test_every_command_has_help(command: list[str]) -> None:
    result = draftsmith(*command, "--help")
    assert result.returncode == 0
    assert "usage: draftsmith" in result.stdout


def test_bad_arguments_exit_2() -> None:
    result = draftsmith("write", "--max-tokens", "zero", "text")
    assert result.returncode == 2
    assert "is not a whole number" in result.stderr


@pytest.mark.model
def test_models_lists_the_default_model_as_json(default_model_path: Path) -> None:
    result = draftsmith("models", "--json", "--no-scan")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows[0]["source"] == "built-in"
    assert rows[0]["architecture"] == "gemma3"
    assert rows[0]["quantization"] == "Q4_K_M"
    assert rows[0]["has_chat_template"] is False


@pytest.mark.model
def test_models_add_then_list_then_remove(default_model_path: Path, tmp_path: Path) -> None:
    copy = tmp_path / "my-voice.gguf"
    os.link(default_model_path, copy) if default_model_path.stat().st_dev == tmp_path.stat().st_dev \
        else copy.write_bytes(default_model_path.read_bytes())
    added = draftsmith("models", "add", str(copy), "--name", "voice", "--json")
    assert added.returncode == 0, added.stderr
    assert json.loads(added.stdout)["name"] == "voice"
    listed = draftsmith("models", "--no-scan")
    assert "voice" in listed.stdout and "registered" in listed.stdout
    assert draftsmith("models", "remove", "voice").returncode == 0
    assert "voice" not in draftsmith("models", "--no-scan").stdout


def test_models_add_refuses_a_bad_file_with_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "broken.gguf"
    bad.write_text("not a model\n")
    result = draftsmith("models", "add", str(bad))
    assert result.returncode == 2
    assert result.stderr.strip() == ("draftsmith: broken.gguf is a text file, not a GGUF model "
                                     "(perhaps an error page saved in its place).")


def test_models_add_refuses_an_adapter(tmp_path: Path) -> None:
    result = draftsmith("models", "add", str(write_tiny_gguf(tmp_path / "a.gguf", file_type="adapter")))
    assert result.returncode == 2
    assert "LoRA adapter" in result.stderr and "Traceback" not in result.stderr


def test_models_scan_finds_files_in_known_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    found = tmp_path / "models" / "org"
    found.mkdir(parents=True)
    write_tiny_gguf(found / "tiny-q8.gguf")
    env = {**os.environ, "HOME": str(tmp_path), "HF_HOME": str(tmp_path / "hf")}
    result = subprocess.run([sys.executable, "-m", "app.cli", "models", "--json"],
                            capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert rows["tiny-q8"]["source"] == "found"
    assert rows["tiny-q8"]["context_length"] == 128


@pytest.mark.model
def test_write_streams_a_continuation(default_model_path: Path) -> None:
    result = draftsmith("write", "--max-tokens", "20", "--seed", "1", "--stats",
                        "The lighthouse keeper climbed the stairs and")
    assert result.returncode == 0, result.stderr
    written = int(result.stderr.split(" tokens at ")[0].split()[-1])
    assert 1 <= written <= 20 and len(result.stdout) > 1  # the text and its closing newline
    assert "tokens/s" in result.stderr


@pytest.mark.model
def test_write_reads_standard_input(default_model_path: Path) -> None:
    result = draftsmith("write", "--max-tokens", "8", "--seed", "1", stdin="Once upon a time, in a valley,")
    assert result.returncode == 0, result.stderr
    assert len(result.stdout) > 1  # at least one token (never an end-of-text first) and the newline


def test_write_with_a_bad_model_is_one_sentence_and_exit_2(tmp_path: Path) -> None:
    truncated = tmp_path / "cut.gguf"
    truncated.write_bytes(b"GGUF\x03\x00\x00\x00")
    result = draftsmith("write", "--model", str(truncated), "some text")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "truncated" in result.stderr


def test_write_refuses_empty_text() -> None:
    result = draftsmith("write", "   ")
    assert result.returncode == 2
    assert "no text to continue" in result.stderr


@pytest.mark.model
def test_ctrl_c_stops_write_cleanly(default_model_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "write", "--max-tokens", "2000", "--seed", "1", "It began in a small town"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=os.environ.copy(),
    )
    first = process.stdout.read(20)  # wait until text is streaming
    assert first
    process.send_signal(signal.SIGINT)
    started = time.monotonic()
    rest, errors = process.communicate(timeout=30)
    assert time.monotonic() - started < 5
    assert process.returncode == 130
    assert b"Traceback" not in errors
