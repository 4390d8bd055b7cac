"""Every key, in one place."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import ModalScreen
from textual.widgets import Markdown

HELP = """\
# Draftsmith keys

| key | what it does |
|---|---|
| Ctrl+G | continue at the cursor (into a pending region) |
| Ctrl+Y | keep the pending text (otherwise Ctrl+Y is redo, Ctrl+Z undo) |
| Ctrl+R | write another version; Alt+← / Alt+→ choose among versions |
| Esc | stop writing (within a token); then discard the pending text |
| Alt+W / Alt+D / Alt+E | rewrite, describe or expand the selection |
| Ctrl+B | draft the outline node chosen in the binder |
| Ctrl+S | save now (saving also happens a second after you stop typing) |
| F2 | planning screen: Ctrl+N plans children, Ctrl+S saves a node, Alt+↑/↓ moves, Ctrl+X deletes |
| F3 | models, sampling and context size |
| Alt+N / Alt+B / F8 | side panel: outline node, story bible, context inspector |
| Alt+S | score each paragraph against the project's style (lowest first) |
| Alt+O | what produced the generated passages in the paragraph at the cursor, and the other versions kept |
| Alt+A | swap the next kept version of the passage at the cursor in (Ctrl+Z undoes it) |
| Ctrl+O | open, create or import a project |
| Ctrl+P | command palette: every action, and themes (light and dark) |
| F1 | this help;  Ctrl+Q quits |

Press Esc to close.
"""


class HelpScreen(ModalScreen[None]):
    BINDINGS = [("escape", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        yield Markdown(HELP, id="help")
