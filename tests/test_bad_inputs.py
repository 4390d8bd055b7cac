"""Bad input of every kind: a clear sentence, the right exit code, and nothing written or changed.

One table across manuscripts to import, project files, model and adapter files,
command-line values and export targets. Each case runs the real command (in
this process, so the table stays quick) in a folder holding a real project and
the bad files, and checks that:

- the exit code is 2 for bad input (1 for a runtime failure);
- stderr is one line naming the problem (argparse's usage line aside), never a traceback;
- no file in the folder, nor in the configuration, was created, changed or removed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import zipfile
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.cli import main
from assets import SAMPLE_MANUSCRIPT
from engine.edits.importing import import_into_project
from tests.gguf_factory import write_tiny_gguf


@dataclass(frozen=True)
class Case:
    args: tuple[str, ...]
    exit_code: int
    says: str
    """A fragment of the message, lower case."""


def case(args: str, exit_code: int, says: str) -> Case:
    return Case(tuple(args.split()), exit_code, says.lower())


CASES = {
    # -- manuscripts to import -------------------------------------------------
    "import an empty file": case("import {w}/empty.txt --project {w}/new.draftsmith", 2, "is empty"),
    "import white space only": case("import {w}/blank.txt --project {w}/new.draftsmith", 2, "white space"),
    "import an image": case("import {w}/picture.png --project {w}/new.draftsmith", 2, "binary"),
    "import zero bytes of binary": case("import {w}/zeros.bin --project {w}/new.draftsmith", 2, "empty"),
    "import a folder": case("import {w}/folder --project {w}/new.draftsmith", 2, "is a folder"),
    "import a missing file": case("import {w}/missing.txt --project {w}/new.draftsmith", 2, "no file"),
    "import text named .docx": case("import {w}/text.docx --project {w}/new.draftsmith", 2, "not a word document"),
    "import a damaged .docx": case("import {w}/damaged.docx --project {w}/new.draftsmith", 2, "word document"),
    "import a 65 MB file": case("import {w}/huge.txt --project {w}/new.draftsmith", 2, "split it"),
    "import into a folder": case("import {w}/book.txt --project {w}/folder.draftsmith", 2, "folder"),
    "import into a text file": case("import {w}/book.txt --project {w}/notes.draftsmith", 2, "not a draftsmith"),
    "import into another database": case("import {w}/book.txt --project {w}/other.draftsmith", 2,
                                         "not a draftsmith project"),
    "import with --chunk-tokens 0": case("import {w}/book.txt --project {w}/new.draftsmith --chunk-tokens 0", 2,
                                         "greater than zero"),
    "import a named pipe": case("import {w}/pipe.txt --project {w}/new.draftsmith", 2, "named pipe"),
    "import /dev/zero": case("import /dev/zero --project {w}/new.draftsmith", 2, "is a device"),
    "import /dev/urandom": case("import /dev/urandom --project {w}/new.draftsmith", 2, "is a device"),
    "import a broken link": case("import {w}/broken.txt --project {w}/new.draftsmith", 2, "broken link"),
    "import a missing file with a hostile name": case(
        "import {w}/gone\udcff\x1b[2J\x07.txt --project {w}/new.draftsmith", 2, "no file"),
    "import a hostile name that is empty": case("import {w}/\udcfe\x1b]0;title\x07.txt", 2, "is empty"),
    "import under a name of controls only": case("import {w}/book.txt --project \x1b\x07", 2,
                                                 "cannot name a project"),
    # -- project files ---------------------------------------------------------
    "export a named pipe": case("export --project {w}/pipe.draftsmith", 2, "named pipe"),
    "context of /dev/zero": case("context --project /dev/zero", 2, "device"),
    "import into a project whose lock is a named pipe": case(
        "import {w}/book.txt --project {w}/piped-lock.draftsmith", 2, "should be its lock file but is a named pipe"),
    "import into a project whose lock is a folder": case(
        "import {w}/book.txt --project {w}/folder-lock.draftsmith", 2, "should be its lock file but is a folder"),
    "import into a project whose lock is a link": case(
        "import {w}/book.txt --project {w}/linked-lock.draftsmith", 2, "should be its lock file but is a link"),
    "outline of a cyclic outline": case("outline --project {w}/cyclic.draftsmith --json", 2, "each other's parents"),
    "draft a cyclic outline": case("draft --project {w}/cyclic.draftsmith", 2, "each other's parents"),
    "outline with a missing parent": case("outline --project {w}/orphan.draftsmith", 2, "there is none"),
    "outline with a made-up level": case("outline --project {w}/odd-level.draftsmith", 2, "level"),
    "export a missing project": case("export --project {w}/missing.draftsmith", 2, "no project"),
    "export a text file": case("export --project {w}/notes.draftsmith", 2, "not a draftsmith project"),
    "export an empty file": case("export --project {w}/empty.draftsmith", 2, "not a draftsmith project"),
    "export a truncated project": case("export --project {w}/truncated.draftsmith", 2, "not a draftsmith project"),
    "export a project from the future": case("export --project {w}/future.draftsmith", 2, "newer draftsmith"),
    "export a folder": case("export --project {w}/folder.draftsmith", 2, "folder"),
    "bible of another database": case("bible --project {w}/other.draftsmith", 2, "not a draftsmith project"),
    "context of a text file": case("context --project {w}/notes.draftsmith", 2, "not a draftsmith project"),
    "write into a text file": case("write --project {w}/notes.draftsmith --keep", 2, "not a draftsmith project"),
    # -- model and adapter files -----------------------------------------------
    "write with a text file as model": case("write --model {w}/notes.gguf hello", 2, "notes.gguf"),
    "write with a missing model": case("write --model {w}/missing.gguf hello", 2, "missing.gguf"),
    "write with a truncated model": case("write --model {w}/truncated.gguf hello", 2, "truncated.gguf"),
    "write with an adapter as model": case("write --model {w}/adapter.gguf hello", 2, "adapter"),
    "register a text file as model": case("models add {w}/notes.gguf --name notes", 2, "notes.gguf"),
    "register a truncated model": case("models add {w}/truncated.gguf --name cut", 2, "truncated.gguf"),
    "import a text file as style": case("style import {w}/notes.gguf --name notes", 2, "notes.gguf"),
    "import a missing style": case("style import {w}/missing.gguf --name gone", 2, "missing.gguf"),
    "import a truncated adapter": case("style import {w}/truncated-adapter.gguf --name cut", 2, "truncated"),
    "use a style never imported": case("style use nobody --project {w}/good.draftsmith", 2, "nobody"),
    "write with a named pipe as model": case("write --model {w}/pipe.gguf hello", 2, "named pipe"),
    "write with /dev/zero as model": case("write --model /dev/zero hello", 2, "device"),
    "register /dev/urandom as model": case("models add /dev/urandom --name noise", 2, "device"),
    "import a named pipe as style": case("style import {w}/pipe.gguf --name piped", 2, "named pipe"),
    "import a missing style with a hostile name": case("style import {w}/\x1b[2J\udcff.gguf --name x", 2,
                                                       "no model file"),
    # -- command-line values ---------------------------------------------------
    "temperature nan": case("write --temperature nan hello", 2, "temperature"),
    "temperature below zero": case("write --temperature -3 hello", 2, "temperature"),
    "top-k below zero": case("write --top-k -1 hello", 2, "zero or more"),
    "temperature infinite": case("draft --project {w}/good.draftsmith --temperature inf", 2, "temperature"),
    "max tokens zero": case("write --max-tokens 0 hello", 2, "greater than zero"),
    "max tokens a word": case("write --max-tokens many hello", 2, "whole number"),
    "--at not a number": case("context --project {w}/good.draftsmith --at two", 2, "as numbers"),
    "--at past the last chapter": case("context --project {w}/good.draftsmith --at 999", 2, "chapter"),
    "--at past the last paragraph": case("write --project {w}/good.draftsmith --at 1:99999 --keep", 2,
                                         "paragraph"),
    "--budget zero": case("context --project {w}/good.draftsmith --budget 0", 2, "greater than zero"),
    "--keep without a project": case("write --keep hello", 2, "--project"),
    "remove a bible entry that is not there": case("bible --project {w}/good.draftsmith remove Nobody", 2,
                                                   "no entry"),
    "expand an outline node that is not there": case("outline --project {w}/good.draftsmith --expand 999", 2,
                                                     "999"),
    "an export format that does not exist": case("export --project {w}/good.draftsmith --format pdf", 2,
                                                 "invalid choice"),
    "a command that does not exist": case("publish", 2, "invalid choice"),
    # -- export targets --------------------------------------------------------
    "export onto the project itself": case("export --project {w}/good.draftsmith --out {w}/good.draftsmith", 2,
                                           "project itself"),
    "export onto the project, forced": case(
        "export --project {w}/good.draftsmith --out {w}/good.draftsmith --force", 2, "project itself"),
    "export onto an existing file": case("export --project {w}/good.draftsmith --out {w}/book.txt", 2,
                                         "--force"),
    "export onto another database, forced": case(
        "export --project {w}/good.draftsmith --out {w}/other.draftsmith --force", 2, "database"),
    "export into a folder's name": case("export --project {w}/good.draftsmith --out {w}/folder", 2, "folder"),
    "export into a missing folder": case("export --project {w}/good.draftsmith --out {w}/nowhere/book.md", 2,
                                         "does not exist"),
    "export onto a link": case("export --project {w}/good.draftsmith --out {w}/link.md --force", 2, "link"),
    "export onto a device": case("export --project {w}/good.draftsmith --out /dev/null --force", 2,
                                 "not a regular file"),
}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory, default_model_path: Path) -> Path:
    """A folder with one good project and every bad file the table names."""
    w = tmp_path_factory.mktemp("bad-inputs")
    book = w / "book.txt"
    book.write_text(SAMPLE_MANUSCRIPT.read_text(encoding="utf-8"), encoding="utf-8")
    import_into_project(str(w / "good.draftsmith"), book)
    (w / "empty.txt").write_bytes(b"")
    (w / "blank.txt").write_text("   \n\n\t \n")
    (w / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    (w / "zeros.bin").write_bytes(b"\x00" * 4096)
    (w / "folder").mkdir()
    (w / "folder.draftsmith").mkdir()
    (w / "text.docx").write_text("Chapter 1\n\nIt was a plain text file all along, with a Word name.\n")
    with zipfile.ZipFile(w / "damaged.docx", "w") as archive:
        archive.writestr("readme.txt", "no document here")
    with (w / "huge.txt").open("wb") as huge:
        huge.truncate(65 * 1024 * 1024)
    (w / "notes.draftsmith").write_text("Ideas for the sequel.\n")
    (w / "empty.draftsmith").write_bytes(b"")
    with closing(sqlite3.connect(w / "other.draftsmith")) as other:
        other.execute("CREATE TABLE recipes (name TEXT)")
        other.commit()
    good = (w / "good.draftsmith").read_bytes()
    (w / "truncated.draftsmith").write_bytes(good[:1500])
    shutil.copy(w / "good.draftsmith", w / "future.draftsmith")
    with closing(sqlite3.connect(w / "future.draftsmith")) as future:
        future.execute("PRAGMA user_version = 999")
    (w / "notes.gguf").write_text("not a model\n")
    tiny = write_tiny_gguf(w / "tiny.gguf")
    (w / "truncated.gguf").write_bytes(tiny.read_bytes()[:200])
    tiny.unlink()
    write_tiny_gguf(w / "adapter.gguf", file_type="adapter")
    (w / "truncated-adapter.gguf").write_bytes((w / "adapter.gguf").read_bytes()[:150])
    (w / "link.md").symlink_to(w / "book.txt")
    os.mkfifo(w / "pipe.txt")
    os.mkfifo(w / "pipe.draftsmith")
    os.mkfifo(w / "pipe.gguf")
    (w / "broken.txt").symlink_to(w / "nowhere.txt")
    (w / "\udcfe\x1b]0;title\x07.txt").write_bytes(b"")
    for name in ("piped-lock", "folder-lock", "linked-lock"):
        shutil.copy(w / "good.draftsmith", w / f"{name}.draftsmith")
    os.mkfifo(w / ".piped-lock.draftsmith.lock")
    (w / ".folder-lock.draftsmith.lock").mkdir()
    (w / ".linked-lock.draftsmith.lock").symlink_to("/dev/zero")
    damaged_outlines = {
        "cyclic": [(1, None, "book"), (2, 3, "chapter"), (3, 2, "act")],
        "orphan": [(1, None, "book"), (2, 99, "chapter")],
        "odd-level": [(1, None, "book"), (2, 1, "volume")],
    }
    for name, nodes in damaged_outlines.items():
        shutil.copy(w / "good.draftsmith", w / f"{name}.draftsmith")
        with closing(sqlite3.connect(w / f"{name}.draftsmith")) as damaged:
            damaged.execute("DELETE FROM outline")
            damaged.executemany("INSERT INTO outline (id, parent_id, position, level, title, status) "
                                "VALUES (?, ?, 0, ?, 'Edited by hand', 'planned')", nodes)
            damaged.commit()
    return w


def fingerprint(*folders: Path) -> dict[str, tuple[str, str]]:
    """Every file and link under the folders: its kind and a hash of what it holds."""
    seen: dict[str, tuple[str, str]] = {}
    for folder in folders:
        if not folder.exists():
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_symlink():
                seen[str(path)] = ("link", os.readlink(path))
            elif path.is_file():
                seen[str(path)] = ("file", hashlib.sha256(path.read_bytes()).hexdigest())
            else:
                seen[str(path)] = ("folder", "")
    return seen


@pytest.mark.parametrize("bad", CASES.values(), ids=CASES.keys())
def test_bad_input_is_refused_in_one_sentence_and_changes_nothing(bad: Case, workspace: Path, session_home: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    args = [arg.format(w=workspace) for arg in bad.args]
    config = session_home / "config"
    before = fingerprint(workspace, config)
    capsys.readouterr()
    try:
        code = main(args)
    except SystemExit as exit_:  # argparse refuses bad values this way
        code = exit_.code
    err = capsys.readouterr().err
    assert code == bad.exit_code, err
    assert "Traceback" not in err
    assert "\x1b" not in err and "\x07" not in err, "a control character reached the terminal"
    err.encode("utf-8")  # no undecodable byte of a file name left raw for the terminal to choke on
    lines = [line for line in err.strip().splitlines() if line.strip()]
    message = lines[-1]
    assert message.startswith("draftsmith"), err
    assert bad.says in message.lower(), err
    if not message.startswith("draftsmith: "):  # argparse: the usage, then its one-line error
        assert ": error: " in message
    else:  # progress lines ("Importing book.txt…") may come first; the message is one line
        assert [line for line in lines if line.startswith("draftsmith")] == [message], err
    assert fingerprint(workspace, config) == before
