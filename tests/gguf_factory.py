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


def copy_with_chat_template(source: Path, target: Path, template: str, name: str | None = None) -> Path:
    """A copy of a real model with its chat template (and, if given, its name) replaced."""
    from gguf import GGUFReader, GGUFValueType, Keys

    reader = GGUFReader(str(source))
    architecture = reader.fields[Keys.General.ARCHITECTURE].contents()
    writer = GGUFWriter(str(target), architecture, endianess=reader.endianess)
    for field in reader.fields.values():
        if field.name == Keys.General.ARCHITECTURE or field.name.startswith("GGUF."):
            continue  # written by the writer itself
        if field.name.startswith(Keys.Tokenizer.CHAT_TEMPLATE) or (name and field.name == Keys.General.NAME):
            continue
        value_type = field.types[0]
        sub_type = field.types[-1] if value_type == GGUFValueType.ARRAY else None
        writer.add_key_value(field.name, field.contents(), value_type, sub_type=sub_type)
    writer.add_chat_template(template)
    if name:
        writer.add_name(name)
    for tensor in reader.tensors:
        writer.add_tensor_info(tensor.name, tensor.data.shape, tensor.data.dtype, tensor.data.nbytes,
                               tensor.tensor_type)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_ti_data_to_file()
    for tensor in reader.tensors:
        writer.write_tensor_data(tensor.data)
    writer.close()
    return target
