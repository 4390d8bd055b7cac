"""Plans and drafts from premises, with the default model: does anything of the prompt reach the book?

Each premise gets a fresh project, planned as a writer would plan it: the acts of the book,
the chapters of the first act, the beats of the first chapter; then that chapter is drafted
with the sampler a new project drafts with. Half the premises name nobody, which is where a
small model reaches for its prompt's example. Per planned node it counts:

- copies of the planner's example (a name of the example that the premise and the outline
  above do not use, or six of its words in a row): the goal is none;
- siblings told alike (the same or nearly the same synopsis);
- planner calls per plan (one when the first answer was sound), and plans that failed;

and per drafted passage, the prompt's scaffolding in the text (brackets, labels, pronoun
tags, the note's "(who; where)"; ``scaffolding_in``) and names of any prompt's examples.

Last, the model summarises the first chunks of each novel as ``draftsmith summarize`` does,
counting the answers that copied the summary prompt's example (before the check), the
summaries stored with a copy (the goal is none) and the ones that fell back to the
extractive summary.

``--no-bans`` plans and summarises without the example bans (the checks and retries
stay), to show what the bans spare.

    python bench/planning.py [--premises N] [--seed 7] [--no-draft] [--no-bans]
                             [--summaries 6] [--corpus DIR] [--novels NAME ...] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.continuation import novels_in  # noqa: E402
from bench.machine import machine_description  # noqa: E402
from engine.backend.llama_backend import LlamaBackend, LlamaSettings  # noqa: E402
from engine.backend.protocol import SamplingSettings  # noqa: E402
from engine.errors import BackendError  # noqa: E402
from engine.models.default_model import ensure_default_model  # noqa: E402
from engine.sampler_presets import project_sampler  # noqa: E402
from engine.workflows.drafting import BeatNotWritten, draft  # noqa: E402
from engine.workflows.example_leaks import leaked_from_examples, near_duplicates  # noqa: E402
from engine.workflows.passage import outline_note  # noqa: E402
from engine.workflows.passage_cleaning import scaffolding_in  # noqa: E402
from engine.workflows.planning import expand_node, planning_context  # noqa: E402
from engine.workflows.summarize import summarize_group  # noqa: E402
from memory.drafts import drafted_passages  # noqa: E402
from memory.importer import import_manuscript  # noqa: E402
from memory.project import Project  # noqa: E402
from memory.storage.outline import OutlineNode  # noqa: E402
from memory.storage.outline_store import create_book, load_outline  # noqa: E402
from prompts import RenderedPrompt  # noqa: E402

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
N_CTX = 2048
BOOK_WORDS = 4800
"""Three acts of three chapters: a chapter of about 530 words, four beats of about 130."""
PREMISES = [
    ("The Light", "A lighthouse keeper finds a message in a bottle from her missing brother."),
    ("Salt and Iron", "A blacksmith's apprentice discovers that the swords she forges are sold to the rebels "
                      "her village fears."),
    ("The Quiet Ward", "A night nurse begins to suspect that one of her patients is not as ill as he pretends."),
    ("Low Water", "When the river dries up, two brothers argue over whether to sell the family mill."),
    ("The Cartographer's Debt", "Odile Marchetti, a mapmaker in debt to a shipping house, is sent to chart an "
                                "island that does not appear on any map."),
    ("Winter Accounts", "Samuel Okoro, a bank clerk in a northern town, finds an error in the ledgers that "
                        "points to his own employer."),
    ("The Understudy", "Priya Lamb, an understudy in a touring company, must take the lead on the night the "
                       "star disappears, and Felix Arden, the stage manager, knows why."),
    ("Harvest Moon", "Two neighbouring farmers, Hattie Greer and Walter Pask, are forced to share a harvest "
                     "after a storm flattens both their fields."),
]
"""Half name nobody (the first four), half name their people; none is the planner's example."""


class CountingBackend:
    """The real backend, counting calls and keeping what the model wrote before any check.

    With ``bans`` off it drops the example bans the planner and the summaries add (regular
    expressions; the sampler's own banned phrases are plain), to compare.
    """

    def __init__(self, backend: LlamaBackend, bans: bool) -> None:
        self._backend, self._bans = backend, bans
        self.calls = 0
        self.answers: list[str] = []

    def __getattr__(self, name: str):
        return getattr(self._backend, name)

    def stream(self, prompt: RenderedPrompt, settings: SamplingSettings,
               cancel: threading.Event | None = None) -> Iterator[str]:
        if not self._bans:
            settings = replace(settings, banned_phrases=tuple(phrase for phrase in settings.banned_phrases
                                                              if not phrase.startswith("re:")))
        self.calls += 1
        written = []
        for piece in self._backend.stream(prompt, settings, cancel):
            written.append(piece)
            yield piece
        self.answers.append("".join(written))


