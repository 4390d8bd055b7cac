"""The cast as the text before a point knows it: the names written there, one form each.

The story bible is built from the whole manuscript, so its entries, their groupings
and their counts know what the book says only later. At a cursor the prompt may use
only the text before it, so the cast line is made from the names written there
(``NameIndex``): a name counts once the text has given it ``MIN_USES`` times mid-sentence,
a bare name goes under the titled form it is used with most ("Darcy" under "Mr. Darcy"),
and its place in the line comes from how lately and how often it was named.

What the writer said is not text after the cursor: names the writer removed from the
bible are left out, and the writer's own entries keep the pronouns the writer gave.
"""

from __future__ import annotations

from dataclasses import dataclass

from memory.bible import BibleEntry, last_mentions
from memory.name_index import NameUse
from memory.text_analysis import TITLES

MIN_USES = 3
"""Mid-sentence uses before a name is a member of the cast, as for a bible entry."""


@dataclass(frozen=True)
class CastMember:
    line: str
    count: int
    last_chunk: int


def _untitled(form: str) -> str:
    head, _, rest = form.partition(" ")
    return rest if rest and head.rstrip(".") in TITLES else form


def _writer_lines(entries: list[BibleEntry]) -> dict[str, str]:
    """Each name of the writer's own entries, with the pronouns the writer gave."""
    lines = {}
    for entry in entries:
        if entry.source == "writer":
            detail = f" ({entry.pronouns})" if entry.pronouns else ""
            facts = f": {'; '.join(entry.facts)}" if entry.facts else ""
            for name in entry.all_names():
                lines[name] = f"{name}{detail}{facts}"
    return lines


def cast_before(uses: dict[str, NameUse], entries: list[BibleEntry], rejected: set[str]) -> list[CastMember]:
    """The members of the cast in ``uses`` (the names written before a point)."""
    titled: dict[str, NameUse] = {}  # bare name -> its most used titled form
    for use in uses.values():
        bare = _untitled(use.form)
        if bare != use.form and (bare not in titled or use.count > titled[bare].count):
            titled[bare] = use
    merged: dict[str, tuple[int, int]] = {}
    for use in uses.values():
        home = titled[use.form].form if use.form in titled else use.form
        count, last = merged.get(home, (0, -1))
        merged[home] = (count + use.count, max(last, use.last_chunk))
    writer = _writer_lines(entries)
    return [CastMember(writer.get(form, form), count, last) for form, (count, last) in merged.items()
            if (count >= MIN_USES or form in writer) and form not in rejected and _untitled(form) not in rejected]


def cast_named_in(entries: list[BibleEntry], text: str) -> list[CastMember]:
    """The cast of a book not yet begun, where the bible is all there is: the entries ``text``
    (the beat) names, the last named first, then the other characters."""
    last = last_mentions(entries, text)
    named = sorted((entry for entry in entries if entry.name in last), key=lambda entry: -last[entry.name])
    others = [entry for entry in entries if entry.kind == "character" and entry.name not in last]
    writer = _writer_lines(entries)
    return [CastMember(writer.get(entry.name, entry.name), 1, 0) for entry in named + others]
