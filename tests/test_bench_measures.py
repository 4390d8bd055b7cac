"""The drafting benchmark's beat coverage reads a beat's key nouns: names and noun phrases,
not the verbs between them, in either singular or plural."""

from __future__ import annotations

from pathlib import Path

from bench.drafting import keep_draft, key_nouns, known_words, measure, remeasure


def test_key_nouns_are_the_names_and_noun_phrases_of_a_beat() -> None:
    keys = key_nouns("From the gallery Ada sees a ship's lights vanish on the rocks.")
    assert keys == {"ada", "gallery", "ship", "light", "rock"}


def test_key_nouns_leave_out_sentence_openings_and_verbs() -> None:
    keys = key_nouns("At dawn Silas Brand's boat crosses to the skerry with the tide.")
    assert keys == {"silas", "brand", "boat", "skerry", "tide"}


def test_names_the_outline_gives_are_no_drift() -> None:
    """The book's title names the Skerry; a draft that says "Skerry" once has not drifted."""
    known = known_words()
    assert {"Skerry", "Ada", "Okafor", "Wreck"} <= known
    assert "Mister" in known and "Barnaby" not in known


def test_a_kept_draft_measures_again_as_it_measured(tmp_path: Path) -> None:
    chapters = [("The Wreck", "Ada Fenn climbed the stairs. She trimmed the lamp. Then Barnaby waved."),
                ("The Harbourmaster", "Silas Brand rowed over. He asked about the wreck, and Ada lied to him.")]
    beats = [("Ada Fenn climbs the lighthouse stairs as the storm rises and trims the lamp.", chapters[0][1]),
             ("Silas asks Ada whether anyone came ashore from the wreck, and she lies.", chapters[1][1])]
    figures = {"tokens_per_second": 40.0, "off_topic_retries": 1, "pronoun_retries": 0,
               "commentary_retries": 0, "stray_retries": 2, "stopped": 0, "seconds": 12.0}
    keep_draft(tmp_path / "memory-seed7", chapters, beats, figures)
    again = remeasure(tmp_path / "memory-seed7")
    assert again == {**measure("\n\n".join(text for _, text in chapters), beats), **figures}
    assert again["name_drift"] > 0 and again["beat_coverage"] == 1.0
