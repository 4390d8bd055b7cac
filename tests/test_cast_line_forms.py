"""The cast line shows each person by the form of their name the text uses most.

Pure: hand-made name counts, where the right form is known. A bare name still joins
the titled form it is used with most, so one person takes one place in the line.
"""

from __future__ import annotations

from memory.context.cast import cast_before
from memory.storage.name_index import NameUse


def _uses(*counts: tuple[str, int, int]) -> dict[str, NameUse]:
    return {form: NameUse(form, count, last) for form, count, last in counts}


def _members(uses: dict[str, NameUse]) -> dict[str, tuple[int, int]]:
    return {member.line: (member.count, member.last_chunk) for member in cast_before(uses, [], set())}


def test_a_name_mostly_written_bare_is_shown_bare() -> None:
    members = _members(_uses(("Miss Lizzy", 2, 30), ("Lizzy", 40, 12)))
    assert members == {"Lizzy": (42, 30)}


def test_a_name_mostly_written_with_its_title_keeps_the_title() -> None:
    members = _members(_uses(("Mr. Darcy", 30, 8), ("Darcy", 10, 9), ("Miss Darcy", 4, 3)))
    assert members == {"Mr. Darcy": (40, 9), "Miss Darcy": (4, 3)}


def test_the_shown_form_is_also_the_name_searched_for() -> None:
    member = cast_before(_uses(("Colonel Teddy", 3, 1), ("Teddy", 25, 5)), [], set())[0]
    assert (member.line, member.name) == ("Teddy", "Teddy")


def test_names_the_writer_removed_stay_out_in_every_form() -> None:
    uses = _uses(("Miss Emma", 3, 1), ("Emma", 80, 5), ("Harriet", 12, 4))
    assert [member.line for member in cast_before(uses, [], {"Emma"})] == ["Harriet"]
