"""The cast line ranks people by the passages they share with the scene's people.

Pure functions over hand-made chunk name counts, where the right order is known; the
assembler's use of it on real novels is checked by the honesty and prompt growth tests.
"""

from __future__ import annotations

from collections import Counter

from memory.context.cast import CastMember, cast_before
from memory.context.scene_cast import FADE_CHUNKS, SCENE_CHUNKS, rank_by_scene
from memory.storage.name_index import NameUse


def _member(name: str, count: int, *forms: str) -> CastMember:
    return CastMember(name, count, 0, name, frozenset(forms or (name,)))


def _chunks(*names: tuple[str, ...], padding: int = 0) -> list[Counter[str]]:
    return [Counter(chunk) for chunk in names] + [Counter() for _ in range(padding)]


def _names(ranked: list[CastMember]) -> list[str]:
    return [member.name for member in ranked]


def test_who_shares_passages_with_the_scene_comes_before_who_is_merely_named_more() -> None:
    cast = [_member("Trelawney", 90), _member("Squire", 80), _member("Silver", 5), _member("Jim", 40)]
    chunks = _chunks(("Jim", "Silver"), ("Jim", "Silver"), *[("Trelawney", "Squire")] * 3,
                     *[("Jim",)] * SCENE_CHUNKS)
    assert _names(rank_by_scene(cast, chunks)) == ["Silver", "Trelawney", "Squire", "Jim"]


def test_a_passage_shared_long_ago_weighs_less_than_one_shared_lately() -> None:
    cast = [_member("Frank", 10), _member("Harriet", 10), _member("Emma", 50)]
    chunks = _chunks(("Emma", "Frank"), *[()] * (3 * FADE_CHUNKS), ("Emma", "Harriet"), *[("Emma",)] * SCENE_CHUNKS)
    assert _names(rank_by_scene(cast, chunks)) == ["Harriet", "Frank", "Emma"]


def test_without_shared_passages_the_most_named_come_first() -> None:
    cast = [_member("Bingley", 3), _member("Darcy", 30), _member("Collins", 12)]
    assert _names(rank_by_scene(cast, _chunks(("Darcy",), ("Bingley",), ("Collins",)))) == [
        "Darcy", "Collins", "Bingley"]
    assert _names(rank_by_scene(cast, [])) == ["Darcy", "Collins", "Bingley"]


def test_every_form_of_a_name_counts_for_its_member() -> None:
    """"Darcy" written bare is Mr. Darcy's passage too: cast_before gives the member both forms."""
    uses = {"Mr. Darcy": NameUse("Mr. Darcy", 6, 3), "Darcy": NameUse("Darcy", 4, 2),
            "Elizabeth": NameUse("Elizabeth", 9, 3), "Mr. Collins": NameUse("Mr. Collins", 20, 1),
            "Charlotte": NameUse("Charlotte", 8, 1)}
    cast = cast_before(uses, [], set())
    darcy = next(member for member in cast if member.name == "Mr. Darcy")
    assert darcy.forms == {"Mr. Darcy", "Darcy"}
    chunks = _chunks(*[("Mr. Collins", "Charlotte")] * 3, ("Darcy", "Elizabeth"), *[("Elizabeth",)] * SCENE_CHUNKS)
    assert _names(rank_by_scene(cast, chunks))[0] == "Mr. Darcy"
