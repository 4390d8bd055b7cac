"""Build small GGUF files with the ``gguf`` writer for validation tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from gguf import GGUFWriter


def write_tiny_gguf(path: Path, *, file_type: str = "model", architecture: str = "llama",
                    vocabulary: int = 300) -> Path:
    """A syntactically valid GGUF with a string array and two small tensors."""
    writer = GGUFWriter(str(path), architecture)
    writer.add_type(file_type)
    writer.add_name("tiny test file")
    writer.add_context_length(128)
    writer.add_token_list([f"tok{i}" for i in range(vocabulary)])
    writer.add_string("tokenizer.chat_template", "{{ messages }}")
    if file_type == "adapter":
        writer.add_string("adapter.type", "lora")
        writer.add_float32("adapter.lora.alpha", 16.0)
    writer.add_tensor("blk.0.attn_q.weight", np.ones((8, 16), dtype=np.float32))
    writer.add_tensor("output_norm.weight", np.arange(16, dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path
