"""Write one passage of the book from an outline node, about a target length.

The memory layer builds the context at the end of the node's chapter, with a
bracketed outline note after the recent text, so the model writes what the plan
asks while seeing the book's opening, cast, summaries and recent text. A base
model that stops early is asked to go on from where it stopped, up to a few
rounds; the passage is then cut back to its last whole sentence.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from functools import partial

from engine.backend.protocol import Backend, PromptStyle, SamplingSettings
from engine.provenance import note_prompt
from engine.workflows.continuation import context_budget, context_sections, fitted_to_backend
from engine.workflows.passage_cleaning import clean_passage, trim_to_sentence
from memory.context.assembler import assemble
from memory.context.cursor import cursor_at_offset
from memory.project import Project
from memory.storage.outline import Outline, OutlineNode
from memory.storage.store import Document
from prompts import render
from prompts.labels import NOW, SCENE

TOKENS_PER_WORD = 1.4
ROUNDS = 3
STOPS = ("\n[", "\nChapter ", "\nCHAPTER ", "\n#")


def outline_note(outline: Outline, chapter: OutlineNode, node: OutlineNode) -> str:
    """The guidance the model reads last: where we are in the plan and what happens next."""
    book = outline.book
    # The title alone: "Title, a novel." led a base model to write the blurb or a review of it.
    parts = [f"{book.title}."] if book is not None and book.title else []
    parts.append(f"{outline.label(chapter)}, {chapter.title}:")
    if chapter.synopsis:
        parts.append(chapter.synopsis)
    scene = next((a for a in outline.ancestors(node.id) if a.level == "scene"), None)
    if scene is not None and scene is not node:
        parts.append(f"{SCENE}: {scene.synopsis}")
    if node.id != chapter.id:
        parts.append(f"{NOW}: {node.synopsis or node.title}")
    who = ", ".join(node.characters)
    where = node.place
    if who or where:
        parts.append("(" + "; ".join(item for item in (who, where) if item) + ")")
    return "[" + " ".join(parts) + "]"


def chapter_heading(outline: Outline, chapter: OutlineNode) -> str:
    """The heading a new chapter starts with: a base model continues it as a novel's page."""
    return f"{outline.label(chapter).upper()}\n\n{chapter.title}"


def write_passage(
    backend: Backend,
    project: Project,
    document: Document,
    note: str,
    target_words: int,
    settings: SamplingSettings,
    cancel: threading.Event | None = None,
    on_text: Callable[[str], None] | None = None,
    heading: str = "",
    first_words: str = "",
) -> str:
    """Generate a passage to follow ``document``'s text; empty if cancelled.

    The outline note follows the recent text, so the prompt before it is the one the
    previous beat left in the KV cache. A base model then continues from prose (``heading``
    starts an empty chapter) or from the passage so far.
    A base model's passage starts with ``first_words`` when given (a character's name
    pulls a model that lost the scene back to it); an instruct model's answer is its own.
    """
    cancel = cancel or threading.Event()
    base_model = backend.prompt_style is PromptStyle.COMPLETION
    first_words = first_words.strip() if base_model else ""
    passage = ""
    for _ in range(ROUNDS if base_model else 1):
        missing = target_words - len(passage.split())
        if missing < target_words * 0.4:
            break
        round_settings = replace(settings, max_tokens=max(32, int(missing * TOKENS_PER_WORD)),
                                 stop=tuple(settings.stop) + STOPS)
        # An empty chapter starts after its heading and a blank line: the cue for a new paragraph of prose.
        opening = heading if heading and not document.text else ""
        lead = f"{opening}\n\n{passage}" if opening and passage else passage or (f"{opening}\n\n" if opening else "")
        prefix = first_words if not passage else ""  # the lead is empty or ends with a blank line here
        lead += prefix
        cursor = cursor_at_offset(project, document.id, len(document.text))
        build = partial(assemble, project, cursor=cursor, beat=note, lead=lead if base_model else "")
        context = fitted_to_backend(backend, context_budget(backend, round_settings), build)
        prompt = render("draft_passage", {"context": context.text, "words": str(target_words)})
        note_prompt(prompt.text, context_sections(context), round_settings)
        piece = ""
        if prefix and on_text is not None:
            on_text(prefix)
        for token_text in backend.stream(prompt, round_settings, cancel):
            piece += token_text
            if on_text is not None:
                on_text(token_text)
        if cancel.is_set():
            return ""
        if not piece.strip():  # nothing written: no passage, whatever it was to start with
            break
        if prefix and not piece.startswith("\n"):  # the first words are the passage's own, cleaned with it
            piece = prefix + piece
        # Sentences the chapter or the prompt (summaries, cast, recent text) already hold are copies.
        cleaned = clean_passage(piece, note, earlier=context.text, chapter=f"{document.text}\n\n{passage}")
        if not cleaned:
            break
        new_paragraph = piece.lstrip(" ").startswith("\n")
        passage = f"{passage}\n\n{cleaned}" if passage and new_paragraph else f"{passage} {cleaned}".strip()
        if backend.last_stats is not None and backend.last_stats.stop_reason == "length":
            break
    return trim_to_sentence(passage)