def node_text(node: OutlineNode) -> str:
    return " ".join([node.synopsis, *node.characters, node.place])


def plan_level(backend: CountingBackend, project: Project, parent_id: int, count: int, seed: int,
               row: dict[str, object]) -> list[OutlineNode]:
    before = backend.calls
    try:
        planned = expand_node(backend, project, parent_id, count=count, seed=seed)
    except BackendError as error:
        row["failed_plans"] += 1
        row["failures"].append(str(error))
        planned = []
    row["plans"] += 1
    row["planner_calls"] += backend.calls - before
    outline = load_outline(project.store)
    # What the planner was given: the premise, the outline above, the neighbours.
    source = planning_context(project, outline, outline.nodes[parent_id])
    for node in planned:
        leaks = leaked_from_examples(node_text(node), "plan_children", source)
        row["nodes"] += 1
        row["example_copies"] += bool(leaks)
        row["copied"] += leaks
    row["alike_siblings"] += len(near_duplicates([node.synopsis for node in planned]))
    return planned


def run_premise(backend: LlamaBackend, title: str, premise: str, seed: int, bans: bool, drafting: bool,
                folder: Path) -> dict[str, object]:
    counting = CountingBackend(backend, bans)
    row: dict[str, object] = {"premise": title, "names_people": title in {t for t, _ in PREMISES[4:]},
                              "plans": 0, "failed_plans": 0, "planner_calls": 0, "nodes": 0, "example_copies": 0,
                              "copied": [], "alike_siblings": 0, "failures": [], "passages": 0,
                              "passages_with_scaffolding": 0, "scaffolding": [], "passages_with_example_names": 0,
                              "example_names": [], "drafted_words": 0, "seconds": 0.0}
    started = time.perf_counter()
    project = Project.open(folder / f"{title.replace(' ', '_')}.draftsmith", backend.count_tokens, create=True)
    try:
        book = create_book(project.store, title, premise, BOOK_WORDS)
        acts = plan_level(counting, project, book.id, 3, seed, row)
        chapters = plan_level(counting, project, acts[0].id, 3, seed, row) if acts else []
        beats = plan_level(counting, project, chapters[0].id, 4, seed, row) if chapters else []
        if drafting and beats:
            draft_chapter(counting, project, chapters[0], beats, seed, row)
    finally:
        project.close()
    row["seconds"] = time.perf_counter() - started
    return row


def draft_chapter(backend: CountingBackend, project: Project, chapter: OutlineNode, beats: list[OutlineNode],
                  seed: int, row: dict[str, object]) -> None:
    settings = project_sampler(project.store, SamplingSettings(seed=seed))
    try:
        draft(backend, project, chapter.id, settings)
    except BeatNotWritten as error:
        row["failures"].append(str(error))
    outline = load_outline(project.store)
    passages = drafted_passages(project, [beat.id for beat in beats])
    source = " ".join(node_text(node) + " " + node.title for node in outline.nodes.values())
    for beat in beats:
        passage = passages.get(beat.id, "")
        if not passage:
            continue
        row["passages"] += 1
        row["drafted_words"] += len(passage.split())
        found = scaffolding_in(passage, outline_note(outline, chapter, outline.nodes[beat.id]))
        row["passages_with_scaffolding"] += bool(found)
        row["scaffolding"] += found
        names = [leak for task in ("plan_children", "summarize_passage", "summarize_events")
                 for leak in leaked_from_examples(passage, task, source) if " " not in leak]
        row["passages_with_example_names"] += bool(names)
        row["example_names"] += names


