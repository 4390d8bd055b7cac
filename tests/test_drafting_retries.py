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

from engine.backend.protocol import BackendCapabilities, GenerationStats, ModelIdentity, PromptStyle, SamplingSettings
from engine.workflows.drafting import PASSAGE_ATTEMPTS, STRAY_NAMES, BeatNotWritten, draft
from memory.context.bible import BibleEntry, save_entry
from memory.continuity import names_used, new_names
from memory.drafts import chapter_document, drafted_passages
from memory.editing import save_document_text
from memory.project import Project
from memory.storage.outline_store import PlannedNode, add_children, create_book, load_outline
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
    """A fake backend that writes the given passages in turn, one per call; like a model, it
    continues its prompt, so a passage the prompt already starts is written from there on."""

    description = "scripted fake model (tests)"
    context_length = 4096
    prompt_style = PromptStyle.COMPLETION

    def __init__(self, passages: list[str], style: PromptStyle = PromptStyle.COMPLETION) -> None:
        self.passages = list(passages)
        self.prompt_style = style
        self.calls = 0
        self.prompts: list[str] = []
        self.last_stats: GenerationStats | None = None

    model_identity = ModelIdentity("scripted fake model (tests)")
    capabilities = BackendCapabilities()

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    def stream(self, prompt: RenderedPrompt, settings: SamplingSettings,
               cancel: threading.Event | None = None) -> Iterator[str]:
        text = self.passages[min(self.calls, len(self.passages) - 1)]
        self.calls += 1
        self.prompts.append(prompt.text)
        self.last_stats = GenerationStats(generated_tokens=len(text.split()), stop_reason="stop")
        last_line = prompt.text.rsplit("\n", 1)[-1]
        yield text[len(last_line):] if last_line and text.startswith(last_line) else " " + text


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
    """Which passage is kept (an instruct model's, whose rewrites are wholly its own)."""
    project, beat_id = one_beat
    backend = ScriptedFakeBackend(written, PromptStyle.CHAT)
    report = draft(backend, project, settings=SamplingSettings(seed=1))
    assert backend.calls == calls
    assert (report.off_topic_retries, report.pronoun_retries) == (off_topic, flipped)
    assert drafted_passages(project, [beat_id])[beat_id] == kept


def test_no_rewrites_keeps_the_first_passage_however_flawed(one_beat) -> None:
    """The benchmark's plain sliding window drafts with no checks against the bible."""
    project, beat_id = one_beat
    backend = ScriptedFakeBackend([FLIPPED, ON_TOPIC])
    project.bible_rewrites = 0
    report = draft(backend, project, settings=SamplingSettings(seed=1))
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

STRAYED = ("Ada Fenn kept the light, which was listed by the Irish Maritime and Coastguard Agency in 1983 "
           "under the National Heritage Act, and she had come to it from Dublin by way of Scotland.")


@pytest.mark.parametrize(("written", "reason", "kept"), [
    ([REVIEW, ON_TOPIC], "commentary_retries", ON_TOPIC),  # a review of the book, not the book: written again
    ([REVIEW, WANDERING], "commentary_retries", WANDERING),  # prose about nobody in the beat beats a review
    ([STRAYED, ON_TOPIC], "stray_retries", ON_TOPIC),  # an encyclopedia entry with Ada in it: written again
    ([STRAYED, STRAYED], "stray_retries", STRAYED),  # strays both times: the first is kept, nothing is lost
    ([WANDERING, STRAYED], "off_topic_retries", STRAYED),  # about Ada, if straying, beats about nobody
])
def test_a_passage_about_a_book_or_straying_from_it_is_written_again(one_beat, written, reason, kept) -> None:
    """Each rewrite is counted once, under its worst reason."""
    project, beat_id = one_beat
    backend = ScriptedFakeBackend(written, PromptStyle.CHAT)
    report = draft(backend, project, settings=SamplingSettings(seed=1))
    assert backend.calls == 2
    assert {key: n for key, n in report.as_dict().items() if key.endswith("_retries") and n} == {reason: 1}
    assert drafted_passages(project, [beat_id])[beat_id] == kept

