"""The summary pyramid: exact coverage, spans growing with distance, exact staleness."""

from __future__ import annotations

from pathlib import Path

import pytest

from memory.context.pyramid import Pyramid
from memory.context.summaries import stale_groups, summary_status
from memory.importer import import_text
from memory.project import Project
from memory.storage.store import ProjectStore
from memory.text.chunking import chunk_document


@pytest.mark.parametrize("fixture", ["pride_project", "treasure_project"])
def test_cover_tiles_the_past_exactly_once(fixture: str, request: pytest.FixtureRequest,
                                           default_model_path: Path) -> None:
    project: Project = request.getfixturevalue(fixture)
    pyramid = project.pyramid
    n = len(pyramid.refs)
    for stop in (5, n // 4, n // 2, 3 * n // 4, n):
        for start in (0, 1, 3):
            groups = pyramid.cover(start, stop)
            covered = [i for group in groups for i in range(group.start, group.end)]
            assert covered == list(range(start, stop))  # each earlier chunk exactly once, in order


def test_spans_grow_with_distance(pride_project: Project) -> None:
    pyramid = pride_project.pyramid
    stop = len(pyramid.refs) - 20
    groups = pyramid.cover(2, stop)
    for group in groups:
        assert group.span <= max(1, stop - group.end)  # never coarser than its distance allows
    near = [g.span for g in groups if stop - g.end < 16]
    far = [g.span for g in groups if stop - g.end >= 64]
    assert max(near) <= 16
    assert sum(far) / len(far) > 4 * sum(near) / len(near)
    assert len(groups) < 40  # logarithmic, not one per chunk
    assert sum(g.span for g in groups) == stop - 2


def test_coarser_factor_means_fewer_groups(pride_project: Project) -> None:
    pyramid = pride_project.pyramid
    counts = [len(pyramid.cover(2, 600, factor)) for factor in (1, 4, 64)]
    assert counts[0] >= counts[1] >= counts[2]


def test_groups_nest_and_never_cross_chapters_at_low_levels(treasure_project: Project) -> None:
    pyramid = treasure_project.pyramid
    refs = pyramid.refs
    for group in pyramid.all_groups():
        if group.children:
            assert group.children[0].start == group.start and group.children[-1].end == group.end
            assert 2 <= len(group.children) <= 4
        if 0 < group.level <= 3:
            assert refs[group.start].document_id == refs[group.end - 1].document_id


def test_every_group_has_a_summary_after_import(pride_project: Project) -> None:
    status = summary_status(pride_project.store, pride_project.pyramid)
    assert status.missing == 0
    assert status.extractive == status.groups


def test_an_edit_makes_exactly_the_covering_summaries_stale(tmp_path: Path, corpus: Path, tokenizer) -> None:
    text = (corpus / "pride_and_prejudice.txt").read_text()
    store = ProjectStore(tmp_path / "book.draftsmith", create=True)
    import_text(store, text, tokenizer.count_tokens)
    project = Project(store, tokenizer.count_tokens)
    project.ensure_summaries()
    before = {group.key for group in project.pyramid.all_groups()}
    marker = "Mr. Bennet was so odd a mixture of quick parts"
    assert marker in text
    import_text(store, text.replace(marker, "Mr. Bennet, a quiet man, was so odd a mixture of quick parts"),
                tokenizer.count_tokens)
    pyramid = project.pyramid
    stale = stale_groups(store, pyramid)
    changed = [i for i, ref in enumerate(pyramid.refs) if "c" + ref.hash not in before]
    assert len(changed) == 1
    # Stale: the changed chunk and the groups above it, and no others.
    assert stale and all(g.start <= changed[0] < g.end for g in stale)
    assert len(stale) <= len(pyramid.levels)
    assert project.ensure_summaries() == len(stale)
    assert not stale_groups(store, pyramid)


def test_chunks_survive_an_edit_elsewhere(tokenizer, corpus: Path) -> None:
    text = (corpus / "treasure_island.txt").read_text()[20000:60000]
    paragraphs = text.split("\n\n")
    original = chunk_document("\n\n".join(paragraphs), tokenizer.count_tokens)
    paragraphs[10] = paragraphs[10] + " He said nothing more that night, and neither did we."
    edited = chunk_document("\n\n".join(paragraphs), tokenizer.count_tokens)
    assert len({c.hash for c in edited} - {c.hash for c in original}) <= 2
    for chunk in edited:
        assert chunk.text == "\n\n".join(paragraphs)[chunk.start:chunk.end]
        assert 0 < chunk.tokens <= 400


def test_pyramid_build_is_deterministic(treasure_project: Project) -> None:
    again = Pyramid(treasure_project.pyramid.refs)
    assert [g.key for g in again.all_groups()] == [g.key for g in treasure_project.pyramid.all_groups()]
