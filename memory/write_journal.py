"""Continuations kept into the manuscript one at a time, with a journal that survives a kill.

``draftsmith write --keep --words N`` is what a writer leaves running overnight. Each
continuation enters the manuscript in the same transaction that advances the journal
(where the next one goes, how many words are written of how many), so after a kill
the project holds every kept passage exactly once, and the same command run again
goes on from the journal instead of starting over.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

from memory.errors import ProjectError
from memory.project import Project

JOURNAL_KEY = "write_journal"
_LEADING = 80


@dataclass(frozen=True)
class WriteJournal:
    """Where a run of kept continuations writes, and how far it has got."""

    document_id: int
    offset: int
    """Characters of the document before the point where the next continuation goes."""
    target_words: int
    written_words: int = 0
    steps: int = 0
    at: str = ""
    """The position the run was started at (``CHAPTER[:PARAGRAPH]``), empty for the book's end."""
    leading_text: str = ""
    """The last characters before ``offset`` when the journal was written: a run goes on only
    if they are still there, so an edit made meanwhile never gets text inserted mid-word."""

    @property
    def finished(self) -> bool:
        return self.written_words >= self.target_words

    @property
    def remaining_words(self) -> int:
        return max(0, self.target_words - self.written_words)


def start_journal(project: Project, document_id: int, offset: int, target_words: int, at: str = "") -> WriteJournal:
    """A new journal writing at ``offset`` of a document; replaces any earlier one."""
    text = project.store.document(document_id).text
    offset = len(text[:offset].rstrip())
    journal = WriteJournal(document_id, offset, target_words, at=at, leading_text=text[:offset][-_LEADING:])
    with project.store.transaction():
        project.store.set_setting(JOURNAL_KEY, asdict(journal))
    return journal


def unfinished_journal(project: Project, target_words: int, at: str = "") -> WriteJournal | None:
    """The journal of a run with the same target and start that stopped before its end, if any."""
    stored = project.store.get_setting(JOURNAL_KEY)
    if not stored:
        return None
    try:
        journal = WriteJournal(**stored)
    except TypeError:  # written by another version: start afresh
        return None
    known = {document.id for document in project.documents}
    if (journal.finished or journal.target_words != target_words or journal.at != at
            or journal.document_id not in known):
        return None
    text = project.store.document(journal.document_id).text
    if not text[: journal.offset].endswith(journal.leading_text):  # edited since: start afresh
        return None
    return journal


def continued(journal: WriteJournal, document_text: str, text: str) -> tuple[str, WriteJournal]:
    """The document's text with ``text`` inserted where the journal points, and the journal
    advanced past it; nothing is stored (``engine.workflows.keeping`` keeps both at once)."""
    if journal.offset > len(document_text):
        raise ProjectError("The chapter being written was shortened meanwhile; start the run again.")
    before = document_text[: journal.offset]
    piece = text.lstrip() if not before.strip() else text
    updated_text = before + piece + document_text[journal.offset:]
    offset = journal.offset + len(piece)
    advanced = replace(journal, offset=offset, written_words=journal.written_words + len(piece.split()),
                       steps=journal.steps + 1, leading_text=updated_text[:offset][-_LEADING:])
    return updated_text, advanced


def save_journal(project: Project, journal: WriteJournal) -> None:
    """Store the journal; joins the transaction that keeps its step's text."""
    with project.store.transaction():
        project.store.set_setting(JOURNAL_KEY, asdict(journal))
        project.store.log("keep", {"document": journal.document_id, "step": journal.steps,
                                   "words": journal.written_words})
