"""A model's tokenizer without its weights, for counting tokens in memory work.

Importing a manuscript or assembling a context needs exact token counts in the
model's vocabulary but not the model: llama.cpp loads the vocabulary alone in
well under a second.

Counting is not free (about 120k tokens a second for Gemma's 262k-piece
vocabulary on a small CPU), so the tokenizer also reads, once and in the
background, whether its vocabulary keeps line breaks apart from other text. If it
does, text joined at a blank line counts exactly as its parts plus the break,
and the context assembler can trust its sections' counts instead of counting
every prompt a second time.
"""

from __future__ import annotations

import ctypes
import threading
from pathlib import Path

import llama_cpp

from engine.backend.llama_logging import python_prints_to_logging, route_llama_logs_to_logging
from engine.errors import ModelFileError
from engine.models.validation import validate_model


class Tokenizer:
    """Counts tokens exactly as the model will see them."""

    def __init__(self, model_path: Path | str) -> None:
        info = validate_model(model_path)
        self.model_name = info.name
        self.model_path = info.path
        route_llama_logs_to_logging()
        try:
            with python_prints_to_logging():
                self._llm = llama_cpp.Llama(str(info.path), vocab_only=True, verbose=True)
        except (ValueError, RuntimeError) as error:
            raise ModelFileError(f"llama.cpp could not read the vocabulary of {info.path.name}.") from error
        self._llm.verbose = False
        self._lock = threading.Lock()
        self._breaks_apart: bool | None = None
        self._stop_scan = threading.Event()
        self._scan = threading.Thread(target=self._read_line_breaks, name="vocabulary-scan", daemon=True)

    def count_tokens(self, text: str) -> int:
        if not text:
            return 0
        return len(self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def joins_add_up(self, wait: bool = False) -> bool:
        """Whether text joined with a blank line counts exactly as its parts plus one token.

        True once the vocabulary has been read and no piece of it mixes a line break
        with anything else (Gemma's has none), so the tokenizer can never merge across
        a break; False until then and for vocabularies with pieces such as ``".\\n\\n"``.
        The first question starts the reading (about a second, in the background, so
        an import that never asks never pays it); ``wait`` waits for the answer.
        """
        with self._lock:
            if not self._scan.ident and not self._stop_scan.is_set():
                self._scan.start()
        if wait and self._scan.ident:
            self._scan.join()
        return self._breaks_apart is True

    def _read_line_breaks(self) -> None:
        vocab = llama_cpp.llama_model_get_vocab(self._llm.model)
        self._breaks_apart = line_breaks_stand_alone(vocab, self._stop_scan) and self.count_tokens("\n\n") == 1

    def close(self) -> None:
        with self._lock:
            self._stop_scan.set()
        if self._scan.ident:
            self._scan.join()
        with self._lock:
            self._llm.close()


def line_breaks_stand_alone(vocab, stop: threading.Event | None = None) -> bool:
    """True if no token's text holds a line break together with other characters.

    One pass over the vocabulary's pieces, so callers run it off the UI thread; False
    if ``stop`` is set before the pass ends, since nothing is then known.
    """
    piece = ctypes.create_string_buffer(256)
    for token in range(llama_cpp.llama_vocab_n_tokens(vocab)):
        if token % 4096 == 0 and stop is not None and stop.is_set():
            return False
        length = llama_cpp.llama_token_to_piece(vocab, token, piece, len(piece), 0, False)
        if length < 0:  # a piece longer than the buffer: llama.cpp says how long
            piece = ctypes.create_string_buffer(-length)
            length = llama_cpp.llama_token_to_piece(vocab, token, piece, len(piece), 0, False)
        text = piece.raw[:length]
        if b"\n" in text and text.strip(b"\n"):
            return False
    return True
