"""A passage about nobody its beat names, or with a pronoun against the bible, is written once more
(a scripted fake backend).

The real model's drafting is tested in test_planning_and_drafting.py; here a fake
backend, named as one, writes chosen passages so the retry rule can be checked exactly.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.backend.protocol import GenerationStats, PromptStyle, SamplingSettings
from engine.workflows.drafting import PASSAGE_ATTEMPTS, BeatNotWritten, draft
from memory.bible import BibleEntry, save_entry
from memory.drafts import drafted_passages
from memory.outline_store import PlannedNode, add_children, create_book
from memory.project import Project
from prompts import RenderedPrompt

WANDERING = ("The lighthouse was built in 1826 by an immigrant from Bremen. It stands on a granite shelf "
             "forty feet above the tide. Visitors may climb it on weekdays between April and October.")
WANDERING_AGAIN = ("Lighthouses of that age were lit with whale oil. Their keepers were paid by the harbour "
                   "board, and most of them kept a garden behind the tower for vegetables.")
FLIPPED = ("Ada Fenn climbed the iron stairs with the oil can, and at the top he trimmed the wick. "
           "He watched the storm come in over the skerries.")
FLIPPED_AGAIN = ("Ada Fenn reached the lamp room long after midnight, where he lit the wick with a taper. "
                 "He sat by the cold glass all night and counted the waves.")
ON_TOPIC = ("Ada Fenn climbed the iron stairs with the oil can knocking at her knee. At the top she trimmed "
            "the wick and watched the storm come in over the skerries.")


class ScriptedFakeBackend:
    """A fake backend that writes the given passages in turn, one per call."""

    description = "scripted fake model (tests)"
    context_length = 4096
    prompt_style = PromptStyle.COMPLETION

    def __init__(self, passages: list[str]) -> None:
        self.passages = list(passages)
        self.calls = 0
        self.last_stats: GenerationStats | None = None

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    def stream(self, prompt: RenderedPrompt, settings: SamplingSettings,
               cancel: threading.Event | None = None) -> Iterator[str]:
        text = self.passages[min(self.calls, len(self.passages) - 1)]
        self.calls += 1
        self.last_stats = GenerationStats(generated_tokens=len(text.split()), stop_reason="stop")
        yield " " + text


@pytest.fixture
def one_beat(tmp_path: Path) -> tuple[Project, int]:
    project = Project.open(tmp_path / "light.draftsmith", lambda text: len(text.split()), create=True)
    save_entry(project.store, BibleEntry("Ada Fenn", aliases=["Ada"], pronouns="she/her", source="writer"))
    book = create_book(project.store, "The Skerry Light", "A keeper and a storm.", 60)
    chapter = add_children(project.store, book.id, [PlannedNode("The Storm", "The storm comes.", target_words=30)],
                           level="chapter")[0]
    beat = add_children(project.store, chapter.id, [PlannedNode("Beat 1", "Ada climbs the stairs and trims the lamp.",
                                                                target_words=30)], level="beat")[0]
    yield project, beat.id
    project.close()


@pytest.mark.parametrize(("written", "calls", "off_topic", "flipped", "kept"), [
    ([WANDERING, ON_TOPIC], 2, 1, 0, ON_TOPIC),  # the retry names Ada: it is kept
    ([WANDERING, WANDERING_AGAIN], 2, 1, 0, WANDERING),  # the retry wanders too: the first is kept
    ([ON_TOPIC, WANDERING], 1, 0, 0, ON_TOPIC),  # on topic the first time: no retry
    ([FLIPPED, ON_TOPIC], 2, 0, 1, ON_TOPIC),  # Ada called "he": written again
    ([FLIPPED, FLIPPED_AGAIN], 2, 0, 1, FLIPPED),  # no better the second time: the first is kept
    ([WANDERING, FLIPPED], 2, 1, 0, FLIPPED),  # about Ada, if with a slip, beats about nobody
])
def test_a_flawed_passage_is_written_once_more(one_beat, written, calls, off_topic, flipped, kept) -> None:
    project, beat_id = one_beat
    backend = ScriptedFakeBackend(written)
    report = draft(backend, project, settings=SamplingSettings(seed=1))
    assert backend.calls == calls
    assert (report.off_topic_retries, report.pronoun_retries) == (off_topic, flipped)
    assert drafted_passages(project, [beat_id])[beat_id] == kept


def test_no_rewrites_keeps_the_first_passage_however_flawed(one_beat) -> None:
    """The benchmark's plain sliding window drafts with no checks against the bible."""
    project, beat_id = one_beat
    backend = ScriptedFakeBackend([FLIPPED, ON_TOPIC])
    report = draft(backend, project, settings=SamplingSettings(seed=1), rewrites=0)
    assert backend.calls == 1
    assert (report.off_topic_retries, report.pronoun_retries) == (0, 0)
    assert drafted_passages(project, [beat_id])[beat_id] == FLIPPED


def test_a_beat_with_no_usable_prose_stops_the_draft_with_what_it_did(one_beat) -> None:
    """The stop says which beat, saves nothing half-made, and carries the draft's report
    so that a benchmark can still measure the beats before it."""
    project, beat_id = one_beat
    backend = ScriptedFakeBackend([""])
    with pytest.raises(BeatNotWritten, match="no usable prose for Beat 1") as stop:
        draft(backend, project, settings=SamplingSettings(seed=1))
    assert backend.calls == PASSAGE_ATTEMPTS
    assert stop.value.report is not None and stop.value.report.passages == 0
    assert beat_id not in drafted_passages(project, [beat_id])


REVIEW = ("In this chapter, we got to see Ada Fenn climb the stairs of her lighthouse. The main character "
          "is brave and I liked her a lot.")


@pytest.mark.parametrize(("written", "calls", "commentary", "kept"), [
    ([REVIEW, ON_TOPIC], 2, 1, ON_TOPIC),  # a review of the book, not the book: written again
    ([REVIEW, WANDERING], 2, 1, WANDERING),  # prose about nobody in the beat is still better than a review
])
def test_a_passage_about_the_book_instead_of_telling_it_is_written_again(one_beat, written, calls, commentary,
                                                                         kept) -> None:
    project, beat_id = one_beat
    backend = ScriptedFakeBackend(written)
    report = draft(backend, project, settings=SamplingSettings(seed=1))
    assert backend.calls == calls
    assert report.commentary_retries == commentary and report.as_dict()["commentary_retries"] == commentary
    assert drafted_passages(project, [beat_id])[beat_id] == kept
