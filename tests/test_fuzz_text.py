"""Hypothesis throws odd manuscripts at decoding, heading detection and chunking.

Nothing may raise except a ``ManuscriptError`` for a file that is not text, and
import then export keeps every word. The examples mix what manuscripts hold
(headings of every style, contents lists, blank lines, Markdown, odd Unicode) with
plain noise. CI runs the ``ci`` profile; ``HYPOTHESIS_PROFILE=long`` runs 10,000
examples per target (see bench/RESULTS.md).
"""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from memory.errors import ManuscriptError
from memory.export import export_manuscript
from memory.importer import import_text
from memory.storage.store import ProjectStore
from memory.text.chunking import chunk_document
from memory.text.headings import find_headings
from memory.text.manuscript import parse_manuscript
from memory.text.printable import control_characters, without_control_characters
from memory.text.text_normalize import decode_manuscript

settings.register_profile("ci", max_examples=150, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.register_profile("long", max_examples=10_000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

HEADINGS = ["Chapter 1", "CHAPTER IV", "Chapter 12. The Trial", "IV. The Trial", "Letter 3", "PART ONE--The Old",
            "Book II", "Prologue", "Epilogue: After", "XII", "7", "# Title", "## Chapter Two", "### Scene",
            "Chapter 10005", "Contents", "Chapter 1 .......... 3", "Part the Second", "* * *", "---"]
WORDS = ["the", "sea", "Ada", "said", "\u201cyes,\u201d", "caf\u00e9", "\u2014", "Mr.", "St.", "1826",
         "\u00bfqu\u00e9?", "\u65e5\u672c", "\U0001f600", "don't", "well-known",
         "\u0627\u0644\u0628\u062d\u0631", "\t", "\u00a0"]

prose = st.lists(st.sampled_from(WORDS) | st.text(min_size=1, max_size=12), min_size=1, max_size=30).map(" ".join)
line = st.sampled_from(HEADINGS) | prose | st.just("")
manuscript = st.lists(line, min_size=1, max_size=60).flatmap(
    lambda lines: st.lists(st.sampled_from(["\n", "\n\n", "\n\n\n", "\r\n", "\n \n"]), min_size=len(lines),
                           max_size=len(lines)).map(lambda breaks: "".join(a + b for a, b in zip(lines, breaks))))


def words(text: str) -> Counter[str]:
    """The words a reader would miss if they were lost: runs of letters and digits."""
    return Counter(re.findall(r"\w+", text))


def count_words(text: str) -> int:
    return len(text.split())


@given(st.binary(max_size=4000))
def test_decoding_any_bytes_gives_text_or_a_sentence(raw: bytes) -> None:
    try:
        decoded = decode_manuscript(raw, "book.txt")
    except ManuscriptError as error:
        assert error.sentence.startswith("book.txt")
        return
    assert decoded.text.strip()
    assert "\r" not in decoded.text


@given(manuscript)
def test_text_encoded_as_utf8_decodes_to_itself(text: str) -> None:
    normalised = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n").replace("\u2028", "\n")
    readable = without_control_characters(normalised.removeprefix("\ufeff"))
    try:
        decoded = decode_manuscript(text.encode("utf-8"), "book.txt")
    except ManuscriptError:
        assert not readable.strip() or any(ord(c) < 32 and c not in "\t\n\r\f" for c in text)
        return
    assert decoded.invalid_bytes == 0
    assert decoded.text == readable  # control characters left out, counted
    assert decoded.control_characters == control_characters(normalised)


@given(manuscript)
def test_headings_are_found_without_error_inside_the_text(text: str) -> None:
    lines = text.replace("\r\n", "\n").split("\n")
    for heading in find_headings(lines):
        assert 0 <= heading.line < heading.end_line <= len(lines)
        assert heading.kind in ("part", "chapter")


@given(manuscript)
def test_parsing_keeps_every_word(text: str) -> None:
    text = text.replace("\r\n", "\n")
    documents = parse_manuscript(text, "Fallback")
    kept = Counter()
    for document in documents:
        kept += words(document.text) + words(document.title)
    missing = words(text) - kept
    assert not missing, missing


@given(manuscript, st.sampled_from([8, 32, 256]))
def test_chunks_tile_the_text(text: str, target: int) -> None:
    text = parse_manuscript(text.replace("\r\n", "\n"), "F")[-1].text
    chunks = chunk_document(text, count_words, target)
    position = 0
    for chunk in chunks:
        assert chunk.start >= position and chunk.end > chunk.start
        assert text[chunk.start:chunk.end] == chunk.text
        assert not text[position:chunk.start].strip()  # only blank space between chunks
        position = chunk.end
    assert not text[position:].strip()


@given(manuscript)
def test_import_then_export_keeps_every_word(tmp_path_factory, text: str) -> None:
    path: Path = tmp_path_factory.mktemp("fuzz") / "book.draftsmith"
    with ProjectStore(path, create=True) as store:
        import_text(store, text.replace("\r\n", "\n"), count_words, title="Fallback")
        exported = export_manuscript(store, "md")
    missing = words(text) - words(exported)
    assert not missing, missing
