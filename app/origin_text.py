"""A generated passage's record in words, for the command line and the app's Origin tab."""

from __future__ import annotations

from memory.provenance import AS_WRITTEN, PassageOrigin


def describe(origin: PassageOrigin) -> str:
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
    return "\n".join(lines)
