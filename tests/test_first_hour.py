"""The writer's first hour at 80x24, driven with Pilot on a fake model (named so) over real project files.

Each test is one thing a new writer met: help that scrolls and closes, a binder
whose lines tell chapters apart, a side panel that gives the editor its width
back, a status line that fits, undo that never brings back text nobody kept, a
scratch page that writes into a pending region and is never dropped, no typed
key lost, and a second key for every Alt binding in terminals that cannot send Alt.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from textual._xterm_parser import XTermParser
from textual.widgets import Input, Label

from app.main_app import DraftsmithApp
from app.screens.chord_screen import CHORD_KEY
from app.screens.help_screen import HelpScreen
from app.screens.models_screen import ModelsScreen, SamplingChanged
from app.screens.planning import PLANNING_CHORDS, PlanningScreen
from app.screens.project_picker import ProjectRequested
from app.screens.workspace import WORKSPACE_CHORDS, WorkspaceScreen
from app.widgets.binder import Binder
from app.widgets.status_line import fitted
from engine.backend.protocol import SamplingSettings
from engine.scratch_page import load_scratch
from engine.workflows.continuation import context_budget
from memory.importer import import_manuscript
from memory.storage.store import ProjectStore
from tests.fakes import FakeBackend
from tests.test_write_screen import wait_until

SIZE = (80, 24)
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV",
         "XVI", "XVII", "XVIII", "XIX", "XX", "XXI", "XXII", "XXIII", "XXIV", "XXV"]


@pytest.fixture
def long_project(tmp_path: Path, tokenizer) -> Path:
    """Twenty-five chapters titled as old novels title them: "CHAPTER XXI. A LONG TITLE OF ITS OWN"."""
    chapters = []
    for index, numeral in enumerate(ROMAN):
        paragraphs = [f"Ada Fenn walked the cliff path for the {index + 1} time, and the sea was grey below her."
                      for _ in range(index % 4 + 2)]
        chapters.append(f"CHAPTER {numeral}. THE KEEPER'S {numeral} NIGHT AT THE LIGHT\n\n" + "\n\n".join(paragraphs))
    manuscript = tmp_path / "keeper.txt"
    manuscript.write_text("\n\n\n".join(chapters) + "\n", encoding="utf-8")
    path = tmp_path / "keeper.draftsmith"
    with ProjectStore(path, create=True) as store:
        import_manuscript(store, manuscript, tokenizer.count_tokens)
    return path


def app_on(project: Path | None, fake: FakeBackend | None = None) -> DraftsmithApp:
    backend = fake or FakeBackend()
    return DraftsmithApp(lambda progress, **_: backend, project=project)


async def workspace_of(app: DraftsmithApp, pilot) -> WorkspaceScreen:
    await wait_until(pilot, lambda: app.workspace is not None and app.workspace.backend is not None)
    await pilot.pause()
    return app.workspace


def stored_chapter(path: Path, document_id: int) -> str:
    with ProjectStore(path, read_only=True) as store:
        return store.document(document_id).text


def keys_sent(sequence: str) -> list[str]:
    """The keys Textual reads from the bytes a terminal sends (the escape delay ends with the input)."""
    parser = XTermParser()
    return [event.key for event in [*parser.feed(sequence), *parser.feed("")] if hasattr(event, "key")]


# -- help, binder, side panel, status line --------------------------------------


async def test_help_scrolls_to_its_end_and_always_says_how_to_close(long_project: Path) -> None:
    app = app_on(long_project)
    async with app.run_test(size=SIZE) as pilot:
        await workspace_of(app, pilot)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        frame = app.screen.query_one("#help")
        assert frame.region.bottom <= SIZE[1] and "Esc closes" in str(frame.border_title)
        assert frame.max_scroll_y > 0  # the table is taller than 24 rows
        await pilot.press("pagedown")
        assert frame.scroll_y > 0
        await pilot.press("end")
        await pilot.pause()
        assert frame.scroll_y == frame.max_scroll_y
        await pilot.press("escape")
        assert isinstance(app.screen, WorkspaceScreen)


async def test_binder_lines_tell_every_chapter_apart_with_its_length(long_project: Path) -> None:
    app = app_on(long_project)
    async with app.run_test(size=SIZE) as pilot:
        workspace = await workspace_of(app, pilot)
        binder = workspace.query_one(Binder)
        seen = []
        for line in range(binder.last_line + 1):
            node = binder.get_node_at_line(line)
            if node is None or node.data is None:
                continue
            binder.scroll_to_node(node, animate=False)
            await pilot.pause()
            visible = binder.render_line(line - int(binder.scroll_y)).text.lstrip("├└│─ ").rstrip()
            seen.append(visible)
        assert len(seen) == 25
        assert len(set(seen)) == 25, seen  # no two chapters look alike in 18 columns
        with ProjectStore(long_project, read_only=True) as store:
            words = [document.words for document in store.documents() if document.kind == "chapter"]
        for number, (visible, count) in enumerate(zip(seen, words), start=1):
            assert visible.split()[:2] == [str(number), str(count)], visible


async def test_the_side_panel_opens_in_the_binders_place_and_closes_with_its_own_key(long_project: Path) -> None:
    app = app_on(long_project)
    async with app.run_test(size=SIZE) as pilot:
        workspace = await workspace_of(app, pilot)
        editor = workspace.editor
        width, wrap = editor.size.width, editor.wrap_width
        await pilot.press("alt+n")
        await pilot.pause()
        assert workspace.side.display and workspace.has_class("side-open")
        assert editor.size.width >= 40  # the panel takes the binder's columns, not the editor's
        await pilot.press("alt+n")
        await pilot.pause()
        assert not workspace.has_class("side-open")
        assert (editor.size.width, editor.wrap_width) == (width, wrap)  # rewrapped to its own width again
        await pilot.press("f8")
        await pilot.pause()
        assert workspace.has_class("side-open") and workspace.side.active == "tab-context"
        await pilot.press("f8")
        await pilot.pause()
        assert not workspace.has_class("side-open") and editor.wrap_width == wrap


async def test_the_status_line_fits_and_reads_what_the_app_is_doing_whole(long_project: Path) -> None:
    fake = FakeBackend()
    fake.description = "a-very-long-model-name-from-a-hub Q5_K_M + my-voice ×0.8"
    app = app_on(long_project, fake)
    async with app.run_test(size=SIZE) as pilot:
        workspace = await workspace_of(app, pilot)
        workspace.status.session_goal = 1000
        workspace.status.tokens_per_second = 41.5
        await pilot.pause()
        line = str(workspace.status.render())
        assert len(line) <= workspace.status.content_size.width
        assert "ready: Ctrl+G continues" in line and "words" in line


def test_a_status_line_leaves_out_what_matters_least_first() -> None:
    parts = [(2, "Model: m"), (0, "writing…"), (3, "40.0 tok/s"), (1, "1,234 words"), (4, "today 5/10")]
    assert fitted(parts, 0).count("|") == 4
    assert fitted(parts, 37) == "Model: m  |  writing…  |  1,234 words"
    assert fitted(parts, 24) == "writing…  |  1,234 words"
    assert fitted(parts, 23) == "writing…"
    assert fitted([(0, "reading the prompt: 1,000 of 3,000 tokens")], 12) == "reading the…"


# -- text the writer did not choose ---------------------------------------------


async def test_undo_after_keep_takes_out_the_kept_passage_and_nothing_unkept_ever_returns(
        long_project: Path) -> None:
    app = app_on(long_project)
    async with app.run_test(size=SIZE) as pilot:
        workspace = await workspace_of(app, pilot)
        workspace.settings = SamplingSettings(max_tokens=4)
        editor = workspace.editor
        editor.move_cursor(editor.document.end)
        before = editor.text
        words = workspace.status.words
        await pilot.press("ctrl+g")
        await wait_until(pilot, lambda: not workspace.generating)
        assert workspace.status.words == words  # pending words are not the chapter's yet
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: not workspace.generating)
        await pilot.press("alt+left")
        await pilot.press("ctrl+y")
        assert editor.text == before + " word0 word1 word2 word3"
        assert workspace.status.words == words + 4
        await pilot.press("ctrl+z")
        assert editor.text == before  # the kept passage, all of it, and nothing else
        for _ in range(5):
            await pilot.press("ctrl+z")
            assert "word0" not in editor.text and "v2word" not in editor.text
        workspace.save_now()
        assert stored_chapter(long_project, editor.document_id) == editor.text
        while editor.text != before:  # back to where the undos began, with redo
            await pilot.press("ctrl+y")
        await pilot.press("ctrl+y")
        assert editor.text == before + " word0 word1 word2 word3"


async def test_undo_after_keeping_a_rewrite_puts_the_selection_back_in_one_step(long_project: Path) -> None:
    app = app_on(long_project)
    async with app.run_test(size=SIZE) as pilot:
        workspace = await workspace_of(app, pilot)
        workspace.settings = SamplingSettings(max_tokens=3)
        editor = workspace.editor
        before = editor.text
        row = next(i for i, line in enumerate(before.split("\n")) if line.startswith("Ada Fenn"))
        editor.selection = editor.selection.__class__((row, 0), (row, len("Ada Fenn walked")))
        await pilot.press("alt+w")
        await wait_until(pilot, lambda: not workspace.generating)
        await pilot.press("ctrl+y")
        assert "Ada Fenn walked" not in editor.text.split("\n")[row]
        await pilot.press("ctrl+z")
        assert editor.text == before


async def test_a_discarded_version_leaves_nothing_to_undo(long_project: Path) -> None:
    app = app_on(long_project)
    async with app.run_test(size=SIZE) as pilot:
        workspace = await workspace_of(app, pilot)
        workspace.settings = SamplingSettings(max_tokens=4)
        editor = workspace.editor
        editor.move_cursor(editor.document.end)
        await pilot.press(*" Then")
        typed = editor.text
        await pilot.press("ctrl+g")
        await wait_until(pilot, lambda: not workspace.generating)
        await pilot.press("ctrl+z")  # pending: undo waits until the text is kept or discarded
        assert editor.pending is not None and editor.text.startswith(typed)
        await pilot.press("escape")
        assert editor.text == typed
        await pilot.press("ctrl+z")
        assert editor.text != typed and "word" not in editor.text[len(typed) - 5:]  # the typing, undone


async def test_a_key_typed_while_text_streams_is_refused_visibly_then_reaches_the_editor(
        long_project: Path) -> None:
    app = app_on(long_project, FakeBackend(delay=0.05))
    async with app.run_test(size=SIZE) as pilot:
        workspace = await workspace_of(app, pilot)
        workspace.settings = SamplingSettings(max_tokens=40)
        editor = workspace.editor
        editor.move_cursor(editor.document.end)
        before = editor.text
        await pilot.press("alt+b")  # the side panel, as after the command palette
        workspace.query_one("#bible-table").focus()
        await pilot.press("ctrl+g")
        await pilot.press("x")
        assert "x" not in editor.text[len(before):]
        assert any("Not typed" in notice.message for notice in app._notifications)
        await pilot.press("escape")
        await wait_until(pilot, lambda: not workspace.generating)
        await pilot.press("escape")
        assert editor.text == before
        workspace.query_one("#bible-table").focus()
        await pilot.press("x")
        assert editor.text == before + "x" and app.focused is editor


async def test_changing_the_length_keeps_the_prompt_so_the_cache_still_serves(long_project: Path) -> None:
    fake = FakeBackend()
    assert context_budget(fake, SamplingSettings(max_tokens=160)) == \
        context_budget(fake, SamplingSettings(max_tokens=400))
    assert context_budget(fake, SamplingSettings(max_tokens=1000)) < context_budget(fake, SamplingSettings())
    app = app_on(long_project, fake)
    async with app.run_test(size=SIZE) as pilot:
        workspace = await workspace_of(app, pilot)
        workspace.editor.move_cursor(workspace.editor.document.end)
        await pilot.press("ctrl+g")
        await wait_until(pilot, lambda: not workspace.generating)
        await pilot.press("escape")
        app.post_message(SamplingChanged(temperature=0.8, max_tokens=400))
        await pilot.pause()
        assert workspace.settings.max_tokens == 400
        await pilot.press("ctrl+g")
        await wait_until(pilot, lambda: not workspace.generating)
        assert fake.prompts[0] == fake.prompts[1]


# -- the scratch page ------------------------------------------------------------


async def test_scratch_text_is_kept_through_an_import_and_comes_back_next_time(tmp_path: Path) -> None:
    manuscript = tmp_path / "book.txt"
    manuscript.write_text("Chapter 1\n\nThe tide came in over the causeway, and no one crossed.\n",
                          encoding="utf-8")
    app = app_on(None)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.write_screen.backend is not None)
        await pilot.press(*"A first line for the scratch page.")
        app.post_message(ProjectRequested(str(tmp_path / "book.draftsmith"), manuscript))
        await workspace_of(app, pilot)
        assert any("scratch page" in notice.message and "kept" in notice.message for notice in app._notifications)
    assert load_scratch() == "A first line for the scratch page."
    again = app_on(None)
    async with again.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: again.write_screen.backend is not None)
        assert again.write_screen.editor.text == "A first line for the scratch page."


async def test_scratch_pending_text_is_never_kept_unless_chosen() -> None:
    app = app_on(None)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.write_screen
        await wait_until(pilot, lambda: screen.backend is not None)
        screen.settings = SamplingSettings(max_tokens=3)
        await pilot.press(*"She waited.")
        await pilot.press("ctrl+g")
        await wait_until(pilot, lambda: not screen.generating)
        assert screen.editor.has_class("pending") and screen.status.words == 2
        screen.save_now()
        assert load_scratch() == "She waited."
        await pilot.press("ctrl+y")
        assert load_scratch() == "She waited. word0 word1 word2"
        await pilot.press("ctrl+z")
        assert screen.editor.text == "She waited."


# -- a second key for every Alt binding -------------------------------------------


@pytest.mark.parametrize("screen", [WorkspaceScreen, PlanningScreen], ids=["workspace", "planning"])
def test_every_alt_binding_has_a_ctrl_t_key(screen) -> None:
    chords = {chord.action for chord in (WORKSPACE_CHORDS if screen is WorkspaceScreen else PLANNING_CHORDS)}
    alt_actions = {binding.action for binding in screen.BINDINGS if "alt+" in binding.key}
    assert alt_actions and alt_actions <= chords
    assert keys_sent("\x14") == [CHORD_KEY]
    for chord in WORKSPACE_CHORDS + PLANNING_CHORDS:
        sent = {"left": "\x1b[D", "right": "\x1b[C", "up": "\x1b[A", "down": "\x1b[B"}.get(chord.keys[0],
                                                                                          chord.keys[0])
        assert keys_sent(sent) == [chord.keys[0]]


async def test_ctrl_t_reaches_what_alt_cannot_through_tmux(long_project: Path) -> None:
    assert keys_sent("\x1bb") == ["ctrl+left"]  # Alt+B as tmux sends it: read as a word to the left
    assert keys_sent("\x1b\x1b[D") == ["escape", "left"]  # Alt+← from a Meta-as-Escape terminal
    app = app_on(long_project)
    async with app.run_test(size=SIZE) as pilot:
        workspace = await workspace_of(app, pilot)
        workspace.settings = SamplingSettings(max_tokens=2)
        await pilot.press(*keys_sent("\x14b"))
        assert workspace.has_class("side-open") and workspace.side.active == "tab-bible"
        await pilot.press(*keys_sent("\x14n"))
        assert workspace.side.active == "tab-node"
        workspace.editor.focus()
        workspace.editor.move_cursor(workspace.editor.document.end)
        await pilot.press("ctrl+g")
        await wait_until(pilot, lambda: not workspace.generating)
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: not workspace.generating)
        assert workspace.editor.pending.index == 1
        await pilot.press(*keys_sent("\x14\x1b[D"))
        assert workspace.editor.pending.index == 0
        await pilot.press(*keys_sent("\x14]"))
        assert workspace.editor.pending.index == 1
        await pilot.press(*keys_sent("\x14q"))  # a key with no action only closes the strip
        assert isinstance(app.screen, WorkspaceScreen) and workspace.editor.pending is not None


# -- F3 and a damaged outline -------------------------------------------------------


async def test_each_field_on_f3_has_its_own_label(long_project: Path) -> None:
    app = app_on(long_project)
    async with app.run_test(size=SIZE) as pilot:
        await workspace_of(app, pilot)
        await pilot.press("f3")
        assert isinstance(app.screen, ModelsScreen)
        fields = app.screen.query(".field")
        labels = {str(field.query_one(Label).content): field.query_one(Input).id for field in fields}
        assert set(labels.values()) == {"temperature", "max-tokens", "n-ctx"}
        assert len(labels) == 3 and all(label.strip() for label in labels)


async def test_a_hand_damaged_outline_is_explained_and_the_manuscript_still_opens(long_project: Path) -> None:
    with closing(sqlite3.connect(long_project)) as db:
        db.executemany("INSERT INTO outline (id, parent_id, position, level, title, status) "
                       "VALUES (?, ?, 0, ?, 'x', 'planned')", [(1, None, "book"), (2, 3, "act"), (3, 2, "act")])
        db.commit()
    app = app_on(long_project)
    async with app.run_test(size=SIZE) as pilot:
        workspace = await workspace_of(app, pilot)
        assert workspace.editor.document_id is not None
        assert any("each other's parents" in notice.message for notice in app._notifications)
        await pilot.press("f2")
        assert isinstance(app.screen, WorkspaceScreen)  # planning refused, with the same sentence
