"""A real app process for the kill test: keep one generation, start another, wait to be killed.

Run as ``python -m tests.app_kill_target PROJECT`` (Ctrl+G at the end of the chapter
that opens) or ``python -m tests.app_kill_target PROJECT --beats`` (Ctrl+B on the
project's first planned beat, then on its second). It drives the real app (headless,
real default model) and prints ``KEPT <json text>`` (with ``--beats``, a JSON object
of the chapter's text and the beat's id) then ``GENERATING`` on stdout, or ``ERROR
<why>`` and exits at once, so the caller never waits on a stuck process.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import threading
import time
import traceback

from app.launch import create_app
from app.widgets.binder import BinderItem
from memory.storage.outline_store import load_outline

DEADLINE = 240.0


async def _until(pilot, condition, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the app did not get there in time")
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
        for _ in range(5):  # should the model stop at once, ask for another version
            await _until(pilot, lambda: editor.pending is not None and (len(editor.pending.text) > 40
                                                                         or not workspace.generating))
            if workspace.generating:
                print("GENERATING", flush=True)
                await asyncio.sleep(600)
            await pilot.press("ctrl+r")
        raise TimeoutError("the model never wrote a long enough passage")


async def draft_beats(project: str) -> None:
    """Ctrl+B on the first planned beat and Ctrl+Y, then Ctrl+B on the next one."""
    app = create_app(None, project)
    async with app.run_test(size=(120, 36)) as pilot:
        await _until(pilot, lambda: app.workspace is not None and app.workspace.backend is not None)
        workspace = app.workspace
        editor = workspace.editor
        outline = load_outline(workspace.project.store)
        beats = [node.id for node in outline.walk(None) if node.level == "beat" and node.status == "planned"]
        if len(beats) < 2:
            raise ValueError("the project needs two planned beats")
        workspace.settings = workspace.settings.__class__(max_tokens=48, seed=1)
        if not workspace.binder.select_item(BinderItem("node", beats[0])):
            raise ValueError("the binder does not show the first beat")
        await pilot.press("ctrl+b")
        await _until(pilot, lambda: editor.pending is not None and not workspace.generating)
        await pilot.press("ctrl+y")
        print("KEPT " + json.dumps({"text": editor.text, "beat": beats[0]}), flush=True)
        workspace.settings = workspace.settings.__class__(max_tokens=2000, seed=2)
        if not workspace.binder.select_item(BinderItem("node", beats[1])):
            raise ValueError("the binder does not show the second beat")
        await pilot.press("ctrl+b")
        await _until(pilot, lambda: editor.pending is not None and (workspace.generating or editor.pending.text))
        print("GENERATING", flush=True)
        await asyncio.sleep(600)


def _give_up(why: str) -> None:
    print("ERROR " + json.dumps(why[-2000:]), flush=True)
    os._exit(3)


def run(project: str, beats: bool = False) -> None:
    # A watchdog thread, not asyncio: it fires even if the app's shutdown itself is stuck.
    watchdog = threading.Timer(DEADLINE, _give_up, args=("no progress within the deadline",))
    watchdog.daemon = True
    watchdog.start()
    try:
        asyncio.run(draft_beats(project) if beats else main(project))
    except BaseException as error:  # report and leave at once: never a stuck process
        _give_up("".join(traceback.format_exception(error)))


if __name__ == "__main__":
    run(sys.argv[1], beats="--beats" in sys.argv[2:])
