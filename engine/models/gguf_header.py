"""A fast, bounds-checked reader for the header of a GGUF file.

The ``gguf`` package's reader builds a NumPy view for every element of every
metadata array, which is slow for a vocabulary of hundreds of thousands of tokens. Draftsmith
only needs the scalars and the tensor table, so this reader walks the header over a
memory map, skipping arrays by length, and refuses counts the file cannot hold.
"""

from __future__ import annotations

import mmap
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gguf import GGML_QUANT_SIZES, GGMLQuantizationType

_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}
_STRING, _ARRAY = 8, 9
DEFAULT_ALIGNMENT = 32


class GGUFFormatError(ValueError):
    """The bytes do not follow the GGUF layout (a damaged header)."""


class GGUFTruncatedError(GGUFFormatError):
    """The file ends inside its header: an interrupted download or copy."""


@dataclass(frozen=True)
class TensorEntry:
    name: str
    shape: tuple[int, ...]
    ggml_type: int
    data_offset: int
    """Absolute offset of the tensor's data in the file."""
    n_bytes: int


@dataclass(frozen=True)
class GGUFHeader:
    version: int
    metadata: dict[str, Any]
    """Scalar and string values; arrays are recorded only by their length."""
    tensors: tuple[TensorEntry, ...]
    data_start: int


class _Cursor:
    def __init__(self, buffer: mmap.mmap) -> None:
        self.buffer = buffer
        self.offset = 0

    def take(self, fmt: str) -> Any:
        size = struct.calcsize(fmt)
        if self.offset + size > len(self.buffer):
            raise GGUFTruncatedError("the header ends before its last field")
        (value,) = struct.unpack_from(fmt, self.buffer, self.offset)
        self.offset += size
        return value

    def string(self) -> str:
        length = self.take("<Q")
        if self.offset + length > len(self.buffer):
            raise GGUFTruncatedError("a text field runs past the end of the file")
        raw = self.buffer[self.offset : self.offset + length]
        self.offset += length
        return raw.decode("utf-8", errors="replace")

    def skip_strings(self, count: int) -> None:
        for _ in range(count):
            length = self.take("<Q")
            self.offset += length
            if self.offset > len(self.buffer):
                raise GGUFTruncatedError("a text array runs past the end of the file")

    def value(self, value_type: int) -> Any:
        if value_type in _SCALARS:
            return self.take(_SCALARS[value_type])
        if value_type == _STRING:
            return self.string()
        if value_type == _ARRAY:
            item_type, count = self.take("<I"), self.take("<Q")
            if item_type == _STRING:
                self.skip_strings(count)
            elif item_type in _SCALARS:
                self.offset += struct.calcsize(_SCALARS[item_type]) * count
                if self.offset > len(self.buffer):
                    raise GGUFTruncatedError("an array runs past the end of the file")
            elif item_type == _ARRAY:
                for _ in range(count):
                    self.value(_ARRAY)
            else:
                raise GGUFFormatError(f"unknown array item type {item_type}")
            return _ArrayLength(count)
        raise GGUFFormatError(f"unknown value type {value_type}")


class _ArrayLength(int):
    """Stands in for an array's contents: only its length is kept."""


def _header_counts(buffer: mmap.mmap) -> tuple[_Cursor, int, int, int]:
    """A cursor past the signature, version and counts, with the version and the counts."""
    cursor = _Cursor(buffer)
    if buffer[:4] != b"GGUF":
        raise GGUFFormatError("the GGUF signature is missing")
    cursor.offset = 4
    version = cursor.take("<I")
    n_tensors, n_kv = cursor.take("<Q"), cursor.take("<Q")
    # Every entry takes at least 8 bytes, so larger counts mean a damaged header.
    if (n_tensors + n_kv) * 8 > len(buffer):
        raise GGUFFormatError("the header claims more entries than the file can hold")
    return cursor, version, n_tensors, n_kv


