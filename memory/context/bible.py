"""The story bible: characters, places, groups and things, with aliases and facts.

Entries are found automatically from the manuscript (``memory.context.bible_extraction``) and
always editable by the writer. The writer wins: an entry the writer set is never
overwritten by a later extraction, a name it claims is taken from any found entry, and
an entry the writer removed is not found again. The assembler includes the entries
named near the cursor, so a small model keeps names and pronouns straight.

Some facts hold only from a chapter on: a marriage and the name that comes with it, a
death, a move. They live in an entry's ``timeline``; the cast line and the drafting
checks at a cursor read the entry as it stands there (``BibleEntry.at``). Extraction
proposes the changes of name it can see ("Miss Lucas" becoming "Mrs. Collins") as
dated facts marked ``proposed``, which count for nothing until the writer confirms them.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace

from memory.context.bible_extraction import find_entries
from memory.storage.store import ProjectStore, now

MIN_MENTIONS = 3
LINE_ALIASES = 3
"""Other names a prompt's cast line gives an entry: the most used ones; all stay in the bible."""
KINDS = ("character", "place", "group", "thing")
REJECTED = "bible_rejected"
"""Names of entries the writer removed: extraction does not find them again."""


@dataclass
class DatedFact:
    """A fact that holds from ``chapter`` (1-based) on; ``name`` is a name the entry goes by from then."""

    chapter: int
    fact: str = ""
    name: str = ""
    proposed: bool = False
    """Found by extraction and not yet confirmed by the writer: it counts for nothing until then."""

    def describe(self) -> str:
        said = self.fact or f"called {self.name}"
        if self.fact and self.name:
            said = f"{self.fact}, called {self.name}"
        return f"from chapter {self.chapter}: {said}" + (" (proposed)" if self.proposed else "")


@dataclass
class BibleEntry:
    name: str
    kind: str = "character"  # character, place, group or thing
    aliases: list[str] = field(default_factory=list)
    pronouns: str = ""
    facts: list[str] = field(default_factory=list)
    mentions: int = 0
    source: str = "auto"  # auto or writer
    timeline: list[DatedFact] = field(default_factory=list)

    def line(self, with_aliases: bool = False, with_pronouns: bool = True) -> str:
        """One short line for the prompt: ``Elizabeth, Lizzy (she/her): second of five sisters``."""
        names = ", ".join(self.all_names()[: 1 + LINE_ALIASES]) if with_aliases and self.aliases else self.name
        detail = f" ({self.pronouns})" if self.pronouns and with_pronouns else ""
        facts = f": {'; '.join(self.facts)}" if self.facts else ""
        return f"{names}{detail}{facts}"

    def all_names(self) -> list[str]:
        return [self.name, *self.aliases]

    def at(self, chapter: int | None) -> BibleEntry:
        """The entry as it stands in ``chapter``: its confirmed dated facts from that chapter or
        before become facts, their names aliases (the newest first); ``None`` is the whole book."""
        holding = [dated for dated in self.timeline if not dated.proposed
                   and (chapter is None or dated.chapter <= chapter)]
        if not holding:
            return self
        holding.sort(key=lambda dated: -dated.chapter)
        names = [dated.name for dated in holding if dated.name and dated.name not in self.all_names()]
        facts = [dated.fact for dated in holding if dated.fact]
        return replace(self, aliases=[*names, *self.aliases], facts=[*self.facts, *facts])

    def proposals(self) -> list[DatedFact]:
        return [dated for dated in self.timeline if dated.proposed]


def entries_at(entries: list[BibleEntry], chapter: int | None) -> list[BibleEntry]:
    """The bible as it stands in ``chapter`` (see ``BibleEntry.at``)."""
    return [entry.at(chapter) for entry in entries]


def load_bible(store: ProjectStore) -> list[BibleEntry]:
    rows = store.db.execute(
        "SELECT name, kind, aliases, pronouns, facts, mentions, source, timeline FROM bible "
        "ORDER BY mentions DESC, name"
    ).fetchall()
    return [BibleEntry(name, kind, json.loads(aliases or "[]"), pronouns or "", json.loads(facts or "[]"),
                       mentions or 0, source, [DatedFact(**item) for item in json.loads(timeline or "[]")])
            for name, kind, aliases, pronouns, facts, mentions, source, timeline in rows]


def save_entry(store: ProjectStore, entry: BibleEntry) -> None:
    """Create or replace the entry with this name (a name the writer removed may come back so)."""
    with store.transaction():
        _upsert_by_name(store, entry)
        rejected = set(rejected_names(store))
        if entry.source == "writer" and rejected & set(entry.all_names()):
            store.set_setting(REJECTED, sorted(rejected - set(entry.all_names())))


