"""Finding the story bible's entries in a manuscript, without a model: who is who.

Every naming of somebody or somewhere (``memory.text_analysis.name_mentions``) is a
*form*: "Mr. Darcy", "Darcy", "Miss Elizabeth Bennet", "Lizzy", "Netherfield Park".
Forms are joined into entries by the conventions novels are written in:

- a full name is its given name's person when one full name holds most of that given
  name's uses ("Elizabeth Bennet" and "Elizabeth"), and a title before either is the
  same person ("Miss Elizabeth Bennet", "Miss Elizabeth", "Aunt Emma");
- a title before a family name ("Miss Woodhouse", "Mr. Darcy") is the one person of
  that family the title fits: its class (a man, a wife, an unmarried woman) must agree,
  and a person the text names with that title *and* a given name ("Mr. John Knightley")
  is someone else than the bare titled name ("Mr. Knightley"), as are two forms named
  side by side in a sentence;
- a bare family name is the man of the family ("Weston" is Mr. Weston, not his wife),
  or its only person;
- a nickname joins the given name it shortens ("Lizzy", "Teddy"), from the ``nicknames``
  table of English given names;
- a place word after a place's name ("Netherfield Park") is the same place, unless the
  first word is a family ("Baskerville Hall" is not Sir Henry).

Words that are mostly written in lower case ("diary", "pass", "hall") are names only where
a title or a full name shows it. Plural family names ("the Lucases") are groups; names
mostly found after "in", "at", "near" are places. Pronouns come from titles when they
agree, else from the sentences that name one entry and no other.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cache

from memory.text_analysis import (
    CLASS_PRONOUNS,
    NOT_NAMES,
    PARTICLES,
    TITLE_CLASSES,
    NameMention,
    gendered_pronouns,
    lowercase_words,
    name_mentions,
    pronoun_set,
    sentence_spans,
    without_speech_tags,
)

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
_MARRIAGE = re.compile(r"\b(?:marr(?:y|ied|ies|iage|ying)|wedding|wed|engaged|engagement|bride|betrothed)\b",
                       re.IGNORECASE)
GIVEN_SHARE = 0.75
"""A bare given name is one full name's person when that full name holds this share of its uses."""


@dataclass
class FoundEntry:
    """An entry as extraction sees it, before it becomes a ``BibleEntry``."""

    name: str
    mentions: int
    aliases: list[str] = field(default_factory=list)
    kind: str = "character"
    pronouns: str = ""
    first_offset: int = 0
    """Where the manuscript first names the entry."""
    proposals: list[tuple[int, str, str]] = field(default_factory=list)
    """Changes the text suggests, as (offset from which they hold, new name, fact): "Mrs. Collins"."""

    def all_names(self) -> list[str]:
        return [self.name, *self.aliases]


@dataclass
class _Form:
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


class _Joins:
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


def find_entries(text: str, min_mentions: int) -> list[FoundEntry]:
    """The recurring people, places and groups of ``text``, most mentioned first."""
    mentions = list(name_mentions(text))
    forms = _tally(text, mentions)
    lower = lowercase_words(text)
    evidence = _evidence(forms)
    forms = {key: form for key, form in forms.items() if _is_name(form, evidence, lower, text)}
    reading = _Reading(text, mentions, forms)
    joins = reading.join_forms()
    return reading.entries(joins, min_mentions)


def _tally(text: str, mentions: list[NameMention]) -> dict[str, _Form]:
    forms: dict[str, _Form] = {}
    for mention in mentions:
        form = forms.get(mention.form)
        if form is None:
            form = forms[mention.form] = _Form(mention.form, mention.title, mention.name, first=mention.start)
        form.count += 1
        if not mention.opens_sentence:
            form.mid += 1
            before = text[max(0, mention.start - 16):mention.start]
            form.strong_place += bool(_STRONG_PLACE.search(before))
            form.any_place += bool(_ANY_PLACE.search(before))
            form.after_the += before.endswith(("the ", "The "))
    return forms


def _is_name(form: _Form, evidence: frozenset[str], lower: Counter[str], text: str) -> bool:
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


