"""Cut text to a token budget at clean boundaries, counting as few times as possible.

The model's tokenizer is the only judge of size, but it is not free (about 100k
tokens a second for a 262k-word vocabulary on a small CPU), so these helpers
estimate where to cut from the text's own characters-per-token, count once, and
step back only when the estimate ran over.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable

from memory.text.text_analysis import sentence_ends, sentence_starts

TokenCounter = Callable[[str], int]
_MAX_STEPS = 12


def fit_tail(count_tokens: TokenCounter, text: str, budget: int, known_tokens: int | None = None) -> str:
    """The longest ending of ``text`` within ``budget`` tokens that starts at a sentence or word."""
    if budget <= 0 or not text:
        return ""
    total = known_tokens if known_tokens is not None else count_tokens(text)
    if total <= budget:
        return text
    start = max(0, len(text) - int(len(text) * budget / max(total, 1) * 0.97))
    for _ in range(_MAX_STEPS):
        candidate = _clean_start(text, start)
        if candidate and count_tokens(candidate) <= budget:
            return candidate
        start += max(1, (len(text) - start) // 8)
        if start >= len(text):
            break
    return ""


def fit_tail_paragraphs(count_tokens: TokenCounter, text: str, budget: int, known_tokens: int | None = None) -> str:
    """The longest ending of ``text`` within ``budget`` tokens that starts a paragraph; empty
    when not even the last paragraph fits.

    For text that leads in to more after a paragraph break: a paragraph's first token is the
    same wherever it starts, so a prompt whose front loses paragraphs one at a time keeps the
    rest of its tokens as they were, for the KV cache to reuse.
    """
    if budget <= 0 or not text:
        return ""
    total = known_tokens if known_tokens is not None else count_tokens(text)
    if total <= budget:
        return text
    starts = [match.end() for match in re.finditer(r"\n\s*\n\s*", text) if match.end() < len(text)]
    if not starts:
        return ""
    guess = len(text) - int(len(text) * budget / max(total, 1) * 0.97)
    index = min(bisect_left(starts, guess), len(starts) - 1)
    fits: dict[int, bool] = {}

    def fit(i: int) -> bool:
        if i not in fits:
            fits[i] = count_tokens(text[starts[i]:]) <= budget
        return fits[i]

    # Counts shrink as the start moves on. Bracket the earliest start that fits between one
    # that does not (-1: the whole text) and one that does, stepping out from the estimate
    # in growing steps, then halve the gap.
    bad, good, step = -1, None, 1
    if fit(index):
        good = index
        while good - step > bad:
            if not fit(good - step):
                bad = good - step
                break
            good -= step
            step *= 2
    else:
        bad = index
        while bad < len(starts) - 1:
            probe = min(len(starts) - 1, bad + step)
            if fit(probe):
                good = probe
                break
            bad, step = probe, step * 2
        if good is None:
            return ""
    low, high = bad + 1, good
    while low < high:
        middle = (low + high) // 2
        if fit(middle):
            high = middle
        else:
            low = middle + 1
    return text[starts[high]:]


def fit_head(count_tokens: TokenCounter, text: str, budget: int) -> str:
    """The longest beginning of ``text`` within ``budget`` tokens that ends at a sentence or word."""
    if budget <= 0 or not text:
        return ""
    total = count_tokens(text)
    if total <= budget:
        return text
    end = int(len(text) * budget / total * 0.97)
    for _ in range(_MAX_STEPS):
        candidate = _clean_end(text, end)
        if candidate and count_tokens(candidate) <= budget:
            return candidate
        end -= max(1, end // 8)
        if end <= 0:
            break
    return ""


def fit_whole_sentences(count_tokens: TokenCounter, text: str, budget: int) -> str:
    """The longest beginning of ``text`` within ``budget`` tokens that ends a sentence; empty when
    not even the first sentence fits. For memory that must never show half a sentence."""
    if budget <= 0 or not text:
        return ""
    if count_tokens(text) <= budget:
        return text
    ends = sentence_ends(text)
    low, high, best = 0, len(ends) - 1, ""
    while low <= high:  # counts grow with the end, so the last end that fits is found by halving
        middle = (low + high) // 2
        candidate = text[: ends[middle]].rstrip()
        if count_tokens(candidate) <= budget:
            best, low = candidate, middle + 1
        else:
            high = middle - 1
    return best


def _clean_start(text: str, start: int) -> str:
    """Move ``start`` forward to the next paragraph, sentence or word start."""
    window = text[start:]
    reach = max(40, len(window) // 7)  # give up at most about a seventh for a cleaner start
    paragraph = window.find("\n\n", 0, reach)
    if paragraph >= 0:
        return window[paragraph + 2:]
    starts = [start for start in sentence_starts(window[: reach + 8]) if start <= reach]
    if starts:
        return window[starts[0]:]
    space = window.find(" ")
    return window[space + 1:] if 0 <= space < reach else window


def _clean_end(text: str, end: int) -> str:
    head = text[:end]
    reach = max(40, len(head) // 7)
    paragraph = head.rfind("\n\n")
    ends = [cut for cut in sentence_ends(text[max(0, end - reach): end + 8]) if cut <= reach]
    if ends:
        return text[: max(0, end - reach) + ends[-1]].rstrip()
    if paragraph > len(head) - reach:
        return head[:paragraph].rstrip()
    space = head.rfind(" ")
    return head[:space].rstrip() if space > 0 else head
