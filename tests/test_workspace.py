"""The workspace driven with Pilot: fast checks on a fake model (named so), over a real project file.

Generation with the real default model is tested in test_workspace_model.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from app.main_app import DraftsmithApp
from app.screens.planning import PlanningScreen
from app.screens.workspace import WorkspaceScreen
from app.widgets.binder import Binder, BinderItem
from assets import SAMPLE_MANUSCRIPT
from memory.importer import import_manuscript
from memory.storage.outline_store import PlannedNode, add_children, create_book
from memory.storage.store import ProjectStore
from tests.fakes import FakeBackend, FakeModelFile
from tests.test_write_screen import wait_until


@pytest.fixture
def sample_project(tmp_path: Path, tokenizer) -> Path:
    path = tmp_path / "skerry.draftsmith"
    with ProjectStore(path, create=True) as store:
        import_manuscript(store, SAMPLE_MANUSCRIPT, tokenizer.count_tokens)
        book = create_book(store, "The Skerry Light", "A keeper hides a sailor from her uncle.", 4000)
        chapter = add_children(store, book.id, [PlannedNode("The Cutter", "Captain Okafor comes ashore.")],
                               level="chapter")[0]
        add_children(store, chapter.id, [PlannedNode("Landing", "Mirelle Okafor rows ashore at noon.",
                                                     target_words=60)], level="beat")
    return path


async def open_workspace(app: DraftsmithApp, pilot) -> WorkspaceScreen:
    await wait_until(pilot, lambda: app.workspace is not None and app.workspace.backend is not None)
    await pilot.pause()
    return app.workspace


def stored_text(path: Path, title: str) -> str:
    with ProjectStore(path, read_only=True) as store:
        return next(d.text for d in store.documents() if d.title == title)


async def test_the_status_line_says_how_far_a_cold_prompt_has_been_read(sample_project: Path) -> None:
    fake = FakeBackend(prompt_delay=0.4)  # reports (0, n), (n/2, n), (n-1, n), pausing after each
    app = DraftsmithApp(lambda progress, **_: fake, project=sample_project)
    async with app.run_test(size=(120, 36)) as pilot:
        workspace = await open_workspace(app, pilot)
        workspace.settings = workspace.settings.__class__(max_tokens=2)
        workspace.editor.move_cursor(workspace.editor.document.end)
        seen: list[str] = []
        workspace.watch(workspace.status, "activity", lambda value: seen.append(value), init=False)
        await pilot.press("ctrl+g")
        await wait_until(pilot, lambda: not workspace.generating)
        total = fake.last_stats.prompt_tokens
        assert f"reading the prompt: 0 of {total:,} tokens" in seen
        assert f"reading the prompt: {total // 2:,} of {total:,} tokens" in seen
        assert "writing…" in seen
        assert workspace.status.activity == "done"


async def test_continue_shows_a_pending_region_that_is_saved_only_when_kept(sample_project: Path) -> None:
    fake = FakeBackend()
    app = DraftsmithApp(lambda progress, **_: fake, project=sample_project)
    async with app.run_test(size=(120, 36)) as pilot:
        workspace = await open_workspace(app, pilot)
        workspace.settings = workspace.settings.__class__(max_tokens=4)
        editor = workspace.editor
        assert editor.document_id is not None and "Ada Fenn" in editor.text
        editor.move_cursor(editor.document.end)
        before = stored_text(sample_project, "Chapter 1: The Wreck")
        await pilot.press("ctrl+g")
        await wait_until(pilot, lambda: not workspace.generating)
        assert editor.has_class("pending") and editor.read_only
        assert editor.text.endswith(" word0 word1 word2 word3")
        assert editor.selected_text == " word0 word1 word2 word3"  # the pending text is marked
        workspace.save_now()
        assert stored_text(sample_project, "Chapter 1: The Wreck") == before  # pending is never saved
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: not workspace.generating)
        assert editor.text.endswith(" v2word0 v2word1 v2word2 v2word3")
        await pilot.press("alt+left")
        assert editor.text.endswith(" word0 word1 word2 word3") and "v2word" not in editor.text
        await pilot.press("ctrl+y")
        assert not editor.has_class("pending") and not editor.read_only
        assert stored_text(sample_project, "Chapter 1: The Wreck") == before + " word0 word1 word2 word3"
        await pilot.press("ctrl+g")
        await wait_until(pilot, lambda: not workspace.generating)
        await pilot.press("escape")  # discard
        assert editor.text == before + " word0 word1 word2 word3"
        await pilot.press("!")
        await pilot.press("ctrl+z")  # with nothing pending, Ctrl+Z and Ctrl+Y are the editor's undo and redo
        assert not editor.text.endswith("!")
        await pilot.press("ctrl+y")
        assert editor.text.endswith("word3!")


async def test_autosave_binder_switch_and_session_words(sample_project: Path) -> None:
    app = DraftsmithApp(lambda progress, **_: FakeBackend(), project=sample_project)
    async with app.run_test(size=(120, 36)) as pilot:
        workspace = await open_workspace(app, pilot)
        editor = workspace.editor
        editor.move_cursor(editor.document.end)
        await pilot.press(*" She slept.")
        # Saved by the autosave debounce, with no key pressed to save it.
        await wait_until(pilot, lambda: stored_text(sample_project, "Chapter 1: The Wreck").endswith(
            "carpenter. She slept."))
        second = next(d for d in workspace.project.store.documents() if d.title == "Chapter 2: The Harbourmaster")
        workspace.binder.post_message(Binder.DocumentChosen(second.id))
        await pilot.pause()
        assert editor.document_id == second.id and "Silas Brand" in editor.text
        assert workspace.status.session_words == 2
        with ProjectStore(sample_project) as store:
            assert len(store.versions(editor.document_id - 1)) >= 0  # versions kept once per session
            chapter_one = next(d for d in store.documents() if d.title == "Chapter 1: The Wreck")
            assert store.versions(chapter_one.id)[-1][1].endswith("carpenter.")


async def test_keys_are_handled_quickly_while_text_streams(sample_project: Path) -> None:
    fake = FakeBackend(delay=0.02)
    app = DraftsmithApp(lambda progress, **_: fake, project=sample_project)
    async with app.run_test(size=(120, 36)) as pilot:
        workspace = await open_workspace(app, pilot)
        workspace.settings = workspace.settings.__class__(max_tokens=200)
        workspace.editor.move_cursor(workspace.editor.document.end)
        await pilot.press("ctrl+g")
        await wait_until(pilot, lambda: len(workspace.editor.pending.text.split()) > 5)
        await pilot.press("alt+b")
        assert workspace.side.active == "tab-bible"
        assert workspace.generating  # the key was handled while text still streamed
        await pilot.press("escape")
        await wait_until(pilot, lambda: not workspace.generating)


async def test_binder_shows_chapters_and_outline_and_the_node_panel(sample_project: Path) -> None:
    app = DraftsmithApp(lambda progress, **_: FakeBackend(), project=sample_project)
    async with app.run_test(size=(120, 36)) as pilot:
        workspace = await open_workspace(app, pilot)
        labels = [str(workspace.binder.get_node_at_line(i).label) for i in range(workspace.binder.last_line + 1)]
        assert any(label.startswith("1 ") and label.endswith(" The Wreck") for label in labels)  # number, length, title
        assert any("Beat 1: Landing" in label for label in labels)
        node_id = next(i for i in range(1, 10) if workspace.binder.select_item(BinderItem("node", i))
                       and "Landing" in str(workspace.binder.cursor_node.label))
        workspace.binder.post_message(Binder.NodeChosen(node_id))
        await pilot.pause()
        assert "Mirelle Okafor rows ashore" in str(workspace.query_one("#node-details").render())
        await pilot.press("f2")
        assert isinstance(app.screen, PlanningScreen)
        await pilot.press("escape")
        assert app.screen is workspace
        app.action_export()
        await wait_until(pilot, lambda: sample_project.with_suffix(".md").exists())
        exported = sample_project.with_suffix(".md").read_text()
        assert "Chapter 1: The Wreck" in exported and "Silas Brand" in exported
        app.action_export()  # again: the app asks before replacing the first
        await pilot.pause()
        await pilot.press("k")  # keep both
        second = sample_project.with_name(f"{sample_project.stem} (2).md")
        await wait_until(pilot, second.exists)
        assert second.read_text() == exported
        sample_project.with_suffix(".md").write_text("the writer's notes")
        app.action_export()
        await pilot.pause()
        await pilot.press("escape")  # cancel: nothing is written
        await pilot.pause()
        assert sample_project.with_suffix(".md").read_text() == "the writer's notes"
        app.action_export()
        await pilot.pause()
        await pilot.press("r")  # replace it
        await wait_until(pilot, lambda: sample_project.with_suffix(".md").read_text() == exported)
        app.action_export("docx", manuscript=True)
        await wait_until(pilot, lambda: sample_project.with_suffix(".docx").exists())


async def test_a_new_project_and_a_novel_imported_from_the_open_screen(isolated_home: Path, corpus: Path) -> None:
    app = DraftsmithApp(lambda progress, **_: FakeBackend())
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("ctrl+o")
        await pilot.click("#new-name")
        await pilot.press(*"fresh", "enter")
        await wait_until(pilot, lambda: app.workspace is not None)
        assert app.workspace.project.store.path.name == "fresh.draftsmith"
        assert app.workspace.editor.document_id is None
        await pilot.press("ctrl+o")
        app.screen.query_one("#import-path").value = str(corpus / "treasure_island.txt")
        await pilot.click("#import-path")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.workspace is not None
                         and app.workspace.project.store.path.stem == "treasure_island")
        await pilot.pause()
        table = (corpus / "chapters" / "treasure_island.chapters.tsv").read_text().splitlines()[1:]
        chapters = app.workspace.project.store.chapters()
        assert len(chapters) == sum(1 for row in table if row.startswith("chapter"))
        assert "Admiral Benbow" in app.workspace.editor.text  # the first chapter is open
        assert app.workspace.project.bible()  # the bible was extracted at import


async def test_the_session_word_goal_is_set_from_the_palette_and_kept(sample_project: Path) -> None:
    from app.screens.goal_screen import GoalScreen

    app = DraftsmithApp(lambda progress, **_: FakeBackend(), project=sample_project)
    async with app.run_test(size=(120, 36)) as pilot:
        workspace = await open_workspace(app, pilot)
        assert workspace.status.session_goal == 1000
        app.action_session_goal()
        await wait_until(pilot, lambda: isinstance(app.screen, GoalScreen))
        await pilot.pause()
        goal_input = app.screen.query_one("#goal-input")
        assert goal_input.value == "1000"
        goal_input.value = ""
        await pilot.press("1", "2", "o", "x")  # only digits (and separators) can be typed
        assert goal_input.value == "12"
        goal_input.value = "250000"
        await pilot.press("enter")
        assert isinstance(app.screen, GoalScreen) and "100,000" in str(app.screen.query_one("#goal-error").render())
        goal_input.value = "2,500"
        await pilot.press("enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, GoalScreen))
        assert workspace.status.session_goal == 2500
        assert "2,500" in str(workspace.status.render())
    with ProjectStore(sample_project) as store:
        assert store.get_setting("session_goal") == 2500


async def test_the_models_screen_offers_models_found_on_disk(sample_project: Path, default_model_path: Path,
                                                             tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from app.screens.models_screen import ModelsScreen
    from engine.models.gguf_info import read_gguf_info
    from tests.adapter_factory import write_lora

    shelf = tmp_path / "shelf"
    (shelf / "voices").mkdir(parents=True)
    (shelf / "voices" / "my-voice.gguf").symlink_to(default_model_path)
    (shelf / "broken.gguf").write_text("not a model")
    write_lora(shelf / "style-adapter.gguf", read_gguf_info(default_model_path))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("DRAFTSMITH_MODEL_PATH", str(shelf))
    loads = []

    def loader(progress, name=None, n_ctx=None):
        loads.append(name)
        return FakeBackend()

    app = DraftsmithApp(loader, project=sample_project)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_workspace(app, pilot)
        await pilot.press("f3")
        await wait_until(pilot, lambda: isinstance(app.screen, ModelsScreen) and app.screen.found)
        screen = app.screen
        # not the adapter, nor the broken file
        assert [path.name for path in screen.found.values()] == ["my-voice.gguf"]
        options = screen.query_one("#model-list")
        options.highlighted = options.option_count - 1
        await pilot.press("enter")
        await wait_until(pilot, lambda: len(loads) == 2)
        assert loads[1] == str(shelf / "voices" / "my-voice.gguf")


async def test_a_kept_version_records_what_produced_it_and_an_edit_marks_it(sample_project: Path) -> None:
    from engine.provenance import passage_origins
    from memory.storage.provenance import AS_WRITTEN, EDITED

    app = DraftsmithApp(lambda progress, **_: FakeBackend(), project=sample_project)
    async with app.run_test(size=(120, 36)) as pilot:
        workspace = await open_workspace(app, pilot)
        workspace.settings = workspace.settings.__class__(max_tokens=4, seed=11)
        editor = workspace.editor
        editor.move_cursor(editor.document.end)
        await pilot.press("ctrl+g")
        await wait_until(pilot, lambda: not workspace.generating)
        await pilot.press("ctrl+r")  # a second version, then back to the first, which is kept
        await wait_until(pilot, lambda: not workspace.generating)
        await pilot.press("alt+left", "ctrl+y")
        [origin] = passage_origins(workspace.project, 1)
        assert origin.text == "word0 word1 word2 word3" and origin.status == AS_WRITTEN
        await pilot.press("alt+o")  # the Origin tab, for the paragraph at the cursor
        shown = str(workspace.query_one("#origin-details").render())
        assert workspace.side.active == "tab-origin" and "continue at" in shown and "fake model (tests)" in shown
        assert origin.kind == "continue" and origin.record["model"] == "fake model (tests)"
        assert origin.record["seed"] == 11 and origin.record["prompt"]["sections"]
        editor.move_cursor(editor.document.end)
        await pilot.press("backspace", "Z")  # the writer changes the kept words
        workspace.save_now()
        [origin] = passage_origins(workspace.project, 1)
        assert origin.status == EDITED
        await pilot.press("alt+o")
        assert "EDITED since it was kept" in str(workspace.query_one("#origin-details").render())


async def test_other_versions_are_kept_across_a_restart_and_swapped_in_with_undo(sample_project: Path) -> None:
    from engine.provenance import passage_origins

    app = DraftsmithApp(lambda progress, **_: FakeBackend(), project=sample_project)
    async with app.run_test(size=(120, 36)) as pilot:
        workspace = await open_workspace(app, pilot)
        workspace.settings = workspace.settings.__class__(max_tokens=4, seed=2)
        editor = workspace.editor
        editor.move_cursor(editor.document.end)
        await pilot.press("ctrl+g")
        await wait_until(pilot, lambda: not workspace.generating)
        for _ in range(2):  # two more versions: v2 and v3
            await pilot.press("ctrl+r")
            await wait_until(pilot, lambda: not workspace.generating)
        await pilot.press("alt+left", "alt+left", "ctrl+y")  # keep the first version
        kept = stored_text(sample_project, "Chapter 1: The Wreck")
        assert kept.endswith(" word0 word1 word2 word3")

    app = DraftsmithApp(lambda progress, **_: FakeBackend(), project=sample_project)  # the app again
    async with app.run_test(size=(120, 36)) as pilot:
        workspace = await open_workspace(app, pilot)
        editor = workspace.editor
        editor.move_cursor(editor.document.end)
        await pilot.press("alt+o")
        shown = str(workspace.query_one("#origin-details").render())
        assert "2 other version(s) kept" in shown and "v2word0" in shown and "v3word0" in shown
        await pilot.press("alt+a")  # swap the next version in
        assert editor.text.endswith(" v2word0 v2word1 v2word2 v2word3")
        await wait_until(pilot, lambda: stored_text(sample_project, "Chapter 1: The Wreck").endswith("v2word3"))
        [origin] = passage_origins(workspace.project, 1)
        assert origin.text == "v2word0 v2word1 v2word2 v2word3" and origin.status == "as written"
        assert sorted(a.text.split()[0] for a in origin.alternatives) == ["v3word0", "word0"]
        await pilot.press("ctrl+z")  # the swap was one edit: undo puts the kept version back
        assert editor.text == kept
        workspace.save_now()
        [origin] = passage_origins(workspace.project, 1)
        assert origin.text == "word0 word1 word2 word3" and len(origin.alternatives) == 2


def test_a_deleted_alternative_is_gone_and_nothing_else(sample_project: Path, capsys) -> None:
    from app.cli import main
    from memory.storage.provenance import keep_alternatives, origins, record_passage

    with ProjectStore(sample_project) as store:
        chapter = store.chapters()[0]
        kept = chapter.text.split("\n\n")[-1]
        passage = record_passage(store, chapter.id, "continue", kept, {"model": "m"})
        keep_alternatives(store, passage, [("One other way.", {"model": "m"}), ("A third way.", {"model": "m"})])
        [origin] = origins(store, chapter.id)
    doomed = next(a.id for a in origin.alternatives if a.text == "One other way.")
    assert main(["provenance", "--project", str(sample_project), "--delete-alternative", str(doomed)]) == 0
    assert main(["provenance", "--project", str(sample_project), "--delete-alternative", str(doomed)]) == 2
    assert "no kept alternative" in capsys.readouterr().err
    with ProjectStore(sample_project, read_only=True) as store:
        [origin] = origins(store, store.chapters()[0].id)
    assert origin.text == kept and [a.text for a in origin.alternatives] == ["A third way."]


async def test_a_kept_rewrite_records_its_kind(sample_project: Path) -> None:
    from textual.widgets.text_area import Selection

    from engine.provenance import passage_origins

    app = DraftsmithApp(lambda progress, **_: FakeBackend(), project=sample_project)
    async with app.run_test(size=(120, 36)) as pilot:
        workspace = await open_workspace(app, pilot)
        workspace.settings = workspace.settings.__class__(max_tokens=5)
        editor = workspace.editor
        editor.selection = Selection((0, 0), (0, 30))  # the first words of the chapter
        await pilot.press("alt+w")
        await wait_until(pilot, lambda: not workspace.generating)
        await pilot.press("ctrl+y")
        [origin] = passage_origins(workspace.project, 1, 1)
        assert origin.kind == "rewrite" and origin.text == "word0 word1 word2 word3 word4"
        assert [s["name"] for s in origin.record["prompt"]["sections"]] == ["before", "selection"]


async def test_ctrl_b_drafts_with_the_same_checks_as_the_draft_command(sample_project: Path) -> None:
    """A first passage about nobody the beat names is written again, in the app as in `draftsmith draft`."""
    from memory.context.bible import BibleEntry, save_entry
    from memory.storage.outline_store import load_outline
    from memory.storage.provenance import origins
    from tests.test_drafting_retries import ON_TOPIC, WANDERING, ScriptedFakeBackend

    with ProjectStore(sample_project) as store:
        save_entry(store, BibleEntry("Ada Fenn", aliases=["Ada"], pronouns="she/her", source="writer"))
        chapter = load_outline(store).chapters()[0]
        beat = add_children(store, chapter.id, [PlannedNode("Lamp", "Ada climbs the stairs and trims the lamp.",
                                                            target_words=30)], level="beat")[0]
    backend = ScriptedFakeBackend([WANDERING, ON_TOPIC])
    app = DraftsmithApp(lambda progress, **_: backend, project=sample_project)
    async with app.run_test(size=(120, 36)) as pilot:
        workspace = await open_workspace(app, pilot)
        assert workspace.binder.select_item(BinderItem("node", beat.id))
        await pilot.press("ctrl+b")
        await wait_until(pilot, lambda: backend.calls >= 2 and not workspace.generating)
        assert workspace.editor.pending is not None
        assert workspace.editor.pending.text == ON_TOPIC  # the rewrite, as `draft` would keep
        await pilot.press("ctrl+y")
        assert stored_text(sample_project, "The Cutter").endswith(ON_TOPIC)
    with ProjectStore(sample_project) as store:  # kept as `draft` keeps: the beat and its chapter marked
        outline = load_outline(store)
        assert outline.nodes[beat.id].status == "drafted"
        planned = [leaf for leaf in outline.leaves(chapter.id) if leaf.status == "planned"]
        assert (outline.nodes[chapter.id].status == "drafted") == (not planned)
        [origin] = [o for o in origins(store, outline.nodes[chapter.id].document_id) if o.kind == "draft"]
        assert origin.text == ON_TOPIC and origin.record["prompts_sent"] == 2


async def test_a_drafted_beat_follows_one_blank_line_however_its_chapter_ends(sample_project: Path) -> None:
    """A chapter left ending in a blank line (a crash after Ctrl+B began) gets no second one."""
    from memory.context.bible import BibleEntry, save_entry
    from memory.storage.outline_store import load_outline
    from tests.test_drafting_retries import ON_TOPIC, ScriptedFakeBackend

    later = "Ada Fenn came down at dawn and wrote the storm into the keeper's log in her small hand."
    with ProjectStore(sample_project) as store:
        save_entry(store, BibleEntry("Ada Fenn", aliases=["Ada"], pronouns="she/her", source="writer"))
        chapter = load_outline(store).chapters()[0]
        first, second = add_children(store, chapter.id, [
            PlannedNode("Lamp", "Ada climbs the stairs and trims the lamp.", target_words=30),
            PlannedNode("Log", "Ada writes the storm into the log.", target_words=30)], level="beat")
    backend = ScriptedFakeBackend([ON_TOPIC, later])
    app = DraftsmithApp(lambda progress, **_: backend, project=sample_project)
    async with app.run_test(size=(120, 36)) as pilot:
        workspace = await open_workspace(app, pilot)
        assert workspace.binder.select_item(BinderItem("node", first.id))
        await pilot.press("ctrl+b")
        await wait_until(pilot, lambda: workspace.editor.pending is not None and not workspace.generating)
        await pilot.press("ctrl+y")
        workspace.editor.move_cursor(workspace.editor.document.end)
        workspace.editor.insert("\n\n")
        workspace.save_now()
        assert stored_text(sample_project, "The Cutter").endswith(ON_TOPIC + "\n\n")
        assert workspace.binder.select_item(BinderItem("node", second.id))
        await pilot.press("ctrl+b")
        await wait_until(pilot, lambda: workspace.editor.pending is not None and not workspace.generating)
        await pilot.press("ctrl+y")
    assert stored_text(sample_project, "The Cutter").endswith(ON_TOPIC + "\n\n" + later)


async def test_the_writer_confirms_a_change_and_removes_an_entry_in_the_bible_tab(sample_project: Path) -> None:
    """C on a row with a proposed change confirms it; Delete removes an entry for good."""
    from memory.context.bible import BibleEntry, DatedFact, extract_bible, load_bible, rejected_names, save_entry

    with ProjectStore(sample_project) as store:
        extract_bible(store)  # as an import does; the entries below stand for what it might find
        save_entry(store, BibleEntry("Mirelle", pronouns="she/her", mentions=900,
                                     timeline=[DatedFact(2, name="Mrs. Brand", proposed=True)]))
        save_entry(store, BibleEntry("Lantern", kind="thing", mentions=800))
    app = DraftsmithApp(lambda progress, **_: FakeBackend(), project=sample_project)
    async with app.run_test(size=(120, 36)) as pilot:
        workspace = await open_workspace(app, pilot)
        await pilot.press("alt+b")
        table = workspace.side.query_one("#bible-table")
        table.focus()
        table.move_cursor(row=table.get_row_index("Mirelle"))
        await pilot.press("c")
        await wait_until(pilot, lambda: "from chapter 2: called Mrs. Brand" in str(table.get_row("Mirelle")[3]))
        assert "proposed" not in str(table.get_row("Mirelle")[3])
        table.move_cursor(row=table.get_row_index("Lantern"))
        await pilot.press("delete")
        await wait_until(pilot, lambda: "Lantern" not in [str(key.value) for key in table.rows])
    with ProjectStore(sample_project, read_only=True) as store:
        mirelle = next(entry for entry in load_bible(store) if entry.name == "Mirelle")
        assert mirelle.source == "writer" and not mirelle.proposals()
        assert "Lantern" in rejected_names(store)
        assert mirelle.at(2).all_names()[1] == "Mrs. Brand" and "Mrs. Brand" not in mirelle.at(1).all_names()


async def test_a_project_writes_with_its_own_model_when_another_is_loaded(sample_project: Path,
                                                                           tmp_path: Path) -> None:
    """The app started on another model; opening a project of the built-in model loads that one."""
    from engine.runtime import resolve_model_path

    asked: list[str | None] = []

    def load(progress, name=None, **_):
        asked.append(name)
        return FakeModelFile(resolve_model_path(name) if name else tmp_path / "another.gguf")

    app = DraftsmithApp(load, project=sample_project)
    async with app.run_test(size=(120, 36)) as pilot:
        workspace = await open_workspace(app, pilot)
        assert asked == [None, "default"]
        assert workspace.backend.model_identity.file == resolve_model_path(None)


async def test_the_model_the_writer_chose_at_launch_writes_for_every_project(sample_project: Path,
                                                                             tmp_path: Path) -> None:
    chosen = tmp_path / "mine.gguf"
    asked: list[str | None] = []

    def load(progress, name=None, **_):
        asked.append(name)
        return FakeModelFile(chosen)

    app = DraftsmithApp(load, project=sample_project, model=str(chosen))
    async with app.run_test(size=(120, 36)) as pilot:
        workspace = await open_workspace(app, pilot)
        assert asked == [None]
        assert workspace.backend.model_identity.file == chosen
