"""Build real GGUF LoRA adapters with the ``gguf`` writer, right or deliberately wrong.

Shapes follow llama.cpp's layout (innermost dimension first): for a base weight of
shape (n_in, n_out), ``lora_a`` is (n_in, rank) and ``lora_b`` is (rank, n_out). The
numpy arrays handed to the writer are the reverse, as the writer stores them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from gguf import GGUFWriter

from engine.models.gguf_info import GGUFInfo

TARGETS = ("attn_q", "attn_k", "attn_v", "attn_output", "ffn_up", "ffn_down")


def write_lora(path: Path, base: GGUFInfo, *, rank: int = 8, alpha: float = 16.0, strength: float = 1.0,
               seed: int = 0, architecture: str | None = None, swap_shapes: bool = False,
               targets: tuple[str, ...] = TARGETS, file_type: str = "adapter") -> Path:
    """An adapter for ``base`` whose weights are random with the given ``strength``."""
    rng = np.random.default_rng(seed)
    writer = GGUFWriter(str(path), architecture or base.architecture)
    writer.add_type(file_type)
    writer.add_name("test style")
    if file_type == "adapter":
        writer.add_string("adapter.type", "lora")
        writer.add_float32("adapter.lora.alpha", alpha)
    for tensor in base.tensors:
        kind = tensor.name.split(".")[-2] if tensor.name.startswith("blk.") else ""
        if kind not in targets or len(tensor.shape) != 2:
            continue
        n_in, n_out = tensor.shape
        a = rng.normal(0.0, strength / np.sqrt(n_in), size=(rank, n_in)).astype(np.float32)
        b = rng.normal(0.0, strength / np.sqrt(rank), size=(n_out, rank)).astype(np.float32)
        if swap_shapes:
            a, b = b.T.copy(), a.T.copy()
        name = tensor.name
        writer.add_tensor(f"{name}.lora_a", a)
        writer.add_tensor(f"{name}.lora_b", b)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


def truncate(path: Path, target: Path, keep: float = 0.5) -> Path:
    data = path.read_bytes()
    target.write_bytes(data[: int(len(data) * keep)])
    return target
