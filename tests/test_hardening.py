"""A writer's project under concurrency, kills and damaged text: nothing lost, nothing mixed.

Real processes, real project files. The checks hold whatever the timing: they
assert what must be true once the processes have ended, not which one won.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from engine.projects import open_project
from memory.context.bible import bible_pending, load_bible
from memory.importer import import_decoded
from memory.manuscript_files import read_manuscript_file
from memory.storage.store import ProjectStore
from memory.storage.writer_lock import ProjectBusyError, lock_path
from memory.text.manuscript import parse_manuscript
from memory.text.text_normalize import decode_manuscript


@pytest.fixture
def model_ready(default_model_path: Path) -> Path:
    """Commands run in their own processes count tokens with the default model, prepared here once."""
    return default_model_path


def cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app.cli", *args], capture_output=True, text=True,
                          env=os.environ.copy(), timeout=timeout)


def chapter_titles(project: Path) -> list[str]:
    with ProjectStore(project, read_only=True) as store:
        return [document.title for document in store.chapters()]


def book(title: str, chapters: int, name: str) -> str:
    return "\n\n".join(f"Chapter {n}: {title} {n}\n\n{name} walked along the quay for the {n}th time, "
                       f"and the gulls cried over the grey water while the boats came in." for n in
                       range(1, chapters + 1))


def test_a_second_writer_is_refused_in_a_sentence_while_readers_go_on(tmp_path: Path, model_ready: Path) -> None:
    project = tmp_path / "quay.draftsmith"
    (tmp_path / "quay.txt").write_text(book("Quay", 3, "Ada"))
    assert cli("import", str(tmp_path / "quay.txt"), "--project", str(project)).returncode == 0
    with ProjectStore(project):  # this process is the writer now
        refused = cli("import", str(tmp_path / "quay.txt"), "--project", str(project))
        assert refused.returncode == 1
        assert f"being changed by another Draftsmith (process {os.getpid()})" in refused.stderr
        assert "Traceback" not in refused.stderr
        exported = cli("export", "--project", str(project))  # readers are never blocked
        assert exported.returncode == 0 and "Chapter 3: Quay 3" in exported.stdout
        bible = cli("bible", "--project", str(project), "--json")
        assert bible.returncode == 0


def test_two_imports_at_once_leave_one_whole_book(tmp_path: Path, model_ready: Path) -> None:
    project = tmp_path / "shared.draftsmith"
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_text(book("Harbour", 400, "Ada"))
    second.write_text(book("Moor", 300, "Tom"))
    assert cli("import", str(first), "--project", str(project)).returncode == 0
    runs = [subprocess.Popen([sys.executable, "-m", "app.cli", "import", str(path), "--project", str(project)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ.copy())
            for path in (second, first)]
    results = [(run.wait(timeout=300), run.stderr.read()) for run in runs]
    for code, err in results:
        assert code == 0 or (code == 1 and "being changed by another Draftsmith" in err), err
    titles = chapter_titles(project)
    books = {tuple(f"Chapter {n}: Harbour {n}" for n in range(1, 401)),
             tuple(f"Chapter {n}: Moor {n}" for n in range(1, 301))}
    assert tuple(titles) in books  # one book whole, never chapters of both


def test_a_killed_writer_leaves_the_project_free(tmp_path: Path) -> None:
    project = tmp_path / "held.draftsmith"
    ProjectStore(project, create=True).close()
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time\nfrom memory.storage.store import ProjectStore\n"
        f"store = ProjectStore({str(project)!r})\nprint('held', flush=True)\ntime.sleep(600)\n")],
        stdout=subprocess.PIPE, text=True, env=os.environ.copy())
    assert holder.stdout.readline().strip() == "held"
    with pytest.raises(ProjectBusyError):
        ProjectStore(project)
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=30)
    with ProjectStore(project) as store:  # the operating system let go of the lock with the process
        store.set_setting("after", True)
    assert not lock_path(project).exists()  # a clean close removes the lock file


def test_a_reimport_cut_off_before_its_bible_gets_the_new_books_bible(tmp_path: Path, tokenizer) -> None:
    project_file = tmp_path / "swap.draftsmith"
    old, new = tmp_path / "old.txt", tmp_path / "new.txt"
    old.write_text(book("Harbour", 6, "Marguerite Okafor"))
    new.write_text(book("Moor", 6, "Bartholomew Quayle"))
    project, _ = open_project(str(project_file), create=True)
    try:
        import_decoded(project.store, read_manuscript_file(old), old, tokenizer.count_tokens)
        from memory.context.bible import extract_bible

        extract_bible(project.store)
        assert any("Okafor" in " ".join(entry.all_names()) for entry in load_bible(project.store))
        # The new book is committed, then the process dies before its bible is built.
        import_decoded(project.store, read_manuscript_file(new), new, tokenizer.count_tokens)
        assert bible_pending(project.store)
    finally:
        project.close()
    reopened, _ = open_project(str(project_file))
    try:
        names = [name for entry in load_bible(reopened.store) for name in entry.all_names()]
        assert any("Quayle" in name for name in names)
        assert not any("Okafor" in name for name in names)
        assert not bible_pending(reopened.store)
    finally:
        reopened.close()


def test_utf8_with_a_few_bad_bytes_keeps_every_good_character_and_says_so(tmp_path: Path,
                                                                          model_ready: Path) -> None:
    good = "Chapter 1\n\nShe paused \u2014 \u201cyes,\u201d she said, at the caf\u00e9 by the quay.\n\n" * 40
    raw = good.encode("utf-8")
    damaged = raw[:500] + b"\xff\xfe" + raw[500:1000] + b"\x80" + raw[1000:]
    decoded = decode_manuscript(damaged, "damaged.txt")
    assert decoded.encoding == "utf-8" and decoded.invalid_bytes == 3
    assert "\u2014" in decoded.text and "\u00e2\u20ac" not in decoded.text  # no mojibake
    assert decoded.text.count("\ufffd") == 2  # each run of bad bytes marked once
    path = tmp_path / "damaged.txt"
    path.write_bytes(damaged)
    result = cli("import", str(path), "--project", str(tmp_path / "damaged.draftsmith"))
    assert result.returncode == 0
    assert "3 bytes of damaged.txt were not valid utf-8" in result.stderr


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "cp1252", "utf-8-sig"])
def test_common_encodings_import_as_text(encoding: str) -> None:
    text = "Chapter 1\n\nShe paused \u2014 \u201cyes,\u201d she said, at the caf\u00e9.\n"
    decoded = decode_manuscript(text.encode(encoding), "book.txt")
    assert decoded.text == text and decoded.invalid_bytes == 0


def test_chapter_headings_are_found_past_ten_thousand() -> None:
    text = "\n\n".join(f"Chapter {n}\n\nA short scene that is long enough to count as prose here." for n in
                       range(9_995, 10_006))
    documents = parse_manuscript(text, "Serial")
    assert [document.title for document in documents][-1] == "Chapter 10005"
    assert len([document for document in documents if document.kind == "chapter"]) == 11


def test_export_replaces_a_file_only_when_forced_and_leaves_no_temporary_file(tmp_path: Path,
                                                                              model_ready: Path) -> None:
    project = tmp_path / "quay.draftsmith"
    (tmp_path / "quay.txt").write_text(book("Quay", 2, "Ada"))
    assert cli("import", str(tmp_path / "quay.txt"), "--project", str(project)).returncode == 0
    target = tmp_path / "out.md"
    target.write_text("the writer's notes")
    refused = cli("export", "--project", str(project), "--out", str(target))
    assert refused.returncode == 2 and target.read_text() == "the writer's notes"
    forced = cli("export", "--project", str(project), "--out", str(target), "--force")
    assert forced.returncode == 0 and "Chapter 2: Quay 2" in target.read_text()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out.md", "quay.draftsmith", "quay.txt"]


def test_a_refused_import_creates_no_project(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("")
    result = cli("import", str(tmp_path / "empty.txt"), "--project", str(tmp_path / "new.draftsmith"))
    assert result.returncode == 2
    assert sorted(path.name for path in tmp_path.iterdir()) == ["empty.txt"]
