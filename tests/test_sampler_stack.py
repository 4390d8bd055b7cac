"""The sampler stack on the real default model: each setting reaches llama.cpp, the
penalties see the book's text, and a banned phrase is taken back through the KV cache.

Outputs are compared with each other in one run on one machine, never with fixed words.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest

from engine.backend.banned_phrases import BannedPhraseError, compile_bans, unsettled_tail
from engine.backend.http_backend import HttpBackend
from engine.backend.json_grammar import STRICT_CHAR_RULE, json_schema_grammar
from engine.backend.llama_backend import LlamaBackend
from engine.backend.protocol import SamplingSettings, unapplied
from prompts import RenderedPrompt

LOOP = "one two three four five six seven eight, " * 6 + "one two three"
PROSE = ("The lighthouse keeper climbed the narrow stair each evening with the lamp oil, and each evening "
         "she stopped at the window on the landing to look at the grey water below. The boats came in "
         "late that autumn, and the men who rowed them said little.")
GREEDY = SamplingSettings(max_tokens=24, min_p=1.0, top_p=1.0, repeat_penalty=1.0, dry_multiplier=0.0, seed=7)
"""Only the likeliest token survives min-p 1.0: the run is greedy, yet every sampler in the chain applies."""


def run(backend: LlamaBackend, text: str, settings: SamplingSettings) -> str:
    return "".join(backend.stream(RenderedPrompt(text, ()), settings))


def copied_grams(output: str, source: str, n: int = 4) -> int:
    """The output's word n-grams that the source already holds."""
    words = re.findall(r"[a-z]+", output.lower())
    held = {tuple(g) for g in zip(*(re.findall(r"[a-z]+", source.lower())[i:] for i in range(n)))}
    return sum(1 for gram in zip(*(words[i:] for i in range(n))) if gram in held)


def test_dry_breaks_a_loop_the_greedy_model_follows(llama_backend: LlamaBackend) -> None:
    plain = run(llama_backend, LOOP, GREEDY)
    dry = run(llama_backend, LOOP, replace(GREEDY, dry_multiplier=4.0, dry_allowed_length=2))
    assert copied_grams(plain, LOOP) > 0
    assert copied_grams(dry, LOOP) < copied_grams(plain, LOOP)


def test_the_repetition_penalty_sees_the_book_not_only_this_call(llama_backend: LlamaBackend) -> None:
    """With the prompt in the penalty's window, the loop's words are penalised from the first token."""
    strong = replace(GREEDY, max_tokens=12, repeat_penalty=3.0, penalty_last_n=256)
    call_only = run(llama_backend, LOOP, replace(strong, penalize_prompt=False))
    with_book = run(llama_backend, LOOP, strong)
    assert copied_grams(with_book, LOOP) < copied_grams(call_only, LOOP)


def test_top_n_sigma_top_k_and_min_p_narrow_to_the_top_token(llama_backend: LlamaBackend) -> None:
    """A hot, wide sampler writes something else than greedy; top-n-sigma at a sliver of a
    standard deviation, or top-k 1, keeps only the top token, so it writes what greedy writes."""
    greedy = run(llama_backend, PROSE, GREEDY)
    wild = replace(GREEDY, min_p=0.0, temperature=3.0, seed=11)
    assert run(llama_backend, PROSE, wild) != greedy
    assert run(llama_backend, PROSE, replace(wild, top_n_sigma=0.001)) == greedy
    assert run(llama_backend, PROSE, replace(wild, top_k=1)) == greedy  # top-k keeps only the top token too


def test_xtc_passes_over_the_likeliest_tokens(llama_backend: LlamaBackend) -> None:
    wide = replace(GREEDY, min_p=0.0, temperature=1.0, seed=5)
    baseline = run(llama_backend, PROSE, wide)
    assert run(llama_backend, PROSE, replace(wide, xtc_probability=1.0, xtc_threshold=0.001)) != baseline


def test_a_banned_phrase_is_taken_back_through_the_cache(llama_backend: LlamaBackend) -> None:
    """The greedy continuation's own words are banned: the next run never writes them, goes back
    once or more, and reads no prompt token again (one token per rewind)."""
    free = run(llama_backend, PROSE, GREEDY)
    words = re.findall(r"[A-Za-z]+", free)
    phrase = " ".join(words[2:4])
    banned = replace(GREEDY, banned_phrases=(phrase, "re:\\bthe\\b"))
    text = run(llama_backend, PROSE, banned)
    stats = llama_backend.last_stats
    assert not re.search(r"(?<!\w)" + r"\s+".join(map(re.escape, phrase.split())) + r"(?!\w)", text, re.IGNORECASE)
    assert not re.search(r"\bthe\b", text)
    assert stats.rewinds >= 1
    assert stats.evaluated_tokens == stats.prompt_tokens - stats.reused_tokens + stats.rewinds
    assert stats.generated_tokens > 0


