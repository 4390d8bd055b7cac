"""One reading of prose for memory, the bible, the continuity report and the passage cleaner."""

from __future__ import annotations

from memory.text.extractive import summarize_text
from memory.text.text_analysis import (
    name_mentions,
    names_in,
    pronoun_counts,
    sentence_starts,
    sentences,
    split_sentences,
)


def test_a_title_or_an_initial_does_not_end_a_sentence() -> None:
    assert sentences("Mr. Darcy walked in, and he bowed to Mrs. Bennet. She smiled at him warmly.") == [
        "Mr. Darcy walked in, and he bowed to Mrs. Bennet.", "She smiled at him warmly."]
    assert split_sentences("A letter from F. C. Weston Churchill came. Dr. Perry read it.") == [
        "A letter from F. C. Weston Churchill came.", "Dr. Perry read it."]


def test_speech_marks_end_a_sentence_only_before_a_new_one() -> None:
    text = "\u201cOh!\u201d cried she. \u201cLizzy, come here.\u201d He went. It cost 3.50 in all."
    assert split_sentences(text) == [
        "\u201cOh!\u201d cried she.", "\u201cLizzy, come here.\u201d", "He went.", "It cost 3.50 in all."]


def test_a_paragraph_break_ends_a_sentence_and_starts_are_found() -> None:
    text = "He left without a word\n\nShe stayed. Then Mr. Hale came."
    assert split_sentences(text) == ["He left without a word", "She stayed.", "Then Mr. Hale came."]
    assert sentence_starts("She stayed. Then Mr. Hale came.") == [12]


def test_names_keep_their_titles_and_their_particles() -> None:
    text = ("Then Mr. Darcy bowed to Lady Catherine de Bourgh, to St. John Rivers and to Dr. van Helsing. "
            "Flint's men sang, and Harker's Journal lay open.")
    assert [m.form for m in name_mentions(text)] == [
        "Mr. Darcy", "Lady Catherine de Bourgh", "St. John Rivers", "Dr. van Helsing", "Flint", "Harker", "Journal"]
    darcy = next(name_mentions(text))
    assert (darcy.title, darcy.name, darcy.opens_sentence) == ("Mr", "Darcy", False)


def test_openers_exclamations_and_contractions_are_nobody() -> None:
    text = "Oh, Heaven knows! Yes, I'll go on Monday with Jo March. Don't tell Aunt March, said Tom."
    assert [m.form for m in name_mentions(text)] == ["Jo March", "Aunt March", "Tom"]
    assert names_in("Then Mr. Darcy bowed to Elizabeth.") == ["Mr. Darcy", "Elizabeth"]


def test_a_titled_name_scores_in_the_extractive_summary() -> None:
    """The sentence naming two people beats the one naming one, titles or not."""
    text = "Elizabeth walked out into the garden that morning alone. Mr. Darcy found Elizabeth there and bowed to her."
    assert summarize_text(text).startswith("Mr. Darcy found Elizabeth")


def test_pronouns_are_read_from_one_table() -> None:
    counts = pronoun_counts("He gave her his hand; she took it herself, and him she thanked.")
    assert counts == {"he/him": 3, "she/her": 4}
