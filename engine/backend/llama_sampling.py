"""Writing prose token by token with llama.cpp's own samplers, and taking back banned phrases.

llama-cpp-python's ``create_completion`` offers neither DRY, XTC nor top-n-sigma, and its
repetition penalty sees only the tokens of one call. Here the sampler chain is llama.cpp's
(a JSON grammar when the output has a schema, penalties, DRY, top-n-sigma, top-k, top-p, min-p,
XTC, temperature), fed the end of the prompt first, so the penalties know the book's recent
text; and when the text completes a banned phrase, the KV cache is cut back to where the
phrase began (one token is read again, the prompt never is) and that position is sampled
again without the token that began it. Prose and structured output (outlines) take the
same path, so a phrase banned from one is banned from the other.

The private parts of llama-cpp-python this needs (the sampler chain, the context) are
reached through ``engine.backend.llama_internals``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import llama_cpp
import numpy as np
from llama_cpp.llama_grammar import LlamaGrammar

from engine.backend.banned_phrases import PhraseBan, compile_bans
from engine.backend.llama_internals import LlamaSampler, forget_from, model_wrapper, sample, vocab
from engine.backend.protocol import SamplingSettings

DRY_BREAKERS = ["\n", ":", "\"", "*", "\u201c", "\u201d"]
"""Where a DRY run stops counting: a new line or a quotation starts afresh."""
MAX_REWINDS = 24
"""Banned phrases taken back in one call, at most; past that the text stands as written."""


@dataclass
class SamplingRun:
    """What one generation did, for the backend's statistics."""

    tokens: list[int] = field(default_factory=list)
    rewinds: int = 0
    """Times a banned phrase was taken back."""
    reread_tokens: int = 0
    """Tokens read again after a rewind (one each); the prompt is never read again."""
    stop_reason: str = "stop"


class _Bans:
    """Tokens that may not be sampled at a given position, and the end tokens before the floor."""

    def __init__(self, end_tokens: list[int], floor: int, after_grammar: bool = False) -> None:
        self.end_tokens, self.floor, self.after_grammar = end_tokens, floor, after_grammar
        self.at: dict[int, set[int]] = {}
        self.position = 0

    def apply(self, candidates: llama_cpp.llama_token_data_array) -> None:
        banned = set(self.at.get(self.position, ()))
        if self.position < self.floor:
            banned.update(self.end_tokens)
        size = candidates.contents.size
        banned = [token for token in banned if 0 <= token < size]
        if not banned:
            return
        # Before any sampler that sorts: the array is still in vocabulary order.
        logits = np.ctypeslib.as_array(candidates.contents.data, shape=(size,))["logit"]
        if self.after_grammar:
            # The grammar may have left only banned tokens; banning them too would leave
            # nothing to sample, and a token the grammar refuses ends the process, so then
            # the ban gives way.
            allowed = np.isfinite(logits)
            if allowed.sum() <= allowed[banned].sum():
                return
        logits[banned] = -np.inf


def _chain(llm: llama_cpp.Llama, settings: SamplingSettings, bans: _Bans, seed: int,
           grammar: LlamaGrammar | None) -> LlamaSampler:
    chain = LlamaSampler()
    if grammar is not None:
        chain.add_grammar(model_wrapper(llm), grammar)
    chain.add_custom(bans.apply)
    n_vocab = llm.n_vocab()
    if settings.repeat_penalty != 1.0 or settings.frequency_penalty or settings.presence_penalty:
        chain.add_penalties(n_vocab, settings.penalty_last_n, settings.repeat_penalty,
                            settings.frequency_penalty, settings.presence_penalty)
    if settings.dry_multiplier > 0:
        chain.add_dry(model_wrapper(llm), settings.dry_multiplier, settings.dry_base, settings.dry_allowed_length,
                      settings.dry_penalty_last_n, DRY_BREAKERS)
    if settings.temperature <= 0:
        chain.add_greedy()
        return chain
    if settings.top_n_sigma > 0:
        chain.add_top_n_sigma(settings.top_n_sigma)
    if settings.top_k > 0:
        chain.add_top_k(settings.top_k)
    chain.add_top_p(settings.top_p, 1)
    chain.add_min_p(settings.min_p, 1)
    if settings.xtc_probability > 0:
        chain.add_xtc(settings.xtc_probability, settings.xtc_threshold, 1, seed)
    chain.add_temp(settings.temperature)
    chain.add_dist(seed)
    return chain