def test_names_the_book_already_has_are_no_strays(one_beat) -> None:
    """The same names, once the writer's text holds them, are the book's own: no rewrite."""
    project, beat_id = one_beat
    outline = load_outline(project.store)
    document = chapter_document(project, outline.nodes[outline.nodes[beat_id].parent_id])
    save_document_text(project, document.id, "In her youth Ada Fenn wrote to the Irish Maritime and Coastguard "
                       "Agency from Dublin, and to the keepers of the National Heritage Act in Scotland.")
    backend = ScriptedFakeBackend([STRAYED, ON_TOPIC])
    report = draft(backend, project, settings=SamplingSettings(seed=1))
    assert backend.calls == 1 and report.stray_retries == 0
    assert drafted_passages(project, [beat_id])[beat_id] == STRAYED

@pytest.mark.parametrize(("novel", "most"), [("pride_and_prejudice", 0.02), ("treasure_island", 0.06)])
def test_novels_seldom_bring_in_as_many_new_names_as_a_stray_passage(corpus, novel, most) -> None:
    """The stray rule's threshold, checked on real novels: past their first tenth, few 250-word
    stretches bring in STRAY_NAMES names the book has not used before."""
    words = (corpus / f"{novel}.txt").read_text(encoding="utf-8").split()
    seen: set[str] = set()
    stretches = strays = 0
    for start in range(0, len(words), 250):
        passage = " ".join(words[start:start + 250])
        if start >= len(words) // 10:
            stretches += 1
            strays += len(new_names(passage, seen)) >= STRAY_NAMES
        seen |= names_used(passage)
    assert 0 < strays / stretches <= most

RETURNED = "Ada climbed to the lamp room at last and trimmed the wick while the storm came in."

def test_a_base_models_rewrite_starts_with_the_name_of_the_beats_character(one_beat) -> None:
    """A base model that wandered off is given the name the beat calls its character to go on
    from; an instruct model's rewrite is its own."""
    project, beat_id = one_beat
    backend = ScriptedFakeBackend([WANDERING, RETURNED])
    report = draft(backend, project, settings=SamplingSettings(seed=1))
    assert not backend.prompts[0].endswith("Ada") and backend.prompts[1].endswith("\n\nAda")
    assert report.off_topic_retries == 1
    assert drafted_passages(project, [beat_id])[beat_id] == RETURNED

def test_an_instruct_models_rewrite_is_not_given_a_name(one_beat) -> None:
    project, beat_id = one_beat
    backend = ScriptedFakeBackend([WANDERING, RETURNED], PromptStyle.CHAT)
    draft(backend, project, settings=SamplingSettings(seed=1))
    assert not backend.prompts[1].endswith("Ada")
    assert drafted_passages(project, [beat_id])[beat_id] == RETURNED


@pytest.mark.parametrize(("written", "kept_try"), [
    ([WANDERING, ON_TOPIC], 1),  # the rewrite is kept
    ([WANDERING, WANDERING_AGAIN], 0),  # no better the second time: the first try is kept
])
def test_a_drafted_passage_records_the_try_that_wrote_it(one_beat, written, kept_try) -> None:
    """The record names the kept try's seed and prompt, not those of the last try sent."""
    import hashlib

    from memory.storage.provenance import AS_WRITTEN, origins

    project, beat_id = one_beat
    backend = ScriptedFakeBackend(written, PromptStyle.CHAT)
    draft(backend, project, settings=SamplingSettings(seed=4, temperature=0.6))
    kept = drafted_passages(project, [beat_id])[beat_id]
    assert kept == written[kept_try]
    document_id = project.store.chapters()[0].id
    [origin] = origins(project.store, document_id)
    assert origin.kind == "draft" and origin.text == kept and origin.status == AS_WRITTEN
    assert origin.record["model"] == "scripted fake model (tests)"
    assert origin.record["sampler"]["temperature"] == 0.6
    assert origin.record["seed"] == 4 + 1000 * kept_try  # each try after the first has its own seed
    assert origin.record["prompts_sent"] == 2  # the passage and its rewrite
    assert origin.record["prompt"]["sha256"] == hashlib.sha256(backend.prompts[kept_try].encode()).hexdigest()
    sections = origin.record["prompt"]["sections"]
    assert sections and all(section["tokens"] > 0 for section in sections)


def test_the_last_beat_kept_marks_its_chapter_drafted_with_a_summary(one_beat) -> None:
    project, beat_id = one_beat
    draft(ScriptedFakeBackend([ON_TOPIC]), project, settings=SamplingSettings(seed=1))
    outline = load_outline(project.store)
    chapter = outline.chapter_of(beat_id)
    assert outline.nodes[beat_id].status == "drafted"
    assert chapter.status == "drafted" and "Ada" in chapter.drafted_summary
