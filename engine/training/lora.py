"""LoRA on the torch model's linear layers, and its weights as a GGUF adapter llama.cpp reads.

peft keeps each adapted layer's ``lora_A`` (rank x inputs) and ``lora_B`` (outputs x
rank); llama.cpp wants the same two matrices under the base tensor's GGUF name with
``.lora_a`` / ``.lora_b`` appended, which the ``gguf`` package's tensor-name map gives
from the transformers module name. The adapter's alpha is written so llama.cpp scales
it by alpha / rank, as peft did while training.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import gguf
import numpy as np
import torch
from peft import LoraConfig, get_peft_model, get_peft_model_state_dict, set_peft_model_state_dict

TARGET_MODULES = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")
"""Every projection of attention and the feed-forward block."""


def with_lora(model: torch.nn.Module, rank: int, alpha: float) -> torch.nn.Module:
    """``model`` wrapped with trainable LoRA weights (dropout off: a resumed run repeats exactly)."""
    config = LoraConfig(r=rank, lora_alpha=alpha, lora_dropout=0.0, bias="none",
                        target_modules=list(TARGET_MODULES), task_type="CAUSAL_LM")
    with warnings.catch_warnings():  # the libraries' notes to each other are not the writer's
        warnings.simplefilter("ignore", FutureWarning)
        return get_peft_model(model, config)


def lora_state(model: torch.nn.Module) -> dict[str, torch.Tensor]:
    return {name: tensor.detach().clone() for name, tensor in _lora_weights(model).items()}


def _lora_weights(model: torch.nn.Module) -> dict[str, torch.Tensor]:
    """The LoRA matrices alone (the embeddings are never trained, so they are never saved)."""
    return get_peft_model_state_dict(model, save_embedding_layers=False)


def load_lora_state(model: torch.nn.Module, state: dict[str, torch.Tensor]) -> None:
    set_peft_model_state_dict(model, state)


def _architecture(name: str) -> gguf.MODEL_ARCH:
    for arch, arch_name in gguf.MODEL_ARCH_NAMES.items():
        if arch_name == name:
            return arch
    raise ValueError(f"the gguf package has no tensor names for the {name} architecture")


def write_gguf_adapter(model: torch.nn.Module, path: Path, architecture: str, layers: int, alpha: float,
                       base_name: str, style_name: str) -> Path:
    """Write the LoRA weights of ``model`` as a llama.cpp adapter at ``path`` (atomically)."""
    names = gguf.get_tensor_name_map(_architecture(architecture), layers)
    pairs: dict[str, dict[str, np.ndarray]] = {}
    for key, tensor in _lora_weights(model).items():
        module, _, part = key.rpartition(".lora_")
        module = module.removeprefix("base_model.model.")
        target = names.get_name(module)
        if target is None:
            raise ValueError(f"no GGUF name for {module}")
        side = "a" if part.startswith("A") else "b"
        pairs.setdefault(target, {})[side] = tensor.detach().to(torch.float32).numpy()
    partial = path.with_name(f"{path.name}.partial-{os.getpid()}")
    writer = gguf.GGUFWriter(str(partial), architecture)
    writer.add_type("adapter")
    writer.add_name(style_name)
    writer.add_string("adapter.type", "lora")
    writer.add_float32("adapter.lora.alpha", float(alpha))
    writer.add_string("general.base_model.0.name", base_name)
    for target in sorted(pairs):
        writer.add_tensor(f"{target}.weight.lora_a", np.ascontiguousarray(pairs[target]["a"]))
        writer.add_tensor(f"{target}.weight.lora_b", np.ascontiguousarray(pairs[target]["b"]))
    try:
        writer.write_header_to_file()
        writer.write_kv_data_to_file()
        writer.write_tensors_to_file()
        writer.close()
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path
