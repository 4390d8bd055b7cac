"""Scoring a story bible against a hand-made cast list (``shared/corpus/cast/*.cast.tsv``).

The lists name each novel's principal people and places with their kind, pronoun and
every other form the text uses; their ``#`` notes name minor people, groups and places
deliberately left out. A bible entry is matched to the cast member one of its names is
a form of, its own name first. The figures:

- precision of the top entries: the share that are a listed member, or a person, group or
  place the notes name as left out (these are reported, so the judgement can be checked);
- recall: the share of listed persons with 15 or more mentions that some entry stands for;
- alias accuracy: the share of listed aliases found under the member's entry and no other;
- pronoun accuracy: where the bible gives a pronoun for a listed member, the share right.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

CAST_PRONOUNS = {"he": "he/him", "she": "she/her", "they": "they/them", "it": "it"}
RECALL_MENTIONS = 15


@dataclass(frozen=True)
class CastMember:
    canonical: str
    kind: str
    pronoun: str
    aliases: tuple[str, ...]
    mentions: int

    def forms(self) -> tuple[str, ...]:
        return (self.canonical, *self.aliases)


@dataclass
class CastList:
    members: list[CastMember]
    left_out: set[str] = field(default_factory=set)
    """Names the notes give as people, groups or places deliberately not listed."""

    def member_of(self, name: str) -> CastMember | None:
        key = normal(name)
        return next((m for m in self.members if key in {normal(f) for f in m.forms()}), None)


def normal(name: str) -> str:
    """A form as the lists compare it: straight apostrophes, no leading article, no possessive."""
    name = name.replace("\u2019", "'").strip()
    name = re.sub(r"^(?:the|The) ", "", name)
    return re.sub(r"'s$", "", name)


_NOTE_NAME = re.compile(r"(?:(?:Mr|Mrs|Miss|Dr|Sir|Lady|Lord|Captain|Colonel|Mr\.|Mrs\.|Dr\.)\.? )?"
                        r"[A-Z][\w'\u2019-]+(?: (?:de |van |of )?[A-Z][\w'\u2019-]+)*")


def read_cast(path: Path) -> CastList:
    members, left_out = [], set()
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        if line.startswith("#"):
            if "not listed" in line.lower():
                body = line.split(":", 1)[1] if ":" in line else line
                left_out.update(normal(m) for m in _NOTE_NAME.findall(body) if m not in ("Not", "The"))
            continue
        if not line.strip():
            continue
        canonical, kind, pronoun, aliases, mentions = line.split("\t")
        members.append(CastMember(canonical, kind, pronoun,
                                  tuple(a.strip() for a in aliases.split("|") if a.strip()), int(mentions)))
    return CastList(members, left_out)


@dataclass(frozen=True)
class Entry:
    """What the scores need of a bible entry."""

    name: str
    aliases: tuple[str, ...]
    pronouns: str
    kind: str

    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass
class BibleScore:
    precision: float
    recall: float
    alias_accuracy: float
    pronoun_accuracy: float
    pronouns_given: int
    counted_as_left_out: list[str]
    wrong_in_top: list[str]
    missed: list[str]
    aliases_wrong: list[str]
    pronouns_wrong: list[str]
    duplicates: list[str]


def match(entry: Entry, cast: CastList) -> CastMember | None:
    """The member an entry stands for: the one its own name is a form of, else its first alias's."""
    for name in entry.names():
        member = cast.member_of(name)
        if member is not None:
            return member
    return None


def score_bible(entries: list[Entry], cast: CastList, top: int = 30) -> BibleScore:
    matched = [(entry, match(entry, cast)) for entry in entries]
    counted, wrong, left_out, duplicates, seen = 0, [], [], [], set()
    for entry, member in matched[:top]:
        if member is not None:
            counted += 1
            if member.canonical in seen:
                duplicates.append(f"{entry.name} (again {member.canonical})")
            seen.add(member.canonical)
        elif normal(entry.name) in cast.left_out:
            counted += 1
            left_out.append(entry.name)
        else:
            wrong.append(entry.name)
    # The entry standing for each member: the first (most mentioned) whose own name is one of its forms.
    own: dict[str, Entry] = {}
    for entry, member in matched:
        if member is not None and member.canonical not in own:
            own[member.canonical] = entry
    listed = [m for m in cast.members if m.kind == "person" and m.mentions >= RECALL_MENTIONS]
    missed = [m.canonical for m in listed if m.canonical not in own]
    holders: dict[str, list[str]] = {}
    for entry in entries:
        for name in entry.names():
            holders.setdefault(normal(name), []).append(entry.name)
    alias_total, alias_right, aliases_wrong = 0, 0, []
    for member in cast.members:
        entry = own.get(member.canonical)
        for alias in member.aliases:
            alias_total += 1
            where = holders.get(normal(alias), [])
            if entry is not None and where == [entry.name]:
                alias_right += 1
            else:
                aliases_wrong.append(f"{alias} -> {member.canonical}: {', '.join(where) or 'nowhere'}")
    given, right, pronouns_wrong = 0, 0, []
    for entry, member in matched:
        if member is None or not entry.pronouns:
            continue
        given += 1
        if entry.pronouns == CAST_PRONOUNS.get(member.pronoun):
            right += 1
        else:
            pronouns_wrong.append(f"{entry.name} ({entry.pronouns}; {member.canonical} is {member.pronoun})")
    return BibleScore(
        precision=counted / max(1, min(top, len(entries))),
        recall=(len(listed) - len(missed)) / max(1, len(listed)),
        alias_accuracy=alias_right / max(1, alias_total),
        pronoun_accuracy=right / max(1, given), pronouns_given=given,
        counted_as_left_out=left_out, wrong_in_top=wrong, missed=missed,
        aliases_wrong=aliases_wrong, pronouns_wrong=pronouns_wrong, duplicates=duplicates,
    )


def cast_line_names(line: str) -> list[str]:
    """Every name a ``[Characters: ...]`` line lists, aliases included, without pronouns or facts."""
    body = line.removeprefix("[Characters: ").removesuffix("]")
    names, depth, current = [], 0, ""
    for char in body + ",":
        depth += (char == "(") - (char == ")")
        if char == "," and depth == 0:
            names.append(re.split(r" \(|:", current.strip())[0].strip())
            current = ""
        else:
            current += char
    return [name for name in names if name]
