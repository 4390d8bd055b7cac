"""The manuscript's text over a run of chunks, as the writer reads it.

Chunks are the store's unit, not the writer's: a paragraph longer than a chunk is
split between two, and a chapter's heading is its document's title, in no chunk.
Joined with a paragraph break each, a run of chunks would show the model a break in
mid-paragraph and chapters running into one another without their headings, where
the book as written (and a plain window over it) shows a paragraph whole and each
chapter under its title. Here a split paragraph is whole again and every chapter the
run enters stands under its heading.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from memory.storage.store import ChunkRef, Document
from memory.text.token_fit import fit_tail_paragraphs

if TYPE_CHECKING:
    from memory.project import Project

PARAGRAPH_BREAK = "\n\n"


@dataclass(frozen=True)
class Passage:
    text: str
    tokens: int
    exact: bool
    """Whether ``tokens`` adds up the parts' counts exactly (see ``Project.joins_add_up``);
    a paragraph made whole again is not, and must be counted afresh."""


def headings_before(documents: Sequence[Document], refs: Sequence[ChunkRef]) -> dict[int, list[str]]:
    """The headings the book shows right before chunk ``i``, for each chunk that opens a document:
    the titles of the story documents (parts, chapters) from the one after the previous
    chunk's up to its own. Under ``len(refs)``, those of the empty documents after the last chunk."""
    position = {document.id: index for index, document in enumerate(documents)}
    headings: dict[int, list[str]] = {}
    previous = -1
    for index, ref in enumerate(refs):
        here = position.get(ref.document_id, previous)
        if here != previous:
            _put(headings, index, documents[previous + 1: here + 1])
            previous = here
    _put(headings, len(refs), documents[previous + 1:])
    return headings


def _put(headings: dict[int, list[str]], index: int, documents: Sequence[Document]) -> None:
    titles = [d.title for d in documents if d.kind != "front" and d.title]
    if titles:
        headings[index] = titles


def heading_tokens(headings: dict[int, list[str]], count: Callable[[str], int]) -> dict[int, int]:
    """What each chunk's headings add to the text before it: each title and its paragraph break."""
    return {index: sum(count(title) + 1 for title in titles) for index, titles in headings.items()}


def passage_text(project: Project, indices: range, texts: dict[int, str], partial: str = "",
                 partial_tokens: int = 0, to_cursor: bool = False) -> Passage:
    """Chunks ``indices`` (their texts in ``texts``, by chunk id), then ``partial``, the part of
    chunk ``indices.stop`` before the cursor (``partial_tokens`` long). With ``to_cursor`` and
    no partial, the headings before chunk ``indices.stop`` end it: the cursor starts a chapter."""
    refs = project.chunks
    headings = project.headings_before
    run = list(indices) + ([indices.stop] if partial and indices.stop < len(refs) else [])
    spans = project.store.chunk_spans(refs[i].id for i in run) if len(run) > 1 else {}
    pieces: list[str] = []
    tokens, exact = -1, True  # no break before the first piece
    for index in run:
        ref = refs[index]
        is_partial = index == indices.stop
        text = partial if is_partial else texts[ref.id]
        size = partial_tokens if is_partial else ref.tokens
        titles = headings.get(index, [])
        pieces.extend(titles)
        tokens += project.heading_tokens.get(index, 0)
        if pieces and not titles and _splits_a_paragraph(spans, refs[index - 1], ref):
            pieces[-1] = pieces[-1].rstrip() + " " + text.lstrip()
            tokens += size
            exact = False
            continue
        pieces.append(text)
        tokens += size + 1
    if partial and not run:
        pieces.append(partial)
        tokens += partial_tokens + 1
    if to_cursor and not partial:
        pieces.extend(headings.get(indices.stop, []))
        tokens += project.heading_tokens.get(indices.stop, 0)
    return Passage(PARAGRAPH_BREAK.join(pieces), max(0, tokens), exact)


def lead_in(project: Project, floor: int, start: int, room: int) -> str:
    """The end of the book's text before chunk ``start`` (reaching back no further than chunk
    ``floor``) that fits ``room`` tokens and starts a paragraph, as the book shows it; empty
    when not one paragraph fits. ``join_before`` says what joins it to chunk ``start``.

    Whole chunks fill the recent text only to the last chunk boundary that fits; this is
    the rest of the room, which would otherwise hold nothing. Whole paragraphs, not
    sentences: the lead-in loses a paragraph at a time as the book grows, and the tokens
    after it stay the same for the KV cache (``fit_tail_paragraphs``).
    """
    if start <= floor or room <= 0 or start > len(project.chunks):
        return ""
    refs, shown = project.chunks, project.shown_tokens
    first, gathered = start, 0
    while first > floor and gathered <= room:
        first -= 1
        gathered += shown[first] + 1
    first = max(floor, first - 1)  # one chunk more, so a chunk that opens mid-paragraph has its paragraph's start
    indices = range(first, start)
    before = passage_text(project, indices, project.store.chunk_texts(refs[i].id for i in indices))
    known = before.tokens if before.exact and project.joins_add_up() else None
    return fit_tail_paragraphs(project.count_tokens, before.text, room, known).rstrip()


def join_before(project: Project, start: int) -> str:
    """What joins the text before chunk ``start`` to it as the book shows it: a paragraph
    break, or a space where the two chunks are halves of one paragraph."""
    refs = project.chunks
    if 0 < start < len(refs) and not project.headings_before.get(start):
        pair = (refs[start - 1], refs[start])
        if _splits_a_paragraph(project.store.chunk_spans(ref.id for ref in pair), *pair):
            return " "
    return PARAGRAPH_BREAK


def _splits_a_paragraph(spans: dict[int, tuple[int, int]], before: ChunkRef, after: ChunkRef) -> bool:
    """Whether two chunks of one document are halves of one paragraph: no paragraph break between them."""
    if before.document_id != after.document_id or before.id not in spans or after.id not in spans:
        return False
    return spans[after.id][0] - spans[before.id][1] < len(PARAGRAPH_BREAK)
