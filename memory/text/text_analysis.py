"""Reading English prose without a model: sentences, names and pronouns, one set of rules.

Memory, the story bible, the continuity report and the passage cleaner all need the
same three readings of a manuscript, and when each kept its own, they disagreed: one
splitter cut "Mr. Darcy" after "Mr.", one name finder missed every titled name. Here:

- **sentences** end at ``.``, ``!`` or ``?`` (and closing quotes) before a capital, a
  digit or an opening quote, but never after a title or an initial ("Mr. Darcy",
  "F. C. Weston"); a regular expression per boundary keeps a 500,000-word book
  within a fraction of a second, which a rule-based library (pysbd) does not;
- **names** are runs of capitalised words with the title before them and the particles
  inside them ("Lady Catherine de Bourgh", "St. John Rivers", "Dr. van Helsing"),
  possessives folded ("Flint's" is Flint), openers and exclamations left out;
- **pronouns** are read as he/him, she/her or they/them from one table.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

TITLE_CLASSES: dict[str, str] = {
    "Mr": "man", "Mister": "man", "Sir": "man", "Lord": "man", "Squire": "man", "Uncle": "man",
    "Father": "man", "Brother": "man", "Master": "man", "Monsieur": "man", "Count": "man", "Baron": "man",
    "Duke": "man", "King": "man", "Prince": "man", "Herr": "man", "Senor": "man",
    "Mrs": "wife", "Madame": "wife", "Frau": "wife", "Senora": "wife", "Missis": "wife",
    "Lady": "woman", "Aunt": "woman", "Mother": "woman", "Madam": "woman", "Mistress": "woman",
    "Sister": "woman", "Countess": "woman", "Baroness": "woman", "Duchess": "woman", "Queen": "woman",
    "Princess": "woman", "Ms": "woman",
    "Miss": "maid", "Mademoiselle": "maid", "Fraulein": "maid",
    "Dr": "", "Doctor": "", "Captain": "", "Cap'n": "", "Colonel": "", "General": "", "Major": "",
    "Admiral": "", "Lieutenant": "", "Sergeant": "", "Professor": "", "Rev": "", "Reverend": "",
    "Judge": "", "Inspector": "", "Young": "", "Old": "", "Little": "",
}
"""Titles before a name, with the kind of person each names: a man, a married woman, an
unmarried one, a woman either way ("Lady", "Aunt"), or anyone ("Dr", "Captain"). Two titles of different kinds
before one family name are two people."""
TITLES = frozenset(TITLE_CLASSES)
CLASS_PRONOUNS = {"man": "he/him", "wife": "she/her", "maid": "she/her", "woman": "she/her"}
ABBREVIATIONS = frozenset("Mr Mrs Ms Dr St Rev Messrs Mme Mlle Col Capt Gen Lt Sgt Prof Jr Sr No Mt Gov Hon "
                          "Esq Bros Co Vol vs etc Ch viz".split())
"""Words a full stop follows without ending a sentence."""
PARTICLES = frozenset("de van von der den du la le da di del ten ter".split())
"""Lower-case words inside a family name: "de Bourgh", "van Helsing"."""
ROLE_WORDS = frozenset(
    "Papa Pa Mamma Mama Mammy Mummy Ma Grandpa Grandma Grandmamma Grandpapa Grandfather Grandmother Granny "
    "Father Mother Sister Brother Uncle Aunt Cousin Nurse Madam Ma'am Sir Master Mistress Missis Miss Reader "
    "Doctor Captain Colonel Squire Professor Judge Inspector Vicar Rector Parson Dean Bishop Ladyship Lordship "
    "Majesty Highness Excellency Honour Honor".split()
)
"""Kinship and rank words a character is called by, capitalised but nobody's name."""
NEVER_NAMES = frozenset(
    # Function words and openers that start a capitalised run.
    "I A An The And But Or Nor If When Then There This That These Those He She It They We You His Her Its "
    "Their Our Your My Me Him Us Them Who Whom Whose What Why How Where Which While Whilst Not No Yes So As At "
    "In On Of To For From By With Without Into Upon After Before Since Until Till Though Although Because "
    "Do Does Did Is Are Was Were Be Been Have Has Had Would Shall Should Can Could Might Must "
    "Let Now Here Still Yet Perhaps Indeed Nay Aye Ay All Every Each Some Any None One Two Three Four Five "
    "Six Seven Eight Nine Ten First Second Third Last Next Once Twice Such Very Only Even Just Both Either "
    "Neither Whatever Whoever However Therefore Thus Hence Meanwhile Besides Good Dear Well Pray Come Go "
    "Look See Say Tell Ask Thank Thanks Please Nothing Everything Something Anything Nobody Everybody "
    "Somebody Anybody Never Ever Always Sometimes Again Whether Also Too Oh O Ah Alas Hush Ha Halloa "
    "Poor Hallo Hello Bah Pooh Pshaw Humph Hurrah Hurra Avast Belay Behold Bless Lo Hark Fie Egad Zounds Ugh "
    "Mr Mrs Ms Dr Mister Madam Madame Mademoiselle Monsieur Sir Lady Lord Miss Captain Colonel "
    "Chapter Part Book Volume Prelude Finale Preface Contents Introduction Epilogue Prologue Appendix Note "
    "OK Ok Mm Hm Hmm Um".split()
) | ROLE_WORDS
"""Words that start or stop a name: openers, exclamations, titles on their own, headings."""
RARELY_NAMES = frozenset(
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July "
    "August September October November December Christmas Easter Michaelmas Midsummer Lent Whitsun "
    "Whitsuntide Candlemas Lammas "
    "God Heaven Heavens Providence Bible Scripture Scriptures Christ Jesus Almighty Maker Creator "
    "Devil Satan Hell Paradise Jove Gad Nature Fate Fortune Christian Christians Catholic Protestant "
    "English French Spanish Dutch German Irish Scotch Scottish Welsh British American Americans Italian "
    "Greek Roman Latin Russian Indian Chinese Portuguese Swiss Austrian Prussian Yankee Frenchman "
    "Englishman Englishmen Frenchmen Europe European".split()
)
"""Days and feasts, God and his names, peoples and tongues: nobody on their own, yet part of a
name after a title or another name ("Mr. March", "Jo March")."""
NOT_NAMES = NEVER_NAMES | RARELY_NAMES
"""Capitalised words that are nobody in the cast when they stand alone."""