class ProseSampler:
    """One call's generation on a model whose KV cache holds the prompt but its last token.

    With a ``grammar`` the output keeps to it token by token (``min_tokens`` does not apply:
    the grammar says where the output ends).
    """

    def __init__(self, llm: llama_cpp.Llama, prompt: list[int], settings: SamplingSettings,
                 end_tokens: list[int], stops: tuple[str, ...], grammar: LlamaGrammar | None = None) -> None:
        self.llm, self.prompt, self.settings, self.stops = llm, prompt, settings, stops
        self.grammar = grammar
        self.ban: PhraseBan = compile_bans(settings.banned_phrases, settings.worn_phrases)
        self.bans = _Bans(end_tokens, 0 if grammar is not None else settings.min_tokens,
                          after_grammar=grammar is not None)
        self.seed = settings.seed if settings.seed is not None else llama_cpp.LLAMA_DEFAULT_SEED
        self.run = SamplingRun()
        self._end_of_generation = set(end_tokens)

    def _fresh_chain(self, written: list[int]) -> LlamaSampler:
        """A chain that has seen the book's recent tokens and what this call kept so far.

        A grammar must see every token written and nothing of the prompt: it follows the
        output from its first token.
        """
        self._chain = _chain(self.llm, self.settings, self.bans, self.seed + self.run.rewinds, self.grammar)
        if self.grammar is not None:
            history = written
        else:
            window = max(self.settings.penalty_last_n, self.settings.dry_penalty_last_n, 0)
            history = (self.prompt + written) if self.settings.penalize_prompt else written
            history = history[-window:] if window else []
        for token in history:
            self._chain.accept(token)
        return self._chain

    def tokens(self, cancel: threading.Event) -> Iterator[str]:
        """The text as it becomes certain: held back while a banned phrase or a stop could still
        be forming, taken back (never shown) when one forms."""
        llm, run = self.llm, self.run
        llm.n_tokens = len(self.prompt) - 1  # the cache holds all but the last prompt token
        llm.eval(self.prompt[-1:])  # whose logits give the first token
        chain = self._fresh_chain([])
        shown = 0
        text = ""
        while len(run.tokens) < self.settings.max_tokens:
            if cancel.is_set():
                run.stop_reason = "cancelled"
                break
            self.bans.position = len(run.tokens)
            token = sample(chain, llm)
            if llama_cpp.llama_vocab_is_eog(vocab(llm), token) or token in self._end_of_generation:
                run.stop_reason = "stop"
                break
            run.tokens.append(token)  # llama_sampler_sample has accepted it into the chain
            llm.eval([token])
            text = self._text()
            stop_at = _first_stop(text, self.stops, shown)
            if stop_at is not None:
                text = text[:stop_at]
                run.stop_reason = "stop"
                break
            found = self.ban.find(text, self._look_from(shown))
            if found is not None and found.end() < len(text) and found.start() >= shown \
                    and run.rewinds < MAX_REWINDS:
                chain = self._rewind(found.start())
                text = self._text()
                continue
            safe = len(text) - max(self.ban.unsettled(text), _unsettled_stop(text, self.stops))
            if safe > shown:
                yield text[shown:safe]
                shown = safe
        else:
            run.stop_reason = "length"
        if self.ban.pattern is not None:  # the end of the text is certain now: one last look
            found = self.ban.find(text, self._look_from(shown))
            if found is not None:
                text = text[:max(found.start(), shown)].rstrip()
        if len(text) > shown:
            yield text[shown:]

    def _look_from(self, shown: int) -> int:
        """Where a banned phrase may start that is not yet shown: a little before the shown end,
        for a phrase whose start was held back as unsettled."""
        return max(0, shown - 200)

    def _text(self) -> str:
        data = self.llm.detokenize(self.run.tokens, prev_tokens=self.prompt[-8:])
        return data.decode("utf-8", errors="ignore")

    def _rewind(self, phrase_start: int) -> LlamaSampler:
        """Take back the tokens from the one that began the banned phrase at ``phrase_start``."""
        run, llm = self.run, self.llm
        index = self._token_at(phrase_start)
        self.bans.at.setdefault(index, set()).add(run.tokens[index])
        for later in [position for position in self.bans.at if position > index]:
            del self.bans.at[later]  # the text after the new choice is written afresh
        del run.tokens[index:]
        run.rewinds += 1
        # Cut the cache back to the token before and read that one token again: its logits
        # are where the new choice is made.
        keep = len(self.prompt) + index - 1
        forget_from(llm, keep)
        llm.eval([(self.prompt + run.tokens)[keep]])
        run.reread_tokens += 1
        return self._fresh_chain(run.tokens)

    def _token_at(self, offset: int) -> int:
        """The index of the generated token whose text holds character ``offset``."""
        for index in range(len(self.run.tokens)):
            piece = self.llm.detokenize(self.run.tokens[: index + 1], prev_tokens=self.prompt[-8:])
            if len(piece.decode("utf-8", errors="ignore")) > offset:
                return index
        return len(self.run.tokens) - 1


def _unsettled_stop(text: str, stops: tuple[str, ...]) -> int:
    """The longest ending of ``text`` that begins a stop string: not to be shown yet."""
    return max((size for stop in stops for size in range(min(len(stop) - 1, len(text)), 0, -1)
                if text.endswith(stop[:size])), default=0)


def _first_stop(text: str, stops: tuple[str, ...], shown: int) -> int | None:
    starts = [at for stop in stops if (at := text.find(stop, max(0, shown - len(stop)))) >= 0]
    return min(starts) if starts else None


def vocab_end_tokens(llm: llama_cpp.Llama) -> list[int]:
    """The model's end-of-generation tokens (end of text, end of turn)."""
    ends = {llm.token_eos(), llama_cpp.llama_vocab_eot(vocab(llm))}
    return sorted(token for token in ends if token >= 0)


