"""What the prompts' few-shot examples may not give the writer's book: their names and sentences."""

from __future__ import annotations

from engine.backend.banned_phrases import compile_bans
from engine.workflows.example_leaks import example_bans, leaked_from_examples

PASSAGE = "Jim ran down to the jetty, where the boat lay with its oars shipped and no one in it."


def test_the_examples_names_are_banned_unless_the_source_uses_them() -> None:
    bans = compile_bans(example_bans("summarize_passage", PASSAGE), worn_phrases=False)
    assert bans.find("Jim tells Tom about the boat.") is not None
    assert bans.find("Anne waits.") is not None
    assert bans.find("He saw a tom cat.") is None  # a name is banned as written, capitalised
    assert bans.find("Jim finds the boat empty.") is None
    own = compile_bans(example_bans("summarize_passage", PASSAGE + " Tom followed."), worn_phrases=False)
    assert own.find("Jim tells Tom about the boat.") is None


def test_a_copied_example_sentence_is_banned_whatever_its_punctuation() -> None:
    bans = compile_bans(example_bans("summarize_passage", PASSAGE), worn_phrases=False)
    copied = "The captain tells Tom that he burned the map, before they left Bristol."
    assert bans.find(copied.replace("Tom", "Jim")) is not None  # six of the example's words in a row
    assert leaked_from_examples(copied, "summarize_passage", PASSAGE)


def test_a_templates_own_labels_are_not_names() -> None:
    """"No preamble", "Reply with", "Summary:" are the template's words, not a story's people."""
    answer = "No, Jim says. Reply: the boat is gone. Summary of the day: Jim waits."
    assert leaked_from_examples(answer, "summarize_passage", PASSAGE) == []
    assert leaked_from_examples(answer, "summarize_events", PASSAGE) == []
