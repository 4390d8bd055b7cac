"""The continuity report on crafted text with known flips, loops and drift."""

from __future__ import annotations

from memory.context.bible import BibleEntry
from memory.continuity import continuity_report, loops, new_names, pronoun_flips, repeated_ngram_count, single_mentions

FLIPPED = (
    "Mara Quell walked to the harbour at dawn. She counted the crates twice. "
    "Tomas waited by the boat. He did not look up. "
    "Mara Quell opened the ledger. He wrote the numbers down in a hurry. "
    "Tomas laughed at the gulls. He threw them bread."
)
LOOPING = (
    "The wind came off the sea and rattled the shutters of the house. "
    "Mara went inside. The wind came off the sea and rattled the shutters of the house. "
    "She lit the lamp by the window and sat down. "
    "The wind came off the sea and rattled the shutters of the house."
)
CAST = [BibleEntry("Mara Quell", aliases=["Mara"], pronouns="she/her"), BibleEntry("Tomas", pronouns="he/him")]
NAMES = {"Mara Quell": "Mara Quell", "Mara": "Mara Quell", "Tomas": "Tomas"}


def test_pronoun_flips_are_counted_against_the_bible() -> None:
    assert pronoun_flips(FLIPPED, NAMES, {"Mara Quell": "she", "Tomas": "he"}) == {"Mara Quell": 1}
    consistent = FLIPPED.replace("He wrote", "She wrote")
    assert pronoun_flips(consistent, NAMES, {"Mara Quell": "she", "Tomas": "he"}) == {}


def test_loops_and_repeated_phrases_are_found() -> None:
    assert loops(LOOPING) == ["the wind came off the sea and rattled the shutters of the house."]
    assert loops(FLIPPED) == []
    assert repeated_ngram_count(LOOPING) > repeated_ngram_count(FLIPPED)


def test_names_used_once_are_drift_unless_known() -> None:
    text = "Mara met the pilot, and then Ortega waved from the quay. Later Tomas met Mara again, and Tomas left."
    assert single_mentions(text, {"Mara Quell", "Tomas"}) == ["Ortega"]


def test_report_lists_each_kind_per_chapter() -> None:
    report = continuity_report([("Chapter 1", FLIPPED), ("Chapter 2", LOOPING + " Then Ortega arrived, and left.")],
                               CAST)
    kinds = {(issue.chapter, issue.kind) for issue in report}
    assert ("Chapter 1", "pronoun") in kinds
    assert ("Chapter 2", "loop") in kinds
    assert ("Chapter 2", "repetition") in kinds
    assert ("Chapter 2", "drift") in kinds
    assert not any(issue.chapter == "Chapter 1" and issue.kind in ("loop", "drift") for issue in report)
    flip = next(issue for issue in report if issue.kind == "pronoun")
    assert "Mara Quell" in flip.message and "“he” once" in flip.message


def test_a_pronoun_after_another_person_enters_the_sentence_is_not_a_flip() -> None:
    expected = {"Mara Quell": "she", "Tomas": "he"}
    other_man = ("Mara Quell saw a man on the rocks, and he waved his cap at her. He shouted something. "
                 "Mara climbed down to the boat.")
    assert pronoun_flips(other_man, NAMES, expected) == {}
    # The same sentence without the other man is still a flip.
    assert pronoun_flips("Mara Quell stood on the rocks, and he waved.", NAMES, expected) == {"Mara Quell": 1}
    assert pronoun_flips("Mara Quell stood on the rocks. He waved his cap.", NAMES, expected) == {"Mara Quell": 1}


def test_a_pronoun_beside_another_person_of_that_sex_is_not_a_flip() -> None:
    expected = {"Mara Quell": "she", "Tomas": "he"}
    assert pronoun_flips("The man beside Mara Quell was tall; he smiled.", NAMES, expected) == {}
    assert pronoun_flips('"We are here," said the old man to Mara. He sat down.', NAMES, expected) == {}
    assert pronoun_flips("Mara Quell came into his room. He looked up at her.", NAMES, expected) == {}
    assert pronoun_flips("Mara Quell took her coat. He went out.", NAMES, expected) == {"Mara Quell": 1}


def test_a_short_line_said_over_and_over_is_a_loop() -> None:
    text = '"I wish you were here." Ada looked away. "I wish you were here." Tom left. "I wish you were here."'
    assert loops(text) == ['"i wish you were here."']
    assert loops('"I wish you were here." Ada looked away. "I wish you were here."') == []  # twice is a refrain


def test_new_names_are_those_sharing_no_word_with_a_known_name() -> None:
    passage = "Mara rowed past the Quell jetty, where Ortega's brother and a man from Valparaiso sat."
    assert new_names(passage, {"Mara Quell", "Tomas"}) == ["Ortega", "Valparaiso"]
    assert new_names(passage, {"Mara Quell", "Ortega", "Valparaiso"}) == []


def test_the_pronoun_of_a_speech_tag_is_the_speakers_in_every_reading() -> None:
    """'"Ada," said he' calls a man "he", not Ada: the drafting check reads speech tags as the bible
    does (``without_speech_tags``), so it does not rewrite a correct passage."""
    from memory.text.text_analysis import without_speech_tags

    names, expected = {"Ada": "Ada Fenn", "Ada Fenn": "Ada Fenn"}, {"Ada Fenn": "she"}
    assert pronoun_flips('"Ada," said he, "the lamp is out." Tom looked at the sea.', names, expected) == {}
    assert pronoun_flips("Ada climbed the stairs, and then he trimmed the lamp.", names, expected) == {"Ada Fenn": 1}
    assert without_speech_tags('"Lizzy," cried she, "come here."') == '"Lizzy," , "come here."'
