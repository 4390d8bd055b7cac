"""The workspace with the real default model: generate, keep, cancel, choose, plan, inspect, switch."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.main_app import DraftsmithApp
from app.screens.planning import PlanningScreen
from memory.storage.outline_store import load_outline
from memory.storage.store import ProjectStore
from tests.test_workspace import open_workspace, sample_project, stored_text  # noqa: F401 (fixture)
from tests.test_write_screen import wait_until

pytestmark = pytest.mark.model


def app_on(project: Path, backend) -> DraftsmithApp:
    return DraftsmithApp(lambda progress, **_: backend, project=project)

@contextlib.contextmanager
def project_style(project: Path, backend, model_path: Path, folder: Path, name: str, scale: float,
                  strength: float, seed: int) -> Iterator[None]:
    """A LoRA adapter made for the built-in model, imported as style ``name`` and chosen by the
    project at ``scale``; afterwards the style is removed and the shared model left plain."""
    from engine.models.gguf_info import read_gguf_info
    from engine.styles import StyleRegistry
    from tests.adapter_factory import write_lora

    registry = StyleRegistry()
    adapter = write_lora(folder / "voice.gguf", read_gguf_info(model_path), strength=strength, seed=seed)
    registry.import_style(adapter, name=name)
    with ProjectStore(project) as store:
        store.set_setting("styles", [{"name": name, "scale": scale}])
    try:
        yield
    finally:
        backend.set_adapters([])
        registry.remove(name)



async def test_continue_keep_and_cancel_with_the_real_model(sample_project: Path, llama_backend) -> None:
    app = app_on(sample_project, llama_backend)
    async with app.run_test(size=(120, 36)) as pilot:
        workspace = await open_workspace(app, pilot)
        workspace.settings = workspace.settings.__class__(max_tokens=24, seed=3)
        editor = workspace.editor
        editor.move_cursor(editor.document.end)
        before = editor.text
        await pilot.press("ctrl+g")
        await wait_until(pilot, lambda: not workspace.generating)
        generated = editor.pending.text
        assert generated and editor.text == before + generated
        await pilot.press("ctrl+y")
        assert stored_text(sample_project, "Chapter 1: The Wreck") == before + generated
        assert workspace.status.tokens_per_second > 0

        workspace.settings = workspace.settings.__class__(max_tokens=400, seed=4)
        await pilot.press("ctrl+g")
        await wait_until(pilot, lambda: len(editor.pending.text) > 20)
        await pilot.press("escape")
        await wait_until(pilot, lambda: not workspace.generating)
        assert llama_backend.last_stats.stop_reason == "cancelled"
        assert llama_backend.last_stats.generated_tokens < 400
        await pilot.press("escape")  # discard what was written before the stop
        assert editor.text == before + generated and not editor.read_only


async def test_regenerate_and_pick_an_alternative(sample_project: Path, llama_backend) -> None:
    app = app_on(sample_project, llama_backend)
    async with app.run_test(size=(120, 36)) as pilot:
        workspace = await open_workspace(app, pilot)
        workspace.settings = workspace.settings.__class__(max_tokens=16, temperature=1.0)
        editor = workspace.editor
        editor.move_cursor(editor.document.end)
        before = editor.text
        await pilot.press("ctrl+g")
        await wait_until(pilot, lambda: not workspace.generating)
        first = editor.pending.text
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: not workspace.generating)
        second = editor.pending.text
        assert len(editor.pending.alternatives) == 2 and first != second
        await pilot.press("alt+left")
        assert editor.text == before + first
        await pilot.press("ctrl+y")
        assert stored_text(sample_project, "Chapter 1: The Wreck") == before + first


async def test_inspector_sections_fit_the_budget(sample_project: Path, llama_backend) -> None:
    app = app_on(sample_project, llama_backend)
    async with app.run_test(size=(120, 36)) as pilot:
        workspace = await open_workspace(app, pilot)
        second = next(d for d in workspace.project.store.documents() if d.title == "Chapter 2: The Harbourmaster")
        workspace.open_document(second.id)  # the cursor goes to its end, past the pinned opening
        await pilot.press("f8")
        await pilot.pause()
        table = workspace.query_one("#inspector-sections")
        counts = [int(str(table.get_row_at(i)[1]).replace(",", "")) for i in range(table.row_count)]
        names = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        budget = workspace.query_one("#inspector-budget").total
        assert "recent" in names and sum(counts) <= budget
        assert "of" in str(workspace.query_one("#inspector-summary").render())


async def test_expand_an_outline_node_then_draft_its_beat(sample_project: Path, llama_backend) -> None:
    app = app_on(sample_project, llama_backend)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_workspace(app, pilot)
        await pilot.press("f2")
        planning = app.screen
        assert isinstance(planning, PlanningScreen)
        chapter_id = next(n.id for n in load_outline(planning.project.store).nodes.values() if n.level == "chapter")
        planning.refresh_tree(select=chapter_id)
        before = len(load_outline(planning.project.store).children(chapter_id))
        planning.child_count = 2
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: not planning.planning, timeout=400)
        children = load_outline(planning.project.store).children(chapter_id)
        assert len(children) == before + 2 and all(c.level == "scene" for c in children[before:])

        beat_id = next(n.id for n in load_outline(planning.project.store).nodes.values() if n.level == "beat")
        planning.refresh_tree(select=beat_id)
        await pilot.press("ctrl+b")  # back to the workspace, drafting the beat into a pending region
        workspace = app.workspace
        await wait_until(pilot, lambda: workspace.editor.pending is not None and not workspace.generating, 400)
        passage = workspace.editor.pending.text
        assert passage.strip()
        await pilot.press("ctrl+y")
        outline = load_outline(workspace.project.store)
        assert outline.nodes[beat_id].status == "drafted"
        assert passage.strip() in stored_text(sample_project, "The Cutter")


async def test_switching_models_reloads_in_the_background(sample_project: Path, llama_backend) -> None:
    loads = []

    def loader(progress, name=None, n_ctx=None):
        loads.append((name, n_ctx))
        return llama_backend

    app = DraftsmithApp(loader, project=sample_project)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_workspace(app, pilot)
        await pilot.press("f3")
        await pilot.pause()
        app.screen.query_one("#n-ctx").value = "1024"
        await pilot.press("enter")  # the model list has focus: Enter loads the highlighted model
        await wait_until(pilot, lambda: len(loads) == 2)
        assert loads == [(None, None), ("default", 1024)]


def kill_once_generating(project: Path, *options: str) -> tuple[object, str]:
    """Run the app kill target on ``project`` and SIGKILL it once it says it is generating: what
    it printed as kept (JSON), and its other output. Fails the test if it never got there."""
    import json
    import os
    import signal
    import subprocess
    import sys

    process = subprocess.Popen([sys.executable, "-m", "tests.app_kill_target", str(project), *options],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=os.environ.copy())
    kept, generating, error, other = None, False, None, []
    try:
        for line in process.stdout:  # the target prints ERROR and exits rather than ever hanging
            if line.startswith("KEPT "):
                kept = json.loads(line[5:])
            elif line.startswith("ERROR "):
                error = json.loads(line[6:])
                break
            elif line.startswith("GENERATING"):
                generating = True
                break
            else:
                other.append(line)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    assert error is None, error
    assert generating, "the app process ended before it was generating: " + "".join(other[-20:])
    return kept, "".join(other)


def test_killing_the_app_mid_generation_keeps_every_kept_word(sample_project: Path, default_model_path) -> None:
    with ProjectStore(sample_project) as store:
        original = next(d.text for d in store.documents() if d.title == "Chapter 1: The Wreck")
    kept, _ = kill_once_generating(sample_project)
    assert kept is not None and kept.startswith(original) and len(kept) > len(original)
    assert stored_text(sample_project, "Chapter 1: The Wreck") == kept  # kept words intact, nothing pending
    with ProjectStore(sample_project) as store:
        assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_killing_the_app_while_it_drafts_a_beat_leaves_each_beat_drafted_once(sample_project: Path,
                                                                              default_model_path) -> None:
    """Ctrl+B and Ctrl+Y on one beat, killed drafting the next: the kept beat is drafted, its
    passage in the text once, the other still planned; `draft` then finishes without a repeat."""
    import subprocess
    import sys

    from memory.storage.outline_store import PlannedNode, add_children

    with ProjectStore(sample_project) as store:
        chapter = load_outline(store).chapters()[0]
        add_children(store, chapter.id, [PlannedNode("Lamp", "Mirelle Okafor trims the lamp.", target_words=30)],
                     level="beat")
    kept, output = kill_once_generating(sample_project, "--beats")
    assert kept is not None, output[-2000:]

    def beats_and_drafts() -> tuple[dict[int, str], list[tuple[int, str]], str]:
        with ProjectStore(sample_project, read_only=True) as store:
            outline = load_outline(store)
            beats = {leaf.id: leaf.status for leaf in outline.leaves(chapter.id)}
            drafts = [(row["node_id"], row["text"]) for row in store.db["drafts"].rows]
        return beats, drafts, stored_text(sample_project, "The Cutter")

    beats, drafts, text = beats_and_drafts()
    assert text.rstrip("\n") == kept["text"]  # kept words intact; of the pending beat, only the blank line before it
    assert beats[kept["beat"]] == "drafted" and list(beats.values()).count("planned") == 1
    assert [node for node, _ in drafts] == [kept["beat"]] and text.count(drafts[0][1].strip()) == 1

    finished = subprocess.run([sys.executable, "-m", "app.cli", "draft", "--project", str(sample_project),
                               "--seed", "3"], capture_output=True, text=True, timeout=600)
    assert finished.returncode == 0, finished.stderr[-2000:]
    beats, drafts, text = beats_and_drafts()
    assert set(beats.values()) == {"drafted"} and sorted(node for node, _ in drafts) == sorted(beats)
    assert all(text.count(passage.strip()) == 1 for _, passage in drafts)
    assert "\n\n\n" not in text


async def test_the_app_shows_the_style_fidelity_of_each_paragraph(sample_project: Path, llama_backend,
                                                                   default_model_path, tmp_path: Path) -> None:
    app = app_on(sample_project, llama_backend)
    with project_style(sample_project, llama_backend, default_model_path, tmp_path, "workspace-voice", 1.0,
                       strength=0.3, seed=1):
        async with app.run_test(size=(120, 36)) as pilot:
            workspace = await open_workspace(app, pilot)
            await pilot.press("alt+s")
            await wait_until(pilot, lambda: not workspace.generating, timeout=120)
            table = workspace.query_one("#style-table")
            scores = [float(str(table.get_row_at(i)[1])) for i in range(table.row_count)]
            assert table.row_count == 4  # the chapter's four paragraphs
            assert scores == sorted(scores)  # lowest first: where the draft drifts
            assert workspace.side.active == "tab-style"
            # the project's style is on the model again, as it was before scoring
            assert [(a.path.name, a.scale) for a in llama_backend.active_adapters] == [("voice.gguf", 1.0)]


async def test_ctrl_g_writes_with_the_projects_style(sample_project: Path, llama_backend, default_model_path,
                                                     tmp_path: Path) -> None:
    """After `draftsmith style use NAME:0.8`, the app writes with the adapter on, and the record says so."""
    from memory.storage.provenance import origins

    app = app_on(sample_project, llama_backend)
    with project_style(sample_project, llama_backend, default_model_path, tmp_path, "app-voice", 0.8,
                       strength=0.6, seed=2):
        async with app.run_test(size=(120, 36)) as pilot:
            workspace = await open_workspace(app, pilot)
            await wait_until(pilot, lambda: not workspace.generating, timeout=120)  # the style put on
            assert [(a.path.name, a.scale) for a in llama_backend.active_adapters] == [("voice.gguf", 0.8)]
            assert "voice" in workspace.status.model_name
            workspace.settings = workspace.settings.__class__(max_tokens=16, seed=5)
            editor = workspace.editor
            editor.move_cursor(editor.document.end)
            before = editor.text
            await pilot.press("ctrl+g")
            await wait_until(pilot, lambda: not workspace.generating, timeout=120)
            await pilot.press("ctrl+y")
            kept = editor.text[len(before):]
            assert kept.strip()
            with ProjectStore(sample_project) as store:
                document_id = store.chapters()[0].id
                [origin] = [o for o in origins(store, document_id) if o.kind == "continue"]
            assert [(Path(a["file"]).name, a["scale"]) for a in origin.record["adapters"]] == [("voice.gguf", 0.8)]
            styled = llama_backend.score(before[-2000:], kept).logprobs
            llama_backend.set_adapters([])
            plain = llama_backend.score(before[-2000:], kept).logprobs
            assert styled != plain  # the text was scored, and written, by the model with the adapter on
