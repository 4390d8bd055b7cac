"""Snapshots of the main screens (fake model, so the pictures never depend on generated text).

Update them after an intended change of look with ``pytest tests/test_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

from pathlib import Path

from app.main_app import DraftsmithApp
from tests.fakes import FakeBackend
from tests.test_workspace import sample_project  # noqa: F401 (fixture)
from tests.test_write_screen import wait_until


def _app(project: Path) -> DraftsmithApp:
    return DraftsmithApp(lambda progress, **_: FakeBackend(), project=project)


async def _settle(pilot) -> None:
    app = pilot.app
    await wait_until(pilot, lambda: app.workspace is not None and app.workspace.backend is not None)
    app.workspace.editor.cursor_blink = False
    app.workspace.editor.move_cursor((0, 0))
    app.clear_notifications()
    await pilot.pause()


def test_workspace(snap_compare, sample_project: Path) -> None:
    assert snap_compare(_app(sample_project), terminal_size=(120, 34), run_before=_settle)


def test_workspace_at_80_by_24(snap_compare, sample_project: Path) -> None:
    assert snap_compare(_app(sample_project), terminal_size=(80, 24), run_before=_settle)


def test_workspace_light_theme_with_inspector(snap_compare, sample_project: Path) -> None:
    async def inspect(pilot) -> None:
        await _settle(pilot)
        pilot.app.theme = "textual-light"
        await pilot.press("f8")
        # The context is assembled in a worker: wait for it to reach the inspector.
        await wait_until(pilot, lambda: pilot.app.workspace.side.inspector.shown is not None)
        await pilot.pause()

    assert snap_compare(_app(sample_project), terminal_size=(120, 34), run_before=inspect)


def test_planning_screen(snap_compare, sample_project: Path) -> None:
    async def plan(pilot) -> None:
        await _settle(pilot)
        await pilot.press("f2")
        await pilot.pause()
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(_app(sample_project), terminal_size=(120, 34), run_before=plan)


def test_help_screen(snap_compare, sample_project: Path) -> None:
    async def help_(pilot) -> None:
        await _settle(pilot)
        await pilot.press("f1")
        await pilot.pause()

    assert snap_compare(_app(sample_project), terminal_size=(100, 34), run_before=help_)
