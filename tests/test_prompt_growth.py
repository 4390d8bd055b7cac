"""Prompts the KV cache can reuse: the memory sections hold still while the book grows,
the recent text fills its room from a paragraph's start, and the budget holds at the app's sizes.

Real novels, the real tokenizer, and a real project file that grows a passage at a time.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.workflows.keeping import keep_continuation
from memory.context.assembler import ContextShares, assemble
from memory.context.bible import extract_bible
from memory.context.cursor import cursor_at, cursor_at_offset
from memory.context.passage import passage_text
from memory.importer import import_manuscript
from memory.project import Project
from memory.text.manuscript import paragraph_spans
from memory.write_journal import start_journal

BUDGETS = (1024, 3840)


def _cursors(project: Project, first: int, last: int):
    """A cursor before every paragraph of chapters ``first`` to ``last``, in reading order."""
    for chapter in range(first, last + 1):
        text = project.store.chapters()[chapter - 1].text
        for paragraph in range(1, len(paragraph_spans(text)) + 1):
            yield cursor_at(project, chapter, paragraph)


@pytest.mark.parametrize("budget", BUDGETS)
@pytest.mark.parametrize("fixture", ["pride_project", "treasure_project"])
def test_memory_sections_hold_still_until_the_anchor_moves(fixture: str, budget: int,
                                                           request: pytest.FixtureRequest,
        default_model_path: Path) -> None:
    project: Project = request.getfixturevalue(fixture)
    chapters = len(project.store.chapters())
    contexts = [assemble(project, budget, cursor) for cursor in _cursors(project, chapters // 2, chapters // 2 + 3)]
    moves = 0
    for previous, context in zip(contexts, contexts[1:]):
        assert context.anchor >= previous.anchor and context.recent_start >= previous.recent_start
        if context.anchor == previous.anchor:
            assert context.stable_prefix == previous.stable_prefix
        else:
            moves += 1
    grown = sum(ref.tokens for ref in project.chunks[contexts[0].recent_start:contexts[-1].recent_start])
    # The anchor moves once per grid step of new text (a step is about half the budget).
    assert moves <= grown / (budget * ContextShares().jump * 0.5) + 1, (moves, grown)
    assert moves < len(contexts) / 3


@pytest.mark.parametrize("budget", BUDGETS)
@pytest.mark.parametrize("fixture", ["pride_project", "treasure_project"])
def test_recent_text_fills_its_room_from_a_paragraph_start(fixture: str, budget: int,
                                                         request: pytest.FixtureRequest, tokenizer) -> None:
    """Whole chunks from the recent start, led in by the paragraphs before it that the room
    still holds: the lead-in opens a paragraph, and one more paragraph would not fit."""
    project: Project = request.getfixturevalue(fixture)
    documents = {document.id: document for document in project.documents}
    chapters = len(project.store.chapters())
    led_in = 0
    for chapter in range(2, chapters + 1, 2):
        for paragraph in (2, 9):
            try:
                cursor = cursor_at(project, chapter, paragraph)
            except Exception:  # a chapter shorter than nine paragraphs
                continue
            context = assemble(project, budget, cursor)
            recent = context.section("recent")
            assert recent is not None
            ref = project.chunks[context.recent_start]
            start, _ = project.store.chunk_span(ref.id)
            text = documents[ref.document_id].text
            heading = "".join(title + "\n\n" for title in project.headings_before.get(context.recent_start, []))
            first = heading + text[start:start + 40].rstrip()
            assert bool(heading) == (start == 0)  # a chapter's first chunk stands under its heading
            at = recent.text.find(first)
            assert at >= 0
            lead = recent.text[:at].rstrip()
            if not lead:
                continue
            led_in += 1
            indices = range(max(0, context.recent_start - 8), context.recent_start)
            texts = project.store.chunk_texts(project.chunks[i].id for i in indices)
            before = passage_text(project, indices, texts).text
            assert before.rstrip().endswith(lead)
            preceding = before[: len(before.rstrip()) - len(lead)]
            assert preceding.endswith("\n\n"), (chapter, paragraph, preceding[-60:], lead[:60])
            break_at = preceding.rstrip().rfind("\n\n")  # the paragraph before the lead-in's first
            longer = context.text.replace(lead, preceding[break_at + 2 if break_at >= 0 else 0:] + lead, 1)
            # one more paragraph would not have fitted (give or take the token or two that
            # joining two halves of a paragraph at a space may save)
            slack = 0 if recent.text[at - 2:at] == "\n\n" else 2
            assert tokenizer.count_tokens(longer) > budget - slack, (chapter, paragraph)
    assert led_in > 0


@pytest.fixture
def half_treasure(tmp_path: Path, corpus: Path, tokenizer) -> tuple[Project, list[str]]:
    """The first half of Treasure Island as a project, and the paragraphs of the rest."""
    text = (corpus / "treasure_island.txt").read_text(encoding="utf-8")
    cut = text.index("\n\n", len(text) // 2)
    source = tmp_path / "half.txt"
    source.write_text(text[:cut], encoding="utf-8")
    project = Project.open(tmp_path / "half.draftsmith", tokenizer.count_tokens, create=True,
                           joins_add_up=tokenizer.joins_add_up)
    import_manuscript(project.store, source, tokenizer.count_tokens)
    project.ensure_summaries()
    extract_bible(project.store)
    yield project, [p for p in text[cut:].split("\n\n") if p.strip()]
    project.close()


@pytest.mark.parametrize("budget", BUDGETS)
def test_keeping_text_only_drops_paragraphs_at_the_front_and_adds_at_the_end(half_treasure, budget: int,
                                                                             tokenizer) -> None:
    project, paragraphs = half_treasure
    chapter = [d for d in project.documents if d.kind == "chapter"][-1]
    journal = start_journal(project, chapter.id, len(chapter.text), 10**6)
    previous = None
    kept_steps = moves = added = 0
    for index in range(0, 80, 2):
        piece = "\n\n" + "\n\n".join(paragraphs[index:index + 2])
        added += tokenizer.count_tokens(piece)
        journal = keep_continuation(project, journal, piece)
        project.ensure_summaries()
        context = assemble(project, budget, cursor_at_offset(project, journal.document_id, journal.offset))
        assert context.total_tokens <= budget and tokenizer.count_tokens(context.text) <= budget
        recent = context.section("recent").text
        assert recent.endswith(piece.strip())
        if previous is not None and context.anchor == previous.anchor:
            kept_steps += 1
            assert context.stable_prefix == previous.stable_prefix
            old_recent = previous.section("recent").text
            dropped = old_recent.find(recent[:200])
            assert dropped >= 0 and recent.startswith(old_recent[dropped:])  # nothing between changed
        elif previous is not None:
            moves += 1
        previous = context
    assert kept_steps > moves
    assert moves <= added / (budget * ContextShares().jump * 0.5) + 1  # once per grid step of new text
