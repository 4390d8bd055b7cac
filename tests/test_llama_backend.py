"""The in-process backend on the real default model: count, generate, cancel, score."""

from __future__ import annotations

import threading

import pytest

from engine.backend.llama_backend import LlamaBackend
from engine.backend.llama_internals import clear_cache
from engine.backend.protocol import Backend, PromptStyle, SamplingSettings
from engine.errors import PromptTooLongError
from prompts import render

pytestmark = pytest.mark.model

OPENING = (
    "The rain had not stopped for three days. Martha stood at the kitchen window, "
    "watching the river rise over the lower field, and thought about her brother."
)


def prompt(text: str = OPENING):
    return render("continue", {"passage": text})


def test_it_is_a_backend_in_completion_style(llama_backend: LlamaBackend) -> None:
    assert isinstance(llama_backend, Backend)
    assert llama_backend.prompt_style is PromptStyle.COMPLETION  # Gemma 3 270M is a base model
    assert llama_backend.context_length == 2048


def test_count_tokens(llama_backend: LlamaBackend) -> None:
    assert llama_backend.count_tokens("") == 0
    one = llama_backend.count_tokens("Martha stood at the window.")
    two = llama_backend.count_tokens("Martha stood at the window. Martha stood at the window.")
    assert 3 <= one < 15
    assert one < two <= 2 * one + 1
    assert llama_backend.count_tokens("word " * 400) >= 400


def test_generate_streams_text_and_reports_stats(llama_backend: LlamaBackend) -> None:
    settings = SamplingSettings(max_tokens=24, seed=7, temperature=0.7)
    pieces = list(llama_backend.stream(prompt(), settings))
    stats = llama_backend.last_stats
    assert stats is not None
    assert 1 <= stats.generated_tokens <= 24  # an end-of-text token is never the first (min_tokens)
    assert "".join(pieces)
    assert stats.prompt_tokens == llama_backend.count_tokens(OPENING) + 1  # plus BOS
    assert stats.tokens_per_second > 0
    assert stats.stop_reason in {"stop", "length"}


def test_same_seed_same_text(llama_backend: LlamaBackend) -> None:
    settings = SamplingSettings(max_tokens=20, seed=42)
    first = "".join(llama_backend.stream(prompt(), settings))
    second = "".join(llama_backend.stream(prompt(), settings))
    assert first == second


def test_kv_cache_prefix_is_reused(llama_backend: LlamaBackend) -> None:
    settings = SamplingSettings(max_tokens=4, seed=1)
    list(llama_backend.stream(prompt(), settings))
    list(llama_backend.stream(prompt(OPENING + " She"), settings))
    stats = llama_backend.last_stats
    assert stats.reused_tokens >= llama_backend.count_tokens(OPENING) - 1
    assert stats.evaluated_tokens == stats.prompt_tokens - stats.reused_tokens
    assert stats.evaluated_tokens <= 3


def test_cancel_mid_stream_from_the_consumer(llama_backend: LlamaBackend) -> None:
    cancel = threading.Event()
    received = []
    for piece in llama_backend.stream(prompt(), SamplingSettings(max_tokens=200, seed=3), cancel):
        received.append(piece)
        if len(received) == 5:
            cancel.set()
    stats = llama_backend.last_stats
    assert stats.stop_reason == "cancelled"
    assert len(received) == 5  # nothing arrives after the cancel is seen
    assert stats.generated_tokens <= 7


def test_cancel_from_another_thread_stops_within_a_token(llama_backend: LlamaBackend) -> None:
    cancel = threading.Event()
    counts_when_cancelled = []
    received = []

    def consume() -> None:
        for piece in llama_backend.stream(prompt(), SamplingSettings(max_tokens=400, seed=5), cancel):
            received.append(piece)
            if len(received) == 10:
                counts_when_cancelled.append(len(received))
                threading.Thread(target=cancel.set).start()

    worker = threading.Thread(target=consume)
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive()
    assert llama_backend.last_stats.stop_reason == "cancelled"
    assert len(received) <= counts_when_cancelled[0] + 2


def test_prompt_longer_than_context_is_refused(llama_backend: LlamaBackend) -> None:
    with pytest.raises(PromptTooLongError):
        list(llama_backend.stream(prompt("word " * 3000), SamplingSettings(max_tokens=8)))


