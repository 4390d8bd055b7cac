"""The style fidelity meter: does a passage read like the writer's fine-tune?

For each paragraph, the mean per-token log-likelihood under the model with the
writer's style adapter minus the same under the plain model (nats per token). Text
more likely under the fine-tune than under the generic model reads like the
writer; a paragraph scoring below the rest is where a draft drifts from their voice.
Each paragraph is scored after the tail of the one before it, so openings are not
judged without context. The adapters are switched twice in all, not per paragraph.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from engine.backend.llama_backend import LlamaBackend
from engine.errors import StyleError
from memory.project import Project
from memory.storage.store import Document
from memory.text.manuscript import paragraph_spans
from memory.text.token_fit import fit_head, fit_tail

CONTEXT_TOKENS = 96


@dataclass(frozen=True)
class ParagraphFidelity:
    index: int
    words: int
    tokens: int
    score: float
    """Mean log-likelihood ratio, styled minus plain, in nats per token: above 0 reads like the style."""
    excerpt: str

    def as_dict(self) -> dict[str, object]:
        return {**self.__dict__, "score": round(self.score, 4)}


def paragraph_fidelity(backend: LlamaBackend, adapters: list[tuple[Path, float]],
                       paragraphs: list[str]) -> list[ParagraphFidelity]:
    """Score every paragraph; the backend's active adapters are restored afterwards."""
    if not adapters:
        raise StyleError("The fidelity meter needs a style adapter to compare against the plain model.")
    limit = max(32, backend.context_length - CONTEXT_TOKENS - 16)
    texts = [fit_head(backend.count_tokens, p, limit) for p in paragraphs]
    contexts = [""] + [fit_tail(backend.count_tokens, p, CONTEXT_TOKENS) for p in texts[:-1]]
    restore = [(a.path, a.scale) for a in backend.active_adapters]
    try:
        backend.set_adapters(adapters)
        styled = [backend.score(context, text) for context, text in zip(contexts, texts)]
        backend.set_adapters([])
        plain = [backend.score(context, text) for context, text in zip(contexts, texts)]
    finally:
        backend.set_adapters(restore)
    return [ParagraphFidelity(i + 1, len(text.split()), len(s.logprobs), s.mean_logprob - p.mean_logprob,
                              " ".join(text.split()[:12]))
            for i, (text, s, p) in enumerate(zip(texts, styled, plain)) if s.logprobs]


def mean_fidelity(scores: list[ParagraphFidelity]) -> float:
    """Token-weighted mean over paragraphs."""
    tokens = sum(s.tokens for s in scores)
    return sum(s.score * s.tokens for s in scores) / tokens if tokens else 0.0


@dataclass(frozen=True)
class ChapterFidelity:
    chapter: str
    mean: float
    paragraphs: list[ParagraphFidelity]

    def as_dict(self) -> dict[str, object]:
        return {"chapter": self.chapter, "mean": round(self.mean, 4),
                "paragraphs": [p.as_dict() for p in self.paragraphs]}


def chapters_to_score(project: Project, number: int | None = None) -> list[Document]:
    """The manuscript's chapters with text, or only chapter ``number`` (from 1)."""
    chapters = [d for d in project.store.documents() if d.kind == "chapter" and d.text]
    if number is None:
        return chapters
    if not 1 <= number <= len(chapters):
        raise StyleError(f"The manuscript has {len(chapters)} chapters; there is no chapter {number}.")
    return [chapters[number - 1]]


def score_chapters(backend: LlamaBackend, adapters: list[tuple[Path, float]], chapters: list[Document],
                   on_chapter: Callable[[str, int], None] | None = None) -> list[ChapterFidelity]:
    """Each chapter's paragraphs scored; ``on_chapter(title, paragraphs)`` before each."""
    scored = []
    for document in chapters:
        paragraphs = [document.text[a:b] for a, b in paragraph_spans(document.text)]
        if on_chapter is not None:
            on_chapter(document.title, len(paragraphs))
        scores = paragraph_fidelity(backend, adapters, paragraphs)
        scored.append(ChapterFidelity(document.title, mean_fidelity(scores), scores))
    return scored
