"""Focus retrieval: earlier passages about the people and things of the current scene.

What a writer rereads before writing page 362 of 400. SQLite FTS5 ranks the
chunks mentioning the scene's names; from each, only the sentence naming them is
kept, because whole retrieved paragraphs displace recent text and cost more than
they give, while short sentences keep names and facts in view.
"""

from __future__ import annotations

from dataclasses import dataclass

from memory.project import Project
from memory.text.extractive import shorten
from memory.text.text_analysis import sentences


@dataclass(frozen=True)
class FocusPassage:
    chunk_index: int
    sentence: str
    names: tuple[str, ...]


def focus_passages(project: Project, names: list[str], start: int, stop: int, limit: int = 6) -> list[FocusPassage]:
    """Sentences naming ``names`` from chunks [start, stop), best first, one per chunk."""
    if not names or stop <= start:
        return []
    query = " OR ".join('"' + name.replace('"', "") + '"' for name in names)
    index_of = {ref.id: i for i, ref in enumerate(project.chunks)}
    hits = [(chunk_id, rank) for chunk_id, rank in project.store.search_chunks(query, limit * 8)
            if start <= index_of.get(chunk_id, -1) < stop]
    texts = project.store.chunk_texts(chunk_id for chunk_id, _ in hits[: limit * 2])
    passages: list[FocusPassage] = []
    for chunk_id, _ in hits:
        if chunk_id not in texts:
            continue
        best = _best_sentence(texts[chunk_id], names)
        if best:
            sentence, named = best
            passages.append(FocusPassage(index_of[chunk_id], sentence, named))
        if len(passages) == limit:
            break
    return passages


def _best_sentence(text: str, names: list[str]) -> tuple[str, tuple[str, ...]] | None:
    scored = []
    for sentence in sentences(text):
        named = tuple(name for name in names if name in sentence)
        if named:
            scored.append((len(named), -abs(len(sentence.split()) - 18), sentence, named))
    if not scored:
        return None
    _, _, sentence, named = max(scored)
    return shorten(sentence, 30), named
