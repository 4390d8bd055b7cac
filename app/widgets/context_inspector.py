"""The context inspector: what the model will see next, section by section.

Each section's real token count (by the model's tokenizer) and the reason it is
there, a bar of the budget used, and how much of the prompt the KV cache already
holds from the previous generation, so the writer sees why a generation starts
fast or slow.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, ProgressBar, Static

from memory.context.assembler import AssembledContext


class ContextInspector(Vertical):
    """The sections of the next prompt with their token counts and why each is there."""

    shown: AssembledContext | None = None
    """The context on display, None until the first inspection."""

    def compose(self) -> ComposeResult:
        yield Static("Move the cursor and press Ctrl+I to inspect the next prompt.", id="inspector-summary")
        yield ProgressBar(total=100, show_eta=False, id="inspector-budget")
        table = DataTable(id="inspector-sections", cursor_type="row", zebra_stripes=True)
        table.add_columns("section", "tokens", "why")
        yield table

    def show(self, context: AssembledContext, cached_tokens: int | None) -> None:
        self.shown = context
        table = self.query_one(DataTable)
        table.clear()
        for section in context.sections:
            table.add_row(section.name, f"{section.tokens:,}", section.reason, key=section.name)
        bar = self.query_one(ProgressBar)
        bar.update(total=context.budget, progress=context.total_tokens)
        reuse = "" if cached_tokens is None else f"; {cached_tokens:,} reused from the KV cache"
        self.query_one("#inspector-summary", Static).update(
            f"{context.total_tokens:,} of {context.budget:,} tokens in {len(context.sections)} sections{reuse}")
