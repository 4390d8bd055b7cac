"""Find GGUF files where writers' other tools keep them.

LM Studio, the Hugging Face cache and a plain ``~/models`` folder are searched,
to a bounded depth and count, so listing models never walks a whole disk.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

MAX_DEPTH = 6
MAX_FILES = 500


def model_search_roots(home: Path | None = None) -> list[Path]:
    """The folders searched for models, existing or not."""
    home = home or Path.home()
    hf_home = Path(os.environ.get("HF_HOME", home / ".cache" / "huggingface"))
    roots = [
        home / ".lmstudio" / "models",
        home / ".cache" / "lm-studio" / "models",
        Path(os.environ.get("HF_HUB_CACHE", hf_home / "hub")),
        home / "models",
        home / "Models",
    ]
    extra = os.environ.get("DRAFTSMITH_MODEL_PATH")
    if extra:
        roots.extend(Path(part) for part in extra.split(os.pathsep) if part)
    return roots


def discover_gguf_files(roots: list[Path] | None = None) -> list[Path]:
    """GGUF files under the search roots, each listed once, by resolved path."""
    seen: dict[Path, Path] = {}
    for root in roots if roots is not None else model_search_roots():
        for path in _walk(root):
            seen.setdefault(path.resolve(), path)
            if len(seen) >= MAX_FILES:
                return sorted(seen.values())
    return sorted(seen.values())


def _walk(root: Path) -> Iterator[Path]:
    if not root.is_dir():
        return
    base_depth = len(root.parts)
    for folder, subfolders, files in os.walk(root, followlinks=False):
        if len(Path(folder).parts) - base_depth >= MAX_DEPTH:
            subfolders.clear()
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        for name in files:
            if name.lower().endswith(".gguf"):
                yield Path(folder) / name
