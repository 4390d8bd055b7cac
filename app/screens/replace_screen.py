"""Ask before an export would replace a file: replace it, keep both, or cancel."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label

REPLACE, KEEP_BOTH = "replace", "keep-both"


class ReplaceScreen(ModalScreen[str | None]):
    """Dismisses with ``REPLACE``, ``KEEP_BOTH`` or None (Esc or Cancel)."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel"), Binding("r", "choose('replace')", "Replace"),
                Binding("k", "choose('keep-both')", "Keep both")]

    def __init__(self, target: Path) -> None:
        super().__init__()
        self.target = target

    def compose(self) -> ComposeResult:
        with Vertical(id="replace-box"):
            yield Label(f"{self.target.name} already exists beside the project.")
            with Horizontal(id="replace-buttons"):
                yield Button("Replace it (R)", id=REPLACE, variant="error")
                yield Button("Keep both (K)", id=KEEP_BOTH, variant="primary")
                yield Button("Cancel (Esc)", id="cancel")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id if event.button.id in (REPLACE, KEEP_BOTH) else None)

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)
