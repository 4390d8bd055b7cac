"""Which seed each try of a generation uses: one rule for drafting's rewrites and ``write``'s steps.

A run with a seed is repeatable try by try: the first try of the first step uses the
writer's seed itself, and every other try gets a seed of its own, so a retry never
samples the same way again and the record of the try kept names the seed that made it.
"""

from __future__ import annotations

TRY_STRIDE = 1000
"""Seeds between one try of a step and the next: steps of one run never reach the next try's seeds."""


def try_seed(seed: int | None, attempt: int, step: int = 0) -> int | None:
    """The seed of try ``attempt`` (0 first) at ``step`` (0 first); without a seed, a fresh one each time."""
    if seed is None:
        return None
    return seed + step + TRY_STRIDE * attempt
