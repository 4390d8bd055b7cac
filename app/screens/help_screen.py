"""Every key, in one place, readable on an 80x24 terminal.

The table scrolls (arrows, PageUp/PageDown, Home/End) inside a frame whose border
always says how to close it and how to quit, however little of the table fits.
"""

from __future__ import annotations

from rich import box
from rich.table import Table
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS = (
    ("Ctrl+G", "continue at the cursor (into a pending region)"),
    ("Ctrl+Y", "keep the pending text (otherwise Ctrl+Y is redo, Ctrl+Z undo)"),
    ("Ctrl+R", "write another version; Alt+← / Alt+→ choose among versions"),
    ("Esc", "stop writing (within a token); then discard the pending text"),
    ("Alt+W, Alt+D, Alt+E", "rewrite, describe or expand the selection"),
    ("Ctrl+B", "draft the outline node chosen in the binder"),
    ("Ctrl+S", "save now (saving also happens a second after you stop typing)"),
    ("F2", "planning screen: Ctrl+N plans children, Ctrl+S saves a node, Alt+↑/↓ moves, Ctrl+X deletes"),
    ("F3", "models, sampling and context size"),
    ("Alt+N, Alt+B, F8", "side panel: outline node, story bible, context inspector (the same key closes it "
                         "on a narrow screen)"),
    ("Alt+S", "score each paragraph against the project's style (lowest first)"),
    ("Alt+O", "what produced the generated passages in the paragraph at the cursor, and the other versions"),
    ("Alt+A", "swap the next kept version of the passage at the cursor in (Ctrl+Z undoes it)"),
    ("Ctrl+T, then a key", "every Alt key where the terminal cannot send Alt (tmux): Ctrl+T B is Alt+B, "
                           "Ctrl+T ← is Alt+←"),
    ("Ctrl+O", "open, create or import a project (the scratch page's text is kept)"),
    ("Ctrl+P", "command palette: every action, and themes (light and dark)"),
    ("F1", "this help; Ctrl+Q quits"),
)


def keys_table() -> Table:
    table = Table(box=box.SIMPLE_HEAD, expand=True, padding=(0, 1))
    table.add_column("key", no_wrap=True, style="bold", max_width=20)
    table.add_column("what it does", ratio=1)
    for key, what in KEYS:
        table.add_row(key, what)
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS = [("escape,f1,q", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        frame = VerticalScroll(Static(keys_table()), id="help")
        frame.border_title = "Keys: Esc closes, Ctrl+Q quits"
        frame.border_subtitle = "↑ ↓ PgUp PgDn scroll"
        yield frame

    def on_mount(self) -> None:
        self.query_one("#help", VerticalScroll).focus()
