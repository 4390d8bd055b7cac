"""Unexpected errors, written down for a bug report instead of shown as a traceback.

The app's worker threads catch what is not a ``DraftsmithError`` so the writer's
pending text survives a bug; the traceback goes to a log file in the cache folder
and the writer reads one sentence naming it.
"""

from __future__ import annotations

import traceback
from datetime import datetime, timezone
from pathlib import Path

from engine.paths import draftsmith_paths

MAX_LOG_BYTES = 1024 * 1024


def error_log_path() -> Path:
    return draftsmith_paths().cache_dir / "logs" / "errors.log"


def record_unexpected(error: BaseException, doing: str) -> str:
    """Append the traceback to the error log; return the sentence to show the writer."""
    path = error_log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.stat().st_size > MAX_LOG_BYTES:
            path.replace(path.with_suffix(".log.1"))
        stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
        with path.open("a", encoding="utf-8") as log:
            log.write(f"--- {stamp} while {doing}\n")
            log.write("".join(traceback.format_exception(error)))
        where = f"; the details are in {path}"
    except OSError:
        where = ""
    summary = str(error).splitlines()[0][:120] if str(error) else ""
    return (f"Something went wrong while {doing} ({type(error).__name__}{': ' + summary if summary else ''}); "
            f"your text is kept{where}.")