_NAME_WORD = r"(?:[A-Z][a-z]+(?:['\u2019-][A-Z]?[a-z]+)*|[A-Z]['\u2019][A-Z][a-z]+|[A-Z]\.)"
_ABBREVIATED_TITLE = r"(?:Mr|Mrs|Ms|Dr|Rev|Mme|Mlle|St)\."
_RUN = re.compile(
    rf"(?:{_ABBREVIATED_TITLE}|{_NAME_WORD})"
    rf"(?:(?:[ \t]|\n(?!\s*\n))(?:(?:{'|'.join(sorted(PARTICLES))}) )*(?:{_ABBREVIATED_TITLE}|{_NAME_WORD}))*"
)
_SENTENCE_MARK = re.compile(r"[.!?\u2026]+[\"'\u201d\u2019)\]]*(?=\s|$)")
_OPENS = re.compile(r"\s+[\"'\u201c\u2018(\[]*(?:[A-Z0-9\u00c0-\u00de])")
_WORD_BEFORE = re.compile(r"(?:^|[\s\"'\u201c\u2018(\[])([A-Za-z]+)\.$")
_POSSESSIVE = re.compile(r"['\u2019]s$")
_CONTRACTION = re.compile(r"['\u2019](?:t|ll|re|ve|d|m)$")

HE = frozenset("he him his himself".split())
SHE = frozenset("she her hers herself".split())
THEY = frozenset("they them their theirs themselves".split())
_PRONOUN_WORD = re.compile(r"\b(?:he|him|his|himself|she|her|hers|herself)\b", re.IGNORECASE)


