"""The cast as the text before a point knows it: the names written there, one form each.

The story bible is built from the whole manuscript, so its entries, their groupings
and their counts know what the book says only later. At a cursor the prompt may use
only the text before it, so the cast line is made from the names written there
(``NameIndex``): a name counts once the text has given it ``MIN_USES`` times mid-sentence,
a bare name goes under the titled form it is used with most ("Darcy" under "Mr. Darcy"),
the line shows the form the text uses most, and a member's place in the line comes from
how lately and how often they were named.

What the writer said is not text after the cursor: names the writer removed from the
bible are left out, and the writer's own entries keep the pronouns the writer gave.
"""

from __future__ import annotations

from dataclasses import dataclass

from memory.context.bible import BibleEntry, last_mentions
from memory.storage.name_index import NameUse
from memory.text.text_analysis import TITLES

MIN_USES = 3
"""Mid-sentence uses before a name is a member of the cast, as for a bible entry."""


@dataclass(frozen=True)
class CastMember:
    line: str
    """What the cast line says of them: the name, and the writer's pronouns and facts."""
    count: int
    last_chunk: int
    name: str
    """The form the text names them by, for finding the passages that name them."""


def untitled(form: str) -> str:
    """``form`` without a leading title: "Mr. Darcy" -> "Darcy"."""
    head, _, rest = form.partition(" ")
    return rest if rest and head.rstrip(".") in TITLES else form


def _said(entry: BibleEntry) -> bool:
    """Whether the writer said something of this entry: made it, or gave it facts (extraction gives none)."""
    return entry.source == "writer" or bool(entry.facts)


def _said_line(entry: BibleEntry, form: str) -> str:
    """The writer's word on an entry as it stands here: the name a confirmed dated fact gives it
    by now (the newest first), else ``form``; the writer's pronouns; the facts that hold."""
    dated = [a for a in entry.aliases if any(d.name == a and not d.proposed for d in entry.timeline)]
    name = dated[0] if dated else form
    detail = f" ({entry.pronouns})" if entry.pronouns and entry.source == "writer" else ""
    facts = f": {'; '.join(entry.facts)}" if entry.facts else ""
    return f"{name}{detail}{facts}"


def _writer_lines(entries: list[BibleEntry]) -> dict[str, str]:
    """Each name of the entries the writer spoke for, with what the writer said."""
    return {name: _said_line(entry, name) for entry in entries if _said(entry) for name in entry.all_names()}


def cast_before(uses: dict[str, NameUse], entries: list[BibleEntry], rejected: set[str]) -> list[CastMember]:
    """The members of the cast in ``uses`` (the names written before a point), each shown by
    the form of theirs the text uses most: "Mr. Darcy" (used more than a bare "Darcy"), but
    "Lizzy", not the "Miss Lizzy" a servant says twice."""
    titled: dict[str, NameUse] = {}  # bare name -> its most used titled form
    for use in uses.values():
        bare = untitled(use.form)
        if bare != use.form and (bare not in titled or use.count > titled[bare].count):
            titled[bare] = use
    said = {name: entry for entry in entries if _said(entry) for name in entry.all_names()}
    groups: dict[str, list[NameUse]] = {}  # home -> the uses of its forms
    entry_of: dict[str, BibleEntry] = {}
    for use in uses.values():
        if use.form in rejected or untitled(use.form) in rejected:
            continue
        form = titled[use.form].form if use.form in titled else use.form
        entry = said.get(use.form) or said.get(form)
        home = f"entry:{entry.name}" if entry else form
        groups.setdefault(home, []).append(use)
        if entry:
            entry_of[home] = entry
    members = []
    for home, group in groups.items():
        count = sum(use.count for use in group)
        if count < MIN_USES and home not in entry_of:
            continue
        shown = max(group, key=lambda use: (use.count, len(use.form))).form
        entry = entry_of.get(home)
        line = _said_line(entry, shown) if entry else shown
        members.append(CastMember(line, count, max(use.last_chunk for use in group), shown))
    return members


def cast_named_in(entries: list[BibleEntry], text: str) -> list[CastMember]:
    """The cast of a book not yet begun, where the bible is all there is: the entries ``text``
    (the beat) names, the last named first, then the other characters."""
    last = last_mentions(entries, text)
    named = sorted((entry for entry in entries if entry.name in last), key=lambda entry: -last[entry.name])
    others = [entry for entry in entries if entry.kind == "character" and entry.name not in last]
    writer = _writer_lines(entries)
    return [CastMember(writer.get(entry.name, entry.name), 1, 0, entry.name) for entry in named + others]
