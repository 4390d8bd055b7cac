"""Name forms: each way a manuscript writes somebody's or somewhere's name, and the word tests on them.

A *form* is one spelling with its title ("Mr. Darcy", "Darcy", "Lizzy", "Netherfield
Park"), tallied over the text: how often it is written, how often in mid-sentence,
after "in" or "at", after "the". The helpers here read a form's words (its given and
family names, whether it is a name at all, whether two given names are one) and know
nothing of how forms join into people (``memory.context.name_reading``).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

from memory.text.text_analysis import NOT_NAMES, PARTICLES, TITLE_CLASSES, NameMention

PLACE_WORDS = frozenset(
    "Lodge Park Hall House Street Island Inlet Dock Abbey Castle Court Manor Road Lane Square Bay Harbour "
    "Harbor Bridge Church Cathedral Chapel Mill Farm Inn Tavern Station Hotel Parsonage Rectory Vicarage "
    "Cottage Grange Place Gardens Buildings Terrace Row Hill Hills Mount Mountain Moor Mire Marsh Heath Wood "
    "Woods Forest Valley Vale Cove Head Point Cape River Lake Sea Pass Gate Green Common Cross End Town City "
    "Grove Heights Towers Fields Meadows Springs Wells Walk Crescent Gate Bridge Quay Wharf Pier "
    "Village Hospital School Institution Academy College Asylum Prison Gaol Tower Palace Fort Port".split()
)
"""Last words that make a name a place: "Lucas Lodge" is not Mr. Lucas."""
_STRONG_PLACE = re.compile(r"\b(?:in|at|near|into|through|towards|toward|within|outside|reached|round)\s+(?:the\s+)?$",
                           re.IGNORECASE)
_ANY_PLACE = re.compile(r"\b(?:to|from|in|at|near|into|through|towards|toward|within|outside|reached|round|"
                        r"leave|left|visit|visited)\s+(?:the\s+)?$", re.IGNORECASE)


@dataclass
class NameForm:
    text: str
    title: str
    name: str
    count: int = 0
    mid: int = 0
    first: int = -1
    strong_place: int = 0
    any_place: int = 0
    after_the: int = 0
    """Mentions after "the": "the Admiral Benbow" is an inn, not an admiral."""

    @property
    def words(self) -> list[str]:
        return self.name.split()

    @property
    def title_class(self) -> str:
        return TITLE_CLASSES.get(self.title, "")


class FormJoins:
    """Union-find over form texts."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}
        self.members: dict[str, list[str]] = {}

    def root(self, item: str) -> str:
        if item not in self.parent:
            self.parent[item] = item
            self.members[item] = [item]
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def join(self, a: str, b: str) -> None:
        ra, rb = self.root(a), self.root(b)
        if ra != rb:
            self.parent[rb] = ra
            self.members[ra].extend(self.members.pop(rb))



def tally_forms(text: str, mentions: list[NameMention]) -> dict[str, NameForm]:
    """Every form of ``mentions`` with its counts over ``text``."""
    forms: dict[str, NameForm] = {}
    for mention in mentions:
        form = forms.get(mention.form)
        if form is None:
            form = forms[mention.form] = NameForm(mention.form, mention.title, mention.name, first=mention.start)
        form.count += 1
        if not mention.opens_sentence:
            form.mid += 1
            before = text[max(0, mention.start - 16):mention.start]
            form.strong_place += bool(_STRONG_PLACE.search(before))
            form.any_place += bool(_ANY_PLACE.search(before))
            form.after_the += before.endswith(("the ", "The "))
    return forms


def is_name(form: NameForm, evidence: frozenset[str], lower: Counter[str], text: str) -> bool:
    """Whether a form names somebody or somewhere rather than being a capitalised word."""
    if form.title:
        return True
    words = [w for w in form.words if w not in PARTICLES]
    if form.mid == 0:  # only ever at a sentence's start: "Yes", "Tell", a heading's words; or a full
        # name that opens its paragraphs ("Marguerite Okafor walked..."), none of whose words is common
        return len(words) > 1 and form.count >= 2 and not any(lower[w.lower()] for w in words)
    if len(words) == 1:
        word = words[0]
        if word in NOT_NAMES:
            return False
        return lower[word.lower()] <= form.mid / 2 or word in evidence
    if all(lower[w.lower()] > 0 for w in words):  # "Black Dog", "Long John": is the phrase written small?
        return text.count(form.name.lower()) <= form.mid / 2
    return True


def name_evidence(forms: dict[str, NameForm]) -> frozenset[str]:
    """Words that a title or a full name shows to be names: "Will" of "Will Ladislaw"."""
    words = set()
    for form in forms.values():
        if form.title and form.title_class:
            words.update(form.words)
        elif len(form.words) > 1 and form.words[-1] not in PLACE_WORDS and form.mid >= 2:
            words.update(form.words)
    return frozenset(words)


def given_of(words: list[str]) -> str:
    """The given name of a full name: its first word, or two for a saint's name ("St. John")."""
    return " ".join(words[:2]) if words[0] in ("St.", "St") and len(words) > 2 else words[0]


def family_of(words: list[str]) -> str:
    """The family name of a full name: its last word with the particles before it ("de Bourgh")."""
    index = len(words) - 1
    while index > 1 and words[index - 1] in PARTICLES:
        index -= 1
    return " ".join(words[index:])


@cache
def _nickname_table():
    from nicknames import NickNamer

    return NickNamer()


@cache
def _nicknames_of(given: str) -> frozenset[str]:
    return frozenset(_nickname_table().nicknames_of(given))


def contains(words: list[str], part: list[str]) -> bool:
    return any(words[i:i + len(part)] == part for i in range(len(words) - len(part) + 1))


def same_given_name(nickname: str, given: str) -> bool:
    """"Lizzy" and "Elizabeth", "Bill" and "Billy": one a short form of the other, or both of one name."""
    a, b = nickname.lower(), given.lower()
    table = _nickname_table()
    if a in _nicknames_of(b):
        return True
    is_given = bool(_nicknames_of(a)) or bool(_nicknames_of(b))  # "Mary" and "Maria" are two names
    alike = a[:3] == b[:3]  # "Bill" and "Billy", not "Fritz" and "Fred"
    return not is_given and alike and bool(table.canonicals_of(a) & table.canonicals_of(b))



def decided(tally: Counter[str]) -> str:
    """The pronoun with at least three votes and twice the other's, or nothing."""
    (best, top), (_, second) = (tally.most_common(2) + [("", 0), ("", 0)])[:2]
    return best if top >= 3 and top >= 2 * second else ""
