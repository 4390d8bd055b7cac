"""Check a LoRA adapter against its base model before llama.cpp ever opens it.

llama.cpp kills the whole process with a segmentation fault when an adapter's
tensor shapes do not match the model, and silently ignores a full model passed as
an adapter. So every adapter is read with Draftsmith's own GGUF reader first: its
type, its architecture, each ``lora_a``/``lora_b`` pair against the base tensor it
adapts, its rank and alpha. Each way it can be wrong gets its own sentence.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from engine.errors import ModelFileError
from engine.models.gguf_info import GGUFInfo, TensorShape
from engine.models.validation import inspect_model_file

_A, _B = ".lora_a", ".lora_b"


@dataclass(frozen=True)
class AdapterCheck:
    """A validated adapter: what it adapts, at what rank and alpha."""

    info: GGUFInfo
    base: GGUFInfo
    rank: int
    alpha: float | None
    adapted_tensors: int

    def summary(self) -> dict[str, object]:
        return {"path": str(self.info.path), "base": self.base.name, "architecture": self.info.architecture,
                "rank": self.rank, "alpha": self.alpha, "adapted_tensors": self.adapted_tensors}


def validate_adapter(adapter_path: Path | str, base: GGUFInfo) -> AdapterCheck:
    """Return the adapter's facts, or raise ``ModelFileError`` saying what is wrong with it."""
    info = inspect_model_file(adapter_path)  # missing, not GGUF, damaged or truncated
    name = info.path.name
    if not info.is_adapter:
        raise ModelFileError(
            f"{name} is a full model, not a LoRA adapter; import it as a style of its own "
            "(`draftsmith style import`) to write with it instead of adapting another model."
        )
    if info.adapter_kind not in (None, "lora"):
        raise ModelFileError(f"{name} is a {info.adapter_kind} adapter; Draftsmith applies LoRA adapters only.")
    if info.architecture != base.architecture:
        raise ModelFileError(
            f"{name} is an adapter for {info.architecture} models, but {base.name} is a "
            f"{base.architecture} model: use the base model it was trained on."
        )
    if info.lora_alpha is not None and not (math.isfinite(info.lora_alpha) and info.lora_alpha > 0):
        raise ModelFileError(f"{name} has an invalid LoRA alpha ({info.lora_alpha}); it must be a positive number.")
    pairs = _pairs(info)
    base_tensors = {t.name: t for t in base.tensors}
    ranks = {_check_pair(name, target, a, b, base_tensors, base) for target, (a, b) in pairs.items()}
    return AdapterCheck(info=info, base=base, rank=max(ranks), alpha=info.lora_alpha, adapted_tensors=len(pairs))


def _pairs(info: GGUFInfo) -> dict[str, tuple[TensorShape, TensorShape]]:
    halves: dict[str, dict[str, TensorShape]] = {}
    for tensor in info.tensors:
        for suffix in (_A, _B):
            if tensor.name.endswith(suffix):
                halves.setdefault(tensor.name.removesuffix(suffix), {})[suffix] = tensor
    if not halves:
        raise ModelFileError(f"{info.path.name} holds no LoRA weights (no lora_a/lora_b tensors).")
    incomplete = sorted(target for target, pair in halves.items() if len(pair) != 2)
    if incomplete:
        raise ModelFileError(f"{info.path.name} is damaged: {incomplete[0]} has only one of its two LoRA matrices.")
    return {target: (pair[_A], pair[_B]) for target, pair in halves.items()}


def _check_pair(name: str, target: str, a: TensorShape, b: TensorShape, base_tensors: dict[str, TensorShape],
                base: GGUFInfo) -> int:
    """The pair's rank, if its shapes fit the base tensor as llama.cpp expects."""
    weight = base_tensors.get(target)
    if weight is None:
        raise ModelFileError(
            f"{name} adapts a tensor {target} that {base.name} does not have: it was made for another model."
        )
    if len(a.shape) != 2 or len(b.shape) != 2 or len(weight.shape) != 2:
        raise ModelFileError(f"{name} is damaged: the LoRA matrices for {target} are not two-dimensional.")
    if target == "token_embd.weight":  # stored transposed in llama.cpp's layout
        fits = weight.shape[0] == b.shape[1] and weight.shape[1] == a.shape[1] and a.shape[0] == b.shape[0]
        rank = a.shape[0]
    else:
        fits = weight.shape[0] == a.shape[0] and weight.shape[1] == b.shape[1] and a.shape[1] == b.shape[0]
        rank = a.shape[1]
    if not fits:
        raise ModelFileError(
            f"{name} does not fit {base.name}: {target} is {_dims(weight)} but the adapter's matrices are "
            f"{_dims(a)} and {_dims(b)}. It was made for a model of another size."
        )
    return rank


def _dims(tensor: TensorShape) -> str:
    return "x".join(str(n) for n in tensor.shape)