def rejected_names(store: ProjectStore) -> list[str]:
    return list(store.get_setting(REJECTED, []))


def _bump_version(store: ProjectStore) -> None:
    """Tell cached copies of the bible (see ``Project.bible``) that it changed."""
    store.set_setting("bible_version", int(store.get_setting("bible_version", 0)) + 1)


def _upsert_by_name(store: ProjectStore, entry: BibleEntry) -> None:
    _bump_version(store)
    store.db.execute(
        "INSERT INTO bible (name, kind, aliases, pronouns, facts, mentions, source, updated_at, timeline) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET kind = excluded.kind, "
        "aliases = excluded.aliases, pronouns = excluded.pronouns, facts = excluded.facts, "
        "mentions = excluded.mentions, source = excluded.source, updated_at = excluded.updated_at, "
        "timeline = excluded.timeline",
        [entry.name, entry.kind, json.dumps(entry.aliases), entry.pronouns, json.dumps(entry.facts),
         entry.mentions, entry.source, now(), json.dumps([asdict(dated) for dated in entry.timeline])],
    )


def delete_entry(store: ProjectStore, name: str) -> bool:
    """Remove an entry; extraction will not find one by that name again."""
    with store.transaction():
        deleted = store.db.execute("DELETE FROM bible WHERE name = ?", [name]).rowcount > 0
        if deleted:
            _bump_version(store)
            store.set_setting(REJECTED, sorted(set(rejected_names(store)) | {name}))
        return deleted


def confirm_proposals(store: ProjectStore, name: str) -> BibleEntry:
    """The writer agrees with the entry's proposed changes: they hold from their chapters on,
    the entry becomes the writer's, and a found entry by a confirmed name joins it."""
    entries = {entry.name: entry for entry in load_bible(store)}
    entry = entries[name]
    with store.transaction():
        for dated in entry.proposals():
            dated.proposed = False
            other = entries.get(dated.name)
            if other is not None and other.source == "auto" and other.name != entry.name:
                entry.mentions += other.mentions
                entry.aliases = list(dict.fromkeys([*entry.aliases, *other.aliases]))
                store.db.execute("DELETE FROM bible WHERE name = ?", [other.name])
                store.set_setting(REJECTED, sorted(set(rejected_names(store)) | {other.name}))
        entry.source = "writer"
        _upsert_by_name(store, entry)
    return entry


def find_bible_entries(text: str, min_mentions: int = MIN_MENTIONS,
                       chapter_starts: list[int] | None = None) -> list[BibleEntry]:
    """The entries a manuscript's text gives, most mentioned first, stored nowhere.

    ``chapter_starts`` (the offsets in ``text`` where chapters 1, 2, ... begin) dates the
    proposed changes of name; without it they are not proposed.
    """
    found = []
    for e in find_entries(text, min_mentions):
        entry = BibleEntry(e.name, e.kind, e.aliases, e.pronouns, mentions=e.mentions)
        if chapter_starts:
            entry.timeline = [DatedFact(bisect_right(chapter_starts, offset) or 1, fact, name, proposed=True)
                              for offset, name, fact in e.proposals]
        found.append(entry)
    return found


def _manuscript(store: ProjectStore) -> tuple[str, list[int]]:
    """The manuscript as one text, and where each chapter starts in it."""
    parts, starts, offset = [], [], 0
    for document in store.documents():
        if document.kind == "chapter":
            starts.append(offset)
        parts.append(document.text)
        offset += len(document.text) + 2
    return "\n\n".join(parts), starts


def extract_bible(store: ProjectStore, min_mentions: int = MIN_MENTIONS) -> list[BibleEntry]:
    """Find recurring names in the manuscript and store them, keeping the writer's entries."""
    text, chapter_starts = _manuscript(store)
    found = find_bible_entries(text, min_mentions, chapter_starts)
    claimed = {name for e in load_bible(store) if e.source == "writer" for name in e.all_names()}
    claimed |= set(rejected_names(store))
    with store.transaction():
        _bump_version(store)
        store.db.execute("DELETE FROM bible WHERE source = 'auto'")
        for entry in found:
            if entry.name in claimed:
                continue  # the writer's entry (or removal) wins over what the text seems to say
            entry.aliases = [alias for alias in entry.aliases if alias not in claimed]
            entry.timeline = [dated for dated in entry.timeline if dated.name not in claimed]
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
