"""What a training run reports after each step (no training library needed to read it)."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class TrainingProgress:
    step: int
    steps: int
    tokens: int
    loss: float
    held_out_loss: float | None
    seconds_left: float

    def as_dict(self) -> dict[str, object]:
        return asdict(self)
