"""Templates render both shapes, refuse missing values, and can be overridden."""

from __future__ import annotations

from pathlib import Path

import pytest

from prompts import TemplateError, render, template_names


def test_continue_template_ends_exactly_with_the_passage() -> None:
    rendered = render("continue", {"passage": "She opened the door and"})
    assert rendered.text == "She opened the door and"
    assert [m.role for m in rendered.messages] == ["system", "user"]
    assert rendered.messages[-1].content.endswith("She opened the door and")


def test_values_are_not_reinterpreted_as_placeholders() -> None:
    rendered = render("continue", {"passage": "He wrote {{ passage }} on the wall."})
    assert rendered.text == "He wrote {{ passage }} on the wall."


def test_missing_value_names_it() -> None:
    with pytest.raises(TemplateError, match="'passage'"):
        render("continue", {})


def test_unknown_task() -> None:
    with pytest.raises(TemplateError, match="no base template"):
        render("no-such-task", {})


def test_project_override_wins(tmp_path: Path) -> None:
    (tmp_path / "continue.base.txt").write_text("PREVIOUSLY: {{ passage }}\n")
    assert render("continue", {"passage": "x"}, override_dir=tmp_path).text == "PREVIOUSLY: x"


def test_builtin_tasks_are_listed() -> None:
    assert "continue" in template_names()
