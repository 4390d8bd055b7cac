"""Ctrl+T, then one key: a second way to every Alt binding.

Terminals that send Meta as Escape (tmux, many Linux consoles) turn Alt+B into
"ESC b", which Textual reads as Ctrl+Left, and Alt+← into Escape then ←. Ctrl+T is
one control byte everywhere; the key after it names the action, as the Alt
binding's letter does. Any key with no action (Esc among them) just closes the strip.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.app import ComposeResult
from textual.screen import ModalScreen
from textual.widgets import Static

CHORD_KEY = "ctrl+t"


@dataclass(frozen=True)
class Chord:
    keys: tuple[str, ...]
    """Textual key names or the characters typed; the first is the one shown."""
    action: str
    label: str


KEY_SHOWN = {"left": "←", "right": "→", "up": "↑", "down": "↓"}


class ChordScreen(ModalScreen[str | None]):
    """A strip at the bottom listing what each next key does; dismissed with the chosen action or None."""

    def __init__(self, chords: tuple[Chord, ...]) -> None:
        super().__init__()
        self.chords = chords

    def compose(self) -> ComposeResult:
        shown = "  ".join(f"[b]{KEY_SHOWN.get(chord.keys[0], chord.keys[0])}[/b] {chord.label}"
                          for chord in self.chords)
        yield Static(f"Ctrl+T then: {shown}   [dim](Esc: none)[/dim]", id="chords")

    def on_key(self, event: events.Key) -> None:
        event.stop()
        event.prevent_default()
        action = next((chord.action for chord in self.chords
                       if event.key in chord.keys or event.character in chord.keys), None)
        self.dismiss(action)
