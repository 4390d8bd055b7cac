"""Model backends: one protocol, an in-process llama.cpp runtime and an HTTP client."""

from engine.backend.protocol import (
    Backend,
    GenerationStats,
    PromptStyle,
    SamplingSettings,
    TokenScores,
)

__all__ = ["Backend", "GenerationStats", "PromptStyle", "SamplingSettings", "TokenScores"]
