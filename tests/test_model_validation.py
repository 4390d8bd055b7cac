"""Every bad model file is refused with its own sentence before llama.cpp sees it."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.backend.llama_backend import LlamaBackend
from engine.errors import ModelFileError
from engine.models.validation import inspect_model_file, validate_model
from tests.gguf_factory import write_tiny_gguf


def refusal(path: Path) -> str:
    with pytest.raises(ModelFileError) as caught:
        LlamaBackend(path)
    return caught.value.sentence


def test_missing_file(tmp_path: Path) -> None:
    assert "There is no model file" in refusal(tmp_path / "absent.gguf")


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.gguf"
    path.touch()
    assert "is empty (0 bytes)" in refusal(path)


def test_text_file_named_gguf(tmp_path: Path) -> None:
    path = tmp_path / "model.gguf"
    path.write_text("<html><body>404 Not Found</body></html>\n")
    assert "is a text file, not a GGUF model" in refusal(path)


def test_git_lfs_pointer(tmp_path: Path) -> None:
    path = tmp_path / "model.gguf"
    path.write_text("version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 123\n")
    assert "Git LFS pointer" in refusal(path)


def test_binary_non_gguf(tmp_path: Path) -> None:
    path = tmp_path / "model.gguf"
    path.write_bytes(bytes(range(256)) * 4)
    assert "not a GGUF model file" in refusal(path)


def test_folder_instead_of_file(tmp_path: Path) -> None:
    assert "is a folder" in refusal(tmp_path)


def test_model_truncated_in_its_data(tmp_path: Path, default_model_path: Path) -> None:
    path = tmp_path / "half.gguf"
    with default_model_path.open("rb") as source:
        path.write_bytes(source.read(default_model_path.stat().st_size // 2))
    sentence = refusal(path)
    assert "is truncated" in sentence and "MB" in sentence


def test_model_truncated_in_its_header(tmp_path: Path, default_model_path: Path) -> None:
    path = tmp_path / "stub.gguf"
    with default_model_path.open("rb") as source:
        path.write_bytes(source.read(4096))
    assert "is truncated: it ends inside its header" in refusal(path)


def test_adapter_given_as_model(tmp_path: Path) -> None:
    path = write_tiny_gguf(tmp_path / "style.gguf", file_type="adapter")
    assert "is a LoRA adapter, not a model" in refusal(path)


def test_valid_header_but_unloadable_model_is_one_sentence(tmp_path: Path) -> None:
    path = write_tiny_gguf(tmp_path / "tiny.gguf")
    assert "llama.cpp could not load tiny.gguf" in refusal(path)


def test_default_model_passes(default_model_path: Path) -> None:
    info = validate_model(default_model_path)
    assert info.architecture == "gemma3"
    assert info.quantization == "Q4_K_M"
    assert info.context_length == 32768
    assert info.data_end == info.size_bytes
    assert inspect_model_file(default_model_path).summary()["model_name"]
