"""The first screen driven with Pilot: load, continue, cancel, stay responsive."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable

import pytest

from app.main_app import DraftsmithApp
from engine.errors import ModelFileError
from tests.fakes import FakeBackend

PASSAGE = "The old lighthouse keeper climbed the stairs slowly, counting each step. At the top, he"


async def wait_until(pilot, condition: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the app")
        await pilot.pause(0.05)


async def type_passage(app: DraftsmithApp, pilot) -> None:
    await wait_until(pilot, lambda: app.write_screen.backend is not None)
    editor = app.write_screen.editor
    editor.load_text(PASSAGE)
    editor.move_cursor(editor.document.end)
    await pilot.pause()


@pytest.mark.model
async def test_continue_with_the_real_model(llama_backend) -> None:
    app = DraftsmithApp(lambda progress, **_: llama_backend)
    app.write_screen.settings = app.write_screen.settings.__class__(max_tokens=48, seed=3)
    async with app.run_test(size=(100, 30)) as pilot:
        await type_passage(app, pilot)
        assert "Gemma 3 270m" in app.write_screen.status.model_name
        await pilot.press("ctrl+g")
        # The model may finish before the press returns (a press waits for the app to go idle).
        await wait_until(pilot, lambda: not app.write_screen.generating)
        editor = app.write_screen.editor
        assert editor.pending is not None and editor.read_only  # written into a pending region
        await pilot.press("ctrl+y")
        text = editor.text
        assert text.startswith(PASSAGE)
        assert len(text) > len(PASSAGE) + 10
        assert app.write_screen.status.tokens_per_second > 0
        assert editor.pending is None and not editor.read_only


@pytest.mark.model
async def test_escape_cancels_the_real_model_and_keys_stay_responsive(llama_backend) -> None:
    app = DraftsmithApp(lambda progress, **_: llama_backend)
    app.write_screen.settings = app.write_screen.settings.__class__(max_tokens=400, seed=1)
    async with app.run_test(size=(100, 30)) as pilot:
        await type_passage(app, pilot)
        await pilot.press("ctrl+g")
        await wait_until(pilot, lambda: len(app.write_screen.editor.text) > len(PASSAGE) + 20)
        await pilot.press("escape")
        await wait_until(pilot, lambda: not app.write_screen.generating)
        stats = llama_backend.last_stats
        assert stats.stop_reason == "cancelled"
        assert stats.generated_tokens < 400  # within a token of the key: test_llama_backend.py
        assert "stopped" in app.write_screen.status.activity


async def test_continue_inserts_at_the_cursor_with_a_fake_backend() -> None:
    fake = FakeBackend()
    app = DraftsmithApp(lambda progress, **_: fake)
    app.write_screen.settings = app.write_screen.settings.__class__(max_tokens=5)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.write_screen.backend is not None)
        editor = app.write_screen.editor
        editor.load_text("First part. Second part.")
        editor.move_cursor((0, len("First part.")))
        await pilot.press("ctrl+g")
        await wait_until(pilot, lambda: not app.write_screen.generating)
        assert fake.prompts == ["First part."]
        assert editor.text == "First part. word0 word1 word2 word3 word4 Second part."
        assert editor.selected_text == " word0 word1 word2 word3 word4"  # the pending region, marked
        assert editor.committed_text == "First part. Second part."
        await pilot.press("ctrl+y")
        assert editor.pending is None and editor.text == "First part. word0 word1 word2 word3 word4 Second part."


async def test_typing_is_refused_while_generating_and_restored_after() -> None:
    fake = FakeBackend(delay=0.05)
    app = DraftsmithApp(lambda progress, **_: fake)
    async with app.run_test(size=(80, 24)) as pilot:
        await type_passage(app, pilot)
        await pilot.press("ctrl+g")
        await pilot.press("x")
        assert "x" not in app.write_screen.editor.text
        assert any("Not typed" in n.message for n in app._notifications)  # refused, visibly
        await pilot.press("escape")  # stop
        await wait_until(pilot, lambda: not app.write_screen.generating)
        await pilot.press("escape")  # discard
        assert app.write_screen.editor.text == PASSAGE
        await pilot.press("x")
        assert app.write_screen.editor.text == PASSAGE + "x"


async def test_a_model_that_fails_to_load_is_explained() -> None:
    def broken(progress, **_):
        raise ModelFileError("broken.gguf is truncated.")

    app = DraftsmithApp(broken)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.write_screen.status.activity == "no model")
        assert any("broken.gguf is truncated." in n.message for n in app._notifications)
        await pilot.press("ctrl+g")  # no model: a notice, no crash
        await asyncio.sleep(0.05)
        assert not app.write_screen.generating


async def test_loading_progress_is_shown() -> None:
    release = threading.Event()

    def slow(progress, **_):
        progress(50, 100)
        release.wait(timeout=30)
        return FakeBackend()

    app = DraftsmithApp(slow)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: "50%" in app.write_screen.status.activity)
        assert app.write_screen.backend is None
        release.set()
        await wait_until(pilot, lambda: app.write_screen.backend is not None)
        assert "ready" in app.write_screen.status.activity
