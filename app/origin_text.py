"""A generated passage's record in words, for the command line and the app's Origin tab."""

from __future__ import annotations

import difflib

from rich.markup import escape

from memory.provenance import AS_WRITTEN, PassageOrigin


def describe(origin: PassageOrigin, with_alternatives: bool = False) -> str:
    """The record in a few lines; ``with_alternatives`` (the app) adds the other versions as word diffs,
    in Rich markup."""
    record = origin.record
    prompt = record.get("prompt") or {}
    sections = ", ".join(f"{s['name']} {s['tokens']}" for s in prompt.get("sections", []))
    adapters = ", ".join(f"{a['file']} at {a['scale']:g}" for a in record.get("adapters", [])) or "none"
    sampler = ", ".join(f"{key} {value}" for key, value in (record.get("sampler") or {}).items())
    status = "as written" if origin.status == AS_WRITTEN else "EDITED since it was kept"
    head = origin.text if len(origin.text) < 70 else origin.text[:67] + "..."
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
    if with_alternatives and origin.alternatives:
        lines.append(f"  {len(origin.alternatives)} other version(s) kept (Alt+A swaps the next one in):")
        lines += [f"  {number}. {word_diff(origin.text, alternative.text)}"
                  for number, alternative in enumerate(origin.alternatives, start=1)]
    return "\n".join(lines)


def word_diff(kept: str, other: str) -> str:
    """``other`` against ``kept``, word by word: words only in ``other`` in green, words it lacks struck out."""
    old, new = kept.split(), other.split()
    pieces: list[str] = []
    for operation, a1, a2, b1, b2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if operation == "equal":
            pieces.append(escape(" ".join(old[a1:a2])))
            continue
        if a2 > a1:
            pieces.append(f"[strike red]{escape(' '.join(old[a1:a2]))}[/]")
        if b2 > b1:
            pieces.append(f"[green]{escape(' '.join(new[b1:b2]))}[/]")
    return " ".join(pieces)