_SPEECH_TAG = re.compile(r"\b(?:said|cried|replied|answered|continued|added|returned|exclaimed|asked|observed)"
                         r"\s+(?:he|she)\b", re.IGNORECASE)


def without_speech_tags(text: str) -> str:
    """``text`` without its inverted speech tags ("said he", "cried she"): in '"Ada," said he'
    the pronoun is the speaker's, not the person named, so no reading of pronouns counts it."""
    return _SPEECH_TAG.sub("", text)


def pronoun_set(word: str) -> str:
    """``he/him``, ``she/her`` or ``they/them`` for a pronoun in any form; "" for other words."""
    word = word.lower()
    return "he/him" if word in HE else "she/her" if word in SHE else "they/them" if word in THEY else ""


def gendered_pronouns(text: str) -> Iterator[re.Match[str]]:
    """Each he, him, his, himself, she, her, hers or herself in ``text``."""
    return _PRONOUN_WORD.finditer(text)


def pronoun_counts(text: str) -> Counter[str]:
    """How often ``text`` uses each of he/him and she/her."""
    return Counter(pronoun_set(m.group()) for m in gendered_pronouns(text))


def sentence_ends(text: str) -> list[int]:
    """Offsets just after each sentence's closing mark (before the space that follows it)."""
    ends = []
    for mark in _SENTENCE_MARK.finditer(text):
        end = mark.end()
        if end < len(text) and not _OPENS.match(text, end):
            continue  # '"Oh!" cried she', or a full stop inside a number: the sentence goes on
        if text[mark.start():mark.end()].rstrip("\"'\u201d\u2019)]") == ".":
            before = _WORD_BEFORE.search(text, max(0, mark.start() - 16), mark.start() + 1)
            if before and _abbreviation(before.group(1)):
                continue
        ends.append(end)
    return ends


def sentence_starts(text: str) -> list[int]:
    """Offsets where each sentence after the first begins (past the space after the last one's mark)."""
    starts = []
    for end in sentence_ends(text):
        while end < len(text) and text[end].isspace():
            end += 1
        if end < len(text):
            starts.append(end)
    return starts


def _abbreviation(word: str) -> bool:
    """A title or an initial: "Mr", "Dr", "St", "F" (as in "F. C. Weston"); not "I"."""
    return word in ABBREVIATIONS or (len(word) == 1 and word.isupper() and word != "I")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Each sentence's start and end in ``text``; a paragraph break always ends one."""
    spans = []
    for block in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]*)*", text):
        start = block.start()
        for end in sentence_ends(block.group()):
            end += block.start()
            spans.append((start, end))
            start = end
            while start < block.end() and text[start].isspace():
                start += 1
        if start < block.end() and text[start:block.end()].strip():
            spans.append((start, block.end()))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def sentences(text: str, min_words: int = 3) -> list[str]:
    """The sentences of ``text``, white space collapsed, without those under ``min_words`` words."""
    found = (" ".join(text[start:end].split()) for start, end in sentence_spans(text))
    return [sentence for sentence in found if len(sentence.split()) >= min_words]


def split_sentences(paragraph: str) -> list[str]:
    """A paragraph's sentences as written, each with its own marks, none dropped."""
    return [paragraph[start:end] for start, end in sentence_spans(paragraph)]


@dataclass(frozen=True)
class NameMention:
    """One naming of somebody or somewhere: "Mr. Darcy" is title ``Mr`` and name ``Darcy``."""

    start: int
    end: int
    title: str
    """The title without its full stop ("Mr", "Lady"), or ""."""
    name: str
    """The name without the title or a possessive: "Catherine de Bourgh", "Darcy"."""
    opens_sentence: bool
    """Whether the mention starts a sentence, where any word is capitalised."""

    @property
    def form(self) -> str:
        """The name as written with its title: "Mr. Darcy", "Lady Catherine"."""
        if not self.title:
            return self.name
        return f"{self.title}. {self.name}" if self.title in ABBREVIATIONS else f"{self.title} {self.name}"


