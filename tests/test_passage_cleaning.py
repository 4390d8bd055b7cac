"""Cleaning what a small model wrote before it enters the manuscript."""

from __future__ import annotations

import pytest

from engine.workflows.passage_cleaning import clean_passage, is_commentary, scaffolding_in, trim_to_sentence
from prompts.labels import ALL_LABELS

NOTE = "[The Light. Chapter 1, Landfall: Now: Ada Fenn drags Tom Reyes from the surf.]"


def test_echoed_notes_and_bracketed_notes_are_dropped() -> None:
    raw = (": Ada Fenn drags Tom Reyes from the surf. Now: the lamp room.\n\n"
           "The sea was black and loud. [Outline: more]\nAda pulled at the rope.\n\n\n\nShe did not stop.")
    assert clean_passage(raw, NOTE) == "The sea was black and loud. Ada pulled at the rope.\n\nShe did not stop."


def test_sentences_already_written_are_dropped_and_new_ones_kept() -> None:
    earlier = "The wind came off the sea and rattled the shutters of the house."
    raw = ("Ada lit the lamp by the window and waited. The wind came off the sea and rattled the shutters "
           "of the house. Tom slept.\n\nThe wind came off the sea and rattled the shutters of the house.\n\n"
           "A new paragraph that moves the story on.")
    assert clean_passage(raw, NOTE, earlier) == (
        "Ada lit the lamp by the window and waited. Tom slept.\n\nA new paragraph that moves the story on.")
    within = "Tom counted the waves one by one again. Ada said nothing at all. Tom counted the waves one by one again."
    assert clean_passage(within) == "Tom counted the waves one by one again. Ada said nothing at all."


def test_trim_to_sentence_never_ends_mid_sentence() -> None:
    assert trim_to_sentence("She ran. He followed her down to the") == "She ran."
    assert trim_to_sentence("“Stop!” she cried. And then") == "“Stop!” she cried."
    assert trim_to_sentence("no full stop at all") == "no full stop at all"


def test_near_repeats_with_small_variations_are_dropped() -> None:
    earlier = "She looked up at him again and smiled even more this time."
    raw = ("She looked up at him again and smiled even more this evening. Tom put the kettle on the stove. "
           "She looked up at him again and smiled even more.")
    assert clean_passage(raw, NOTE, earlier) == "Tom put the kettle on the stove."


def test_a_short_line_may_recur_once_but_not_over_and_over() -> None:
    chapter = '"I wish you were here." Ada turned away from the window.'
    raw = ('"I wish you were here." Tom said nothing. "I wish you were here." "Yes." "Yes." "Yes."\n\n'
           '"I wish you were here."')
    cleaned = clean_passage(raw, NOTE, earlier=chapter, chapter=chapter)
    assert cleaned == '"I wish you were here." Tom said nothing. "Yes." "Yes." "Yes."'  # one-word lines are free
    # What the model was only shown (the prompt) is not counted: there the line may still come twice.
    thrice = '"I wish you were here." "I wish you were here." "I wish you were here."'
    assert clean_passage(thrice, NOTE, earlier=chapter) == '"I wish you were here." "I wish you were here."'



def test_pronoun_tags_copied_from_the_cast_line_are_dropped() -> None:
    raw = "Tom Reyes (he/him) had been at sea for years. Ada (she/her) knew it; they (they/them) all did."
    assert clean_passage(raw, NOTE) == "Tom Reyes had been at sea for years. Ada knew it; they all did."
    assert clean_passage("He (the keeper) came down.", NOTE) == "He (the keeper) came down."


def test_a_review_or_blurb_is_commentary_and_the_novels_prose_is_not() -> None:
    assert is_commentary("The Wreck is a novel about an old family of men in the harbour.")
    assert is_commentary("In this chapter, we got to see the dream of their wedding. It was fun!")
    assert is_commentary("The main character is Tom Reyes. He has a dream about the sea.")
    assert not is_commentary("Ada closed the book and looked out at the storm. The story she had told "
                             "Tom was not the whole of it, and the lamp needed trimming.")


def test_no_stretch_of_the_shared_novels_reads_as_commentary(corpus) -> None:
    """Rewriting legitimate prose as commentary would cost the writer good passages."""
    flagged = total = 0
    for novel in ("pride_and_prejudice", "treasure_island"):
        words = (corpus / f"{novel}.txt").read_text(encoding="utf-8").split()
        stretches = [" ".join(words[i : i + 250]) for i in range(0, len(words), 250)]
        flagged += sum(is_commentary(stretch) for stretch in stretches)
        total += len(stretches)
    assert total > 700 and flagged / total < 0.01


@pytest.mark.parametrize(("written", "kept"), [
    ("I looked like an angel (Marisa Al-Sabiq; the harbor). She laughed.", "I looked like an angel. She laughed."),
    ("She waited (Marisa, the harbor) by the door.", "She waited by the door."),
    ("She laughed (she never forgot it) and went in.", "She laughed (she never forgot it) and went in."),
])
def test_the_beat_notes_who_and_where_never_reach_the_text(written: str, kept: str) -> None:
    note = "[The Harbor. Chapter 1, Arrival: Now: Marisa meets the keeper. (Marisa Al-Sabiq; the harbor)]"
    assert clean_passage(written, note) == kept


@pytest.mark.parametrize(("written", "kept"), [
    ("Chapter 1, Arrival: Marisa came in at dusk.\n\nThe keeper looked up.", "The keeper looked up."),
    ("Characters: Marisa, the keeper\n\nThe keeper looked up.", "The keeper looked up."),
    ("The keeper looked up, Scene: the lamp room.", "The keeper looked up, the lamp room."),
    ("[Marisa (she/her)] The keeper (he/him) looked up.", "The keeper looked up."),
])
def test_labels_and_tags_from_the_prompt_never_reach_the_text(written: str, kept: str) -> None:
    note = "[The Harbor. Chapter 1, Arrival: Now: Marisa meets the keeper. (Marisa Al-Sabiq; the harbor)]"
    assert scaffolding_in(written, note)
    cleaned = clean_passage(written, note)
    assert cleaned == kept and scaffolding_in(cleaned, note) == []


def test_the_novels_prose_is_almost_never_taken_for_scaffolding(corpus) -> None:
    """The check the drafting bench counts must not fire on real prose: a writer's own asides and
    semicolons stay. Brackets in a few novels (an editor's "[Illustration]", a letter's heading) are
    all it finds."""
    flagged = total = 0
    for text_file in sorted(corpus.glob("*.txt")):
        paragraphs = [" ".join(p.split()) for p in text_file.read_text(encoding="utf-8").split("\n\n") if p.strip()]
        flagged += sum(bool(scaffolding_in(paragraph)) for paragraph in paragraphs)
        total += len(paragraphs)
    assert total > 20000 and flagged / total < 0.002


@pytest.mark.parametrize("label", ALL_LABELS)
def test_every_label_the_prompt_writes_is_taken_out_of_the_book(label: str) -> None:
    """A label the assembler, the outline note or a template writes, copied by the model into
    the prose, never reaches the text; the prose after it does."""
    passage = f"The wind rose over the skerry.\n\n{label}: Ada Fenn, Tom Reyes\n\nThe lamp guttered and went out."
    cleaned = clean_passage(passage)
    assert f"{label}:" not in cleaned
    assert "The wind rose over the skerry." in cleaned and "The lamp guttered and went out." in cleaned
