"""A context built at a cursor knows nothing after it, shows whole sentences, and fits its budget.

Real novels, the real tokenizer, real project files: the book after the cursor is
replaced with another book's chapters, and the prompt at the cursor must not change
by one byte, though the story bible, its name counts and the summaries are built
again from the whole, changed manuscript.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from memory.context.assembler import assemble
from memory.context.bible import extract_bible
from memory.context.context_shares import ContextShares
from memory.context.cursor import cursor_at
from memory.importer import import_text
from memory.project import Project
from memory.text.manuscript import normalise_paragraphs

pytestmark = pytest.mark.model

_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)_]*$")


def _project(folder: Path, name: str, text: str, tokenizer) -> Project:
    project = Project.open(folder / f"{name}.draftsmith", tokenizer.count_tokens, create=True,
                           joins_add_up=tokenizer.joins_add_up)
    import_text(project.store, text, tokenizer.count_tokens)
    project.ensure_summaries()
    extract_bible(project.store)
    return project


def _blocks(path: Path) -> list[str]:
    return normalise_paragraphs(path.read_text(encoding="utf-8")).split("\n\n")


@pytest.fixture(scope="module")
def pride_and_changed(tmp_path_factory, corpus: Path, tokenizer):
    """Pride and Prejudice, and the same book up to chapter 40's fifth paragraph followed by the
    second half of Treasure Island (other people, other places, other words)."""
    pride = _blocks(corpus / "pride_and_prejudice.txt")
    treasure = _blocks(corpus / "treasure_island.txt")
    heading = pride.index("Chapter 40")
    cut = heading + 5  # the heading, then four paragraphs stay
    changed = pride[:cut] + treasure[len(treasure) // 2:]
    folder = tmp_path_factory.mktemp("honesty")
    whole = _project(folder, "whole", "\n\n".join(pride), tokenizer)
    other = _project(folder, "changed", "\n\n".join(changed), tokenizer)
    yield whole, other
    whole.close()
    other.close()


@pytest.mark.parametrize("budget", [1024, 3840])
@pytest.mark.parametrize("paragraph", [2, 5])
def test_the_prompt_depends_on_nothing_after_the_cursor(pride_and_changed, budget: int, paragraph: int) -> None:
    whole, changed = pride_and_changed
    assert whole.store.chapters()[39].text != changed.store.chapters()[39].text  # the chapter itself differs
    first = assemble(whole, budget, cursor_at(whole, 40, paragraph))
    second = assemble(changed, budget, cursor_at(changed, 40, paragraph))
    assert first.section("facts") is not None  # the cast line is there to be compared
    assert first.text == second.text


@pytest.mark.parametrize("budget", [1024, 3840])
def test_the_focus_sentences_depend_on_nothing_after_the_cursor(pride_and_changed, budget: int) -> None:
    whole, changed = pride_and_changed
    shares = ContextShares(focus=0.08)
    first = assemble(whole, budget, cursor_at(whole, 40, 5), shares=shares)
    second = assemble(changed, budget, cursor_at(changed, 40, 5), shares=shares)
    assert first.section("focus") is not None
    assert first.text == second.text


def test_the_cast_line_names_no_one_the_text_before_has_not(pride_and_changed) -> None:
    whole, _ = pride_and_changed
    context = assemble(whole, 1024, cursor_at(whole, 12, 2))
    facts = context.section("facts")
    assert facts is not None
    before = "\n\n".join(document.text for document in whole.documents[:13])
    for name in facts.text.removeprefix("[Characters: ").removesuffix("]").split(", "):
        assert name.split(" (")[0] in before
    assert "Wickham" not in facts.text  # named first in chapter 15


@pytest.mark.parametrize("fixture", ["pride_project", "treasure_project"])
@pytest.mark.parametrize("budget", [700, 1024, 3840])
def test_no_memory_section_is_cut_mid_sentence(fixture: str, budget: int, request: pytest.FixtureRequest,
                                                tokenizer) -> None:
    project: Project = request.getfixturevalue(fixture)
    chapters = len(project.store.chapters())
    seen = set()
    for chapter in (2, chapters // 3, chapters // 2, chapters - 1):
        for paragraph in (1, 4):
            for shares in (project.context_shares, ContextShares(focus=0.08)):
                context = assemble(project, budget, cursor_at(project, chapter, paragraph), shares=shares)
                assert tokenizer.count_tokens(context.text) <= budget
                for section in context.sections:
                    seen.add(section.name)
                    if section.name == "focus" or (section.name == "summaries" and shares is project.context_shares):
                        body = section.text.removeprefix("[Earlier: ").removeprefix("[Before: ").removesuffix("]")
                        assert _SENTENCE_END.search(body), body
                        assert "\u2026 " not in body and not body.endswith("\u2026")
                    if section.name == "opening":
                        assert _SENTENCE_END.search(section.text), section.text[-80:]
                    if section.name == "recent":
                        assert section.text[:1].isupper() or not section.text[:1].isalpha(), section.text[:40]
    assert {"summaries", "facts", "focus", "recent"} <= seen
