"""Named sampler settings, and the ones a project keeps.

A project remembers its preset, the writer's banned phrases and whether the built-in
list of worn phrases is on (setting ``sampler``); a command's options change them for
that run only. ``plain`` is the sampler Draftsmith used before the stack: one repetition
penalty over the call's last 64 tokens, nothing else.
"""

from __future__ import annotations

from dataclasses import replace

from engine.backend.protocol import SamplingSettings
from memory.errors import ProjectError
from memory.storage.store import ProjectStore

PRESETS: dict[str, dict[str, object]] = {
    "balanced": {"temperature": 1.0, "min_p": 0.01, "top_p": 1.0, "xtc_probability": 0.6, "xtc_threshold": 0.08},
    "steady": {"temperature": 0.8, "min_p": 0.05, "top_p": 0.95},
    "lively": {"temperature": 1.0, "min_p": 0.005, "top_p": 1.0, "xtc_probability": 0.7, "xtc_threshold": 0.05},
    "plain": {"temperature": 0.8, "top_k": 40, "min_p": 0.05, "top_p": 0.95, "repeat_penalty": 1.1,
              "penalty_last_n": 64, "penalize_prompt": False, "dry_multiplier": 0.0},
}
"""All but ``plain`` keep a light repetition penalty over the book's recent text and DRY
against loops. ``balanced`` (the default) samples at temperature 1 from all but the
unlikeliest words and now and then passes over the likeliest (XTC), so the text is about
as surprising as a book, not flatter; ``steady`` keeps to likely words; ``lively`` passes
over more; ``plain`` is the old sampler: top-k 40 and a single repetition penalty over the call's
last 64 tokens."""
PRESET_ABOUT = {
    "balanced": "A light penalty over the book's recent text, DRY against loops (the default)",
    "lively": "Balanced, and now and then the likeliest word is passed over (XTC)",
    "steady": "Cooler, keeping to the likely words (top-n-sigma)",
    "plain": "Top-k 40 and one repetition penalty over the last 64 tokens, as before the stack",
}
DEFAULT_PRESET = "balanced"
SETTING = "sampler"


def preset_settings(name: str, base: SamplingSettings | None = None) -> SamplingSettings:
    """``base`` (the defaults) with preset ``name`` applied."""
    if name not in PRESETS:
        raise ProjectError(f"There is no sampler preset {name!r}; the presets are {', '.join(PRESETS)}.")
    return replace(base or SamplingSettings(), **PRESETS[name])


def project_preset(store: ProjectStore) -> str:
    """The name of the preset a project writes with."""
    return str(dict(store.get_setting(SETTING, {}) or {}).get("preset", DEFAULT_PRESET))


LEGACY_SETTING = "sampling"
"""Where the app once kept its temperature and length, read until the project keeps them here."""


def project_sampler(store: ProjectStore | None, base: SamplingSettings | None = None,
                    temperature: float | None = None, max_tokens: int | None = None,
                    preset: str | None = None) -> SamplingSettings:
    """The one sampler a project writes with, and a run's overrides over it.

    The project keeps (in its ``sampler`` setting) a preset, banned phrases, the worn-phrase
    switch and the writer's own temperature and length; the app and every command read it
    here. ``base`` holds what nothing else sets; ``preset``, ``temperature`` and
    ``max_tokens``, when given, are the run's own and win.
    """
    stored = dict(store.get_setting(SETTING, {}) or {}) if store is not None else {}
    legacy = dict(store.get_setting(LEGACY_SETTING, {}) or {}) if store is not None else {}
    settings = preset_settings(preset or (project_preset(store) if store is not None else DEFAULT_PRESET), base)
    settings = replace(settings, banned_phrases=tuple(stored.get("banned_phrases", ())),
                       worn_phrases=bool(stored.get("worn_phrases", True)))
    kept_temperature = stored.get("temperature", legacy.get("temperature"))
    kept_length = stored.get("max_tokens", legacy.get("max_tokens"))
    if temperature is None and kept_temperature is not None:
        temperature = float(kept_temperature)
    if max_tokens is None and kept_length is not None:
        max_tokens = int(kept_length)
    if temperature is not None:
        settings = replace(settings, temperature=temperature)
    return settings if max_tokens is None else replace(settings, max_tokens=max_tokens)


def save_project_sampler(store: ProjectStore, preset: str | None = None, ban: list[str] | None = None,
                         unban: list[str] | None = None, worn_phrases: bool | None = None,
                         temperature: float | None = None, max_tokens: int | None = None) -> dict[str, object]:
    """Change what the project keeps; returns the stored setting."""
    stored = dict(store.get_setting(SETTING, {}) or {})
    if preset is not None:
        preset_settings(preset)  # refuses an unknown name
        stored["preset"] = preset
    phrases = [p for p in stored.get("banned_phrases", []) if p not in (unban or [])]
    stored["banned_phrases"] = list(dict.fromkeys(phrases + (ban or [])))
    if worn_phrases is not None:
        stored["worn_phrases"] = worn_phrases
    if temperature is not None:
        stored["temperature"] = temperature
    if max_tokens is not None:
        stored["max_tokens"] = max_tokens
    stored.setdefault("preset", DEFAULT_PRESET)
    stored.setdefault("worn_phrases", True)
    with store.transaction():
        store.set_setting(SETTING, stored)
    return stored
