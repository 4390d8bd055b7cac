"""A real app process for the kill test: keep one generation, start another, wait to be killed.

Run as ``python -m tests.app_kill_target PROJECT``. It drives the real app (headless,
real default model) and prints ``KEPT <json text>`` then ``GENERATING`` on stdout.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

from app.launch import create_app


async def _until(pilot, condition, timeout: float = 300.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("timed out")
        await pilot.pause(0.05)


async def main(project: str) -> None:
    app = create_app(None, project)
    async with app.run_test(size=(120, 36)) as pilot:
        await _until(pilot, lambda: app.workspace is not None and app.workspace.backend is not None)
        workspace = app.workspace
        editor = workspace.editor
        workspace.settings = workspace.settings.__class__(max_tokens=24, seed=1)
        editor.move_cursor(editor.document.end)
        await pilot.press("ctrl+g")
        await _until(pilot, lambda: not workspace.generating)
        await pilot.press("ctrl+y")
        print("KEPT " + json.dumps(editor.text), flush=True)
        workspace.settings = workspace.settings.__class__(max_tokens=2000, seed=2)
        await pilot.press("ctrl+g")
        await _until(pilot, lambda: editor.pending is not None and len(editor.pending.text) > 40)
        print("GENERATING", flush=True)
        await asyncio.sleep(600)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
