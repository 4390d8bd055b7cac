"""Planning and drafting with the real default model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.backend.protocol import SamplingSettings
from engine.workflows.drafting import draft
from engine.workflows.example_leaks import leaked_from_examples
from engine.workflows.outline_schema import children_schema
from engine.workflows.passage import outline_note
from engine.workflows.passage_cleaning import scaffolding_in
from engine.workflows.planning import expand_node, plan_children
from memory.drafts import drafted_passages
from memory.project import Project
from memory.storage.outline_store import PlannedNode, add_children, create_book, load_outline

PREMISE = ("An orphaned mapmaker, Wren Calder, crosses a desert with a smuggler, Jonas Vale, "
           "to deliver a map that could start a war.")


@pytest.fixture
def project(tmp_path: Path, llama_backend) -> Project:
    opened = Project.open(tmp_path / "salt.draftsmith", llama_backend.count_tokens, create=True)
    yield opened
    opened.close()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_planning_from_a_premise_gives_a_valid_tree_every_time(project: Project, llama_backend, seed: int) -> None:
    book = create_book(project.store, "The Salt Road", PREMISE, 9000)
    acts = expand_node(llama_backend, project, book.id, count=2, seed=seed)
    chapters = expand_node(llama_backend, project, acts[0].id, count=2, seed=seed)
    outline = load_outline(project.store)
    assert [n.level for n in outline.walk()] == ["book", "act", "chapter", "chapter", "act"]
    for node in [*acts, *chapters]:
        assert 2 <= len(node.title) <= 60 and len(node.synopsis) >= 12
        assert node.status == "planned"
    assert [a.target_words for a in acts] == [4500, 4500]  # the book's length shared out
    assert [c.target_words for c in chapters] == [2250, 2250]


NAMELESS_PREMISE = "A lighthouse keeper finds a message in a bottle from her missing brother."


@pytest.mark.parametrize("seed", [1, 2])
def test_a_premise_that_names_nobody_is_planned_without_the_examples_people(project: Project, llama_backend,
                                                                            seed: int) -> None:
    """With no names to take from the premise, a small model reaches for its example's heroine;
    the planner's bans make it name its own."""
    book = create_book(project.store, "The Light", NAMELESS_PREMISE, 9000)
    acts = expand_node(llama_backend, project, book.id, count=3, seed=seed)
    planned = " ".join(" ".join([act.synopsis, *act.characters, act.place]) for act in acts)
    assert len(acts) == 3
    assert not leaked_from_examples(planned, "plan_children", NAMELESS_PREMISE)


def test_planned_json_matches_the_schema_bounds(project: Project, llama_backend) -> None:
    book = create_book(project.store, "The Salt Road", PREMISE)
    planned = plan_children(llama_backend, project, book.id, count=3, seed=11)
    schema = children_schema("act", 3)["properties"]["items"]["items"]["properties"]
    assert len(planned) == 3
    for item in planned:
        assert len(item.characters) <= schema["characters"]["maxItems"]
        assert len(item.synopsis) <= schema["synopsis"]["maxLength"]
        assert len(item.place) <= schema["place"]["maxLength"]


def test_a_chapter_is_expanded_into_beats_and_drafted_into_memory(project: Project, llama_backend) -> None:
    book = create_book(project.store, "The Salt Road", PREMISE, 9000)
    act = add_children(project.store, book.id, [PlannedNode("The Map", "Wren finds the map.")])[0]
    chapter = add_children(project.store, act.id, [PlannedNode(
        "The Auction", "Wren Calder sells her father's maps at auction and meets Jonas Vale.",
        ("Wren Calder", "Jonas Vale"), "the market", 160)])[0]
    beats = expand_node(llama_backend, project, chapter.id, count=2, level="beat", seed=5)
    assert [b.level for b in beats] == ["beat", "beat"] and all(b.target_words == 80 for b in beats)

    seen = []
    report = draft(llama_backend, project, chapter.id, SamplingSettings(seed=9), on_progress=seen.append)
    outline = load_outline(project.store)
    node = outline.nodes[chapter.id]
    document = next(d for d in project.store.documents() if d.id == node.document_id)
    passages = drafted_passages(project, [b.id for b in beats])
    assert [p.index for p in seen] == [1, 2]
    assert report.passages == 2 and not report.stopped
    assert document.text == "\n\n".join(passages[b.id] for b in beats)  # each passage once, in order
    for beat in beats:  # nothing of the prompt's notes reached the book
        assert scaffolding_in(passages[beat.id], outline_note(outline, node, outline.nodes[beat.id])) == []
    assert all(outline.nodes[b.id].status == "drafted" for b in beats)
    assert node.status == "drafted" and node.drafted_summary  # plan and text in step
    assert 0.4 <= report.chapters[0].adherence <= 1.6
    chunk_docs = {ref.document_id for ref in project.chunks}
    assert document.id in chunk_docs  # the drafted text is in memory for the next passage

    again = draft(llama_backend, project, chapter.id, SamplingSettings(seed=9))
    assert again.passages == 0  # nothing left to draft, nothing duplicated
    assert next(d for d in project.store.documents() if d.id == node.document_id).text == document.text


def test_cancelling_keeps_finished_beats_and_discards_the_partial_one(project: Project, llama_backend) -> None:
    import threading

    book = create_book(project.store, "The Salt Road", PREMISE)
    chapter = add_children(project.store, book.id, [PlannedNode("One", "Wren walks.", target_words=120)],
                           level="chapter")[0]
    beats = add_children(project.store, chapter.id, [PlannedNode("a", "Wren walks into the desert at dawn."),
                                                     PlannedNode("b", "Jonas follows her at a distance.")],
                         level="beat")
    cancel = threading.Event()
    pieces = []

    def stop_during_second_beat(text: str) -> None:
        pieces.append(text)
        if load_outline(project.store).nodes[beats[0].id].status == "drafted" and len(pieces) > 3:
            cancel.set()

    report = draft(llama_backend, project, chapter.id, SamplingSettings(seed=2), cancel=cancel,
                   on_text=stop_during_second_beat)
    outline = load_outline(project.store)
    assert report.stopped
    assert [outline.nodes[b.id].status for b in beats] == ["drafted", "planned"]
    document = next(d for d in project.store.documents() if d.id == outline.nodes[chapter.id].document_id)
    assert document.text == drafted_passages(project, [beats[0].id])[beats[0].id]
    assert json.dumps(report.as_dict())
