"""Keep generated text: the chapter, the passage's record, its branch and its beat, at once.

Every front end keeps generated text through ``keep_generated``: the app when the
writer accepts a version, ``draftsmith draft`` after each beat, ``draftsmith write
--keep`` after each step. One transaction stores the chapter's new text (re-chunked),
the record of the try that wrote the passage, the versions not chosen, the beat
marked drafted and the run's journal. So a kill leaves the project with all of it or
none of it: never a passage in the text whose beat is still planned (which the next
``draft`` would write a second time), never a record without its text.

A chapter is marked drafted, with the summary of what was written, in the same
transaction that keeps its last planned beat.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from memory.context.bible import extract_bible
from memory.drafts import PASSAGE_SEPARATOR, chapter_document, record_draft
from memory.editing import save_document_text
from memory.project import Project
from memory.storage.outline import OutlineNode
from memory.storage.outline_store import load_outline, update_node
from memory.storage.provenance import keep_alternatives, record_passage
from memory.storage.store import Document
from memory.text.extractive import shorten
from memory.write_journal import WriteJournal, continued, save_journal


@dataclass(frozen=True)
class Keep:
    """Generated text the writer keeps, and where."""

    document_id: int
    text: str
    """The chapter's whole text with the passage in it, as it is to be stored."""
    passage: str
    """The generated text kept (for its record, and as the beat's draft)."""
    kind: str
    """What wrote it: ``continue``, ``draft``, ``rewrite`` and the like."""
    record: dict[str, Any] | None = None
    """The provenance record of the try that wrote ``passage``; none keeps no record."""
    others: tuple[tuple[str, dict[str, Any]], ...] = ()
    """The versions not chosen, each with its record, kept as the passage's branch."""
    node_id: int | None = None
    """The outline beat the passage drafts, marked drafted with it."""
    keep_version: bool = False
    """Keep the chapter's text as it was before, as a version the writer can go back to."""


def keep_generated(project: Project, keep: Keep, journal: WriteJournal | None = None) -> bool:
    """Store ``keep`` (and ``journal``, a run's next step) in one transaction; memory catches
    up after. False when the chapter's text was already as given."""
    store = project.store
    with store.transaction():
        changed = save_document_text(project, keep.document_id, keep.text, keep_version=keep.keep_version)
        if keep.record is not None and keep.passage.strip():
            kept = record_passage(store, keep.document_id, keep.kind, keep.passage, keep.record)
            if keep.others:
                keep_alternatives(store, kept, list(keep.others))
        if keep.node_id is not None:
            record_draft(project, keep.node_id, keep.document_id, keep.passage)
            chapter = load_outline(store).chapter_of(keep.node_id)
            if chapter is not None:
                mark_chapter_if_drafted(project, chapter.id)
        if journal is not None:
            save_journal(project, journal)
    project.ensure_summaries()
    return changed


def keep_appended(project: Project, chapter_id: int, node_id: int, passage: str,
                  record: dict[str, Any] | None) -> Document:
    """Keep a drafted beat's passage at the end of its chapter; the chapter as it now stands."""
    chapter = load_outline(project.store).nodes[chapter_id]
    document = chapter_document(project, chapter)
    text = document.text + passage_joint(document.text) + passage
    keep_generated(project, Keep(document.id, text, passage, "draft", record, node_id=node_id))
    return project.store.document(document.id)


def passage_joint(text: str) -> str:
    """What goes between a chapter's ``text`` and a passage added at its end: enough newlines
    for one blank line however the chapter ends (a kill while a beat was pending can leave
    one there), nothing before a chapter's first passage."""
    if not text.strip():
        return ""
    ending = len(text) - len(text.rstrip("\n"))
    return PASSAGE_SEPARATOR[: max(0, len(PASSAGE_SEPARATOR) - ending)]


def keep_continuation(project: Project, journal: WriteJournal, text: str,
                      record: dict[str, Any] | None = None) -> WriteJournal:
    """Keep one step of a ``write --keep`` run where its journal points; the journal advanced."""
    document = project.store.document(journal.document_id)
    updated_text, advanced = continued(journal, document.text, text)
    keep_generated(project, Keep(journal.document_id, updated_text, text, "continue", record), advanced)
    return advanced


def mark_chapter_if_drafted(project: Project, chapter_id: int) -> bool:
    """Mark the chapter drafted, with the summary of what is written (made again if it was
    marked before), once none of its beats is still planned; False while one is."""
    store = project.store
    outline = load_outline(store)
    if any(leaf.status == "planned" for leaf in outline.leaves(chapter_id)):
        return False
    with store.transaction():
        project.ensure_summaries()  # the summary is made of the chapter's summaries, its last beat's included
        extract_bible(store)
        summary = chapter_summary(project, outline.nodes[chapter_id])
        update_node(store, chapter_id, status="drafted", drafted_summary=summary)
    return True


def chapter_summary(project: Project, chapter: OutlineNode, words: int = 40) -> str:
    """The summary pyramid's fewest summaries covering the chapter's text, joined."""
    refs = project.chunks
    indices = [i for i, ref in enumerate(refs) if ref.document_id == chapter.document_id]
    if not indices:
        return ""
    groups = project.pyramid.cover(indices[0], indices[-1] + 1, factor=1e9)
    stored = project.store.summaries(group.key for group in groups)
    return " ".join(shorten(stored[g.key][0], words) for g in groups if g.key in stored)
