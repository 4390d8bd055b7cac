"""Check a model file before llama.cpp sees it, and say plainly what is wrong.

llama.cpp answers every bad file with the same ``Failed to load model`` error
(and some bad adapters crash the process outright), so each way a file can be
unusable is detected here first and turned into one sentence for the writer.
"""

from __future__ import annotations

from pathlib import Path

from engine.errors import ModelFileError
from engine.models.gguf_header import GGUFTruncatedError
from engine.models.gguf_info import GGUFInfo, human_size, read_gguf_info
from memory.storage.file_kinds import regular_file

GGUF_MAGIC = b"GGUF"
SUPPORTED_VERSIONS = (2, 3)
_HEADER_BYTES = 24  # magic, version, tensor count, metadata count


def inspect_model_file(path: Path | str) -> GGUFInfo:
    """Return the file's GGUF facts, or raise ``ModelFileError`` saying why it is unusable."""
    path = Path(path).expanduser()
    _check_exists(path)
    head = _read_head(path)
    _check_magic(path, head)
    try:
        info = read_gguf_info(path)
    except GGUFTruncatedError as error:
        raise ModelFileError(
            f"{path.name} is truncated: it ends inside its header ({error}); "
            "an interrupted download or copy?"
        ) from error
    except (ValueError, OverflowError, OSError) as error:
        raise ModelFileError(
            f"{path.name} is damaged: its GGUF header cannot be read ({error}). "
            "Download or export it again."
        ) from error
    if info.size_bytes < info.data_end:
        raise ModelFileError(
            f"{path.name} is truncated: it holds {human_size(info.size_bytes)} of the "
            f"{human_size(info.data_end)} its header describes (an interrupted download or copy?)."
        )
    return info


def validate_model(path: Path | str) -> GGUFInfo:
    """Like ``inspect_model_file`` but also refuse files that are not whole models."""
    info = inspect_model_file(path)
    if info.is_adapter:
        raise ModelFileError(
            f"{info.path.name} is a LoRA adapter, not a model: import it as a style "
            "on top of its base model instead."
        )
    if info.tensor_count == 0:
        raise ModelFileError(f"{info.path.name} has no weights in it, so it is not a usable model.")
    return info


def _check_exists(path: Path) -> None:
    if path.is_dir():
        raise ModelFileError(f"{path} is a folder; give the path of a .gguf file inside it.")
    if not path.exists() and not path.is_symlink():
        raise ModelFileError(f"There is no model file at {path}.")
    if regular_file(path, "a .gguf", ModelFileError).st_size == 0:
        raise ModelFileError(f"{path.name} is empty (0 bytes), so it cannot be a model.")


def _read_head(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(512)
    except OSError as error:
        raise ModelFileError(f"{path.name} cannot be read: {error.strerror}.") from error


def _check_magic(path: Path, head: bytes) -> None:
    if head.startswith(GGUF_MAGIC):
        if len(head) < _HEADER_BYTES:
            raise ModelFileError(f"{path.name} is truncated: it ends inside the GGUF header.")
        version = int.from_bytes(head[4:8], "little")
        if version not in SUPPORTED_VERSIONS:
            raise ModelFileError(
                f"{path.name} is GGUF version {version}, which this version of Draftsmith cannot read."
            )
        return
    if head.startswith(b"version https://git-lfs"):
        raise ModelFileError(
            f"{path.name} is a Git LFS pointer, not the model itself: fetch the real file with git lfs pull."
        )
    if head.startswith(b"ggml") or head.startswith(b"ggjt") or head.startswith(b"lmgg"):
        raise ModelFileError(
            f"{path.name} is an old GGML model; convert it to GGUF with llama.cpp's tools first."
        )
    if _looks_like_text(head):
        raise ModelFileError(
            f"{path.name} is a text file, not a GGUF model (perhaps an error page saved in its place)."
        )
    raise ModelFileError(f"{path.name} is not a GGUF model file (it does not start with the GGUF signature).")


def _looks_like_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        # A multi-byte character may be cut at the end of the sample.
        try:
            head[:-4].decode("utf-8")
        except UnicodeDecodeError:
            return False
    return b"\x00" not in head
