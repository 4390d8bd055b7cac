"""An open project with its derived structures cached.

The pyramid is rebuilt only when the manuscript changes (the store's version
counter), so assembling contexts at the cursor costs a handful of lookups,
not a pass over the whole book.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from memory.context.bible import BibleEntry, entries_at, load_bible
from memory.context.context_shares import ContextShares
from memory.context.passage import heading_tokens, headings_before
from memory.context.pyramid import Pyramid
from memory.context.summaries import refresh_extractive
from memory.storage.name_index import NameIndex
from memory.storage.store import ChunkRef, Document, ProjectStore
from memory.text.token_counting import TokenCounter

BIBLE_REWRITES = 1
"""A passage that talks about a book instead of being one (a review, a blurb), names none of its
beat's characters, calls one of them by the pronoun the bible does not give them, or brings in
many names the book has never used, is written again up to this many times; the best try is
kept, the first if none is better (a scene may rightly go on with "she" alone)."""


class Project:
    """A project store plus the model's token counter and cached derived data.

    ``joins_add_up`` says whether, in the model's vocabulary, text joined at a blank
    line counts exactly as its parts plus one token (see ``Tokenizer.joins_add_up``);
    when it does not, or cannot say yet, every prompt is counted whole.
    """

    def __init__(self, store: ProjectStore, count_tokens: TokenCounter,
                 joins_add_up: Callable[[], bool] = lambda: False) -> None:
        self.store = store
        self.count_tokens = _ShortTextCache(count_tokens)
        self.joins_add_up = joins_add_up
        self._pyramid: Pyramid | None = None
        self._documents: list[Document] | None = None
        self._version = -1
        self._bible: list[BibleEntry] = []
        self._bible_marker: int | None = None
        self._names_by_hash: dict = {}
        self._name_index: NameIndex | None = None
        self._headings: dict[int, list[str]] | None = None
        self._heading_tokens: dict[int, int] | None = None
        self._shown_tokens: list[int] | None = None
        self.context_shares = ContextShares()
        """The assembler's section shares for this project (benchmarks set others)."""
        self.bible_rewrites = BIBLE_REWRITES
        """How many more times drafting may write a passage that the story bible's checks
        fault (a wrong pronoun, no one it names); benchmarks set 0 to draft as a plain window."""

    @classmethod
    def open(cls, path: Path | str, count_tokens: TokenCounter, create: bool = False,
             joins_add_up: Callable[[], bool] = lambda: False) -> Project:
        return cls(ProjectStore(path, create=create), count_tokens, joins_add_up)

    def close(self) -> None:
        self.store.close()

    def _refresh(self) -> None:
        version = self.store.manuscript_version
        if version != self._version:
            # Front matter (title page, dedication, contents) is not story: memory leaves it out.
            self._pyramid = Pyramid(self.store.chunk_refs(story_only=True))
            self._documents = self.store.documents()
            self._name_index = None
            self._headings = None
            self._heading_tokens = None
            self._shown_tokens = None
            self._version = version

    @property
    def pyramid(self) -> Pyramid:
        self._refresh()
        assert self._pyramid is not None
        return self._pyramid

    @property
    def name_index(self) -> NameIndex:
        """The names each story chunk gives, for asking what the book named before a point."""
        self._refresh()
        if self._name_index is None:
            self._name_index = NameIndex(self.chunks, lambda refs: self.store.chunk_texts(r.id for r in refs),
                                         self._names_by_hash)
        return self._name_index

    @property
    def documents(self) -> list[Document]:
        self._refresh()
        assert self._documents is not None
        return self._documents

    @property
    def chunks(self) -> list[ChunkRef]:
        return self.pyramid.refs

    @property
    def headings_before(self) -> dict[int, list[str]]:
        """The part and chapter titles the book shows right before each chunk that opens one."""
        self._refresh()
        if self._headings is None:
            self._headings = headings_before(self.documents, self.chunks)
        return self._headings

    @property
    def heading_tokens(self) -> dict[int, int]:
        """What the headings before each chunk that opens a part or chapter add: titles and breaks."""
        self._refresh()
        if self._heading_tokens is None:
            self._heading_tokens = heading_tokens(self.headings_before, self.count_tokens)
        return self._heading_tokens

    @property
    def shown_tokens(self) -> list[int]:
        """Each story chunk's tokens as the context shows it: its own, and its headings' before it."""
        self._refresh()
        if self._shown_tokens is None:
            extra = self.heading_tokens
            self._shown_tokens = [ref.tokens + extra.get(index, 0) for index, ref in enumerate(self.chunks)]
        return self._shown_tokens

    def bible(self, at_chapter: int | None = None) -> list[BibleEntry]:
        """The story bible, re-read only when an entry changed; as it stands in chapter
        ``at_chapter`` (1-based) when given, with the dated facts that hold there."""
        marker = self.store.get_setting("bible_version", 0)
        if marker != self._bible_marker:
            self._bible = load_bible(self.store)
            self._bible_marker = marker
        return self._bible if at_chapter is None else entries_at(self._bible, at_chapter)

    def chapter_number(self, document_id: int) -> int | None:
        """The 1-based number of the chapter document ``document_id``; None for front or back matter."""
        chapters = [d.id for d in self.documents if d.kind == "chapter"]
        return chapters.index(document_id) + 1 if document_id in chapters else None

    def ensure_summaries(self) -> int:
        """Extractive summaries for any stale group; returns how many were written.

        A project opened read-only writes none: its context says which groups are not yet summarised.
        """
        if self.store.read_only:
            return 0
        return refresh_extractive(self.store, self.pyramid)


class _ShortTextCache:
    """Remember the counts of short texts (summaries, bible lines, the opening).

    The same few hundred short texts recur in every context; long texts (the recent
    passage) rarely repeat exactly and are counted afresh.
    """

    def __init__(self, count_tokens: TokenCounter, max_length: int = 4000, max_entries: int = 8192) -> None:
        self._count = count_tokens
        self._max_length = max_length
        self._max_entries = max_entries
        self._known: dict[str, int] = {}

    def __call__(self, text: str) -> int:
        if len(text) > self._max_length:
            return self._count(text)
        known = self._known.get(text)
        if known is None:
            if len(self._known) >= self._max_entries:
                self._known.clear()
            known = self._known[text] = self._count(text)
        return known
