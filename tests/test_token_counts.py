"""Exact token counts without counting twice: the vocabulary's line breaks and chunk counts."""

from __future__ import annotations

import threading
from pathlib import Path

import llama_cpp
import pytest

from engine.tokenizer import line_breaks_stand_alone
from memory.text.chunking import chunk_document

pytestmark = pytest.mark.model


def test_the_default_vocabulary_keeps_line_breaks_apart(tokenizer, corpus: Path) -> None:
    assert tokenizer.joins_add_up(wait=True)
    text = (corpus / "pride_and_prejudice.txt").read_text()[50000:90000]
    paragraphs = [p.strip("\n") for p in text.split("\n\n") if p.strip("\n")]  # no break at either end
    count = tokenizer.count_tokens
    for first, second in zip(paragraphs[::3], paragraphs[1::3]):
        assert count(first + "\n\n" + second) == count(first) + 1 + count(second)


def test_a_stopped_scan_claims_nothing(tokenizer) -> None:
    stop = threading.Event()
    stop.set()
    vocab = llama_cpp.llama_model_get_vocab(tokenizer._llm.model)
    assert not line_breaks_stand_alone(vocab, stop)


def test_chunk_counts_are_exact_even_where_long_paragraphs_are_split(tokenizer, corpus: Path) -> None:
    text = (corpus / "treasure_island.txt").read_text()[30000:70000]
    run_on = " ".join(text.split("\n\n")[5:40])  # one paragraph of several chunks' length
    document = "\n\n".join([text[:3000], run_on, text[3000:8000]])
    chunks = chunk_document(document, tokenizer.count_tokens)
    split = [chunk for chunk in chunks if run_on[:40] in chunk.text or chunk.text in run_on]
    assert len(split) >= 3
    for chunk in chunks:
        assert chunk.tokens == tokenizer.count_tokens(chunk.text)