def test_score_gives_one_logprob_per_token(llama_backend: LlamaBackend) -> None:
    continuation = " She had not heard from him since the spring."
    scores = llama_backend.score(OPENING, continuation)
    assert len(scores.logprobs) == llama_backend.count_tokens(continuation)
    assert all(value <= 0 for value in scores.logprobs)
    assert "".join(scores.tokens) == continuation


def test_score_prefers_fluent_text_to_scrambled_text(llama_backend: LlamaBackend) -> None:
    fluent = " She pulled on her boots and went out into the rain to find him."
    words = fluent.split()
    scrambled = " " + " ".join(words[::2] + words[1::2])
    assert llama_backend.score(OPENING, fluent).mean_nll < llama_backend.score(OPENING, scrambled).mean_nll


def test_score_is_stable_under_kv_reuse(llama_backend: LlamaBackend) -> None:
    continuation = " The water was already at the gate."
    first = llama_backend.score(OPENING, continuation)
    list(llama_backend.stream(prompt(), SamplingSettings(max_tokens=8, seed=2)))
    second = llama_backend.score(OPENING, continuation)
    assert second.logprobs == pytest.approx(first.logprobs, abs=1e-3)


def test_generation_after_scoring_matches_a_fresh_generation(llama_backend: LlamaBackend) -> None:
    settings = SamplingSettings(max_tokens=16, seed=11)
    expected = "".join(llama_backend.stream(prompt(), settings))
    llama_backend.score(OPENING, " Then the telephone rang.")
    assert "".join(llama_backend.stream(prompt(), settings)) == expected


def test_markup_tokens_end_prose_and_never_reach_the_writer(llama_backend: LlamaBackend) -> None:
    from engine.backend.markup_tokens import markup_token_texts

    markup = set(markup_token_texts(llama_backend._llm))
    assert {"<start_of_image>", "<end_of_image>", "[multimodal]", "<start_of_turn>", "<h1>"} <= markup
    assert not markup & {"<eos>", "<end_of_turn>", "\n", "\n\n", "<unused0>", "the"}

    # A page of image markers makes the model's next token a marker: the passage ends there.
    page = "The tower.<start_of_image> The sea.<start_of_image> The boat.<start_of_image> The lamp."
    text = "".join(llama_backend.stream(prompt(page), SamplingSettings(max_tokens=40, temperature=0)))
    assert "<start_of_image>" not in text
    assert llama_backend.last_stats.stop_reason == "stop"
    assert llama_backend.last_stats.generated_tokens < 40


