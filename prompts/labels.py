"""The labels the prompt's own lines begin with, spelled once.

The assembler writes the memory sections under them (``[Characters: …]``), the outline
note writes its lines under them (``Now: …``), the templates use the planning ones, and
the passage cleaner removes any the model copies into the book. Renaming one here
renames it everywhere, so the cleaner never stops recognising a label the prompt uses.
"""

from __future__ import annotations

CAST = "Characters"
EARLIER = "Earlier"
BEFORE = "Before"
SCENE = "Scene"
NOW = "Now"

MEMORY_LABELS = (CAST, EARLIER, BEFORE)
"""The memory sections' labels (``memory.context.assembler``)."""
NOTE_LABELS = (NOW, SCENE)
"""The outline note's labels (``engine.workflows.passage``)."""
TEMPLATE_LABELS = ("Place", "Premise", "Synopsis", "Summary", "Passage")
"""Labels the prompt templates write (the planner's and the summariser's)."""
ALL_LABELS = (*NOTE_LABELS, *MEMORY_LABELS, *TEMPLATE_LABELS)


def bracketed(label: str, body: str) -> str:
    """A memory section as the prompt shows it: ``[Label: body]``."""
    return f"[{label}: {body}]"
