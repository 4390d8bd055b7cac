"""The project commands as a writer runs them: import, context, export, bible."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.workflows.continuation import GENERATION_RESERVE_SHARE, TEMPLATE_ALLOWANCE
from tests.test_cli import draftsmith


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory, corpus: Path, default_model_path: Path) -> Path:
    project = tmp_path_factory.mktemp("cli") / "island.draftsmith"
    result = draftsmith("import", str(corpus / "treasure_island.txt"), "--project", str(project), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["chapters"] == 34 and report["parts"] == 6
    assert report["new_summaries"] > report["chunks"]
    return project


@pytest.mark.parametrize("command", ["import", "export", "summarize", "context", "bible"])
def test_project_commands_have_help(command: str) -> None:
    result = draftsmith(command, "--help")
    assert result.returncode == 0 and "usage: draftsmith" in result.stdout


def test_context_json_sections_fit_the_budget(imported: Path) -> None:
    result = draftsmith("context", "--project", str(imported), "--at", "20:3", "--budget", "800", "--json")
    assert result.returncode == 0, result.stderr
    context = json.loads(result.stdout)
    assert context["budget"] == 800
    assert 0 < sum(section["tokens"] for section in context["sections"]) <= 800
    assert context["total_tokens"] <= 800
    assert [s["name"] for s in context["sections"]][-1] == "recent"
    assert all(section["reason"] for section in context["sections"])


def test_context_prints_the_prompt(imported: Path) -> None:
    result = draftsmith("context", "--project", str(imported), "--budget", "300")
    assert result.returncode == 0, result.stderr
    assert "of 300 tokens" in result.stderr
    assert result.stdout.strip()


def test_context_refuses_a_bad_position(imported: Path) -> None:
    result = draftsmith("context", "--project", str(imported), "--at", "ninety")
    assert result.returncode == 2
    assert "--at takes CHAPTER" in result.stderr
    result = draftsmith("context", "--project", str(imported), "--at", "99")
    assert result.returncode == 2 and "no chapter 99" in result.stderr


def test_reimport_reports_nothing_new(imported: Path, corpus: Path) -> None:
    result = draftsmith("import", str(corpus / "treasure_island.txt"), "--project", str(imported), "--json")
    report = json.loads(result.stdout)
    assert report["new_chunks"] == 0 and report["new_summaries"] == 0 and report["changed_documents"] == 0


def test_export_writes_markdown(imported: Path, tmp_path: Path) -> None:
    out = tmp_path / "book.md"
    result = draftsmith("export", "--project", str(imported), "--format", "md", "--out", str(out))
    assert result.returncode == 0, result.stderr
    text = out.read_text()
    assert "# PART ONE--The Old Buccaneer" in text and "## 34 And Last" in text


def test_bible_set_and_list(imported: Path) -> None:
    assert draftsmith("bible", "--project", str(imported), "set", "Jim", "--fact", "the narrator").returncode == 0
    listed = json.loads(draftsmith("bible", "--project", str(imported), "--json").stdout)
    jim = next(entry for entry in listed if entry["name"] == "Jim")
    assert jim["facts"] == ["the narrator"] and jim["source"] == "writer" and jim["pronouns"] == "he/him"


def test_bible_facts_from_a_chapter_and_confirming(imported: Path) -> None:
    """A name given from chapter 20 on is listed as dated; confirming an entry with nothing
    proposed is one sentence, and so is a chapter number of 0: bad input, exit 2."""
    project = str(imported)
    set_ = draftsmith("bible", "--project", project, "set", "Ben Gunn", "--alias", "Gunn the Rich",
                      "--from-chapter", "20")
    assert set_.returncode == 0 and "from chapter 20: called Gunn the Rich" in set_.stdout
    listed = json.loads(draftsmith("bible", "--project", project, "--json").stdout)
    ben = next(entry for entry in listed if entry["name"] == "Ben Gunn")
    assert ben["timeline"] == [{"chapter": 20, "fact": "", "name": "Gunn the Rich", "proposed": False}]
    assert "Gunn the Rich" not in ben["aliases"]
    refused = draftsmith("bible", "--project", project, "confirm", "Ben Gunn")
    assert refused.returncode == 2 and "no proposed changes" in refused.stderr
    bad = draftsmith("bible", "--project", project, "set", "Ben Gunn", "--fact", "rich", "--from-chapter", "0")
    assert bad.returncode == 2


def test_the_projects_sampler_is_kept_and_shown(imported: Path) -> None:
    project = str(imported)
    changed = draftsmith("sampler", "--project", project, "--preset", "lively", "--ban", "grey water",
                         "--worn-phrases", "off")
    assert changed.returncode == 0, changed.stderr
    shown = json.loads(draftsmith("sampler", "--project", project, "--json").stdout)
    assert shown["preset"] == "lively" and shown["settings"]["xtc_probability"] == 0.7
    assert shown["settings"]["banned_phrases"] == ["grey water"] and shown["settings"]["worn_phrases"] is False
    unbanned = json.loads(draftsmith("sampler", "--project", project, "--unban", "grey water", "--json").stdout)
    assert unbanned["settings"]["banned_phrases"] == []
    broken = draftsmith("sampler", "--project", project, "--ban", "re:(oops")
    assert broken.returncode == 2 and "not a regular expression" in broken.stderr and "Traceback" not in broken.stderr
    assert draftsmith("sampler", "--project", project, "--preset", "wild").returncode == 2


def test_missing_project_and_bad_manuscript_exit_2(tmp_path: Path) -> None:
    result = draftsmith("context", "--project", str(tmp_path / "none.draftsmith"))
    assert result.returncode == 2 and "There is no project" in result.stderr
    binary = tmp_path / "photo.txt"
    binary.write_bytes(bytes(range(256)) * 64)
    result = draftsmith("import", str(binary), "--project", str(tmp_path / "p.draftsmith"))
    assert result.returncode == 2 and "binary" in result.stderr and "Traceback" not in result.stderr


def test_a_non_project_sqlite_file_is_refused(tmp_path: Path) -> None:
    import sqlite3

    other = tmp_path / "other.draftsmith"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE notes (body TEXT)")
    result = draftsmith("context", "--project", str(other))
    assert result.returncode == 2 and "not a Draftsmith project" in result.stderr


def test_write_continues_a_project_with_its_memory(imported: Path) -> None:
    result = draftsmith("write", "--project", str(imported), "--at", "30:4", "--max-tokens", "16", "--seed", "2",
                        "--ctx", "1024", "--stats")
    assert result.returncode == 0, result.stderr
    prompt_tokens = int(result.stderr.split("; prompt ")[1].split(" tokens")[0])
    # The prompt is the assembler's context at the budget a 1024-token context leaves
    # once an eighth is kept for the text written and a little for the template.
    budget = 1024 - max(16, 1024 // GENERATION_RESERVE_SHARE) - TEMPLATE_ALLOWANCE
    context = json.loads(draftsmith("context", "--project", str(imported), "--at", "30:4",
                                    "--budget", str(budget), "--json").stdout)
    assert context["total_tokens"] <= budget
    assert prompt_tokens - context["total_tokens"] in (0, 1)  # the model's BOS token, where it has one
    assert context["budget"] == budget and {"recent", "facts"} <= {s["name"] for s in context["sections"]}
    assert f"Reading the prompt ({prompt_tokens} of {prompt_tokens} tokens)" in result.stderr  # a cold prompt
