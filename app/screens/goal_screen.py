"""Set the session's word goal: how many new words today's sitting aims for."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

MAX_GOAL = 100_000


def parse_goal(text: str) -> int | None:
    """A goal from what the writer typed ("1500", "1,500"); None if it is not one."""
    cleaned = text.strip().replace(",", "").replace("_", "")
    if not cleaned.isdigit():
        return None
    goal = int(cleaned)
    return goal if 0 <= goal <= MAX_GOAL else None


class GoalScreen(ModalScreen[int | None]):
    """Asks for a number of words; Enter sets it (0 hides the goal), Esc leaves it as it was."""

    BINDINGS = [("escape", "dismiss", "Cancel")]

    def __init__(self, current: int) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="goal-box"):
            yield Label("Words to write this session (0 hides the goal):")
            yield Input(str(self.current), id="goal-input", restrict=r"[0-9,_]*")
            yield Label("", id="goal-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        goal = parse_goal(event.value)
        if goal is None:
            self.query_one("#goal-error", Label).update(f"A whole number of words, up to {MAX_GOAL:,}.")
            return
        self.dismiss(goal)
