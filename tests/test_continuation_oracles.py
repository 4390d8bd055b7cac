"""The continuation bench's oracles are the default prompt with memory picked by the true
next passage: they must stay within the budget and name only whom that passage names,
or the ceilings they report would measure something no layout could be compared to."""

from __future__ import annotations

import re
from pathlib import Path

from bench.continuation import CEILINGS, DEFAULT, book_text, prefix_contexts
from prompts.labels import BEFORE, CAST


def _section(prompt: str, label: str) -> str | None:
    found = re.search(rf"^\[{label}: (.*)\]$", prompt, flags=re.MULTILINE)
    return found.group(1) if found else None


def test_the_oracles_stay_in_the_budget_and_recall_only_the_next_passages_people(
        tmp_path: Path, corpus: Path, tokenizer) -> None:
    text = book_text((corpus / "pride_and_prejudice.txt").read_text(encoding="utf-8"), "imported")
    cut = text.index("\n\n", int(len(text) * 0.6)) + 2
    following = text[cut: cut + 1500]
    budget = 1024
    contexts = prefix_contexts(text[:cut], tmp_path, [budget], {}, following, ("cast", "recall"))
    for name in (DEFAULT, CEILINGS["cast"], CEILINGS["recall"]):
        assert tokenizer.count_tokens(contexts[budget, name]) <= budget - 1, name
    cast = _section(contexts[budget, CEILINGS["cast"]], CAST)
    assert cast, "the next passage names people the text before it has named"
    people = cast.split(", ")
    assert all(any(word in following for word in person.split() if word[0].isupper() and len(word) > 2)
               for person in people)
    recall = contexts[budget, CEILINGS["recall"]]
    assert _section(recall, CAST) == cast
    recalled = _section(recall, BEFORE)
    assert recalled and recalled not in text[cut - 3000: cut]  # from before the recent text
    assert any(person in recalled for person in people)
    assert contexts[budget, DEFAULT].endswith(text[:cut].rstrip()[-200:])
    assert recall.endswith(text[:cut].rstrip()[-200:])
