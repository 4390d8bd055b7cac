"""The context assembler on real novels with the real tokenizer."""

from __future__ import annotations

import pytest

from memory.context.assembler import ORDER, ContextShares, assemble
from memory.context.cursor import cursor_at, end_of_manuscript
from memory.errors import ProjectError
from memory.project import Project

pytestmark = pytest.mark.model


@pytest.mark.parametrize("fixture", ["pride_project", "treasure_project"])
@pytest.mark.parametrize("budget", [256, 700, 1024, 2048, 3840])
def test_budget_is_never_exceeded(fixture: str, budget: int, request: pytest.FixtureRequest, tokenizer) -> None:
    project: Project = request.getfixturevalue(fixture)
    chapters = len(project.store.chapters())
    shares = ContextShares()
    for chapter in (1, 2, chapters // 3, chapters // 2, chapters):
        for paragraph in (1, 4):
            context = assemble(project, budget, cursor_at(project, chapter, paragraph))
            real = tokenizer.count_tokens(context.text)
            assert real <= budget
            assert context.total_tokens == real
            # The recent text fills what the memory sections leave, to within one chunk.
            memory = int(budget * (shares.opening + shares.facts + shares.summaries))
            assert real >= min(budget - memory - 400, budget * 0.5) or chapter <= 2


def test_sections_come_in_the_stable_order_with_reasons(pride_project: Project) -> None:
    context = assemble(pride_project, 1024, cursor_at(pride_project, 40, 3))
    names = [section.name for section in context.sections]
    assert names == sorted(names, key=ORDER.index)
    assert names == ["summaries", "facts", "recent"]  # the opening has stepped aside by chapter 40
    assert all(section.reason and section.tokens > 0 for section in context.sections)


def test_prompt_ends_with_the_text_right_before_the_cursor(pride_project: Project) -> None:
    chapter = pride_project.store.chapters()[39]
    paragraphs = chapter.text.split("\n\n")
    context = assemble(pride_project, 1024, cursor_at(pride_project, 40, 5))
    assert context.text.endswith(paragraphs[3])
    assert paragraphs[4] not in context.text


def test_cursor_inside_a_chunk_ends_mid_chunk(treasure_project: Project) -> None:
    chapter = treasure_project.store.chapters()[9]
    paragraphs = chapter.text.split("\n\n")
    for paragraph in range(2, min(12, len(paragraphs))):
        context = assemble(treasure_project, 800, cursor_at(treasure_project, 10, paragraph))
        assert context.text.endswith(paragraphs[paragraph - 2])


def test_opening_is_pinned_and_stable_while_the_book_is_short(pride_project: Project) -> None:
    first = assemble(pride_project, 2048, cursor_at(pride_project, 2, 3))
    second = assemble(pride_project, 2048, cursor_at(pride_project, 3, 2))
    assert first.sections[0].name == "opening"
    assert first.sections[0].text == second.sections[0].text
    assert first.sections[0].text.startswith("It is a truth universally acknowledged")


def test_opening_steps_aside_once_the_book_is_long(pride_project: Project) -> None:
    shares = ContextShares()
    for chapter in (10, 30, 50):
        context = assemble(pride_project, 1024, cursor_at(pride_project, chapter))
        before = sum(ref.tokens for ref in pride_project.chunks[: cursor_at(pride_project, chapter).chunk_index])
        assert before > shares.opening_until * 1024
        assert context.section("opening") is None


def test_summaries_cover_the_middle(pride_project: Project) -> None:
    context = assemble(pride_project, 2048, cursor_at(pride_project, 50))
    summaries = context.section("summaries")
    assert summaries is not None
    assert summaries.text.startswith("[Earlier: ")
    assert "spans" in summaries.reason


def test_at_the_start_only_the_opening_text_remains(pride_project: Project) -> None:
    context = assemble(pride_project, 1024, cursor_at(pride_project, 1, 3))
    assert [s.name for s in context.sections] == ["opening"]
    assert context.text.endswith("must be in want of a wife.\n\nHowever little known the feelings or views of such "
                                 "a man may be on his first entering a neighbourhood, this truth is so well fixed "
                                 "in the minds of the surrounding families, that he is considered the rightful "
                                 "property of some one or other of their daughters.") or context.total_tokens <= 1024


def test_end_of_manuscript_is_the_default(treasure_project: Project) -> None:
    context = assemble(treasure_project, 512)
    last = treasure_project.store.chapters()[-1].text
    assert context.text.endswith(last[-200:])
    assert end_of_manuscript(treasure_project).chunk_index == len(treasure_project.chunks)


def test_positions_that_do_not_exist_are_explained(pride_project: Project) -> None:
    with pytest.raises(ProjectError, match="no chapter 99"):
        cursor_at(pride_project, 99)
    with pytest.raises(ProjectError, match="no paragraph 9999"):
        cursor_at(pride_project, 3, 9999)


def test_a_book_not_yet_begun_gets_its_cast_with_the_beat(tmp_path, tokenizer) -> None:
    from memory.context.bible import BibleEntry, save_entry

    project = Project.open(tmp_path / "new.draftsmith", tokenizer.count_tokens, create=True)
    save_entry(project.store, BibleEntry("Ada Fenn", aliases=["Ada"], pronouns="she/her", facts=["keeper of the light"],
                                         source="writer"))
    save_entry(project.store, BibleEntry("Tom Reyes", pronouns="he/him"))  # found by extraction: a guess
    beat = "[Now: Ada rows out to the wreck.]"
    context = assemble(project, 512, beat=beat, lead="CHAPTER 1\n\n")
    assert [s.name for s in context.sections] == ["facts", "beat", "lead"]
    facts = context.section("facts").text
    assert facts.index("Ada Fenn") < facts.index("Tom Reyes")  # the one the beat names comes first
    assert "(she/her)" in facts and "(he/him)" not in facts  # the writer's pronouns, not extraction's guesses
    assert context.total_tokens <= 512
    project.close()


def test_where_joins_add_up_the_prompt_is_not_counted_twice(pride_project: Project, tokenizer) -> None:
    counted: list[str] = []

    def spy(text: str) -> int:
        counted.append(text)
        return tokenizer.count_tokens(text)

    trusting = Project(pride_project.store, spy, tokenizer.joins_add_up)
    counting = Project(pride_project.store, tokenizer.count_tokens)
    for chapter, paragraph in ((3, 1), (20, 4), (45, 2), (61, 1)):
        cursor = cursor_at(pride_project, chapter, paragraph)
        fast = assemble(trusting, 1024, cursor)
        checked = assemble(counting, 1024, cursor)
        assert fast.text == checked.text
        assert fast.total_tokens == checked.total_tokens == tokenizer.count_tokens(fast.text)
        assert fast.text not in counted
