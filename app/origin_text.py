"""A generated passage's record in words, for the command line and the app's Origin tab."""

from __future__ import annotations

import difflib

from rich.markup import escape

from engine.backend.protocol import SamplingSettings
from engine.provenance import AS_WRITTEN, PassageOrigin

ALWAYS_SHOWN = ("max_tokens", "temperature", "top_p", "min_p", "repeat_penalty", "min_tokens")
"""Sampler settings every record line names; the others only when they are not the defaults."""


def _sampler_line(sampler: dict[str, object]) -> str:
    defaults = SamplingSettings().__dict__
    shown = [key for key in sampler if key in ALWAYS_SHOWN or (key in defaults and sampler[key] != defaults[key]
                                                               and sampler[key] not in ([], ()))]
    return ", ".join(f"{key} {sampler[key]}" for key in shown)


def describe(origin: PassageOrigin, with_alternatives: bool = False) -> str:
    """The record in a few lines; ``with_alternatives`` (the app) adds the other versions as word diffs,
    in Rich markup."""
    record = origin.record
    prompt = record.get("prompt") or {}
    sections = ", ".join(f"{s['name']} {s['tokens']}" for s in prompt.get("sections", []))
    adapters = ", ".join(f"{a['file']} at {a['scale']:g}" for a in record.get("adapters", [])) or "none"
    sampler = _sampler_line(record.get("sampler") or {})
    status = "as written" if origin.status == AS_WRITTEN else "EDITED since it was kept"
    flat = " ".join(origin.text.split())
    head = flat if len(flat) < 70 else flat[:67] + "..."
    lines = [
        f"{origin.kind} at {record.get('at', origin.created_at)} ({status}): {head}",
        f"  model: {record.get('model')}" + (f" (sha256 {record['model_sha256'][:16]}…)"
                                             if record.get("model_sha256") else ""),
        f"  styles: {adapters}",
        f"  sampler: {sampler}; seed {record.get('seed')}",
        f"  prompt: {sections or 'not recorded'}" + (f"; sha256 {prompt['sha256'][:16]}…" if prompt.get("sha256")
                                                     else ""),
    ]
    if with_alternatives:  # shown in the app, where square brackets are markup
        lines = [escape(line) for line in lines]
    if origin.alternatives:
        keys = " (Alt+A swaps the next one in)" if with_alternatives else ""
        lines.append(f"  {len(origin.alternatives)} other version(s) kept{keys}:")
        lines += [f"  {number}. {word_diff(origin.text, alternative.text, markup=with_alternatives)}"
                  for number, alternative in enumerate(origin.alternatives, start=1)]
    return "\n".join(lines)


def word_diff(kept: str, other: str, markup: bool = True) -> str:
    """``other`` against ``kept``, word by word: words only in ``other`` added, words it lacks struck out
    (Rich colours with ``markup``, else ``{+added+}`` and ``[-removed-]`` as ``git diff --word-diff`` writes)."""
    old, new = kept.split(), other.split()
    quote = escape if markup else (lambda text: text)
    pieces: list[str] = []
    for operation, a1, a2, b1, b2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if operation == "equal":
            pieces.append(quote(" ".join(old[a1:a2])))
            continue
        removed, added = " ".join(old[a1:a2]), " ".join(new[b1:b2])
        if removed:
            pieces.append(f"[strike red]{quote(removed)}[/]" if markup else f"[-{removed}-]")
        if added:
            pieces.append(f"[green]{quote(added)}[/]" if markup else f"{{+{added}+}}")
    return " ".join(pieces)
