"""Joining a manuscript's name forms into its people and places, by the conventions novels keep.

``FormReading`` holds the forms of one manuscript, the sentences that name them and the
pronouns those sentences use; ``join_forms`` applies the rules of
``memory.context.bible_extraction``'s docstring, in order, to a union-find of forms.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter, defaultdict

from memory.context.name_forms import (
    PLACE_WORDS,
    FormJoins,
    NameForm,
    contains,
    decided,
    family_of,
    given_of,
    same_given_name,
)
from memory.text.text_analysis import NameMention, gendered_pronouns, pronoun_set, sentence_spans, without_speech_tags

GIVEN_SHARE = 0.75
"""A bare given name is one full name's person when that full name holds this share of its uses."""


class FormReading:
    """The forms of one manuscript, the sentences they share, and the rules that join them."""

    def __init__(self, text: str, mentions: list[NameMention], forms: dict[str, NameForm]) -> None:
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
        self.family_names = {family_of(form.words) for form in self.fulls.values()}
        self.given_names = Counter()
        for form in self.fulls.values():
            self.given_names[given_of(form.words)] += form.count
        self.together = self._side_by_side()
        self.form_votes = self._form_votes()

    def _is_group(self, form: NameForm) -> bool:
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

    def apart(self, joins: FormJoins, a: str, b: str, family: str) -> bool:
        """Whether a form of ``a``'s entry and one of ``b``'s, both holding the family name, are named
        side by side in two sentences or more ("Mr. Knightley and Mr. John Knightley"). Forms
        without it do not count: the narrator's "Emma" beside a caller's "Miss Woodhouse" is one woman."""
        members_a = [k for k in self._members(joins, a) if family in self.forms[k].words]
        members_b = [k for k in self._members(joins, b) if family in self.forms[k].words]
        return any(self.together[frozenset((x, y))] >= max(2, 0.1 * min(self.forms[x].count, self.forms[y].count))
                   for x in members_a for y in members_b)

    def _members(self, joins: FormJoins, key: str) -> list[str]:
        """The forms (not bare full-name nodes) of ``key``'s entry."""
        return [k for k in joins.members[joins.root(key)] if k in self.forms]

    def _role(self, form: NameForm) -> str:
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
        return sum(form.count for form in self.fulls.values() if family_of(form.words) == word)

    def join_forms(self) -> FormJoins:
        joins = FormJoins()
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

    def _join_full_names(self, joins: FormJoins) -> None:
        """"Miss Elizabeth Bennet" is "Elizabeth Bennet", written so or not; "Mrs. John Knightley"
        is not "John Knightley" when a man is called so."""
        for key, form in self.forms.items():
            if not form.title or len(form.words) < 2 or key in self.groups or form.words[-1] in PLACE_WORDS:
                continue
            if form.title_class == "wife" and self._form_lean(form.name) != "she/her":
                continue  # "Mrs. John Knightley" is John Knightley's wife; "Mrs. Laura Lyons" is Laura
            self.fulls.setdefault(form.name, NameForm(form.name, "", form.name))
            joins.join(form.name, key)
        self.family_names = {family_of(form.words) for form in self.fulls.values()}
        for form in self.fulls.values():
            if form.name not in self.forms:
                self.given_names[given_of(form.words)] += 0

    def _join_shorter_names(self, joins: FormJoins) -> None:
        """"Long John" and "John Silver" are "Long John Silver" when no other name holds them."""
        fulls = list(self.fulls.values())
        for short in fulls:
            words = short.words
            longer = {joins.root(f.name) for f in fulls if len(f.words) > len(words) and contains(f.words, words)}
            if len(longer) == 1:
                joins.join(longer.pop(), short.name)

    def _join_given_names(self, joins: FormJoins) -> None:
        by_given: defaultdict[str, list[NameForm]] = defaultdict(list)
        for form in self.fulls.values():
            by_given[given_of(form.words)].append(form)
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
        family = family_of(name.split())
        return any(f.title and f.name == family for f in self.forms.values())

    def _uses(self, name: str) -> int:
        """How often a full name is written, with a title or without."""
        return sum(form.count for form in self.forms.values() if form.name == name)

    def _join_nicknames(self, joins: FormJoins) -> None:
        """"Lizzy" is Elizabeth when one Elizabeth is in the book and no Lizzy of her own."""
        givens: defaultdict[str, set[str]] = defaultdict(set)  # a given name and the nodes that bear it
        for word in self.given_names:
            if word in self.forms:
                givens[word].add(word)
        for full in self.fulls.values():
            if self._trusted(full.name):
                givens[given_of(full.words)].add(full.name)
        for form in self.forms.values():
            if form.title and len(form.words) == 1 and self._role(form) == "given":
                givens[form.name].add(form.text)
        for key, form in self.forms.items():
            if form.title or len(form.words) > 1 or key in self.family_names:
                continue
            owners = {joins.root(node) for g, nodes in givens.items() if g != key and same_given_name(key, g)
                      and not self._other_family(key, g) for node in nodes}
            if len(owners) == 1:
                joins.join(owners.pop(), key)

    def _other_family(self, nickname: str, given: str) -> bool:
        """Whether the nickname is the given name of a full name of another family than the given
        name's: "Eliza Reed" is not an Elizabeth of another family."""
        own = {family_of(f.words) for f in self.fulls.values() if given_of(f.words) == nickname}
        theirs = {family_of(f.words) for f in self.fulls.values() if given_of(f.words) == given}
        return bool(own) and bool(theirs) and not (own & theirs)

    def _join_titled_families(self, joins: FormJoins) -> None:
        """"Miss Woodhouse" is Emma Woodhouse: the one person of the family her title fits."""
        for key, form in self.forms.items():
            if not form.title or len(form.words) != 1 or key in self.groups or self._role(form) != "family":
                continue
            family = form.name
            candidates = [full for full in self.fulls.values() if family_of(full.words) == family
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
        return {given_of(f.words) for f in self.forms.values()
                if f.title_class == "maid" and len(f.words) > 1 and family_of(f.words) == family}

    def _titled_uses(self, name: str, title_class: str) -> int:
        return sum(f.count for f in self.forms.values() if f.name == name and f.title and f.title_class == title_class)

    def _form_lean(self, name: str) -> str:
        """The pronoun the sentences naming ``name`` (or its given name) alone favour, or ""."""
        votes: Counter[str] = Counter(self.form_votes.get(name, {}))
        votes.update(self.form_votes.get(name.split()[0], {}))
        return decided(votes)

    def _lean(self, joins: FormJoins, key: str) -> str:
        """The pronoun the sentences naming an entry's forms alone favour, or ""."""
        votes: Counter[str] = Counter()
        for k in self._members(joins, key):
            votes.update(self.form_votes[k])
        (best, top), (_, second) = (votes.most_common(2) + [("", 0), ("", 0)])[:2]
        return best if top >= 4 and top >= 3 * second else ""

    def _class_fits(self, joins: FormJoins, title_class: str, key: str) -> bool:
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

    def _join_bare_families(self, joins: FormJoins) -> None:
        """"Weston" is Mr. Weston: a family name alone means the man of the family, else its one person."""
        for key, form in self.forms.items():
            if form.title or len(form.words) != 1 or key in self.groups:
                continue
            family = key
            titled = [k for k, f in self.forms.items() if f.title and f.name == family]
            fulls = [f.name for f in self.fulls.values() if family_of(f.words) == family and self._uses(f.name) >= 2]
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

    def _has_class(self, joins: FormJoins, key: str, title_class: str) -> bool:
        return any(self.forms[k].title_class == title_class for k in self._members(joins, key))

    def _join_places(self, joins: FormJoins) -> None:
        """"Netherfield Park" is Netherfield, when no family is called Netherfield."""
        for key in self.places:
            head = " ".join(self.forms[key].words[:-1])
            if head in self.forms and head not in self.family_names and not any(
                    f.title and f.name == head for f in self.forms.values()):
                joins.join(head, key)

    def attach_rare_forms(self, joins: FormJoins, min_mentions: int) -> None:
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
                    by_word[family_of(form.words)].add(root)
        for key, form in list(self.forms.items()):
            if joins.root(key) in kept or key in self.places or key in self.groups:
                continue
            if len(form.words) > 1:
                owners = by_word[given_of(form.words)] & by_word[family_of(form.words)] \
                    or by_word[given_of(form.words)]
                if len(owners) != 1:
                    owners = {root for root in by_word[family_of(form.words)]
                              if self._class_fits(joins, form.title_class, root)}
            elif form.title and self._role(form) == "family":
                owners = {root for root in by_word[form.name] if self._class_fits(joins, form.title_class, root)}
            else:
                continue
            if len(owners) == 1:
                joins.join(owners.pop(), key)

