"""The manuscript editor: the writer's text, plus a visibly marked pending region.

Generated text never goes straight into the manuscript. It streams into a pending
region, shown selected and with the editor's border in the warning colour, while
the editor is read-only; the writer then accepts it, asks for another version (all
versions are kept to choose among), or discards it. ``committed_text`` is the text
without the pending region: the only text autosave ever stores.

Undo knows nothing of the pending region while it streams (the model's pieces are
not the writer's edits); keeping it records one edit, so one Ctrl+Z takes the kept
passage back out, and a discarded one leaves no trace in the history at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.widgets import TextArea
from textual.widgets.text_area import Edit, EditHistory, Location, Selection


class _PendingAwareHistory(EditHistory):
    """The editor's undo history, which records nothing while ``paused`` (a pending region is open)."""

    paused = False

    def record(self, edit: Edit) -> None:
        if not self.paused:
            super().record(edit)


@dataclass
class Pending:
    start: Location
    end: Location
    replaced: str = ""
    """Text the pending region stands in for (a selection being rewritten)."""
    alternatives: list[str] = field(default_factory=lambda: [""])
    index: int = 0
    records: dict[int, dict] = field(default_factory=dict)
    """What produced each alternative (by index), kept with the one the writer keeps."""

    @property
    def text(self) -> str:
        return self.alternatives[self.index]


class DraftEditor(TextArea):
    """A soft-wrapped TextArea that holds one document and at most one pending region."""

    def __init__(self, **kwargs) -> None:
        super().__init__(soft_wrap=True, tab_behavior="focus", **kwargs)
        self.history = _PendingAwareHistory(max_checkpoints=self.history.max_checkpoints,
                                            checkpoint_timer=self.history.checkpoint_timer,
                                            checkpoint_max_characters=self.history.checkpoint_max_characters)
        self.document_id: int | None = None
        self.pending: Pending | None = None

    def undo(self) -> None:
        """Undo the writer's last edit; nothing while text is pending (keep or discard it first)."""
        if self.pending is None:
            super().undo()

    def redo(self) -> None:
        if self.pending is None:
            super().redo()

    def open_document(self, document_id: int, text: str) -> None:
        self.pending = None
        self.history.paused = False
        self.read_only = False
        self.remove_class("pending")
        self.document_id = document_id
        self.load_text(text)

    @property
    def committed_text(self) -> str:
        """The text as the writer owns it: without pending text, with what it would replace."""
        if self.pending is None:
            return self.text
        before = self.get_text_range((0, 0), self.pending.start)
        after = self.get_text_range(self.pending.end, self.document.end)
        return before + self.pending.replaced + after

    def begin_pending(self, replace_selection: bool = False) -> None:
        """Start a pending region at the cursor, or over the selection when rewriting it."""
        selection = self.selection
        start, end = sorted((selection.start, selection.end))
        replaced = self.get_text_range(start, end) if replace_selection else ""
        self.history.checkpoint()
        self.history.paused = True
        if replace_selection and replaced:
            self.delete(start, end, maintain_selection_offset=False)
        else:
            start = self.cursor_location
        self.pending = Pending(start=start, end=start, replaced=replaced)
        self.read_only = True
        self.add_class("pending")

    def new_alternative(self) -> None:
        """Clear the pending region for another version, keeping the earlier ones."""
        assert self.pending is not None
        self._replace_pending("")
        self.pending.alternatives.append("")
        self.pending.index = len(self.pending.alternatives) - 1

    def append_pending(self, piece: str) -> None:
        if self.pending is None:
            return
        result = self.insert(piece, self.pending.end, maintain_selection_offset=False)
        self.pending.end = result.end_location
        self.pending.alternatives[self.pending.index] += piece
        self._mark()

    def set_pending_text(self, text: str) -> None:
        """Replace the current version's whole text (a draft written again, or cleaned once written)."""
        if self.pending is None:
            return
        self._replace_pending(text)
        self.pending.alternatives[self.pending.index] = text

    def show_alternative(self, step: int) -> None:
        """Show the previous (-1) or next (+1) version in the pending region."""
        if self.pending is None or len(self.pending.alternatives) < 2:
            return
        index = (self.pending.index + step) % len(self.pending.alternatives)
        text = self.pending.alternatives[index]
        self._replace_pending(text)
        self.pending.index = index

    def accept(self) -> str:
        """Keep the pending text as the writer's own, as one undoable edit; returns it."""
        assert self.pending is not None
        accepted, start, replaced = self.pending.text, self.pending.start, self.pending.replaced
        # Put the document back as it was before the region opened, unrecorded, then make
        # the kept change as one recorded edit: Ctrl+Z takes exactly that back out.
        restored = self.replace(replaced, start, self.pending.end, maintain_selection_offset=False)
        self.pending = None
        self.history.paused = False
        self.read_only = False
        self.remove_class("pending")
        self.selection = Selection(start, restored.end_location)
        self.history.checkpoint()
        kept = self.replace(accepted, start, restored.end_location, maintain_selection_offset=False)
        self.history.checkpoint()
        self.move_cursor(kept.end_location)
        return accepted

    def discard(self) -> None:
        """Remove the pending text and put back what it replaced."""
        if self.pending is None:
            return
        start, replaced = self.pending.start, self.pending.replaced
        self._replace_pending(replaced)
        self.pending = None
        self.history.paused = False
        self.read_only = False
        self.remove_class("pending")
        self.move_cursor(start)

    def _replace_pending(self, text: str) -> None:
        assert self.pending is not None
        result = self.replace(text, self.pending.start, self.pending.end, maintain_selection_offset=False)
        self.pending.end = result.end_location
        self._mark()

    def _mark(self) -> None:
        assert self.pending is not None
        self.selection = Selection(self.pending.start, self.pending.end)
