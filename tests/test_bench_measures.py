"""The drafting benchmark's beat coverage reads a beat's key nouns: names and noun phrases,
not the verbs between them, in either singular or plural."""

from __future__ import annotations

from bench.drafting import key_nouns


def test_key_nouns_are_the_names_and_noun_phrases_of_a_beat() -> None:
    keys = key_nouns("From the gallery Ada sees a ship's lights vanish on the rocks.")
    assert keys == {"ada", "gallery", "ship", "light", "rock"}


def test_key_nouns_leave_out_sentence_openings_and_verbs() -> None:
    keys = key_nouns("At dawn Silas Brand's boat crosses to the skerry with the tide.")
    assert keys == {"silas", "brand", "boat", "skerry", "tide"}
