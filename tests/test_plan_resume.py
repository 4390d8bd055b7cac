"""A chapter's beats are stored as the model finishes each one, so a cut-off plan resumes.

A scripted fake backend (named as one) streams a chosen JSON answer piece by
piece and can be stopped part-way, as a kill or Esc would stop the real model;
the real model's planning and drafting are tested in test_planning_and_drafting.py.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.backend.banned_phrases import compile_bans
from engine.backend.protocol import GenerationStats, PromptStyle, SamplingSettings
from engine.errors import BackendError
from engine.workflows.drafting import beats_to_plan, plan_beats
from engine.workflows.outline_schema import complete_items
from memory.project import Project
from memory.storage.outline_store import PlannedNode, add_children, create_book, load_outline, update_node
from prompts import RenderedPrompt

SYNOPSES = {
    "Lamp": "Ada trims the wick and lights the great lamp as the storm comes in.",
    "Stairs": "Halfway down the tower a knock at the door sends her running.",
    "Storm": "Waves break over the landing while a stranger shouts below the rocks.",
    "Dawn": "By first light the sea is flat, and a boat waits in the cove with no one in it.",
}


def answer(titles: list[str], synopses: dict[str, str] = SYNOPSES) -> str:
    items = [{"title": title, "synopsis": synopses[title], "characters": ["Ada"], "place": "the lamp room"}
             for title in titles]
    return json.dumps({"items": items})


class PlanStreamingFakeBackend:
    """A fake backend that streams each scripted answer ten characters at a time, and sets
    ``cancel`` once ``stop_after`` characters have gone out (None: never)."""

    description = "plan-streaming fake model (tests)"
    context_length = 4096
    prompt_style = PromptStyle.COMPLETION

    def __init__(self, answers: list[str], stop_after: int | None = None) -> None:
        self.answers = list(answers)
        self.stop_after = stop_after
        self.prompts: list[str] = []
        self.settings: list[SamplingSettings] = []
        self.last_stats: GenerationStats | None = None

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    def stream(self, prompt: RenderedPrompt, settings: SamplingSettings,
               cancel: threading.Event | None = None) -> Iterator[str]:
        text = self.answers[min(len(self.prompts), len(self.answers) - 1)]
        self.prompts.append(prompt.text)
        self.settings.append(settings)
        self.last_stats = GenerationStats(generated_tokens=len(text) // 10, stop_reason="stop")
        for start in range(0, len(text), 10):
            if self.stop_after is not None and start >= self.stop_after and cancel is not None:
                cancel.set()
                return
            yield text[start:start + 10]


@pytest.fixture
def chapter(tmp_path: Path):
    project = Project.open(tmp_path / "light.draftsmith", lambda text: len(text.split()), create=True)
    book = create_book(project.store, "The Skerry Light", "A keeper and a storm.", 1200)
    node = add_children(project.store, book.id, [PlannedNode("The Storm", "The storm comes.", target_words=1200)],
                        level="chapter")[0]
    yield project, node
    project.close()


def test_complete_items_returns_only_closed_objects() -> None:
    full = answer(["Lamp", "Stairs", "Storm"])
    cut = full[: full.index("Storm") + 3]
    assert [item["title"] for item in complete_items(cut)] == ["Lamp", "Stairs"]
    assert [item["title"] for item in complete_items(full)] == ["Lamp", "Stairs", "Storm"]
    assert complete_items('{"items": [') == []
    assert complete_items("not json at all") == []


def test_beats_finished_before_a_cut_are_kept_and_the_rest_planned_on_resume(chapter) -> None:
    project, node = chapter
    wanted = beats_to_plan(project, load_outline(project.store), node, None)
    assert wanted == 4  # 1,200 words at about 300 words a beat
    first = answer(["Lamp", "Stairs", "Storm", "Dawn"])
    cut_at = first.index('"Storm"')  # two beats closed, the third not
    with pytest.raises(BackendError):
        plan_beats(PlanStreamingFakeBackend([first], stop_after=cut_at), project, node, None, 1, threading.Event())

    kept = [beat.title for beat in load_outline(project.store).children(node.id)]
    assert kept == ["Lamp", "Stairs"]
    assert beats_to_plan(project, load_outline(project.store), node, None) == 2

    resumed = PlanStreamingFakeBackend([answer(["Storm", "Dawn"])])
    plan_beats(resumed, project, node, None, 1, threading.Event())
    assert [beat.title for beat in load_outline(project.store).children(node.id)] == ["Lamp", "Stairs", "Storm",
                                                                                      "Dawn"]
    assert "already planned" in resumed.prompts[0] and "Stairs" in resumed.prompts[0]
    assert beats_to_plan(project, load_outline(project.store), node, None) == 0


def test_an_answer_cut_by_the_token_limit_keeps_its_whole_items_and_plans_the_rest(chapter) -> None:
    project, node = chapter
    whole = answer(["Lamp", "Stairs", "Storm", "Dawn"])
    truncated = whole[: whole.index('"Storm"')]  # ends mid-array: not valid JSON
    backend = PlanStreamingFakeBackend([truncated, answer(["Storm", "Dawn"])])
    plan_beats(backend, project, node, None, 1, threading.Event())
    assert [beat.title for beat in load_outline(project.store).children(node.id)] == ["Lamp", "Stairs", "Storm",
                                                                                      "Dawn"]
    assert len(backend.prompts) == 2


def test_a_plan_that_copies_its_example_or_repeats_a_synopsis_is_planned_again(chapter) -> None:
    from engine.workflows.planning import plan_children

    project, node = chapter
    copied = json.dumps({"items": [
        {"title": "The Ledger", "synopsis": "Mara Quell finds cargo counts that do not add up.",
         "characters": ["Mara Quell"], "place": "Varra harbour"},
        {"title": "Stairs", "synopsis": SYNOPSES["Stairs"], "characters": ["Ada"], "place": "the tower"}]})
    twice = answer(["Lamp", "Lamp"])
    sound = answer(["Lamp", "Dawn"])
    backend = PlanStreamingFakeBackend([copied, twice, sound])
    planned = plan_children(backend, project, node.id, count=2, level="beat", seed=1)
    assert [item.title for item in planned] == ["Lamp", "Dawn"] and len(backend.prompts) == 3
    repeating = PlanStreamingFakeBackend([twice])  # tells two alike every time: the last try is kept, to be edited
    assert [item.title for item in plan_children(repeating, project, node.id, count=2, level="beat", seed=1)] == [
        "Lamp", "Lamp"]
    assert len(repeating.prompts) == 3
    stubborn = PlanStreamingFakeBackend([copied])  # copies every time: nothing of it is planned
    with pytest.raises(BackendError, match="copied its example"):
        plan_children(stubborn, project, node.id, count=2, level="beat", seed=1)
    assert len(stubborn.prompts) == 3


def test_the_planner_bans_the_example_names_the_book_does_not_use(chapter) -> None:
    """The names of the prompt's example reach the sampler as banned phrases, unless the
    writer's own outline uses them (a writer may well have a Tomas)."""
    from engine.workflows.planning import plan_children

    project, node = chapter
    backend = PlanStreamingFakeBackend([answer(["Lamp", "Dawn"])])
    plan_children(backend, project, node.id, count=2, level="beat", seed=1)
    bans = compile_bans(backend.settings[0].banned_phrases, worn_phrases=False)
    assert bans.find("and Mara Quell sails") is not None and bans.find("and mara sails") is None
    assert bans.find("the cargo counts that do not add up") is not None  # the example's words in a row
    assert bans.find("Ada climbs the stairs") is None
    assert backend.settings[0].json_schema is not None

    book = load_outline(project.store).book
    update_node(project.store, book.id, synopsis="Tomas keeps the light while his sister is away.")
    backend = PlanStreamingFakeBackend([answer(["Lamp", "Dawn"])])
    plan_children(backend, project, node.id, count=2, level="beat", seed=1)
    bans = compile_bans(backend.settings[0].banned_phrases, worn_phrases=False)
    assert bans.find("Tomas rows out") is None and bans.find("Mara rows out") is not None


def test_streamed_beats_stop_at_a_copied_one_and_the_rest_are_planned_again(chapter) -> None:
    project, node = chapter
    leaking = json.dumps({"items": [
        {"title": "Lamp", "synopsis": SYNOPSES["Lamp"], "characters": ["Ada"], "place": "the lamp room"},
        {"title": "The Crossing", "synopsis": "Tomas Quell sails with the refugees past the patrols.",
         "characters": ["Tomas Quell"], "place": "the open sea"},
        {"title": "Storm", "synopsis": SYNOPSES["Storm"], "characters": ["Ada"], "place": "the rocks"},
        {"title": "Dawn", "synopsis": SYNOPSES["Dawn"], "characters": ["Ada"], "place": "the cove"}]})
    backend = PlanStreamingFakeBackend([leaking, answer(["Stairs", "Storm", "Dawn"])])
    plan_beats(backend, project, node, None, 1, threading.Event())
    titles = [beat.title for beat in load_outline(project.store).children(node.id)]
    assert titles == ["Lamp", "Stairs", "Storm", "Dawn"]  # nothing of the example reached the outline
