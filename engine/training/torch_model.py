"""The project's GGUF model as a PyTorch model to train, checked against llama.cpp.

transformers reads the GGUF (dequantizing its weights to float32) into its own model
class. The adapter trained on that model is applied by llama.cpp to the quantized
weights, so the two must score the same tokens alike: ``agreement`` compares their
mean loss on the same token ids before any training starts. Token ids always come from
llama.cpp's tokenizer, with the BOS token first as llama.cpp scores: without it Gemma's
loss on prose is about 40% higher, which is a fault of the input, not of the weights.
"""

from __future__ import annotations

import contextlib
import io
import logging
from dataclasses import dataclass
from pathlib import Path

import torch

from engine.errors import ModelFileError
from engine.models.gguf_header import copy_without_vocabulary

AGREEMENT_LIMIT = 0.01
"""The most the torch model's loss may differ from llama.cpp's, as a share of it."""


def weights_file(gguf_path: Path, folder: Path, sha256: str) -> Path:
    """A copy of the model without its vocabulary, made once per model file, for transformers to read.

    transformers reads a GGUF's metadata with the ``gguf`` package, element by element, and
    Gemma's 262,144-token vocabulary alone takes minutes that way; the tensors and every
    setting are the same in the copy.
    """
    target = folder / f"{sha256[:24]}.gguf"
    if not target.exists():
        folder.mkdir(parents=True, exist_ok=True)
        copy_without_vocabulary(gguf_path, target)
    return target


def load_torch_model(gguf_path: Path) -> torch.nn.Module:
    """The model in ``gguf_path`` as a float32 transformers model on the CPU, in eval mode."""
    import transformers

    transformers.utils.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    logging.getLogger("transformers").setLevel(logging.ERROR)
    try:
        with contextlib.redirect_stderr(io.StringIO()):  # its progress bars and notes are not the writer's
            model = transformers.AutoModelForCausalLM.from_pretrained(
                str(gguf_path.parent), gguf_file=gguf_path.name, dtype=torch.float32)
    except (ValueError, KeyError, OSError, RuntimeError) as error:
        raise ModelFileError(f"{gguf_path.name} cannot be trained here: the training library cannot read "
                             f"this model's architecture or weights ({str(error).splitlines()[0][:160]}).") from error
    model.eval()
    return model


def mean_nll(model: torch.nn.Module, windows: list[list[int]]) -> float:
    """Mean loss in nats per predicted token over ``windows`` (each starting with BOS)."""
    total, count = 0.0, 0
    with torch.no_grad():
        for window in windows:
            if len(window) < 2:
                continue
            ids = torch.tensor([window])
            loss = model(input_ids=ids, labels=ids).loss.item()
            total += loss * (len(window) - 1)
            count += len(window) - 1
    return total / count if count else float("nan")


@dataclass(frozen=True)
class Agreement:
    torch_nll: float
    llama_nll: float
    tokens: int

    @property
    def difference(self) -> float:
        """|torch - llama.cpp| as a share of llama.cpp's loss."""
        return abs(self.torch_nll - self.llama_nll) / self.llama_nll

    @property
    def agrees(self) -> bool:
        return self.difference <= AGREEMENT_LIMIT


def agreement(model: torch.nn.Module, llama_nll: float, windows: list[list[int]]) -> Agreement:
    """How the torch model's loss on ``windows`` compares with llama.cpp's on the same ids."""
    return Agreement(mean_nll(model, windows), llama_nll, sum(max(0, len(w) - 1) for w in windows))
