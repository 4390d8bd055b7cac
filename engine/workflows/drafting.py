"""Draft chapters from the outline, beat by beat, resumable at any moment.

Each drafted passage is kept with its beat marked done (``keeping.keep_generated``),
then memory catches up (chunks, extractive summaries, the
bible) before the next beat is written, so every passage is written with the
ones before it in view. A chapter with no beats gets them planned first. Killed
or cancelled, a run loses at most the passage it was writing; the next run
starts at the first beat not yet drafted.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from engine.backend.protocol import Backend, SamplingSettings
from engine.errors import BackendError
from engine.provenance import generation_record, keep_try, prompts_noted, traced
from engine.workflows.keeping import keep_appended, mark_chapter_if_drafted
from engine.workflows.outline_schema import DEFAULT_WORDS
from engine.workflows.passage import chapter_heading, outline_note, write_passage
from engine.workflows.passage_cleaning import is_commentary
from engine.workflows.planning import plan_children
from engine.workflows.try_seeds import try_seed
from memory.context.bible import BibleEntry, entries_mentioned
from memory.continuity import bible_pronoun_flips, book_names, new_names
from memory.drafts import chapter_document
from memory.project import Project
from memory.storage.outline import Outline, OutlineNode
from memory.storage.outline_store import add_children, load_outline

PASSAGE_ATTEMPTS = 3
STRAY_NAMES = 4
"""A passage bringing in this many names that neither the book so far, its bible nor its outline
uses has likely strayed into another text: an encyclopedia entry ("the Irish Maritime and
Coastguard Agency"), another story. Novels seldom do it: past their first tenth, 6 of 438
250-word stretches of Pride and Prejudice bring in four names new to the book, and 12 of 247 in
Treasure Island, so a rewrite there costs time, never text (the better passage is kept)."""
BEAT_WORDS = 300
"""A chapter with no beats gets about one beat per this many words of its target."""


@dataclass
class DraftProgress:
    chapter: str
    node: str
    index: int
    total: int
    words: int
    target_words: int


@dataclass
class ChapterReport:
    label: str
    title: str
    target_words: int
    words: int
    beats_drafted: int

    @property
    def adherence(self) -> float:
        """Drafted words over target words: 1.0 is on target."""
        return self.words / self.target_words if self.target_words else 0.0

    def as_dict(self) -> dict[str, object]:
        return {**self.__dict__, "adherence": round(self.adherence, 3)}


@dataclass
class DraftReport:
    chapters: list[ChapterReport] = field(default_factory=list)
    passages: int = 0
    generated_tokens: int = 0
    generation_seconds: float = 0.0
    seconds: float = 0.0
    stopped: bool = False
    off_topic_retries: int = 0
    """Passages written again because they named none of their beat's characters."""
    pronoun_retries: int = 0
    """Passages written again because they gave a character the wrong pronoun."""
    commentary_retries: int = 0
    """Passages written again because they talked about a book (a review, a blurb) instead of telling it."""
    stray_retries: int = 0
    """Passages written again because they brought in many names the book has never used."""

    @property
    def tokens_per_second(self) -> float:
        return self.generated_tokens / self.generation_seconds if self.generation_seconds else 0.0

    def as_dict(self) -> dict[str, object]:
        return {"chapters": [c.as_dict() for c in self.chapters], "passages": self.passages,
                "tokens_per_second": round(self.tokens_per_second, 1), "seconds": round(self.seconds, 1),
                "stopped": self.stopped, "off_topic_retries": self.off_topic_retries,
                "pronoun_retries": self.pronoun_retries, "commentary_retries": self.commentary_retries,
                "stray_retries": self.stray_retries}


class BeatNotWritten(BackendError):
    """The model wrote nothing usable for a beat in every try; the draft stops there.

    ``report`` holds what the draft did up to then (beats, rewrites, speed), so that a
    caller measuring the draft can still read it; every finished beat is saved.
    """

    report: DraftReport | None = None


def chapters_to_draft(outline: Outline, node_id: int | None) -> list[OutlineNode]:
    """The chapter nodes at or under ``node_id`` (every chapter by default)."""
    if node_id is None:
        return outline.chapters()
    chapter = outline.chapter_of(node_id)
    if chapter is not None:
        return [chapter]
    return [n for n in outline.walk(node_id) if n.level == "chapter"]


def draft(
    backend: Backend,
    project: Project,
    node_id: int | None = None,
    settings: SamplingSettings | None = None,
    chapter_words: int | None = None,
    cancel: threading.Event | None = None,
    on_progress: Callable[[DraftProgress], None] | None = None,
    on_text: Callable[[str], None] | None = None,
) -> DraftReport:
    """Draft every planned beat under ``node_id`` (a chapter, act, or the whole book).

    The memory layer's context follows ``project.context_shares`` and the rewrites
    ``project.bible_rewrites``; benchmarks set every memory share and the rewrites to zero
    there to draft with a plain sliding window of the same budget.
    """
    cancel = cancel or threading.Event()
    settings = settings or SamplingSettings()
    started = time.perf_counter()
    report = DraftReport()
    outline = load_outline(project.store)
    for chapter in chapters_to_draft(outline, node_id):
        if chapter.status == "planned" and beats_to_plan(project, outline, chapter, chapter_words):
            plan_beats(backend, project, chapter, chapter_words, settings.seed, cancel)
            outline = load_outline(project.store)
        try:
            chapter_report = _draft_chapter(backend, project, outline, chapter, settings, chapter_words, cancel,
                                            report, on_progress, on_text)
        except BeatNotWritten as error:
            report.seconds = time.perf_counter() - started
            error.report = report
            raise
        report.chapters.append(chapter_report)
        if cancel.is_set():
            report.stopped = True
            break
        outline = load_outline(project.store)
    report.seconds = time.perf_counter() - started
    return report


def _beats_setting(chapter: OutlineNode) -> str:
    return f"planning.beats.{chapter.id}"


def beats_to_plan(project: Project, outline: Outline, chapter: OutlineNode, chapter_words: int | None) -> int:
    """How many beats the chapter still lacks: all of them when none are planned, the rest of a cut-off plan."""
    have = len(outline.children(chapter.id))
    expected = project.store.get_setting(_beats_setting(chapter))
    if expected is not None:
        return max(0, int(expected) - have)
    if have:
        return 0
    count = max(2, round((chapter_words or chapter.target_words or DEFAULT_WORDS["chapter"]) / BEAT_WORDS))
    return min(count, 8)


def plan_beats(backend: Backend, project: Project, chapter: OutlineNode, chapter_words: int | None,
               seed: int | None, cancel: threading.Event) -> None:
    """Plan the chapter's missing beats, storing each one as soon as the model has finished it.

    The number the plan should reach is stored first, so a plan cut off by a kill
    resumes with the beats still missing (and the stored ones in view) instead of
    starting again.
    """
    store = project.store
    missing = beats_to_plan(project, load_outline(store), chapter, chapter_words)
    have = len(load_outline(store).children(chapter.id))
    store.set_setting(_beats_setting(chapter), have + missing)
    for attempt in range(PASSAGE_ATTEMPTS):
        missing = beats_to_plan(project, load_outline(store), chapter, chapter_words)
        if missing <= 0:
            break
        plan_children(backend, project, chapter.id, count=missing, level="beat",
                      seed=None if seed is None else seed + attempt, cancel=cancel,
                      on_item=lambda item: add_children(store, chapter.id, [item], "beat"))
    if not load_outline(store).children(chapter.id):
        raise BackendError(f"The model planned no beats for {load_outline(store).label(chapter)}.")
    # Complete, or as complete as the model would make it: draft the beats there are.
    with store.transaction():
        store.db.execute("DELETE FROM settings WHERE key = ?", [_beats_setting(chapter)])


def _draft_chapter(backend: Backend, project: Project, outline: Outline, chapter: OutlineNode,
                   settings: SamplingSettings, chapter_words: int | None, cancel: threading.Event,
                   report: DraftReport, on_progress, on_text) -> ChapterReport:
    target = chapter_words or chapter.target_words or DEFAULT_WORDS["chapter"]
    leaves = outline.leaves(chapter.id)
    to_draft = [leaf for leaf in leaves if leaf.status == "planned"]
    drafted_before = len(leaves) - len(to_draft)
    document = chapter_document(project, chapter)
    written = 0
    for offset, leaf in enumerate(to_draft):
        words = max(40, target // len(leaves)) if chapter_words else (leaf.target_words or target // len(leaves))
        if on_progress is not None:
            on_progress(DraftProgress(outline.label(chapter), outline.label(leaf), drafted_before + offset + 1,
                                      len(leaves), document.words, target))
        with traced() as trace:
            passage = write_beat(backend, project, leaf.id, settings, cancel, on_text, words=words, report=report)
        if cancel.is_set():
            break
        if not passage:
            raise BeatNotWritten(f"The model wrote no usable prose for {outline.label(leaf)} of "
                               f"{outline.label(chapter)} in {PASSAGE_ATTEMPTS} tries; drafted beats are saved.")
        document = keep_appended(project, chapter.id, leaf.id, passage, generation_record(backend, settings, trace))
        written += 1
        report.passages += 1
    if not to_draft and chapter.status != "drafted":  # its beats were drafted before, one by one
        mark_chapter_if_drafted(project, chapter.id)
    return ChapterReport(outline.label(chapter), chapter.title, target, document.words,
                         drafted_before + written)


def write_beat(backend: Backend, project: Project, node_id: int, settings: SamplingSettings,
               cancel: threading.Event, on_text: Callable[[str], None] | None = None,
               on_restart: Callable[[], None] | None = None, words: int | None = None,
               report: DraftReport | None = None) -> str:
    """The passage for one outline node, to follow its chapter's text: the one drafting path.

    ``draftsmith draft``, the app's Ctrl+B and the benchmarks all draft through here,
    with every check: the passage is written again (another seed) when it comes out
    empty, talks about a book instead of telling it, is about nobody it names, has a
    character's pronoun against the bible, or strays from the book. ``on_text``
    streams each try; ``on_restart`` is called before every try after the first. Each
    rewrite is counted in ``report`` once, under its worst reason. Nothing is stored; in
    a ``traced()`` block the trace is told which try is kept, for its record.
    """
    outline = load_outline(project.store)
    leaf = outline.nodes[node_id]
    chapter = outline.chapter_of(node_id)
    if chapter is None:
        raise BackendError("Only chapters and what is inside them are drafted.")
    document = chapter_document(project, chapter)
    words = words or leaf.target_words or DEFAULT_WORDS["beat"]
    report = report if report is not None else DraftReport()
    bible = project.bible(at_chapter=project.chapter_number(document.id))
    people, known = beat_people(project, leaf, bible), book_names(project)
    # A try after the first starts with the beat's first character's name: a small base model
    # that lost the scene (in a loop of its own, or in another text) is pulled back to it.
    name = name_as_planned(people[0], _plan_text(leaf)) if people else ""
    note, heading = outline_note(outline, chapter, leaf), chapter_heading(outline, chapter)
    rewrites, empty_tries = project.bible_rewrites, 0
    flawed: list[tuple[bool, bool, int, bool, str, int]] = []  # (about a book, about nobody, flips, strays,
    # passage, its try's last prompt)
    for attempt in range(PASSAGE_ATTEMPTS + rewrites):
        attempt_settings = replace(settings, seed=try_seed(settings.seed, attempt))
        if attempt and on_restart is not None:
            on_restart()
        passage = write_passage(backend, project, document, note, words, attempt_settings, cancel, on_text,
                                heading=heading, first_words=name if attempt else "")
        stats = backend.last_stats
        if stats is not None:
            report.generated_tokens += stats.generated_tokens
            report.generation_seconds += stats.generation_seconds
        if cancel.is_set():
            return passage
        if not passage:  # a small model sometimes writes only notes, or only what it already wrote
            empty_tries += 1
            if empty_tries >= PASSAGE_ATTEMPTS:
                break
            continue
        commentary, off_topic = is_commentary(passage), not names_any(passage, people)
        flips = bible_pronoun_flips(passage, bible)
        strays = len(new_names(passage, known)) >= STRAY_NAMES
        last_prompt = prompts_noted() - 1
        if not commentary and not off_topic and not flips and not strays:
            keep_try(last_prompt)
            return passage
        flawed.append((commentary, off_topic, flips, strays, passage, last_prompt))
        if len(flawed) > rewrites:
            break
        report.commentary_retries += commentary
        report.off_topic_retries += off_topic and not commentary
        report.pronoun_retries += bool(flips) and not commentary and not off_topic
        report.stray_retries += strays and not commentary and not off_topic and not flips
    if not flawed:
        return ""
    best = min(flawed, key=lambda item: item[:4])
    keep_try(best[5])  # the record is the kept try's: its seed and prompt, not the last one sent
    return best[4]


def beat_people(project: Project, node: OutlineNode, bible: list[BibleEntry] | None = None) -> list[BibleEntry]:
    """The bible's characters the beat's plan mentions, the most mentioned first; ``bible`` is
    the bible as it stands where the beat is written (the whole book's by default)."""
    entries = project.bible() if bible is None else bible
    return [entry for entry, _ in entries_mentioned(entries, _plan_text(node)) if entry.kind == "character"]


def name_as_planned(entry: BibleEntry, plan: str) -> str:
    """What the plan calls a character (the longest of their names it uses), else their main name."""
    used = [name for name in entry.all_names() if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", plan)]
    return max(used, key=len) if used else entry.name


def _plan_text(node: OutlineNode) -> str:
    return " ".join([node.title, node.synopsis, *node.characters])


def names_any(passage: str, people: list[BibleEntry]) -> bool:
    """Whether the passage names at least one of ``people``, by any of their names (true when there are none)."""
    return not people or bool(entries_mentioned(people, passage))
