"""No typed character is ever lost: it reaches the editor, or the writer sees why it did not.

A character typed while the focus is elsewhere (the binder, the side panel after
the command palette) bubbles up unhandled and would vanish; while text is pending
the editor is read-only and drops it the same way. A screen passes such keys here.
"""

from __future__ import annotations

from textual import events
from textual.widget import Widget
from textual.widgets import Input

from app.widgets.draft_editor import DraftEditor

PENDING_REFUSAL = "Not typed: text is pending. Ctrl+Y keeps it, Esc discards it, then type on."


def catch_stray_key(event: events.Key, editor: DraftEditor) -> None:
    """Type an unhandled printable key into ``editor``, or refuse it with a notice while text is pending."""
    if not event.is_printable or event.character is None:
        return
    screen = editor.screen
    focused: Widget | None = screen.focused
    if isinstance(focused, Input) or event.key in screen.app.active_bindings:
        return  # a field or a key binding of the focused widget handles it
    event.stop()
    event.prevent_default()
    if editor.pending is not None or editor.read_only:
        editor.notify(PENDING_REFUSAL, severity="warning", timeout=4)
        return
    editor.focus()
    editor.insert(event.character)
