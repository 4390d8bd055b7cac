"""Score a true continuation under several contexts: all tokens, name tokens, far name tokens.

A name token starts a capitalised word in mid-sentence; a far name token is one whose
word is absent from the sliding window but occurs earlier in the book, the tokens only
memory can help with.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field

from engine.backend.llama_backend import LlamaBackend

_SENTENCE_END = set('.!?"\u201c\u201d\n:;')


@dataclass
class CursorScore:
    kind: str
    overall: list[float]
    names: list[float]
    far: list[float]


@dataclass
class Score:
    """Per-token NLLs gathered over cursors, by token set and by cursor kind."""

    overall: list[float] = field(default_factory=list)
    names: list[float] = field(default_factory=list)
    far: list[float] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=dict)

    def add(self, score: CursorScore) -> None:
        self.overall.extend(score.overall)
        self.names.extend(score.names)
        self.far.extend(score.far)
        self.by_kind.setdefault(score.kind, []).extend(score.overall)

    def mean(self, key: str) -> float:
        values = {"nll": self.overall, "name_nll": self.names, "far_nll": self.far,
                  "paragraph_nll": self.by_kind.get("paragraph", []),
                  "middle_nll": self.by_kind.get("middle", [])}[key]
        return statistics.mean(values) if values else float("nan")


def _text(backend: LlamaBackend, tokens: list[int]) -> str:
    return backend._llm.detokenize(tokens).decode("utf-8", errors="replace")


def _pieces(backend: LlamaBackend, tokens: list[int]) -> list[str]:
    return [_text(backend, [token]) for token in tokens]


def name_token_mask(pieces: list[str]) -> list[bool]:
    """True for tokens that start a capitalised word in mid-sentence."""
    mask, text = [], ""
    for piece in pieces:
        stripped = piece.lstrip()
        starts_word = bool(stripped) and (piece != stripped or not text or text[-1].isspace())
        before = text.rstrip()
        mid_sentence = bool(before) and before[-1] not in _SENTENCE_END
        mask.append(starts_word and stripped[:1].isupper() and mid_sentence)
        text += piece
    return mask


def name_words(pieces: list[str], mask: list[bool]) -> list[str]:
    """The word each name token starts, in order."""
    words = []
    for index, is_name in enumerate(mask):
        if is_name:
            rest = "".join(pieces[index:index + 8]).lstrip()
            words.append(re.match(r"[\w'\u2019-]*", rest).group().rstrip("'\u2019-"))
    return words


def is_far(word: str, window_text: str, earlier_text: str) -> bool:
    """Not in the window but named earlier in the book."""
    pattern = re.compile(rf"\b{re.escape(word)}\b")
    return bool(word) and not pattern.search(window_text) and bool(pattern.search(earlier_text))


def score_contexts(backend: LlamaBackend, contexts: dict[str, list[int]], following: list[int], prefix: str,
                   window: list[int], kind: str) -> dict[str, CursorScore]:
    """Each context's NLLs of ``following`` (the BOS token is put before every context)."""
    pieces = _pieces(backend, following)
    mask = name_token_mask(pieces)
    window_text = _text(backend, window)
    earlier = prefix[: max(0, len(prefix) - len(window_text))]
    far = [is_far(word, window_text, earlier) for word in name_words(pieces, mask)]
    bos = backend._llm.token_bos()
    scores = {}
    for name, context in contexts.items():
        result = backend.score_tokens([bos, *context], following)
        nll = [-v for v in result.logprobs]
        named = [v for v, is_name in zip(nll, mask) if is_name]
        scores[name] = CursorScore(kind, nll, named, [v for v, f in zip(named, far) if f])
    return scores
