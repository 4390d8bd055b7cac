"""The writer's changes to the story bible, as the app and the command line make them.

Each is one call that changes the project and says what it did; the writer's word is
final (``memory.context.bible``): a removed entry is not found again, a confirmed change of name
holds from its chapter on, and an entry the writer set is never overwritten.
"""

from __future__ import annotations

from memory.context.bible import BibleEntry, DatedFact, confirm_proposals, delete_entry, load_bible, save_entry
from memory.errors import ProjectError
from memory.storage.store import ProjectStore


def confirm_changes(store: ProjectStore, name: str) -> BibleEntry:
    """Accept the changes extraction proposes for entry ``name``."""
    entry = _entry(store, name)
    if not entry.proposals():
        raise ProjectError(f"{name} has no proposed changes to confirm.")
    return confirm_proposals(store, name)


def remove_entry(store: ProjectStore, name: str) -> None:
    """Remove entry ``name``; a later extraction will not bring it back."""
    if not delete_entry(store, name):
        raise ProjectError(f"The story bible has no entry named {name!r}.")


def set_entry(store: ProjectStore, name: str, *, kind: str | None = None, pronouns: str | None = None,
              aliases: list[str] | None = None, facts: list[str] | None = None,
              from_chapter: int | None = None) -> BibleEntry:
    """Add to or change entry ``name`` (creating it), as the writer's own.

    With ``from_chapter``, the names and facts given hold only from that chapter on.
    """
    existing = {entry.name: entry for entry in load_bible(store)}
    entry = existing.get(name, BibleEntry(name=name))
    entry.kind = kind or entry.kind
    entry.pronouns = pronouns if pronouns is not None else entry.pronouns
    if from_chapter:
        entry.timeline += [DatedFact(from_chapter, name=alias) for alias in aliases or []]
        entry.timeline += [DatedFact(from_chapter, fact=fact) for fact in facts or []]
    else:
        entry.aliases = list(dict.fromkeys(entry.aliases + (aliases or [])))
        entry.facts = list(dict.fromkeys(entry.facts + (facts or [])))
    entry.source = "writer"
    save_entry(store, entry)
    return entry


def _entry(store: ProjectStore, name: str) -> BibleEntry:
    entry = next((e for e in load_bible(store) if e.name == name), None)
    if entry is None:
        raise ProjectError(f"The story bible has no entry named {name!r}.")
    return entry