def name_mentions(text: str) -> Iterator[NameMention]:
    """Every capitalised name in ``text`` with its title, in order.

    A run of capitalised words is cut where a word that is no name stands ("Then Mr.
    Darcy" is "Mr. Darcy"); titles at its head are kept apart from the name, and a
    title with nothing after it ("the Colonel") is no mention.
    """
    for run in _RUN.finditer(text):
        yield from _mentions_in_run(text, run.start(), run.group())


def _mentions_in_run(text: str, offset: int, run: str) -> Iterator[NameMention]:
    words = [(m.start(), m.group()) for m in re.finditer(r"\S+", run)]
    index = 0
    while index < len(words):
        while index < len(words) and _plain(words[index][1]) in NOT_NAMES and _plain(words[index][1]) not in TITLES:
            index += 1
        if index >= len(words):
            return
        start = index
        title_words = []
        while index < len(words) - 1 and _plain(words[index][1]) in TITLES and not _is_initial(words[index][1]):
            title_words.append(_plain(words[index][1]))
            index += 1
        name_words = []
        while index < len(words):
            word = words[index][1]
            plain = _plain(word)
            if plain in NEVER_NAMES or (plain in TITLES and name_words) or _CONTRACTION.search(plain):
                break
            if plain in RARELY_NAMES and not (name_words or title_words):
                break
            name_words.append(word)
            index += 1
            if _POSSESSIVE.search(word):
                break  # "Harker's Journal": the name ends at the possessive
        while name_words and (name_words[-1] in PARTICLES or _is_initial(name_words[-1])):
            name_words.pop()  # a run never ends on "de" or on a lone initial
        if not name_words:
            index = max(index, start + 1)
            continue
        name = _POSSESSIVE.sub("", " ".join(name_words))
        begin = offset + words[start][0]
        last = words[start + len(title_words) + len(name_words) - 1]
        end = offset + last[0] + len(_POSSESSIVE.sub("", last[1]))
        title = title_words[-1] if title_words else ""
        yield NameMention(begin, end, title, name, _opens_sentence(text, begin))


def _plain(word: str) -> str:
    return _POSSESSIVE.sub("", word).rstrip(".")


def _is_initial(word: str) -> bool:
    return len(word) == 2 and word[0].isupper() and word[1] == "."


def _opens_sentence(text: str, start: int) -> bool:
    """Whether ``start`` begins a sentence: after a sentence mark, a paragraph break, an opening
    quote at such a place, or the start of the text."""
    index = start - 1
    while index >= 0 and text[index] in "\"'\u201c\u2018([_*":
        index -= 1
    while index >= 0 and text[index] in " \t":
        index -= 1
    if index < 0 or text[index] == "\n":
        return True
    return text[index] in ".!?:\u2026\"'\u201d\u2019)—" and (text[index] not in "\"'\u201d\u2019)"
                                                                 or _after_sentence_mark(text, index))


def _after_sentence_mark(text: str, index: int) -> bool:
    while index >= 0 and text[index] in "\"'\u201d\u2019)":
        index -= 1
    return index >= 0 and text[index] in ".!?\u2026"


def names_in(text: str) -> list[str]:
    """The names ``text`` gives mid-sentence, with their titles ("Mr. Darcy", "Elizabeth")."""
    return [mention.form for mention in name_mentions(text) if not mention.opens_sentence]


def lowercase_words(text: str) -> Counter[str]:
    """How often each word is written in lower case: a capitalised "Diary" whose "diary" is
    common is a word, not a name."""
    return Counter(re.findall(r"\b[a-z]+\b", text))


def mid_sentence_name_words(text: str) -> list[str]:
    """Each word of every name ``text`` gives mid-sentence, titles left out: "Mr. Ada Fenn"
    gives "Ada" and "Fenn". The words a drift check compares against the names it knows."""
    return [word for mention in name_mentions(text) if not mention.opens_sentence
            for word in mention.name.split() if word not in PARTICLES and not _is_initial(word)]
