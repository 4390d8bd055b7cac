"""A model's tokenizer without its weights, for counting tokens in memory work.

Importing a manuscript or assembling a context needs exact token counts in the
model's vocabulary but not the model: llama.cpp loads the vocabulary alone in
well under a second.
"""

from __future__ import annotations

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

    def count_tokens(self, text: str) -> int:
        if not text:
            return 0
        return len(self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def close(self) -> None:
        with self._lock:
            self._llm.close()
