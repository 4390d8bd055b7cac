"""The outline in a real project file: creating, editing, reordering and deleting nodes."""

from __future__ import annotations

from pathlib import Path

import pytest

from memory.errors import ProjectError
from memory.storage.outline_store import (
    PlannedNode,
    add_children,
    create_book,
    delete_node,
    load_outline,
    move_node,
    replace_children,
    update_node,
)
from memory.storage.store import ProjectStore


@pytest.fixture
def store(tmp_path: Path):
    opened = ProjectStore(tmp_path / "book.draftsmith", create=True)
    yield opened
    opened.close()


def _book_with_chapters(store: ProjectStore, titles: list[str]):
    book = create_book(store, "The Salt Road", "A mapmaker crosses a desert.", 9000)
    act = add_children(store, book.id, [PlannedNode("Act one", "It begins.")])[0]
    return book, act, add_children(store, act.id, [PlannedNode(title) for title in titles])


def test_tree_survives_reopening_with_levels_order_and_fields(tmp_path: Path) -> None:
    path = tmp_path / "book.draftsmith"
    with ProjectStore(path, create=True) as store:
        book, act, chapters = _book_with_chapters(store, ["One", "Two", "Three"])
        update_node(store, chapters[1].id, synopsis="Wren meets Jonas.", characters=["Wren", "Jonas"],
                    place="the market", target_words=2500)
    with ProjectStore(path) as reopened:
        outline = load_outline(reopened)
    assert [n.level for n in outline.walk()] == ["book", "act", "chapter", "chapter", "chapter"]
    assert [c.title for c in outline.chapters()] == ["One", "Two", "Three"]
    second = outline.nodes[chapters[1].id]
    assert (second.synopsis, second.characters, second.place, second.target_words) == \
        ("Wren meets Jonas.", ["Wren", "Jonas"], "the market", 2500)
    assert [a.level for a in outline.ancestors(second.id)] == ["book", "act"]
    before, after = outline.siblings(second.id)
    assert [n.title for n in before] == ["One"] and [n.title for n in after] == ["Three"]
    assert outline.label(second) == "Chapter 2"


def test_move_and_delete_keep_sibling_order(store: ProjectStore) -> None:
    _, act, chapters = _book_with_chapters(store, ["One", "Two", "Three"])
    move_node(store, chapters[2].id, 0)
    assert [c.title for c in load_outline(store).chapters()] == ["Three", "One", "Two"]
    add_children(store, chapters[0].id, [PlannedNode("Scene a"), PlannedNode("Scene b")])
    assert delete_node(store, chapters[0].id) == 3  # the chapter and its two scenes
    outline = load_outline(store)
    assert [c.title for c in outline.chapters()] == ["Three", "Two"]
    assert [c.position for c in outline.children(act.id)] == [0, 1]
    with pytest.raises(ProjectError, match="out of range"):
        move_node(store, chapters[1].id, 5)


def test_regenerating_refuses_to_drop_drafted_nodes(store: ProjectStore) -> None:
    _, act, chapters = _book_with_chapters(store, ["One", "Two"])
    replaced = replace_children(store, act.id, [PlannedNode("New one"), PlannedNode("New two"), PlannedNode("Three")])
    assert [c.title for c in load_outline(store).chapters()] == ["New one", "New two", "Three"]
    update_node(store, replaced[0].id, status="drafted")
    with pytest.raises(ProjectError, match="already drafted"):
        replace_children(store, act.id, [PlannedNode("Gone")])
    assert len(load_outline(store).chapters()) == 3


def test_bad_edits_are_refused_with_a_sentence(store: ProjectStore) -> None:
    book, _, chapters = _book_with_chapters(store, ["One"])
    with pytest.raises(ProjectError, match="already has an outline"):
        create_book(store, "Again", "premise")
    with pytest.raises(ProjectError, match="no field"):
        update_node(store, chapters[0].id, colour="red")
    with pytest.raises(ProjectError, match="Status must be"):
        update_node(store, chapters[0].id, status="finished")
    with pytest.raises(ProjectError, match="no node 999"):
        update_node(store, 999, title="x")
    with pytest.raises(ProjectError, match="cannot hold"):
        add_children(store, chapters[0].id, [PlannedNode("x")], level="act")


def test_nested_transactions_roll_back_together(store: ProjectStore) -> None:
    book, act, _ = _book_with_chapters(store, ["One"])
    with pytest.raises(RuntimeError):
        with store.transaction():
            add_children(store, act.id, [PlannedNode("Two")])  # its own transaction joins the outer one
            raise RuntimeError("crash mid-way")
    assert [c.title for c in load_outline(store).chapters()] == ["One"]


def test_the_planner_reads_premise_genre_ancestors_neighbours_and_cast(tmp_path: Path) -> None:
    from engine.workflows.planning import planning_context
    from memory.context.bible import BibleEntry, save_entry
    from memory.project import Project

    project = Project.open(tmp_path / "plan.draftsmith", lambda text: len(text.split()), create=True)
    try:
        store = project.store
        _, act, chapters = _book_with_chapters(store, ["One", "Two", "Three"])
        update_node(store, chapters[1].id, synopsis="Wren meets Jonas.", characters=["Wren"], place="the market")
        store.set_setting("book.genre", "desert adventure")
        save_entry(store, BibleEntry("Wren Calder", pronouns="she/her", source="writer"))
        context = planning_context(project, load_outline(store), load_outline(store).nodes[chapters[1].id])
    finally:
        project.close()
    lines = context.splitlines()
    assert lines[:3] == ["Book: The Salt Road", "Premise: A mapmaker crosses a desert.", "Genre: desert adventure"]
    assert "Characters: Wren Calder (she/her)" in lines
    assert "Act 1: Act one. It begins." in lines
    assert lines[-3:] == ["Chapter 1 (before): One.", "Chapter 2 (this one): Two. Wren meets Jonas. Characters: Wren. "
                          "Place: the market.", "Chapter 3 (after): Three."]
