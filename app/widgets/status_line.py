"""The one-line status bar: model, what it is doing, speed and word count."""

from __future__ import annotations

from textual.reactive import reactive
from textual.widgets import Static


class StatusLine(Static):
    """Shows the model in use, the current activity, tokens/s, words and the session's word goal."""

    model_name: reactive[str] = reactive("no model")
    activity: reactive[str] = reactive("")
    tokens_per_second: reactive[float] = reactive(0.0)
    words: reactive[int] = reactive(0)
    session_words: reactive[int] = reactive(0)
    session_goal: reactive[int] = reactive(0)

    def render(self) -> str:
        parts = [f"Model: {self.model_name}"]
        if self.activity:
            parts.append(self.activity)
        if self.tokens_per_second:
            parts.append(f"{self.tokens_per_second:.1f} tok/s")
        parts.append(f"{self.words:,} words")
        if self.session_goal:
            parts.append(f"today {self.session_words:,}/{self.session_goal:,}")
        return "  |  ".join(parts)