def run_summaries(backend: LlamaBackend, path: Path, chunks: int, bans: bool, folder: Path) -> dict[str, object]:
    """The model's summaries of a novel's first ``chunks`` chunks, as ``draftsmith summarize`` writes them."""
    counting = CountingBackend(backend, bans)
    project = Project.open(folder / f"{path.stem}.draftsmith", backend.count_tokens, create=True)
    row: dict[str, object] = {"novel": path.stem, "summaries": 0, "answers": 0, "answers_copying": 0,
                              "stored_copying": 0, "fell_back": 0}
    try:
        import_manuscript(project.store, path, backend.count_tokens)
        project.ensure_summaries()
        groups = [group for group in project.pyramid.all_groups() if group.level == 0][:chunks]
        for group in groups:
            ref = project.pyramid.refs[group.start]
            source = " ".join(project.store.chunk_texts([ref.id])[ref.id].split())
            extractive = project.store.summaries([group.key])[group.key][0]
            first = len(counting.answers)
            summary = summarize_group(project, counting, group, threading.Event())
            answers = counting.answers[first:]
            row["summaries"] += 1
            row["answers"] += len(answers)
            row["answers_copying"] += sum(bool(leaked_from_examples(answer, "summarize_passage", source))
                                          for answer in answers)
            row["stored_copying"] += bool(leaked_from_examples(summary, "summarize_passage", source))
            row["fell_back"] += summary == extractive
    finally:
        project.close()
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--premises", type=int, default=len(PREMISES), help="how many of the built-in premises")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-draft", action="store_true", help="plan only")
    parser.add_argument("--no-bans", action="store_true", help="plan and summarise without the example bans")
    parser.add_argument("--summaries", type=int, default=6, help="chunks summarised per novel (0: none)")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="folder of novels (.txt)")
    parser.add_argument("--novels", nargs="+", help="novel names (file stems); all by default")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not 1 <= args.premises <= len(PREMISES) or args.summaries < 0:
        print(f"--premises is 1 to {len(PREMISES)}, and --summaries at least 0.", file=sys.stderr)
        return 2
    backend = LlamaBackend(ensure_default_model(), LlamaSettings(n_ctx=N_CTX))
    bans = not args.no_bans
    rows, summary_rows = [], []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        for title, premise in PREMISES[: args.premises]:
            print(f"{title}…", file=sys.stderr)
            rows.append(run_premise(backend, title, premise, args.seed, bans, not args.no_draft, Path(folder)))
        for path in novels_in(args.corpus, args.novels) if args.summaries else []:
            print(f"summaries of {path.stem}…", file=sys.stderr)
            summary_rows.append(run_summaries(backend, path, args.summaries, bans, Path(folder)))
    seconds = time.perf_counter() - started
    if args.json:
        print(json.dumps({"machine": machine_description(), "bans": bans, "seed": args.seed, "rows": rows,
                          "summaries": summary_rows, "seconds": seconds}, indent=2))
        return 0
    print(f"Machine: {machine_description()}")
    print(f"Gemma 3 270M Q4_K_M, n_ctx {N_CTX}, seed {args.seed}, example bans {'on' if bans else 'off'}; "
          f"{seconds / 60:.0f} minutes in all.\n")
    print_plans(rows)
    if summary_rows:
        print()
        print_summaries(summary_rows)
    return 0


Column = tuple[str, Callable[[dict[str, object]], str]]

PLAN_COLUMNS: list[Column] = [
    ("premise", lambda r: str(r["premise"])),
    ("names people", lambda r: {True: "yes", False: "no"}.get(r.get("names_people"), "")),
    ("plans (failed)", lambda r: f"{r['plans']} ({r['failed_plans']})"),
    ("planner calls per plan", lambda r: f"{r['planner_calls'] / max(1, r['plans']):.2f}"),
    ("nodes", lambda r: str(r["nodes"])),
    ("copying the example", lambda r: str(r["example_copies"])),
    ("siblings alike", lambda r: str(r["alike_siblings"])),
    ("passages", lambda r: str(r["passages"])),
    ("with scaffolding", lambda r: str(r["passages_with_scaffolding"])),
    ("with example names", lambda r: str(r["passages_with_example_names"])),
    ("words", lambda r: str(r["drafted_words"])),
]
SUMMARY_COLUMNS: list[Column] = [
    ("novel", lambda r: str(r["novel"])),
    ("summaries", lambda r: str(r["summaries"])),
    ("model answers", lambda r: str(r["answers"])),
    ("answers copying the example", lambda r: str(r["answers_copying"])),
    ("stored copying it", lambda r: str(r["stored_copying"])),
    ("fell back to extractive", lambda r: f"{r['fell_back']} ({r['fell_back'] / max(1, r['summaries']):.0%})"),
]


def print_table(rows: list[dict[str, object]], columns: list[Column], label: str) -> None:
    """A Markdown table of ``rows`` and a last row of their sums, labelled in column ``label``."""
    total: dict[str, object] = {key: sum(r[key] for r in rows) for key, value in rows[0].items()
                                if isinstance(value, int) and not isinstance(value, bool)}
    total[label] = "**all**"
    print("| " + " | ".join(heading for heading, _ in columns) + " |")
    print("|---|" + "---:|" * (len(columns) - 1))
    for row in [*rows, total]:
        print("| " + " | ".join(cell(row) for _, cell in columns) + " |")


def print_plans(rows: list[dict[str, object]]) -> None:
    print_table(rows, PLAN_COLUMNS, "premise")
    for r in rows:
        for label, items in (("copied", r["copied"]), ("scaffolding", r["scaffolding"]),
                             ("example names", r["example_names"]), ("failed", r["failures"])):
            if items:
                print(f"- {r['premise']}, {label}: {'; '.join(map(str, items[:6]))}")


def print_summaries(rows: list[dict[str, object]]) -> None:
    print_table(rows, SUMMARY_COLUMNS, "novel")


if __name__ == "__main__":
    sys.exit(main())
