"""The app never waits on the model: keys, the inspector, a model switch and Esc mid-stream.

Fake backends (named so) that behave like a model runtime where it matters: they
hold their lock for a whole generation, and ``close`` waits for it. If the app
called such a backend from its UI thread while text streamed, these tests would
hang instead of pass. The real backend's own side (``cached_prefix`` never waiting)
is tested in test_llama_backend.py.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from app.main_app import DraftsmithApp
from app.messages import ModelLoaded
from app.screens.planning import PlanningScreen
from engine.error_log import error_log_path
from tests.fakes import FakeBackend
from tests.test_workspace import open_workspace, sample_project  # noqa: F401 (fixture)
from tests.test_write_screen import wait_until


class LockHoldingFakeBackend(FakeBackend):
    """A fake backend that holds a lock across its whole stream; ``close`` and ``cached_prefix`` take it."""

    inspects_cache = True

    def __init__(self, delay: float = 0.02) -> None:
        super().__init__(delay=delay)
        self.lock = threading.Lock()
        self.closed = threading.Event()

    def stream(self, prompt, settings, cancel=None):
        with self.lock:
            yield from super().stream(prompt, settings, cancel)

    def cached_prefix(self, prompt):
        with self.lock:
            return super().cached_prefix(prompt)

    def close(self) -> None:
        with self.lock:
            self.closed.set()


class FailingFakeBackend(FakeBackend):
    """A fake backend that writes three words and then fails with an error no workflow expects."""

    def stream(self, prompt, settings, cancel=None):
        for index, piece in enumerate(super().stream(prompt, settings, cancel)):
            if index == 3:
                raise RuntimeError("the fake runtime broke")
            yield piece


async def start_streaming(app: DraftsmithApp, pilot):
    workspace = await open_workspace(app, pilot)
    workspace.settings = workspace.settings.__class__(max_tokens=3000)  # a minute of words: it ends when stopped
    workspace.editor.move_cursor(workspace.editor.document.end)
    await pilot.press("ctrl+g")
    await wait_until(pilot, lambda: workspace.editor.pending is not None
                     and len(workspace.editor.pending.text.split()) > 5)
    return workspace


async def test_the_inspector_and_other_keys_work_while_text_streams(sample_project: Path) -> None:
    fake = LockHoldingFakeBackend()
    app = DraftsmithApp(lambda progress, **_: fake, project=sample_project)
    async with app.run_test(size=(120, 36)) as pilot:
        workspace = await start_streaming(app, pilot)
        await pilot.press("f8")
        assert workspace.side.active == "tab-context"
        await pilot.press("alt+b")
        assert workspace.side.active == "tab-bible"
        assert workspace.generating  # keys handled while the generation held the model's lock
        await pilot.press("escape")
        await wait_until(pilot, lambda: not workspace.generating)
        # The inspector's worker waited for the lock off the UI thread and then showed its context.
        await wait_until(pilot, lambda: workspace.side.inspector.shown is not None)


async def test_escape_stops_within_one_token(sample_project: Path) -> None:
    fake = FakeBackend(delay=0.02)
    app = DraftsmithApp(lambda progress, **_: fake, project=sample_project)
    async with app.run_test(size=(120, 36)) as pilot:
        workspace = await start_streaming(app, pilot)
        await pilot.press("escape")
        at_escape = fake.last_stats.generated_tokens
        await wait_until(pilot, lambda: not workspace.generating)
        assert fake.last_stats.generated_tokens - at_escape <= 1
        assert fake.last_stats.stop_reason == "cancelled"
        assert workspace.editor.pending is not None  # what was written waits to be kept or discarded


async def test_a_model_switch_mid_stream_stops_the_old_model_off_the_ui_thread(sample_project: Path) -> None:
    old, new = LockHoldingFakeBackend(), FakeBackend()
    app = DraftsmithApp(lambda progress, **_: old, project=sample_project)
    async with app.run_test(size=(120, 36)) as pilot:
        workspace = await start_streaming(app, pilot)
        app.post_message(ModelLoaded(new))
        await wait_until(pilot, lambda: workspace.backend is new)
        await pilot.press("alt+b")
        assert workspace.side.active == "tab-bible"
        await wait_until(pilot, lambda: not workspace.generating and old.closed.is_set())
        assert old.last_stats.stop_reason == "cancelled"
        assert workspace.editor.pending is not None and "word5" in workspace.editor.pending.text


async def test_an_unexpected_error_while_writing_keeps_the_text_and_the_app(sample_project: Path,
                                                                             isolated_home: Path) -> None:
    app = DraftsmithApp(lambda progress, **_: FailingFakeBackend(), project=sample_project)
    notices: list[str] = []
    async with app.run_test(size=(120, 36)) as pilot:
        workspace = await open_workspace(app, pilot)
        app.notify = lambda message, **_: notices.append(message)  # type: ignore[method-assign]
        workspace.notify = app.notify  # type: ignore[method-assign]
        workspace.editor.move_cursor(workspace.editor.document.end)
        await pilot.press("ctrl+g")
        await wait_until(pilot, lambda: not workspace.generating)
        assert app.is_running
        assert workspace.editor.pending is not None and "word2" in workspace.editor.pending.text
        assert any("Something went wrong while writing" in notice and "RuntimeError" in notice
                   for notice in notices)
    assert "the fake runtime broke" in error_log_path().read_text()


async def test_closing_the_app_mid_stream_stops_the_generation(sample_project: Path) -> None:
    """Textual cancels the worker as the app closes; its cancel event is the one the engine watches."""
    fake = FakeBackend(delay=0.02)
    app = DraftsmithApp(lambda progress, **_: fake, project=sample_project)
    async with app.run_test(size=(120, 36)) as pilot:
        await start_streaming(app, pilot)
        await pilot.press("ctrl+q")
    deadline = time.monotonic() + 30
    while fake.last_stats.stop_reason != "cancelled" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert fake.last_stats.stop_reason == "cancelled"
    assert fake.last_stats.generated_tokens < 3000


async def test_planning_mid_stream_waits_for_the_model_off_the_ui_thread(sample_project: Path) -> None:
    fake = LockHoldingFakeBackend()
    app = DraftsmithApp(lambda progress, **_: fake, project=sample_project)
    async with app.run_test(size=(120, 36)) as pilot:
        workspace = await start_streaming(app, pilot)
        await pilot.press("f2")
        planning = app.screen
        assert isinstance(planning, PlanningScreen)
        chapter = planning.outline.chapters()[0]
        planning.refresh_tree(select=chapter.id)
        await pilot.press("ctrl+n")
        assert planning.planning  # its worker now waits for the model the stream holds
        await pilot.press("up")
        assert planning.selected_id != chapter.id  # keys are handled meanwhile
        await pilot.press("escape")
        assert app.screen is workspace and workspace.generating
        await pilot.press("escape")
        await wait_until(pilot, lambda: not workspace.generating)