def _paragraphs(corpus, count: int) -> list[str]:
    text = (corpus / "treasure_island.txt").read_text(encoding="utf-8")
    middle = text[len(text) // 2:]
    return [p for p in middle.split("\n\n") if len(p.split()) > 20][:count]


def test_a_cold_prompt_reports_how_far_it_has_been_read(llama_backend: LlamaBackend, corpus) -> None:
    long_text = "\n\n".join(_paragraphs(corpus, 40))
    page = llama_backend.tokenize(long_text)[:1500]
    text = llama_backend._llm.detokenize(page).decode("utf-8", errors="ignore")
    calls: list[tuple[int, int]] = []
    llama_backend.prompt_progress = lambda read, total: calls.append((read, total))
    try:
        list(llama_backend.stream(prompt(text), SamplingSettings(max_tokens=2, seed=1)))
        total = llama_backend.last_stats.prompt_tokens
        reused = llama_backend.last_stats.reused_tokens
        assert calls[0] == (reused, total) and calls[-1] == (total - 1, total)
        assert len(calls) >= 3  # read a batch at a time
        assert [read for read, _ in calls] == sorted(read for read, _ in calls)
        calls.clear()
        list(llama_backend.stream(prompt(text), SamplingSettings(max_tokens=2, seed=2)))  # now cached
        assert calls == [(total - 1, total)]
    finally:
        llama_backend.prompt_progress = None


def test_a_cancelled_prompt_stops_between_batches(llama_backend: LlamaBackend, corpus) -> None:
    text = "\n\n".join(_paragraphs(corpus, 30))
    cancel = threading.Event()
    llama_backend.prompt_progress = lambda read, total: cancel.set()
    try:
        pieces = list(llama_backend.stream(prompt("Unrelated. " + text[:6000]), SamplingSettings(max_tokens=50),
                                           cancel))
    finally:
        llama_backend.prompt_progress = None
    assert pieces == [] and llama_backend.last_stats.stop_reason == "cancelled"


def test_chunks_dropped_before_the_recent_text_are_shifted_out_not_read_again(llama_backend: LlamaBackend,
                                                                             corpus) -> None:
    """Memory sections, then recent text that loses its first paragraphs and gains one at its end."""
    paragraphs = _paragraphs(corpus, 12)
    memory = "[Characters: Jim Hawkins, Long John Silver, Captain Smollett]"
    first = "\n\n".join([memory, *paragraphs[:8]])
    second = "\n\n".join([memory, *paragraphs[2:9]])
    settings = SamplingSettings(max_tokens=4, seed=3)
    list(llama_backend.stream(prompt(first), settings))
    list(llama_backend.stream(prompt(second), settings))
    stats = llama_backend.last_stats
    kept = llama_backend.count_tokens("\n\n".join([memory, *paragraphs[2:8]]))
    assert stats.reused_tokens >= kept - 2  # the memory line and paragraphs 3 to 8 came from the cache
    assert stats.evaluated_tokens <= stats.prompt_tokens - kept + 3
    # The cache holds the new prompt in order: the same prompt again reads nothing more.
    list(llama_backend.stream(prompt(second), settings))
    assert llama_backend.last_stats.reused_tokens == stats.prompt_tokens - 1


def test_cached_prefix_answers_while_a_generation_holds_the_model(llama_backend: LlamaBackend) -> None:
    """The app's inspector asks mid-stream: the answer must not wait for the generation's lock."""
    settings = SamplingSettings(max_tokens=40, seed=5)
    pieces = llama_backend.stream(prompt(), settings)
    next(pieces)  # the generator is suspended inside the model's lock
    answer: list[int] = []
    asker = threading.Thread(target=lambda: answer.append(llama_backend.cached_prefix(prompt(OPENING + " She"))))
    asker.start()
    asker.join(timeout=30)
    stalled = asker.is_alive()
    pieces.close()  # lets go of the lock, so a stalled asker can finish
    asker.join()
    assert not stalled
    assert answer[0] >= llama_backend.count_tokens(OPENING) - 1  # the prompt just read counts as cached


def test_capabilities_are_declared(llama_backend: LlamaBackend) -> None:
    capabilities = llama_backend.capabilities
    assert capabilities.adapters and capabilities.cache_inspection and capabilities.scoring


def test_an_end_of_text_token_cannot_end_prose_before_min_tokens(llama_backend: LlamaBackend) -> None:
    """A passage that ends where a book would end (a closing line) still gets its tokens written."""
    ending = prompt("THE END.\n\n")
    for seed in range(3):
        list(llama_backend.stream(ending, SamplingSettings(max_tokens=12, min_tokens=12, seed=seed)))
        assert llama_backend.last_stats.generated_tokens == 12
    planned = SamplingSettings(max_tokens=12, min_tokens=12, json_schema='{"type": "string", "maxLength": 3}')
    list(llama_backend.stream(prompt(), planned))
    assert llama_backend.last_stats.generated_tokens < 12  # structured output ends when its grammar does


def test_after_a_cache_shift_an_unrelated_prompt_reads_as_on_a_fresh_cache(llama_backend: LlamaBackend,
                                                                           corpus) -> None:
    """Shifting leaves the sliding-window layers without the cache's first positions: a prompt
    that shares only its start with the cache must be read again, not attend to a hole."""
    reference_text, continuation = "The ship left harbour at dawn.", " The wind freshened from the west."
    llama_backend._llm.reset()
    clear_cache(llama_backend._llm)
    fresh = llama_backend.score(reference_text, continuation).mean_nll
    paragraphs = _paragraphs(corpus, 12)
    memory = "[Characters: Jim Hawkins, Long John Silver, Captain Smollett]"
    settings = SamplingSettings(max_tokens=4, seed=3)
    list(llama_backend.stream(prompt("\n\n".join([memory, *paragraphs[:8]])), settings))
    list(llama_backend.stream(prompt("\n\n".join([memory, *paragraphs[2:9]])), settings))
    assert llama_backend.last_stats.reused_tokens > 100  # the cache was shifted
    assert llama_backend.score(reference_text, continuation).mean_nll == pytest.approx(fresh, rel=1e-3)
