"""The app's style training screen, driven with Pilot over a fake trainer (named so).

Training itself is tested for real, with the default model, in test_style_training.py;
these check what the screen controls: the palette entry, progress, Esc stopping the run.
"""

from __future__ import annotations

import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from app.main_app import DraftsmithApp
from app.screens.style_training_screen import StyleNameScreen, StyleTrainingScreen
from engine.training.progress import TrainingProgress
from tests.fakes import FakeBackend
from tests.test_workspace import open_workspace, sample_project  # noqa: F401  (a fixture)
from tests.test_write_screen import wait_until


def fake_trainer(project, name, on_status, on_step, stop):
    """Reports a step every 50 ms until stopped, like the real run; trains nothing.

    It stops only when asked (or after two minutes, so a broken Esc fails the test
    instead of hanging it): a slow machine must not let the run end on its own first.
    """
    on_status(f"Training {name}…")
    step, deadline = 0, time.monotonic() + 120
    while not stop.wait(0.05) and time.monotonic() < deadline:
        step += 1
        on_step(TrainingProgress(step, 400, step * 512, 3.2, None, 60.0))
    return SimpleNamespace(stopped=stop.is_set(), steps_done=step, steps=400,
                           held_out_nll_plain=3.2, held_out_nll_styled=3.1, improvement=0.03)


async def test_esc_stops_a_training_run_and_says_where_it_stopped(sample_project: Path) -> None:  # noqa: F811
    app = DraftsmithApp(lambda progress, **_: FakeBackend(), project=sample_project)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_workspace(app, pilot)
        screen = StyleTrainingScreen(app.project, "mine", train=fake_trainer)
        await app.push_screen(screen)
        await wait_until(pilot, lambda: "step 3/400" in str(screen.query_one("#training-step").render()))
        await pilot.press("escape")
        await wait_until(pilot, lambda: screen.finished)
        assert screen.stop.is_set()
        assert "Stopped at step" in str(screen.query_one("#training-status").render())
        await pilot.press("escape")  # a finished run's screen closes
        await wait_until(pilot, lambda: app.screen is not screen)


async def test_the_palette_entry_asks_for_a_name_or_says_how_to_install_training(
        sample_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    import engine.training

    app = DraftsmithApp(lambda progress, **_: FakeBackend(), project=sample_project)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_workspace(app, pilot)
        monkeypatch.setattr(engine.training, "missing_training_packages", lambda: ["torch"])
        notices: list[str] = []
        monkeypatch.setattr(app, "notify", lambda message, **_: notices.append(message))
        app.action_train_style()
        assert notices and "pip install -e '.[train]'" in notices[0]
        monkeypatch.setattr(engine.training, "missing_training_packages", lambda: [])
        app.action_train_style()
        await wait_until(pilot, lambda: isinstance(app.screen, StyleNameScreen))