def _evidence(forms: dict[str, _Form]) -> frozenset[str]:
    """Words that a title or a full name shows to be names: "Will" of "Will Ladislaw"."""
    words = set()
    for form in forms.values():
        if form.title and form.title_class:
            words.update(form.words)
        elif len(form.words) > 1 and form.words[-1] not in PLACE_WORDS and form.mid >= 2:
            words.update(form.words)
    return frozenset(words)


def _given_of(words: list[str]) -> str:
    """The given name of a full name: its first word, or two for a saint's name ("St. John")."""
    return " ".join(words[:2]) if words[0] in ("St.", "St") and len(words) > 2 else words[0]


def _family_of(words: list[str]) -> str:
    """The family name of a full name: its last word with the particles before it ("de Bourgh")."""
    index = len(words) - 1
    while index > 1 and words[index - 1] in PARTICLES:
        index -= 1
    return " ".join(words[index:])


class _Reading:
    """The forms of one manuscript, the sentences they share, and the rules that join them."""

    def __init__(self, text: str, mentions: list[NameMention], forms: dict[str, _Form]) -> None:
        self.text = text
        self.forms = forms
        self.mentions = [m for m in mentions if m.form in forms]
        self.spans = sentence_spans(text)
        self.starts = [start for start, _ in self.spans]
        self.by_sentence: defaultdict[int, list[NameMention]] = defaultdict(list)
        for mention in self.mentions:
            self.by_sentence[bisect_right(self.starts, mention.start) - 1].append(mention)
        self.groups = {key for key, form in forms.items() if self._is_group(form)}
        self.places = {key for key, form in forms.items()
                       if not form.title and len(form.words) > 1 and form.words[-1] in PLACE_WORDS}
        self.fulls = {key: form for key, form in forms.items()
                      if not form.title and len(form.words) > 1 and key not in self.places and key not in self.groups}
        self.family_names = {_family_of(form.words) for form in self.fulls.values()}
        self.given_names = Counter()
        for form in self.fulls.values():
            self.given_names[_given_of(form.words)] += form.count
        self.together = self._side_by_side()
        self.form_votes = self._form_votes()

    def _is_group(self, form: _Form) -> bool:
        """"the Lucases", "the Miss Steeles": a family's name in the plural."""
        last = form.words[-1]
        stems = (last[:-1], last[:-2]) if last.endswith("es") else (last[:-1],) if last.endswith("s") else ()
        return any(stem and any(f"{title} {stem}" in self.forms for title in ("Mr.", "Mrs.", "Miss", "Lady", "Sir"))
                   for stem in stems) and not last.endswith("ss")

    def _form_votes(self) -> dict[str, Counter[str]]:
        """For each form, the first he or she after it in sentences that name it alone."""
        votes: dict[str, Counter[str]] = defaultdict(Counter)
        for index, named in self.by_sentence.items():
            if len({m.form for m in named}) != 1:
                continue
            start, end = self.spans[index]
            first = next(gendered_pronouns(without_speech_tags(self.text[named[-1].end:end])), None)
            if first:
                votes[named[0].form][pronoun_set(first.group())] += 1
        return votes

    def _side_by_side(self) -> Counter[frozenset[str]]:
        """How often two forms are named in one sentence: "Mr. Knightley and Mr. John Knightley"."""
        pairs: Counter[frozenset[str]] = Counter()
        for named in self.by_sentence.values():
            distinct = {m.form for m in named}
            if 1 < len(distinct) <= 6:
                for a in distinct:
                    for b in distinct:
                        if a < b:
                            pairs[frozenset((a, b))] += 1
        return pairs

    def apart(self, joins: _Joins, a: str, b: str, family: str) -> bool:
        """Whether a form of ``a``'s entry and one of ``b``'s, both holding the family name, are named
        side by side in two sentences or more ("Mr. Knightley and Mr. John Knightley"). Forms
        without it do not count: the narrator's "Emma" beside a caller's "Miss Woodhouse" is one woman."""
        members_a = [k for k in self._members(joins, a) if family in self.forms[k].words]
        members_b = [k for k in self._members(joins, b) if family in self.forms[k].words]
        return any(self.together[frozenset((x, y))] >= max(2, 0.1 * min(self.forms[x].count, self.forms[y].count))
                   for x in members_a for y in members_b)

    def _members(self, joins: _Joins, key: str) -> list[str]:
        """The forms (not bare full-name nodes) of ``key``'s entry."""
        return [k for k in joins.members[joins.root(key)] if k in self.forms]

    def _role(self, form: _Form) -> str:
        """Whether a single word after a title is a given name ("Miss Elizabeth") or a family's."""
        word = form.name
        if form.title and not form.title_class:
            return "family"  # "Colonel Fitzwilliam", "Captain Flint", "Dr. Livesey"
        if word in self.family_names and (word not in self.given_names
                                          or self._family_uses(word) >= self.given_names[word]):
            return "family"
        if word in self.given_names:
            return "given"
        bare = self.forms.get(word)
        if bare is not None and form.title in ("Sir", "Lady", "Aunt", "Uncle", "Master", "Brother", "Sister",
                                               "Cousin", "Lord") and word not in self.family_names:
            return "given"
        return "family"

    def _family_uses(self, word: str) -> int:
        return sum(form.count for form in self.fulls.values() if _family_of(form.words) == word)

    def join_forms(self) -> _Joins:
        joins = _Joins()
        for key in self.forms:
            joins.root(key)
        self._join_full_names(joins)
        self._join_shorter_names(joins)
        self._join_given_names(joins)
        self._join_nicknames(joins)
        self._join_titled_families(joins)
        self._join_bare_families(joins)
        self._join_places(joins)
        return joins

    def _join_full_names(self, joins: _Joins) -> None:
        """"Miss Elizabeth Bennet" is "Elizabeth Bennet", written so or not; "Mrs. John Knightley"
        is not "John Knightley" when a man is called so."""
        for key, form in self.forms.items():
            if not form.title or len(form.words) < 2 or key in self.groups or form.words[-1] in PLACE_WORDS:
                continue
            if form.title_class == "wife" and self._form_lean(form.name) != "she/her":
                continue  # "Mrs. John Knightley" is John Knightley's wife; "Mrs. Laura Lyons" is Laura
            self.fulls.setdefault(form.name, _Form(form.name, "", form.name))
            joins.join(form.name, key)
        self.family_names = {_family_of(form.words) for form in self.fulls.values()}
        for form in self.fulls.values():
            if form.name not in self.forms:
                self.given_names[_given_of(form.words)] += 0

    def _join_shorter_names(self, joins: _Joins) -> None:
        """"Long John" and "John Silver" are "Long John Silver" when no other name holds them."""
        fulls = list(self.fulls.values())
        for short in fulls:
            words = short.words
            longer = {joins.root(f.name) for f in fulls if len(f.words) > len(words) and _contains(f.words, words)}
            if len(longer) == 1:
                joins.join(longer.pop(), short.name)

    def _join_given_names(self, joins: _Joins) -> None:
        by_given: defaultdict[str, list[_Form]] = defaultdict(list)
        for form in self.fulls.values():
            by_given[_given_of(form.words)].append(form)
        family_weight = Counter()
        for form in self.forms.values():
            family_weight[form.words[-1]] += form.count
        for given, fulls in by_given.items():
            # A full name counts by its own uses and its family's presence in the book: "Jane Bennet",
            # whose family is everywhere, is the "Jane" of a book that once says "By Jane Austen".
            weight = {f.name: self._uses(f.name) * (1 + family_weight[f.words[-1]]) for f in fulls}
            total = sum(weight.values())
            top = max(fulls, key=lambda f: weight[f.name])
            family_word = any(f.title and f.name == given and self._role(f) == "family" for f in self.forms.values())
            if given in self.forms and total and weight[top.name] >= GIVEN_SHARE * total \
                    and self._trusted(top.name) and given not in self.places and not family_word:
                joins.join(top.name, given)
        for key, form in self.forms.items():  # "Miss Elizabeth", "Lady Catherine", "Aunt Emma"
            if form.title and len(form.words) == 1 and self._role(form) == "given" and form.name in self.forms:
                if self._class_fits(joins, form.title_class, form.name):
                    joins.join(form.name, key)

    def _trusted(self, name: str) -> bool:
        """Whether a full name may join others: written twice or more, or once of a family the
        book names with titles ("Caroline Bingley" beside "Miss Bingley"), not a stray pairing
        ("from London Lydia came") or a title page's "Jane Austen"."""
        if self._uses(name) >= 2:
            return True
        family = _family_of(name.split())
        return any(f.title and f.name == family for f in self.forms.values())

    def _uses(self, name: str) -> int:
        """How often a full name is written, with a title or without."""
        return sum(form.count for form in self.forms.values() if form.name == name)

    def _join_nicknames(self, joins: _Joins) -> None:
        """"Lizzy" is Elizabeth when one Elizabeth is in the book and no Lizzy of her own."""
        givens: defaultdict[str, set[str]] = defaultdict(set)  # a given name and the nodes that bear it
        for word in self.given_names:
            if word in self.forms:
                givens[word].add(word)
        for full in self.fulls.values():
            if self._trusted(full.name):
                givens[_given_of(full.words)].add(full.name)
        for form in self.forms.values():
            if form.title and len(form.words) == 1 and self._role(form) == "given":
                givens[form.name].add(form.text)
        for key, form in self.forms.items():
            if form.title or len(form.words) > 1 or key in self.family_names:
                continue
            owners = {joins.root(node) for g, nodes in givens.items() if g != key and _same_given_name(key, g)
                      and not self._other_family(key, g) for node in nodes}
            if len(owners) == 1:
                joins.join(owners.pop(), key)

    def _other_family(self, nickname: str, given: str) -> bool:
        """Whether the nickname is the given name of a full name of another family than the given
        name's: "Eliza Reed" is not an Elizabeth of another family."""
        own = {_family_of(f.words) for f in self.fulls.values() if _given_of(f.words) == nickname}
        theirs = {_family_of(f.words) for f in self.fulls.values() if _given_of(f.words) == given}
        return bool(own) and bool(theirs) and not (own & theirs)

    def _join_titled_families(self, joins: _Joins) -> None:
        """"Miss Woodhouse" is Emma Woodhouse: the one person of the family her title fits."""
        for key, form in self.forms.items():
            if not form.title or len(form.words) != 1 or key in self.groups or self._role(form) != "family":
                continue
            family = form.name
            candidates = [full for full in self.fulls.values() if _family_of(full.words) == family
                          and self._uses(full.name) >= 2 and self._class_fits(joins, form.title_class, full.name)]
            candidates = [c for c in candidates if not self.apart(joins, c.name, key, family.split()[-1])]
            if form.title_class == "maid" and len(self._daughters(family)) > 1:
                continue  # "Miss Bennet" is the eldest of several: which one, the text does not say
            if len(candidates) > 1:
                # "Mr. John Knightley" is not "Mr. Knightley": the bare title names the head of the family
                candidates = [c for c in candidates
                              if self._titled_uses(c.name, form.title_class) < 2]
            if len(candidates) == 1:
                joins.join(candidates[0].name, key)
            elif not candidates and not form.title_class and f"Mr. {family}" in self.forms \
                    and not self.apart(joins, f"Mr. {family}", key, family.split()[-1]):
                joins.join(f"Mr. {family}", key)  # "Captain Weston" is Mr. Weston, "Dr. Lydgate" Mr. Lydgate

    def _daughters(self, family: str) -> set[str]:
        """The given names the text gives unmarried women of a family ("Miss Lydia Bennet", "Miss Jane")."""
        return {_given_of(f.words) for f in self.forms.values()
                if f.title_class == "maid" and len(f.words) > 1 and _family_of(f.words) == family}

    def _titled_uses(self, name: str, title_class: str) -> int:
        return sum(f.count for f in self.forms.values() if f.name == name and f.title and f.title_class == title_class)

    def _form_lean(self, name: str) -> str:
        """The pronoun the sentences naming ``name`` (or its given name) alone favour, or ""."""
        votes: Counter[str] = Counter(self.form_votes.get(name, {}))
        votes.update(self.form_votes.get(name.split()[0], {}))
        return _decided(votes)

    def _lean(self, joins: _Joins, key: str) -> str:
        """The pronoun the sentences naming an entry's forms alone favour, or ""."""
        votes: Counter[str] = Counter()
        for k in self._members(joins, key):
            votes.update(self.form_votes[k])
        (best, top), (_, second) = (votes.most_common(2) + [("", 0), ("", 0)])[:2]
        return best if top >= 4 and top >= 3 * second else ""

    def _class_fits(self, joins: _Joins, title_class: str, key: str) -> bool:
        """Whether an entry's own titles (or, without titles, the pronouns its sentences favour)
        let a title of ``title_class`` stand for it."""
        classes = {self.forms[k].title_class for k in self._members(joins, key) if self.forms[k].title_class}
        if not classes:
            lean = self._lean(joins, key)
            if title_class == "man":
                return lean != "she/her"
            if title_class in ("wife", "maid", "woman"):
                return lean == "she/her" if title_class == "wife" else lean != "he/him"
            return True
        if not title_class:
            return True
        if title_class == "man":
            return classes == {"man"}
        if title_class == "wife":
            return classes <= {"wife", "woman"} and "wife" in classes
        if title_class == "maid":
            return classes <= {"maid", "woman"}
        return classes <= {"wife", "maid", "woman"}

    def _join_bare_families(self, joins: _Joins) -> None:
        """"Weston" is Mr. Weston: a family name alone means the man of the family, else its one person."""
        for key, form in self.forms.items():
            if form.title or len(form.words) != 1 or key in self.groups:
                continue
            family = key
            titled = [k for k, f in self.forms.items() if f.title and f.name == family]
            fulls = [f.name for f in self.fulls.values() if _family_of(f.words) == family and self._uses(f.name) >= 2]
            if not titled and not fulls:
                continue
            people = {joins.root(k) for k in titled + fulls} - {joins.root(key)}
            people = {p for p in people if not self.apart(joins, p, key, family)}
            lean = self._lean(joins, key)
            head = f"Mr. {family}"
            if head in self.forms and joins.root(head) in people and lean != "she/her":
                joins.join(head, key)  # the man of the family, as a bare surname means in a novel
                continue
            men = {p for p in people if self._class_fits(joins, "man", p) and self._has_class(joins, p, "man")}
            women = {p for p in people if not self._class_fits(joins, "man", p)}
            if len(men) == 1 and lean != "she/her":
                joins.join(men.pop(), key)
            elif len(people) == 1 or (lean == "she/her" and len(women) == 1):
                joins.join((people if len(people) == 1 else women).pop(), key)

    def _has_class(self, joins: _Joins, key: str, title_class: str) -> bool:
        return any(self.forms[k].title_class == title_class for k in self._members(joins, key))

    def _join_places(self, joins: _Joins) -> None:
        """"Netherfield Park" is Netherfield, when no family is called Netherfield."""
        for key in self.places:
            head = " ".join(self.forms[key].words[:-1])
            if head in self.forms and head not in self.family_names and not any(
                    f.title and f.name == head for f in self.forms.values()):
                joins.join(head, key)

    def _attach_rare_forms(self, joins: _Joins, min_mentions: int) -> None:
        """A form too rare to be an entry of its own ("Miss Elizabeth March", "Robert Brocklehurst")
        joins the one entry that has its given name, else the one of its family its title fits."""
        totals: Counter[str] = Counter()
        for key, form in self.forms.items():
            totals[joins.root(key)] += form.count
        kept = {root for root, total in totals.items() if total >= min_mentions}
        by_word: defaultdict[str, set[str]] = defaultdict(set)
        for key, form in self.forms.items():
            root = joins.root(key)
            if root in kept and key not in self.places and key not in self.groups:
                by_word[form.name].add(root)
                if len(form.words) > 1:
                    by_word[_family_of(form.words)].add(root)
        for key, form in list(self.forms.items()):
            if joins.root(key) in kept or key in self.places or key in self.groups:
                continue
            if len(form.words) > 1:
                owners = by_word[_given_of(form.words)] & by_word[_family_of(form.words)] \
                    or by_word[_given_of(form.words)]
                if len(owners) != 1:
                    owners = {root for root in by_word[_family_of(form.words)]
                              if self._class_fits(joins, form.title_class, root)}
            elif form.title and self._role(form) == "family":
                owners = {root for root in by_word[form.name] if self._class_fits(joins, form.title_class, root)}
            else:
                continue
            if len(owners) == 1:
                joins.join(owners.pop(), key)

    def entries(self, joins: _Joins, min_mentions: int) -> list[FoundEntry]:
        self._attach_rare_forms(joins, min_mentions)
        members: defaultdict[str, list[str]] = defaultdict(list)
        for key in self.forms:
            members[joins.root(key)].append(key)
        entries = []
        owner: dict[str, FoundEntry] = {}
        for keys in members.values():
            keys.sort(key=lambda k: (-self.forms[k].count, len(k)))
            total = sum(self.forms[k].count for k in keys)
            if total < min_mentions:
                continue
            entry = FoundEntry(keys[0], total, [k for k in keys[1:]], first_offset=min(
                self.forms[k].first for k in keys))
            entry.kind = self._kind(keys)
            entries.append(entry)
            for k in keys:
                owner[k] = entry
        self._decide_pronouns(entries, owner)
        self._propose_married_names(entries, owner)
        return sorted(entries, key=lambda e: -e.mentions)

    def _maiden_name_ends(self, entry: FoundEntry, offset: int) -> bool:
        """Whether the entry's "Miss" names (three or more) all but stop at ``offset``: a woman still
        called "Miss Bennet" afterwards has not become anybody's wife there."""
        maiden = {k for k in entry.all_names() if self.forms[k].title_class == "maid"}
        uses = [m.start for m in self.mentions if m.form in maiden]
        before = sum(1 for at in uses if at < offset)
        return before >= 3 and len(uses) - before <= 0.1 * len(uses)

    def _propose_married_names(self, entries: list[FoundEntry], owner: dict[str, FoundEntry]) -> None:
        """"Miss Lucas" becomes "Mrs. Collins": a woman named beside Mr. Collins in two sentences
        or more about marrying, before the book first says "Mrs. Collins", is proposed to take
        that name from there on. Only a proposal: the writer confirms it."""
        by_name = {entry.name: entry for entry in entries}
        talk: defaultdict[tuple[str, str], list[int]] = defaultdict(list)
        for index, named in self.by_sentence.items():
            start, end = self.spans[index]
            if not _MARRIAGE.search(self.text, start, end):
                continue
            people = {owner[m.form].name for m in named if m.form in owner}
            for a in people:
                for b in people:
                    if a != b:
                        talk[(a, b)].append(start)
        for wife in entries:
            forms = [self.forms[k] for k in wife.all_names()]
            if not forms or any(f.title_class != "wife" or len(f.words) != 1 for f in forms):
                continue
            family = forms[0].name
            husband = owner.get(f"Mr. {family}")
            if husband is None:
                continue
            best, support = None, 0
            for entry in entries:
                said = [at for at in talk[(entry.name, husband.name)] if at < wife.first_offset]
                if entry.pronouns == "she/her" and entry is not wife and len(said) > support \
                        and family not in " ".join(entry.all_names()).split() \
                        and self._maiden_name_ends(entry, wife.first_offset):
                    best, support = entry, len(said)
            if best is not None and support >= 2:
                by_name[best.name].proposals.append((wife.first_offset, wife.name, f"married to {husband.name}"))

    def _kind(self, keys: list[str]) -> str:
        forms = [self.forms[k] for k in keys]
        if any(k in self.groups for k in keys):
            return "group"
        if any(k in self.places for k in keys) or sum(f.after_the for f in forms) > sum(f.mid for f in forms) / 2:
            return "place"
        mid = sum(f.mid for f in forms)
        if not any(f.title for f in forms) and mid and sum(f.any_place for f in forms) >= 0.5 * mid:
            return "place"  # "to Coombe Tracey", "at Maple Grove": somewhere, whatever its words
        if any(f.title for f in forms) or sum(self.forms[k].count for k in keys if k in self.fulls) * 4 \
                >= sum(f.count for f in forms):
            return "character"
        mid = sum(f.mid for f in forms)
        strong, near = sum(f.strong_place for f in forms), sum(f.any_place for f in forms)
        if mid and (strong >= 0.25 * mid or near >= 0.5 * mid):
            return "place"
        return "character"

    def _decide_pronouns(self, entries: list[FoundEntry], owner: dict[str, FoundEntry]) -> None:
        nearby, following = self._pronoun_votes(owner)
        for entry in entries:
            if entry.kind == "group":
                entry.pronouns = "they/them"
                continue
            if entry.kind == "place":
                continue
            classes = {TITLE_CLASSES.get(self.forms[k].title, "") for k in entry.all_names()} - {""}
            if classes and (classes == {"man"} or classes <= {"wife", "maid", "woman"}):
                entry.pronouns = CLASS_PRONOUNS[next(iter(classes))]
                continue
            broad, close = _decided(nearby[entry.name]), _decided(following[entry.name])
            if close and close == broad or (close or broad) and entry.mentions >= 50 and not (close and broad):
                entry.pronouns = close or broad  # a minor character needs both readings to agree
            elif not classes and not any(k in self.fulls for k in entry.all_names()) \
                    and len(entry.name.split()) == 1 and self._placeish(entry):
                entry.kind = "place"  # a name nobody calls he or she, often after "to": somewhere

    def _placeish(self, entry: FoundEntry) -> bool:
        forms = [self.forms[k] for k in entry.all_names()]
        mid = sum(f.mid for f in forms)
        return bool(mid) and sum(f.any_place for f in forms) >= 0.3 * mid

    def _pronoun_votes(self, owner: dict[str, FoundEntry]) -> tuple[defaultdict[str, Counter[str]], ...]:
        """Two tallies of he and she over the sentences that name one entry and no other.

        ``nearby`` counts every pronoun in the sentence and the next, which finds the
        minor characters of a book told in the first person; ``following`` counts only
        the first pronoun after the name and a next sentence opening with He or She,
        which finds a heroine whose sentences are full of the men she talks about.
        """
        nearby: defaultdict[str, Counter[str]] = defaultdict(Counter)
        following: defaultdict[str, Counter[str]] = defaultdict(Counter)
        text = self.text
        for index, named in self.by_sentence.items():
            entries = {owner[m.form].name for m in named if m.form in owner}
            if len(entries) != 1:
                continue
            name = next(iter(entries))
            start, end = self.spans[index]
            sentence = without_speech_tags(text[start:end])  # '"Lizzy," said he': the speaker, not her
            after = ""
            if index + 1 < len(self.spans) and index + 1 not in self.by_sentence:
                after = without_speech_tags(text[self.spans[index + 1][0]:self.spans[index + 1][1]])
            for match in gendered_pronouns(sentence + " " + after):
                nearby[name][pronoun_set(match.group())] += 1
            last_end = max(m.end for m in named) - start
            first = next(gendered_pronouns(sentence[max(0, last_end):]), None)
            if first:
                following[name][pronoun_set(first.group())] += 1
            opening = after.lstrip("\"'\u201c\u2018 ")
            if opening.startswith(("He ", "She ")):
                following[name]["he/him" if opening.startswith("He ") else "she/her"] += 1
        return nearby, following


@cache
def _nickname_table():
    from nicknames import NickNamer

    return NickNamer()


@cache
def _nicknames_of(given: str) -> frozenset[str]:
    return frozenset(_nickname_table().nicknames_of(given))


def _contains(words: list[str], part: list[str]) -> bool:
    return any(words[i:i + len(part)] == part for i in range(len(words) - len(part) + 1))


def _same_given_name(nickname: str, given: str) -> bool:
    """"Lizzy" and "Elizabeth", "Bill" and "Billy": one a short form of the other, or both of one name."""
    a, b = nickname.lower(), given.lower()
    table = _nickname_table()
    if a in _nicknames_of(b):
        return True
    is_given = bool(_nicknames_of(a)) or bool(_nicknames_of(b))  # "Mary" and "Maria" are two names
    alike = a[:3] == b[:3]  # "Bill" and "Billy", not "Fritz" and "Fred"
    return not is_given and alike and bool(table.canonicals_of(a) & table.canonicals_of(b))


def _decided(tally: Counter[str]) -> str:
    """The pronoun with at least three votes and twice the other's, or nothing."""
    (best, top), (_, second) = (tally.most_common(2) + [("", 0), ("", 0)])[:2]
    return best if top >= 3 and top >= 2 * second else ""
