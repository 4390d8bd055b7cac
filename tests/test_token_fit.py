"""Cutting text to a budget at the start of a sentence, with a counter whose answers are known."""

from __future__ import annotations

import pytest

from memory.text.token_fit import fit_tail_sentences


def _words(text: str) -> int:
    return len(text.split())


_STARTS = ("The rain had stopped. ", "Mr. Darcy walked on, saying nothing at all for a while.\n\n",
           "Chapter 3\n\n", "She turned. ", "\u201cWill you stay?\u201d she asked. ",
           "He did not answer her; the door closed.")
_TEXT = "".join(_STARTS)


def _longest_tail_within(budget: int) -> str:
    tails = ["".join(_STARTS[i:]) for i in range(len(_STARTS))]
    return next((tail for tail in tails if _words(tail) <= budget), "")


@pytest.mark.parametrize("budget", range(0, 40))
def test_the_tail_is_the_longest_that_fits_and_opens_a_sentence_or_paragraph(budget: int) -> None:
    """Never after "Mr." or inside a quoted question that the sentence goes on from."""
    assert fit_tail_sentences(_words, _TEXT, budget) == _longest_tail_within(budget)


def test_nothing_when_the_last_sentence_alone_is_over_the_budget() -> None:
    assert fit_tail_sentences(_words, _TEXT, 7) == ""


def test_a_known_count_spares_counting_the_whole() -> None:
    counted: list[str] = []

    def counting(text: str) -> int:
        counted.append(text)
        return _words(text)

    assert fit_tail_sentences(counting, _TEXT, 100, known_tokens=_words(_TEXT)) == _TEXT
    assert counted == []
