"""The same continuation at several style scales, from one seed, to compare side by side."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from engine.backend.llama_backend import LlamaBackend
from engine.backend.protocol import SamplingSettings
from prompts import render


@dataclass(frozen=True)
class ScaledText:
    scale: float
    text: str


def compare_scales(backend: LlamaBackend, adapters: list[tuple[Path, float]], passage: str,
                   scales: list[float], settings: SamplingSettings) -> list[ScaledText]:
    """Continue ``passage`` once per scale; each adapter's scale is multiplied by it.

    The seed is fixed (0 when none is given) so the scale is the only difference.
    """
    settings = replace(settings, seed=settings.seed if settings.seed is not None else 0)
    restore = [(a.path, a.scale) for a in backend.active_adapters]
    prompt = render("continue", {"passage": passage})
    results = []
    try:
        for scale in scales:
            backend.set_adapters([(path, min(2.0, base * scale)) for path, base in adapters])
            results.append(ScaledText(scale, "".join(backend.stream(prompt, settings))))
    finally:
        backend.set_adapters(restore)
    return results
