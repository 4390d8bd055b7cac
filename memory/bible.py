"""The story bible: characters, places and things, with aliases and facts.

Entries are found automatically from the manuscript (names that recur mid-sentence,
the pronouns used near them) and always editable by the writer; the writer's
entries are never overwritten by a later extraction. The assembler includes the
entries named near the cursor, so a small model keeps names and pronouns straight.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from memory.bible_extraction import find_entries
from memory.store import ProjectStore, now

MIN_MENTIONS = 3


@dataclass
class BibleEntry:
    name: str
    kind: str = "character"  # character, place or thing
    aliases: list[str] = field(default_factory=list)
    pronouns: str = ""
    facts: list[str] = field(default_factory=list)
    mentions: int = 0
    source: str = "auto"  # auto or writer

    def line(self, with_aliases: bool = False, with_pronouns: bool = True) -> str:
        """One short line for the prompt: ``Elizabeth (she/her): second of five sisters``."""
        names = ", ".join(self.all_names()) if with_aliases and self.aliases else self.name
        detail = f" ({self.pronouns})" if self.pronouns and with_pronouns else ""
        facts = f": {'; '.join(self.facts)}" if self.facts else ""
        return f"{names}{detail}{facts}"

    def all_names(self) -> list[str]:
        return [self.name, *self.aliases]


def load_bible(store: ProjectStore) -> list[BibleEntry]:
    rows = store.db.execute(
        "SELECT name, kind, aliases, pronouns, facts, mentions, source FROM bible ORDER BY mentions DESC, name"
    ).fetchall()
    return [BibleEntry(name, kind, json.loads(aliases or "[]"), pronouns or "", json.loads(facts or "[]"),
                       mentions or 0, source) for name, kind, aliases, pronouns, facts, mentions, source in rows]


def save_entry(store: ProjectStore, entry: BibleEntry) -> None:
    """Create or replace the entry with this name."""
    with store.transaction():
        _upsert_by_name(store, entry)


def _bump_version(store: ProjectStore) -> None:
    """Tell cached copies of the bible (see ``Project.bible``) that it changed."""
    store.set_setting("bible_version", int(store.get_setting("bible_version", 0)) + 1)


def _upsert_by_name(store: ProjectStore, entry: BibleEntry) -> None:
    _bump_version(store)
    store.db.execute(
        "INSERT INTO bible (name, kind, aliases, pronouns, facts, mentions, source, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET kind = excluded.kind, "
        "aliases = excluded.aliases, pronouns = excluded.pronouns, facts = excluded.facts, "
        "mentions = excluded.mentions, source = excluded.source, updated_at = excluded.updated_at",
        [entry.name, entry.kind, json.dumps(entry.aliases), entry.pronouns, json.dumps(entry.facts),
         entry.mentions, entry.source, now()],
    )


def delete_entry(store: ProjectStore, name: str) -> bool:
    with store.transaction():
        deleted = store.db.execute("DELETE FROM bible WHERE name = ?", [name]).rowcount > 0
        if deleted:
            _bump_version(store)
        return deleted


def extract_bible(store: ProjectStore, min_mentions: int = MIN_MENTIONS) -> list[BibleEntry]:
    """Find recurring names in the manuscript and store them, keeping the writer's entries."""
    text = "\n\n".join(document.text for document in store.documents())
    found = [BibleEntry(e.name, e.kind, e.aliases, e.pronouns, mentions=e.mentions)
             for e in find_entries(text, min_mentions)]
    writer_names = {e.name for e in load_bible(store) if e.source == "writer"}
    with store.transaction():
        _bump_version(store)
        store.db.execute("DELETE FROM bible WHERE source = 'auto'")
        for entry in found:
            if entry.name not in writer_names:
                _upsert_by_name(store, entry)
        store.set_setting(BIBLE_PENDING, False)
    return load_bible(store)


BIBLE_PENDING = "bible_pending"
"""Set in the same transaction as an imported manuscript, cleared with the bible built from it.

A process killed between the two leaves it set, and the next writer to open the
project builds the bible again, so a new book never keeps the old book's cast.
"""


def bible_pending(store: ProjectStore) -> bool:
    return bool(store.get_setting(BIBLE_PENDING, False))


_CAPITALISED = re.compile(r"[A-Z][A-Za-z'\-]*\.?")


def entries_mentioned(entries: list[BibleEntry], text: str) -> list[tuple[BibleEntry, int]]:
    """Entries named in ``text`` with how often, most mentioned first."""
    hits = Counter(entry.name for entry, _ in _mentions(entries, text))
    by_name = {entry.name: entry for entry in entries}
    return sorted(((by_name[name], n) for name, n in hits.items()), key=lambda pair: (-pair[1], -pair[0].mentions))


def last_mentions(entries: list[BibleEntry], text: str) -> dict[str, int]:
    """Where in ``text`` each entry named there is named last, by entry name.

    A character named a page ago is likelier to come back than one named a chapter ago,
    however often that one was named then.
    """
    return {entry.name: start for entry, start in _mentions(entries, text)}


def _mentions(entries: list[BibleEntry], text: str) -> Iterator[tuple[BibleEntry, int]]:
    """Each naming of an entry in ``text``, in order, with where it starts.

    One pass over the text's capitalised words, trying the longest run of up to three
    adjacent ones against the names: far faster than one regex alternating hundreds
    of names, which matters at every context assembly.
    """
    if not entries or not text:
        return
    owner = {name: entry for entry in entries for name in entry.all_names()}
    longest = max(len(name.split()) for name in owner)
    first_words = {name.split()[0] for name in owner}
    words = [(m.start(), m.end(), m.group()) for m in _CAPITALISED.finditer(text)]
    index = 0
    while index < len(words):
        matched = 1
        if words[index][2] not in first_words and words[index][2].rstrip(".") not in first_words:
            index += 1
            continue
        for size in range(min(longest, len(words) - index), 0, -1):
            run = words[index : index + size]
            if any(run[k + 1][0] != run[k][1] + 1 for k in range(size - 1)):
                continue  # not adjacent words
            name = " ".join(word for _, _, word in run)
            entry = owner.get(name) or owner.get(name.rstrip("."))
            if entry is not None and _word_ends(text, run[-1][1]):
                yield entry, run[0][0]
                matched = size
                break
        index += matched


def _word_ends(text: str, end: int) -> bool:
    return end >= len(text) or not (text[end].isalnum())
