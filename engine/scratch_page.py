"""The scratch page's text, kept between runs of the app.

The scratch page is where a writer tries the model before any project exists; what
they write there is theirs as much as a chapter is, so it is saved beside the
settings (in one rename, so a crash leaves the old text or the new) and comes back
the next time the app opens, whatever was opened or imported meanwhile.
"""

from __future__ import annotations

from pathlib import Path

from engine.export.exporting import write_atomically
from engine.paths import DraftsmithPaths, draftsmith_paths

SCRATCH_FILE = "scratch.txt"


def scratch_file(paths: DraftsmithPaths | None = None) -> Path:
    return (paths or draftsmith_paths()).config_dir / SCRATCH_FILE


def load_scratch(paths: DraftsmithPaths | None = None) -> str:
    """The text the scratch page held when it was last saved ("" the first time)."""
    path = scratch_file(paths)
    if not path.is_file():  # never there yet (or something that is not a file, which is not read)
        return ""
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def save_scratch(text: str, paths: DraftsmithPaths | None = None) -> Path:
    """Keep ``text`` as the scratch page; returns the file it is kept in."""
    target = scratch_file(paths)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(target, text.encode("utf-8", errors="replace"))
    return target
