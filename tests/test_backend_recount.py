"""A model that cuts the project's text into more tokens than the project's own model still gets a prompt that fits."""

from __future__ import annotations

import pytest

from engine.backend.protocol import SamplingSettings
from engine.errors import PromptTooLongError
from engine.workflows.continuation import (
    RECOUNT_SLACK,
    Place,
    book_context,
    context_budget,
    continue_in_project,
    continue_prompt_for,
)
from memory.project import Project
from tests.fakes import FakeBackend

SETTINGS = SamplingSettings(max_tokens=64, seed=1)
PLACE = Place(chapter=20, paragraph=3)


class CountingBackend(FakeBackend):
    """A fake model whose tokenizer counts ``ratio`` times the tokens of the project's own."""

    def __init__(self, project: Project, ratio: float) -> None:
        super().__init__(delay=0)
        self.project, self.ratio = project, ratio

    def count_tokens(self, text: str) -> int:
        return int(self.project.count_tokens(text) * self.ratio)


def test_the_projects_own_tokenizer_gets_the_context_at_its_budget(treasure_project: Project) -> None:
    backend = CountingBackend(treasure_project, 1.0)
    _, context = continue_prompt_for(backend, treasure_project, SETTINGS, PLACE)
    assert context.text == book_context(treasure_project, context_budget(backend, SETTINGS), PLACE).text


@pytest.mark.parametrize("ratio", [1.3, 2.0])
def test_a_longer_counting_tokenizer_gets_a_smaller_context_that_fits(treasure_project: Project, ratio: float) -> None:
    backend = CountingBackend(treasure_project, ratio)
    budget = context_budget(backend, SETTINGS)
    _, context = continue_prompt_for(backend, treasure_project, SETTINGS, PLACE)
    assert backend.count_tokens(context.text) <= budget + RECOUNT_SLACK
    assert context.budget < budget and context.section("recent") is not None
    assert backend.count_tokens(book_context(treasure_project, budget, PLACE).text) > budget + RECOUNT_SLACK


def test_the_prompt_streamed_is_the_fitted_one(treasure_project: Project) -> None:
    backend = CountingBackend(treasure_project, 2.0)
    list(continue_in_project(backend, treasure_project, SETTINGS, PLACE))
    assert backend.count_tokens(backend.prompts[-1]) <= context_budget(backend, SETTINGS) + RECOUNT_SLACK + 8


def test_a_tokenizer_nothing_fits_is_refused_in_a_sentence(treasure_project: Project) -> None:
    backend = CountingBackend(treasure_project, 1000.0)
    with pytest.raises(PromptTooLongError, match="re-import the manuscript"):
        continue_prompt_for(backend, treasure_project, SETTINGS, PLACE)
