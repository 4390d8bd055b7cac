"""Focus retrieval: earlier passages about the people and things of the current scene.

What a writer rereads before writing page 362 of 400. SQLite FTS5 finds the
chunks naming the scene's people, those naming the most of them first; from each,
only the sentence naming them is kept, because whole retrieved paragraphs displace
recent text and cost more than they give, while short sentences keep names and facts
in view. A sentence is shown whole or not at all: a half sentence reads to the model
as text to finish.
"""

from __future__ import annotations

from dataclasses import dataclass

from memory.project import Project
from memory.text.extractive import ends_a_sentence
from memory.text.text_analysis import sentences
from prompts.labels import BEFORE, bracketed

MAX_FOCUS_WORDS = 30


@dataclass(frozen=True)
class FocusPassage:
    chunk_index: int
    sentence: str
    names: tuple[str, ...]


def focus_passages(project: Project, names: list[str], start: int, stop: int, limit: int = 6) -> list[FocusPassage]:
    """Sentences naming ``names`` from chunks [start, stop), one per chunk, best first.

    The chunks that name the most of them come first, the latest first among equals. Only
    which chunks name whom counts, never FTS5's rank, which weighs every chunk of the book
    (those after the cursor too): the passages at a cursor depend on nothing after it.
    """
    if not names or stop <= start:
        return []
    index_of = {ref.id: i for i, ref in enumerate(project.chunks)}
    naming: dict[int, int] = {}  # chunk id -> how many of the names it holds
    for name in names:
        for chunk_id in project.store.chunks_matching('"' + name.replace('"', "") + '"'):
            if start <= index_of.get(chunk_id, -1) < stop:
                naming[chunk_id] = naming.get(chunk_id, 0) + 1
    ranked = sorted(naming, key=lambda chunk_id: (-naming[chunk_id], -index_of[chunk_id]))[: limit * 2]
    texts = project.store.chunk_texts(ranked)
    passages: list[FocusPassage] = []
    for chunk_id in ranked:
        best = _best_sentence(texts.get(chunk_id, ""), names)
        if best:
            passages.append(FocusPassage(index_of[chunk_id], *best))
        if len(passages) == limit:
            break
    return passages


def focus_text(project: Project, names: list[str], start: int, stop: int, cap: int, count) -> str:
    """The focus section: the best of ``focus_passages`` that fit ``cap`` tokens together, in
    the book's order; empty when none does."""
    chosen: list[FocusPassage] = []
    for passage in focus_passages(project, names, start, stop):
        candidate = sorted([*chosen, passage], key=lambda p: p.chunk_index)
        if count(bracketed(BEFORE, " ".join(p.sentence for p in candidate))) <= cap:
            chosen = candidate
    return bracketed(BEFORE, " ".join(p.sentence for p in chosen)) if chosen else ""


def _short_and_whole(sentence: str) -> bool:
    """At most ``MAX_FOCUS_WORDS`` words, ending as a sentence ends (not a heading or a cut line)."""
    return len(sentence.split()) <= MAX_FOCUS_WORDS and ends_a_sentence(sentence)


def _best_sentence(text: str, names: list[str]) -> tuple[str, tuple[str, ...]] | None:
    scored = []
    for sentence in sentences(text):
        if not _short_and_whole(sentence):
            continue
        named = tuple(name for name in names if name in sentence)
        if named:
            scored.append((len(named), -abs(len(sentence.split()) - 18), sentence, named))
    if not scored:
        return None
    _, _, sentence, named = max(scored)
    return sentence, named