def read_gguf_header(path: Path) -> GGUFHeader:
    """Parse ``path``'s metadata and tensor table without touching tensor data."""
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as buffer:
        cursor, version, n_tensors, n_kv = _header_counts(buffer)
        metadata: dict[str, Any] = {}
        for _ in range(n_kv):
            key = cursor.string()
            metadata[key] = cursor.value(cursor.take("<I"))
        entries = [_tensor_entry(cursor) for _ in range(n_tensors)]
        alignment = int(metadata.get("general.alignment", DEFAULT_ALIGNMENT)) or DEFAULT_ALIGNMENT
        data_start = -(-cursor.offset // alignment) * alignment
    tensors = tuple(
        TensorEntry(name, shape, ggml_type, data_start + offset, _tensor_bytes(shape, ggml_type))
        for name, shape, ggml_type, offset in entries
    )
    return GGUFHeader(version=version, metadata=metadata, tensors=tensors, data_start=data_start)


def _tensor_entry(cursor: _Cursor) -> tuple[str, tuple[int, ...], int, int]:
    name = cursor.string()
    n_dims = cursor.take("<I")
    if n_dims > 8:
        raise GGUFFormatError(f"tensor {name} claims {n_dims} dimensions")
    shape = tuple(cursor.take("<Q") for _ in range(n_dims))
    return name, shape, cursor.take("<I"), cursor.take("<Q")


def _tensor_bytes(shape: tuple[int, ...], ggml_type: int) -> int:
    try:
        block_size, type_size = GGML_QUANT_SIZES[GGMLQuantizationType(ggml_type)]
    except (ValueError, KeyError) as error:
        raise GGUFFormatError(f"unknown tensor type {ggml_type}") from error
    elements = 1
    for dimension in shape:
        elements *= dimension
    return elements * type_size // block_size


LONG_ARRAY = 4096
"""Arrays this long or longer are vocabulary tables (tokens, scores, merges), not settings."""


def copy_without_vocabulary(path: Path, target: Path) -> Path:
    """Copy a GGUF model to ``target`` without its long metadata arrays (the vocabulary).

    What remains is every setting and every tensor, byte for byte: tensor offsets count
    from the start of the data section, so only the header changes. The vocabulary's size
    is kept as ``{architecture}.vocab_size``, for readers that derive it from the table.
    Libraries that read every array element one by one open the copy in a moment.
    """
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as buffer:
        cursor, version, n_tensors, n_kv = _header_counts(buffer)
        kept: list[bytes] = []
        metadata: dict[str, Any] = {}
        vocabulary = 0
        for _ in range(n_kv):
            start = cursor.offset
            key = cursor.string()
            value = cursor.value(cursor.take("<I"))
            metadata[key] = value
            if isinstance(value, _ArrayLength) and value >= LONG_ARRAY:
                if key == "tokenizer.ggml.tokens":
                    vocabulary = int(value)
                continue
            kept.append(bytes(buffer[start:cursor.offset]))
        tensors_start = cursor.offset
        for _ in range(n_tensors):
            _tensor_entry(cursor)
        tensor_table = bytes(buffer[tensors_start:cursor.offset])
        alignment = int(metadata.get("general.alignment", DEFAULT_ALIGNMENT)) or DEFAULT_ALIGNMENT
        data_start = -(-cursor.offset // alignment) * alignment
        vocab_key = f"{metadata.get('general.architecture', '')}.vocab_size"
        if vocabulary and vocab_key not in metadata:
            name = vocab_key.encode()
            kept.append(struct.pack("<Q", len(name)) + name + struct.pack("<II", 4, vocabulary))
        header = b"GGUF" + struct.pack("<IQQ", version, n_tensors, len(kept)) + b"".join(kept) + tensor_table
        partial = target.with_name(f"{target.name}.partial")
        with partial.open("wb") as out:
            out.write(header)
            out.write(b"\0" * (-len(header) % alignment))
            view = memoryview(buffer)
            for at in range(data_start, len(buffer), 1 << 24):
                out.write(view[at:min(len(buffer), at + (1 << 24))])
            del view
        partial.replace(target)
    return target
