"""What a GGUF file says about itself, read from its header without loading weights."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gguf import GGMLQuantizationType, LlamaFileType

from engine.models.gguf_header import GGUFHeader, read_gguf_header


@dataclass(frozen=True)
class TensorShape:
    """A tensor's name and dimensions, as GGUF stores them (innermost first)."""

    name: str
    shape: tuple[int, ...]


@dataclass(frozen=True)
class GGUFInfo:
    """The facts about a model or adapter file that Draftsmith shows and checks."""

    path: Path
    size_bytes: int
    file_type: str
    """``model`` or ``adapter`` (``general.type``; files without it are models)."""
    architecture: str
    name: str
    quantization: str
    context_length: int | None
    chat_template: str | None
    parameter_label: str | None
    tensor_count: int
    data_end: int
    """Offset just past the last tensor's data: a file shorter than this is truncated."""
    lora_alpha: float | None = None
    adapter_kind: str | None = None
    """``adapter.type``: ``lora`` for the adapters Draftsmith applies."""
    finetune: str | None = None
    tensors: tuple[TensorShape, ...] = ()

    @property
    def has_chat_template(self) -> bool:
        return bool(self.chat_template)

    @property
    def is_adapter(self) -> bool:
        return self.file_type == "adapter"

    def summary(self) -> dict[str, Any]:
        """A JSON-ready description for ``draftsmith models --json``."""
        return {
            "path": str(self.path),
            "type": self.file_type,
            "architecture": self.architecture,
            "model_name": self.name,
            "size_bytes": self.size_bytes,
            "quantization": self.quantization,
            "context_length": self.context_length,
            "has_chat_template": self.has_chat_template,
            "parameters": self.parameter_label,
        }


def human_size(n_bytes: int) -> str:
    """A file size as a writer reads it: ``253.4 MB``."""
    size = float(n_bytes)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024:
            return f"{int(size)} bytes" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} TB"


def read_gguf_info(path: Path) -> GGUFInfo:
    """Parse ``path``'s header. Raises ``GGUFFormatError`` (a ValueError) on a bad file.

    Callers wanting a writer-facing sentence use ``validation.inspect_model_file``.
    """
    header = read_gguf_header(path)
    meta = header.metadata
    architecture = str(meta.get("general.architecture") or "unknown")
    context_length = meta.get(f"{architecture}.context_length")
    alpha = meta.get("adapter.lora.alpha")
    data_end = max((t.data_offset + t.n_bytes for t in header.tensors), default=header.data_start)
    return GGUFInfo(
        path=path,
        size_bytes=path.stat().st_size,
        file_type=str(meta.get("general.type") or "model"),
        architecture=architecture,
        name=str(meta.get("general.name") or path.stem),
        quantization=_quantization(meta.get("general.file_type"), header),
        context_length=int(context_length) if context_length is not None else None,
        chat_template=_text_or_none(meta.get("tokenizer.chat_template")),
        parameter_label=_text_or_none(meta.get("general.size_label")),
        tensor_count=len(header.tensors),
        data_end=int(data_end),
        lora_alpha=float(alpha) if alpha is not None else None,
        adapter_kind=_text_or_none(meta.get("adapter.type")),
        finetune=_text_or_none(meta.get("general.finetune")),
        tensors=tuple(TensorShape(t.name, t.shape) for t in header.tensors),
    )


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _quantization(file_type: Any, header: GGUFHeader) -> str:
    """The file type's name (``Q4_K_M``), or else the most common tensor type."""
    if isinstance(file_type, int):
        try:
            return LlamaFileType(file_type).name.removeprefix("MOSTLY_")
        except ValueError:
            pass
    counts = Counter(t.ggml_type for t in header.tensors)
    if not counts:
        return "unknown"
    try:
        return GGMLQuantizationType(counts.most_common(1)[0][0]).name
    except ValueError:
        return "unknown"
