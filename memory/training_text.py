"""The writer's own prose in a project, for training a style on it.

A style learnt from the model's own unedited passages would teach the model to write
like itself, so every passage the provenance records say the chapter still holds word
for word as the model wrote it is left out; a passage the writer has since edited is
the writer's. Chapters are held out from the end, so the measure is on prose the
training never saw.
"""

from __future__ import annotations

from dataclasses import dataclass

from memory.storage.provenance import AS_WRITTEN, origins
from memory.storage.store import ProjectStore


@dataclass(frozen=True)
class WriterChapter:
    number: int
    """The chapter's place in the manuscript, from 1."""
    title: str
    text: str
    """The chapter's text without the model's unedited passages."""
    left_out_words: int
    """Words left out because the model wrote them and the writer never changed them."""


def writer_chapters(store: ProjectStore, numbers: range | None = None) -> list[WriterChapter]:
    """The manuscript's chapters (those in ``numbers``, from 1) as the writer wrote them."""
    chapters = [d for d in store.documents() if d.kind == "chapter"]
    chosen = []
    for number, document in enumerate(chapters, start=1):
        if numbers is not None and number not in numbers:
            continue
        spans = sorted((o.start, o.end) for o in origins(store, document.id) if o.status == AS_WRITTEN and o.start >= 0)
        text, left_out, at = [], 0, 0
        for start, end in spans:
            if start < at:
                start = at
            if end <= start:
                continue
            text.append(document.text[at:start])
            left_out += len(document.text[start:end].split())
            at = end
        text.append(document.text[at:])
        kept = "\n\n".join(part.strip() for part in text if part.strip())
        if kept:
            chosen.append(WriterChapter(number, document.title, kept, left_out))
    return chosen


def held_out_split(chapters: list[WriterChapter], share: float) -> tuple[list[WriterChapter], list[WriterChapter]]:
    """(to train on, to measure on): the last ``share`` of the chapters, at least one, held out.

    With a single chapter nothing can be held out without training on nothing: it is split
    at a paragraph near the share instead.
    """
    if not chapters:
        return [], []
    if len(chapters) == 1:
        only = chapters[0]
        paragraphs = only.text.split("\n\n")
        cut = max(1, min(len(paragraphs) - 1, round(len(paragraphs) * (1 - share))))
        if len(paragraphs) < 2:
            return [only], []
        return ([WriterChapter(only.number, only.title, "\n\n".join(paragraphs[:cut]), only.left_out_words)],
                [WriterChapter(only.number, only.title, "\n\n".join(paragraphs[cut:]), 0)])
    held = max(1, round(len(chapters) * share))
    return chapters[:-held], chapters[-held:]
