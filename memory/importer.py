"""Import a manuscript into a project, reconciling with what is already there.

Documents are matched to the project's existing ones by kind and title in order (the
title's words, so a heading whose punctuation or spacing changed, by a writer's retouch
or an older import's rewording, is still the same chapter); an unchanged document keeps
its chunks untouched, a changed one is re-chunked (and content-defined chunk boundaries
keep most of its chunks identical), so only new text needs summarising again. Replaced
texts are kept as versions in the project.
"""

from __future__ import annotations

import re
import time
from collections import defaultdict, deque
from dataclasses import dataclass, replace
from pathlib import Path

from memory.context.bible import BIBLE_PENDING
from memory.manuscript_files import read_manuscript_file
from memory.storage.store import Document, ProjectStore
from memory.text.chunking import DEFAULT_CHUNK_TOKENS, Chunk, chunk_document
from memory.text.manuscript import ParsedDocument, parse_manuscript
from memory.text.printable import plain_name
from memory.text.text_normalize import DecodedText
from memory.text.token_counting import CachedCounter, TokenCounter

_WORDS = re.compile(r"\w+")


@dataclass(frozen=True)
class ImportReport:
    parts: int
    chapters: int
    words: int
    chunks: int
    new_chunks: int
    changed_documents: int
    removed_documents: int
    encoding: str
    seconds: float
    invalid_bytes: int = 0
    """Bytes of the file that were not valid in its encoding, each kept as U+FFFD in the text."""
    control_characters: int = 0
    """Invisible control characters (NUL, bell, escape...) in the file, left out of the text."""

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def import_manuscript(
    store: ProjectStore,
    path: Path,
    count_tokens: TokenCounter,
    chunk_tokens: int | None = None,
) -> ImportReport:
    """Read ``path`` and make the project's manuscript match it."""
    return import_decoded(store, read_manuscript_file(path), path, count_tokens, chunk_tokens)


def import_decoded(store: ProjectStore, decoded: DecodedText, path: Path, count_tokens: TokenCounter,
                   chunk_tokens: int | None = None) -> ImportReport:
    """Import a manuscript file already read (and so already known to be importable)."""
    started = time.perf_counter()
    parsed = parse_manuscript(decoded.text, fallback_title=plain_name(path.stem) or "Manuscript")
    report = _apply(store, parsed, count_tokens, chunk_tokens, decoded.encoding, started, source=str(path))
    return replace(report, invalid_bytes=decoded.invalid_bytes, control_characters=decoded.control_characters)


def import_text(store: ProjectStore, text: str, count_tokens: TokenCounter, title: str = "Manuscript",
                chunk_tokens: int | None = None) -> ImportReport:
    """Import text already in memory (tests, pasted text)."""
    started = time.perf_counter()
    return _apply(store, parse_manuscript(text, title), count_tokens, chunk_tokens, "utf-8", started, "text")


def _apply(store: ProjectStore, parsed: list[ParsedDocument], count_tokens: TokenCounter,
           chunk_tokens: int | None, encoding: str, started: float, source: str) -> ImportReport:
    chunk_tokens = chunk_tokens or int(store.get_setting("chunk_tokens", DEFAULT_CHUNK_TOKENS))
    counter = CachedCounter(count_tokens)
    existing = _by_identity(store.documents())
    unchanged_texts = {document.text for queue in existing.values() for document in queue}
    counter.prime(paragraph for document in parsed if document.text not in unchanged_texts
                  for paragraph in document.text.split("\n\n"))
    known_hashes = {ref.hash for ref in store.chunk_refs()}
    next_id = store.next_document_id()
    planned: list[tuple[Document, list[Chunk] | None]] = []
    parent_id: int | None = None
    changed = 0
    for position, item in enumerate(parsed):
        queue = existing[_identity(item.kind, item.title)]
        match = queue.popleft() if queue else None
        if match is None:
            document_id, next_id = next_id, next_id + 1
        else:
            document_id = match.id
        if item.kind == "part":
            parent_id = document_id
        document = Document(document_id, item.kind, item.title, parent_id if item.kind == "chapter" else None,
                            position * 10, item.text)
        unchanged = match is not None and match.text == item.text
        chunks = None if unchanged else chunk_document(item.text, counter, chunk_tokens)
        changed += 0 if unchanged else 1
        planned.append((document, chunks))
    removed = [document.id for queue in existing.values() for document in queue]
    with store.transaction():
        store.write_documents(planned, removed, "import", {"source": source, "documents": len(planned)})
        store.set_setting("chunk_tokens", chunk_tokens)
        if changed or removed:
            store.set_setting(BIBLE_PENDING, True)
    refs = store.chunk_refs()
    return ImportReport(
        parts=sum(1 for d, _ in planned if d.kind == "part"),
        chapters=sum(1 for d, _ in planned if d.kind == "chapter"),
        words=sum(d.words for d, _ in planned),
        chunks=len(refs),
        new_chunks=sum(1 for ref in refs if ref.hash not in known_hashes),
        changed_documents=changed,
        removed_documents=len(removed),
        encoding=encoding,
        seconds=time.perf_counter() - started,
    )


def _by_identity(documents: list[Document]) -> defaultdict[tuple[str, str], deque[Document]]:
    queues: defaultdict[tuple[str, str], deque[Document]] = defaultdict(deque)
    for document in documents:
        queues[_identity(document.kind, document.title)].append(document)
    return queues


def _identity(kind: str, title: str) -> tuple[str, str]:
    """What makes two headings the same document: their kind and their title's words, case
    and punctuation aside ("Chapter 6. Baskerville Hall" is "Chapter 6 Baskerville Hall")."""
    return kind, " ".join(_WORDS.findall(title.casefold()))
