"""How the context assembler shares its budget between sections.

A project carries one set (``Project.context_shares``): the app and every command use
the defaults, and a benchmark that measures another layout sets it on the project it
opens, so no production function has to pass it along.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ContextShares:
    """Caps for each section as shares of the budget; the recent text takes the rest.

    ``bench/continuation.py`` measures each share's worth against the plain window.
    """

    opening: float = 0.03
    facts: float = 0.10
    summaries: float = 0.06
    focus: float = 0.0
    opening_until: float = 4.0
    """The opening is pinned while the book before the cursor is at most this many budgets long."""
    summary_words: int = 24
    facts_lookback: int = 40
    """Chunks before the anchor (about a chapter) whose names count as the scene's cast."""
    jump: float = 1.5
    """Tokens between the memory anchor's grid lines, as a share of the budget the memory
    sections and the recent text share: the memory sections change once per this much new
    text, and up to this much text before the recent text is in neither."""
