"""The fast header reader agrees with the reference ``gguf`` reader and refuses damage."""

from __future__ import annotations

from pathlib import Path

import pytest
from gguf import GGUFReader

from engine.models.gguf_header import GGUFFormatError, GGUFTruncatedError, read_gguf_header
from engine.models.gguf_info import read_gguf_info
from tests.gguf_factory import write_tiny_gguf


def test_header_matches_reference_reader(tmp_path: Path) -> None:
    path = write_tiny_gguf(tmp_path / "tiny.gguf")
    ours = read_gguf_header(path)
    reference = GGUFReader(path)
    assert [t.name for t in ours.tensors] == [t.name for t in reference.tensors]
    assert [t.data_offset for t in ours.tensors] == [t.data_offset for t in reference.tensors]
    assert [t.n_bytes for t in ours.tensors] == [t.n_bytes for t in reference.tensors]
    assert ours.metadata["general.name"] == "tiny test file"
    assert ours.metadata["tokenizer.ggml.tokens"] == 300  # arrays are kept as their length


def test_info_reports_the_facts_writers_see(tmp_path: Path) -> None:
    info = read_gguf_info(write_tiny_gguf(tmp_path / "tiny.gguf"))
    assert info.architecture == "llama"
    assert info.context_length == 128
    assert info.has_chat_template
    assert info.tensor_count == 2
    assert info.data_end == info.size_bytes


def test_truncated_header_is_reported_as_truncated(tmp_path: Path) -> None:
    whole = write_tiny_gguf(tmp_path / "tiny.gguf").read_bytes()
    cut = tmp_path / "cut.gguf"
    cut.write_bytes(whole[:200])
    with pytest.raises(GGUFTruncatedError):
        read_gguf_header(cut)


def test_impossible_counts_are_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "liar.gguf"
    path.write_bytes(b"GGUF" + (3).to_bytes(4, "little") + (2**40).to_bytes(8, "little") + (1).to_bytes(8, "little"))
    with pytest.raises(GGUFFormatError):
        read_gguf_header(path)
