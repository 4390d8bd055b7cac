"""The one-line status bar: what the model is doing, the words, the model, speed and the day's goal.

On a narrow terminal the line drops what matters least first (the day's goal, the
speed, the model's name, the word count), so what the app is doing is always
read whole; only when that alone is wider than the terminal is it cut, with "…".
"""

from __future__ import annotations

from textual.reactive import reactive
from textual.widgets import Static

SEPARATOR = "  |  "


class StatusLine(Static):
    """Shows the model in use, the current activity, tokens/s, words and the session's word goal."""

    model_name: reactive[str] = reactive("no model")
    activity: reactive[str] = reactive("")
    tokens_per_second: reactive[float] = reactive(0.0)
    words: reactive[int] = reactive(0)
    session_words: reactive[int] = reactive(0)
    session_goal: reactive[int] = reactive(0)

    def _parts(self) -> list[tuple[int, str]]:
        """(rank, text) in reading order; the highest rank is dropped first when the line is too wide."""
        parts = [(2, f"Model: {self.model_name}")]
        if self.activity:
            parts.append((0, self.activity))
        if self.tokens_per_second:
            parts.append((3, f"{self.tokens_per_second:.1f} tok/s"))
        parts.append((1, f"{self.words:,} words"))
        if self.session_goal:
            parts.append((4, f"today {self.session_words:,}/{self.session_goal:,}"))
        return parts

    def render(self) -> str:
        return fitted(self._parts(), self.content_size.width)


def fitted(parts: list[tuple[int, str]], width: int) -> str:
    """The parts joined, leaving out the highest-ranked until the line fits ``width`` (0: any width)."""
    shown = list(parts)
    line = SEPARATOR.join(text for _, text in shown)
    while width and len(line) > width and len(shown) > 1:
        shown.remove(max(shown, key=lambda part: part[0]))
        line = SEPARATOR.join(text for _, text in shown)
    if width and len(line) > width:
        line = line[: max(0, width - 1)] + "…"
    return line
