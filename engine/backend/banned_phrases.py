"""Phrases generation may not write: the writer's list and a short list of worn-out ones.

A plain phrase matches whole words, ignoring case and runs of spaces; "re:" starts a
regular expression. The built-in list holds phrases that mark text as machine-written
in any genre; a writer switches it off with ``worn_phrases=False``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from memory.errors import DraftsmithError

WORN_PHRASES = (
    "a testament to", "shivers down her spine", "shivers down his spine", "shiver down her spine",
    "shiver down his spine", "barely above a whisper", "a mix of", "a mixture of", "sent shivers",
    "tapestry of", "palpable", "couldn't help but", "could not help but", "little did she know",
    "little did he know", "the weight of the world", "eyes sparkling with mischief", "a dance of",
    "in the grand scheme of things", "it's important to remember", "delve into", "ministrations",
    "maybe, just maybe", "a beacon of hope", "unspoken understanding", "steeled herself", "steeled himself",
)
"""Worn-out phrases: each is common in machine-written fiction and rare in the novels a
writer imitates, so the text is better without it."""


class BannedPhraseError(DraftsmithError):
    """A phrase the writer gave cannot be used (an empty one, or a broken regular expression)."""

    exit_code = 2


@dataclass(frozen=True)
class PhraseBan:
    """The compiled list: ``find`` says where the first banned phrase in a text starts."""

    pattern: re.Pattern[str] | None
    phrases: tuple[str, ...] = ()
    """The plain phrases, lower case, single-spaced."""
    has_expressions: bool = False

    def find(self, text: str, start: int = 0) -> re.Match[str] | None:
        return self.pattern.search(text, start) if self.pattern is not None else None

    def unsettled(self, text: str) -> int:
        """How many characters at the end of ``text`` may yet become a banned phrase, and must
        not be shown: the longest ending that begins one (all of the last 120 for expressions)."""
        if self.has_expressions:
            return min(len(text), 120)
        return unsettled_tail(text.lower(), self.phrases)


def compile_bans(phrases: tuple[str, ...], worn_phrases: bool) -> PhraseBan:
    """One pattern for the writer's phrases, and the built-in ones when ``worn_phrases``."""
    parts, plain, expressions = [], [], False
    for phrase in (*phrases, *(WORN_PHRASES if worn_phrases else ())):
        if phrase.startswith("re:"):
            expression = phrase[3:]
            try:
                re.compile(expression)
            except re.error as error:
                raise BannedPhraseError(f"The banned pattern {expression!r} is not a regular expression: "
                                        f"{error}.") from error
            if not expression:
                raise BannedPhraseError("A banned pattern is empty.")
            parts.append(f"(?:{expression})")
            expressions = True
            continue
        words = phrase.split()
        if not words:
            raise BannedPhraseError("A banned phrase is empty.")
        parts.append(r"(?<!\w)" + r"\s+".join(re.escape(word) for word in words) + r"(?!\w)")
        plain.append(" ".join(words).lower())
    if not parts:
        return PhraseBan(None)
    return PhraseBan(re.compile("|".join(parts), re.IGNORECASE), tuple(plain), expressions)


def unsettled_tail(text: str, phrases: tuple[str, ...]) -> int:
    """The longest ending of ``text`` that is the start of one of ``phrases`` (spaces as one),
    plus the word it ends in: "...and a tes" could still become "a testament to"."""
    flat = " ".join(text.split()) + (" " if text[-1:].isspace() else "")
    longest = 0
    for phrase in phrases:
        for size in range(min(len(phrase), len(flat)), 0, -1):
            if phrase.startswith(flat[-size:]) and (size == len(flat) or not flat[-size - 1].isalnum()):
                longest = max(longest, size)
                break
    if not longest:
        return 0
    # map back to the original text: count characters of ``text`` holding that many flat ones
    kept, index = 0, len(text)
    while index > 0 and kept < longest:
        index -= 1
        if not (text[index].isspace() and index > 0 and text[index - 1].isspace()):
            kept += 1
    return len(text) - index
