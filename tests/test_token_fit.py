"""Cutting text to a budget at the start of a paragraph, with a counter whose answers are known."""

from __future__ import annotations

import pytest

from memory.text.token_fit import fit_tail_paragraphs


def _words(text: str) -> int:
    return len(text.split())


_PARAGRAPHS = ("The rain had stopped. Mr. Darcy walked on.\n\n", "Chapter 3\n\n",
               "She turned. \u201cWill you stay?\u201d she asked.\n\n", "He did not answer her; the door closed.")
_TEXT = "".join(_PARAGRAPHS)


def _longest_tail_within(budget: int) -> str:
    tails = ["".join(_PARAGRAPHS[i:]) for i in range(len(_PARAGRAPHS))]
    return next((tail for tail in tails if _words(tail) <= budget), "")


@pytest.mark.parametrize("budget", range(0, 30))
def test_the_tail_is_the_longest_that_fits_and_opens_a_paragraph(budget: int) -> None:
    assert fit_tail_paragraphs(_words, _TEXT, budget) == _longest_tail_within(budget)


def test_nothing_when_the_last_paragraph_alone_is_over_the_budget() -> None:
    assert fit_tail_paragraphs(_words, _TEXT, 7) == ""


def test_a_known_count_spares_counting_the_whole() -> None:
    counted: list[str] = []

    def counting(text: str) -> int:
        counted.append(text)
        return _words(text)

    assert fit_tail_paragraphs(counting, _TEXT, 100, known_tokens=_words(_TEXT)) == _TEXT
    assert counted == []