SCENE_SCHEMA = json.dumps({"type": "object", "required": ["who", "where"], "properties": {
    "who": {"type": "string", "minLength": 3, "maxLength": 60},
    "where": {"type": "string", "minLength": 3, "maxLength": 60}}})
SCENE_PROMPT = ('Scene: The miller walked to the river at dawn.\nJSON: {"who": "the miller", "where": "the river"}'
                "\n\nScene: " + PROSE + "\nJSON: ")


def test_banned_words_are_taken_back_inside_json_and_the_json_still_holds(llama_backend: LlamaBackend) -> None:
    """Structured output takes the same sampler: what the greedy answer wrote is banned, and the
    next answer writes other words, keeps to the schema, and rewinds through the cache."""
    structured = replace(GREEDY, max_tokens=80, json_schema=SCENE_SCHEMA)
    free = json.loads(run(llama_backend, SCENE_PROMPT, structured))
    words = sorted({word.lower() for word in re.findall(r"[A-Za-z]{3,}", " ".join(free.values()))})
    assert words
    answer = json.loads(run(llama_backend, SCENE_PROMPT, replace(structured, banned_phrases=tuple(words))))
    stats = llama_backend.last_stats
    assert set(answer) == {"who", "where"} and all(3 <= len(value) <= 60 for value in answer.values())
    assert not {word.lower() for word in re.findall(r"[A-Za-z]+", " ".join(answer.values()))} & set(words)
    assert stats.rewinds >= 1
    assert stats.evaluated_tokens == stats.prompt_tokens - stats.reused_tokens + stats.rewinds


def test_json_strings_hold_no_raw_control_characters() -> None:
    """llama-cpp-python's converter lets a raw line break into a string, which JSON cannot read."""
    grammar = json_schema_grammar(SCENE_SCHEMA)
    char_rules = [line for line in grammar.splitlines() if line.startswith("char ::=")]
    assert char_rules == [STRICT_CHAR_RULE]
    assert "\\x00-\\x1F" in STRICT_CHAR_RULE


def test_a_continuation_of_a_book_is_never_ended_at_once(llama_backend: LlamaBackend) -> None:
    """Every end token is barred until ``min_tokens`` are written."""
    settings = replace(GREEDY, max_tokens=40, min_tokens=40, banned_phrases=())
    run(llama_backend, PROSE + "\n\nTHE END", settings)
    assert llama_backend.last_stats.generated_tokens == 40


def test_phrases_not_yet_complete_are_held_back() -> None:
    ban = compile_bans(("a testament to",), worn_phrases=False)
    assert ban.unsettled("it was a tes") == len("a tes")
    assert ban.unsettled("it was fine") == 0
    assert unsettled_tail("shivers  dow", ("shivers down",)) == len("shivers  dow")
    assert ban.find("It was A  Testament to him.") is not None
    assert ban.find("a testaments") is None
    assert compile_bans((), worn_phrases=True).find("Her voice was barely above a whisper.") is not None


def test_a_broken_pattern_is_one_sentence() -> None:
    with pytest.raises(BannedPhraseError, match="not a regular expression"):
        compile_bans(("re:(unclosed",), worn_phrases=False)


def test_a_server_gets_the_stack_and_the_writer_hears_what_it_cannot_take() -> None:
    server = HttpBackend.__new__(HttpBackend)
    server.model = "any"
    settings = SamplingSettings(dry_multiplier=0.8, xtc_probability=0.5, top_n_sigma=1.5, top_k=40,
                                banned_phrases=("palpable",))
    payload = server._sampling_payload(settings)
    assert (payload["dry_multiplier"], payload["xtc_probability"], payload["top_n_sigma"]) == (0.8, 0.5, 1.5)
    assert payload["top_k"] == 40 and server._sampling_payload(SamplingSettings())["top_k"] == 0  # 0: off, not 40
    assert payload["repeat_last_n"] == settings.penalty_last_n
    assert unapplied(server.capabilities, settings) == ["banned_phrases"]
    assert unapplied(server.capabilities, SamplingSettings()) == []
