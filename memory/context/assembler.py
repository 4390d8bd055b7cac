"""The context assembler: what the model sees, under a token budget, and why.

Sections come in a fixed order, least-changing first:

1. instructions (the task's, for instruct models)
2. the opening of the book, verbatim and pinned (voice and set-up)
3. summaries of everything between the opening and the recent text, each earlier
   chunk covered once, spans doubling with distance (see ``pyramid``)
4. story facts: the cast named before the recent text, from the bible, on one line
5. focus: sentences from earlier passages naming the people of the scene
6. the most recent text, verbatim, to exactly the cursor, chapter headings and split
   paragraphs as the book shows them (see ``passage``): whole chunks from the recent
   start, led in by as many of the paragraphs before it as the room still holds
7. the beat or instruction being written, when there is one
8. a lead the model continues from, such as a new chapter's heading

Everything before the recent text depends on the memory *anchor* only (see
``anchor``), never on the cursor itself, and the anchor moves once per many
passages. Between its moves, continuing, keeping and continuing again gives prompts
whose first sections are byte-identical and whose recent text only loses paragraphs
at its front and gains text at its end, which llama.cpp reads without re-reading the
rest. The sections before the recent text are capped at fixed shares of the budget;
the recent text has what remains.

Every section carries its token count and the reason it is there. The total never
exceeds the budget by the model's tokenizer: the recent start is chosen so the recent
text fits, and the joined prompt is counted and trimmed if it must be. Where the
vocabulary keeps line breaks apart (``Project.joins_add_up``), the sections' own
exact counts plus one token a break already are the prompt's count, and the second
count of the whole prompt, most of an assembly's time, is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from memory.context.anchor import memory_anchor, recent_start
from memory.context.bible import BibleEntry, rejected_names
from memory.context.cast import CastMember, cast_before, cast_named_in
from memory.context.context_shares import ContextShares
from memory.context.cursor import Cursor, end_of_manuscript
from memory.context.passage import join_before, lead_in, passage_text
from memory.context.pyramid import Group
from memory.context.retrieval import focus_text
from memory.project import Project
from memory.text.extractive import whole_sentences
from memory.text.token_fit import fit_tail, fit_whole_sentences
from prompts.labels import CAST, EARLIER, bracketed

SEPARATOR = "\n\n"
SEPARATOR_TOKENS = 1  # "\n\n" is one token in the vocabularies Draftsmith has met; verified by the final count
FOCUS_PEOPLE = 3
"""The people of the scene whose earlier sentences the focus section looks for: the most
named of those the last chapter or so names."""


@dataclass(frozen=True)
class ContextSection:
    name: str
    text: str
    tokens: int
    reason: str

    def as_dict(self) -> dict[str, object]:
        return {"name": self.name, "tokens": self.tokens, "reason": self.reason, "text": self.text}


@dataclass(frozen=True)
class AssembledContext:
    sections: tuple[ContextSection, ...]
    budget: int
    total_tokens: int
    anchor: int = 0
    """The chunk the memory sections are made for (see ``anchor``): everything before the
    recent text depends on it alone, so it stays the same while the anchor does."""
    recent_start: int = 0
    """The chunk the recent text's whole chunks start at; paragraphs of the chunks before it
    may lead in to it."""

    @property
    def text(self) -> str:
        """The prompt: sections joined, ending with the text right before the cursor."""
        return SEPARATOR.join(section.text for section in self.sections if section.text)

    @property
    def stable_prefix(self) -> str:
        """The prompt up to the recent text: the part that stays the same until the anchor jumps."""
        before = []
        for section in self.sections:
            if section.name == "recent":
                break
            before.append(section.text)
        return SEPARATOR.join(before)

    def section(self, name: str) -> ContextSection | None:
        return next((s for s in self.sections if s.name == name), None)

    def as_dict(self) -> dict[str, object]:
        return {"budget": self.budget, "total_tokens": self.total_tokens, "anchor": self.anchor,
                "recent_start": self.recent_start,
                "sections": [s.as_dict() for s in self.sections]}


@dataclass
class _Plan:
    sections: dict[str, ContextSection] = field(default_factory=dict)

    def add(self, name: str, text: str, tokens: int, reason: str) -> None:
        if text:
            self.sections[name] = ContextSection(name, text, tokens, reason)

    def used(self, *skip: str) -> int:
        present = [s for n, s in self.sections.items() if n not in skip]
        return sum(s.tokens for s in present) + SEPARATOR_TOKENS * len(present)


ORDER = ("instructions", "opening", "summaries", "facts", "focus", "recent", "beat", "lead")
_MEMORY = ("summaries", "facts", "focus")


def assemble(
    project: Project,
    budget: int,
    cursor: Cursor | None = None,
    instructions: str = "",
    beat: str = "",
    shares: ContextShares | None = None,
    verify: bool = True,
    lead: str = "",
) -> AssembledContext:
    """Build the context for writing at ``cursor`` (the manuscript's end by default)."""
    cursor = cursor or end_of_manuscript(project)
    shares = shares or project.context_shares
    count = project.count_tokens
    plan = _Plan()
    if lead:
        plan.add("lead", lead, count(lead), "where the new text starts, for the model to continue")
    if instructions:
        plan.add("instructions", instructions, count(instructions), "the task's instructions")
    if beat:
        plan.add("beat", beat, count(beat), "what is to be written next")

    opening_text, pin_end = _opening(project, cursor, _opening_cap(project, cursor, budget, shares))
    if opening_text:
        plan.add("opening", opening_text, count(opening_text),
                 "the book's opening, pinned: its voice and set-up")
    if pin_end >= cursor.chunk_index:  # the cursor is still inside the opening: nothing else to add,
        if not opening_text and not cursor.partial:  # but a book not yet begun gets its cast
            entries = project.bible(at_chapter=_chapter_at(project, cursor))
            _add_cast(plan, cast_named_in(entries, beat), [], int(budget * shares.facts), count,
                      "named in what is to be written")
        # The opening ends at the cursor when it holds the cursor's chunk; else the text before it is recent.
        return _finish(project, plan, budget, cursor, pin_end, verify, anchor=pin_end,
                       with_recent=bool(cursor.partial) and not opening_text)

    memory_caps = [int(budget * share) for share in (shares.summaries, shares.facts, shares.focus)]
    memory_room = sum(cap + SEPARATOR_TOKENS for cap in memory_caps if cap > 0)
    fixed = plan.used("beat", "lead") + memory_room  # sections whose size does not change between calls
    room = budget - plan.used() - memory_room - SEPARATOR_TOKENS
    partial_tokens = (count(cursor.partial) if cursor.partial  # or the headings of a chapter the cursor starts
                      else 0 if lead else project.heading_tokens.get(cursor.chunk_index, 0))
    chunk_tokens = project.shown_tokens
    start = recent_start(chunk_tokens, pin_end, cursor.chunk_index, partial_tokens, room)
    anchor = memory_anchor(chunk_tokens, pin_end, start, int((budget - fixed) * shares.jump))

    texts = _fetch_texts(project, range(start, cursor.chunk_index))
    entries = project.bible(at_chapter=_chapter_at(project, cursor))
    _add_summaries(plan, project, pin_end, anchor, memory_caps[0], shares.summary_words)
    near, known = _cast_at(project, entries, anchor, shares)
    _add_facts(plan, near, known, memory_caps[1], count, shares)
    if memory_caps[2] > 0:
        scene = [member.name for member in sorted(near, key=lambda member: -member.count)[:FOCUS_PEOPLE]]
        _add_focus(plan, project, scene, pin_end, anchor, memory_caps[2], count)
    return _finish(project, plan, budget, cursor, start, verify, texts, anchor, floor=pin_end)


def _chapter_at(project: Project, cursor: Cursor) -> int | None:
    """The chapter the cursor writes in: its chunk's, or the last chunk's at the end of the book."""
    refs = project.chunks
    if not refs:
        return None
    ref = refs[min(cursor.chunk_index, len(refs) - 1)]
    return project.chapter_number(ref.document_id)


def _opening_cap(project: Project, cursor: Cursor, budget: int, shares: ContextShares) -> int:
    """The opening's share of the budget while the book before the cursor is short; none after.

    Early on the opening sets the voice and the scene; once the recent text alone holds
    pages of the book's voice, the pinned opening only takes room from it.
    """
    before = sum(ref.tokens for ref in project.chunks[: cursor.chunk_index])
    return int(budget * shares.opening) if before <= shares.opening_until * budget else 0


def _opening(project: Project, cursor: Cursor, cap: int) -> tuple[str, int]:
    """The first chunks' text within ``cap`` tokens, and the index after the last chunk it touches."""
    refs = project.chunks
    if cap <= 0 or not refs:
        return "", 0
    stop = min(cursor.chunk_index, len(refs))
    end, tokens = 0, 0
    while end < stop and tokens < cap:
        tokens += refs[end].tokens + SEPARATOR_TOKENS
        end += 1
    indices = range(end)
    text = SEPARATOR.join(_fetch_texts(project, indices)[refs[i].id] for i in indices)
    if end == cursor.chunk_index and cursor.partial:
        text = (text + SEPARATOR + cursor.partial).strip() if text else cursor.partial
    return fit_whole_sentences(project.count_tokens, text, cap), end


def _fetch_texts(project: Project, indices: range) -> dict[int, str]:
    """Texts of the chunks at ``indices``, by chunk id."""
    refs = project.chunks
    return project.store.chunk_texts(refs[i].id for i in indices)


def _cast_at(project: Project, entries: list[BibleEntry], stop: int,
             shares: ContextShares) -> tuple[list[CastMember], list[CastMember]]:
    """The cast the text before chunk ``stop`` has named (``cast_before``), in two parts: those
    named in the last ``facts_lookback`` chunks, the last named first; then the rest, the most
    named first."""
    cast = cast_before(project.name_index.uses_before(stop), entries, set(rejected_names(project.store)))
    recent_from = stop - shares.facts_lookback
    near = sorted((c for c in cast if c.last_chunk >= recent_from), key=lambda c: -c.last_chunk)
    known = sorted((c for c in cast if c.last_chunk < recent_from), key=lambda c: -c.count)
    return near, known


def _add_facts(plan: _Plan, near: list[CastMember], known: list[CastMember], cap: int, count,
               shares: ContextShares) -> None:
    """The cast on one line, one form each; a line cut for the budget loses the people named
    longest ago and least."""
    if cap <= 0:
        return
    _add_cast(plan, near, known, cap, count, f"named in the last {shares.facts_lookback} chunks before "
              "the memory anchor")


def _add_cast(plan: _Plan, near: list[CastMember], known: list[CastMember], cap: int, count, why: str) -> None:
    chosen: list[str] = []
    used = count(bracketed(CAST, ""))
    for member in near + known:
        cost = count(member.line) + 1  # the comma
        if used + cost > cap:
            break
        chosen.append(member.line)
        used += cost
    if chosen:
        text = bracketed(CAST, ", ".join(chosen))
        near_count = min(len(near), len(chosen))
        plan.add("facts", text, count(text), f"{near_count} {why}, {len(chosen) - near_count} the most named before")


def _add_summaries(plan: _Plan, project: Project, start: int, stop: int, cap: int, words: int) -> None:
    if cap <= 0 or stop <= start:
        return
    pyramid = project.pyramid
    count = project.count_tokens
    factor = 1.0
    while True:
        groups = pyramid.cover(start, stop, factor)
        if len(groups) * (words // 2) <= cap or factor > 1e6:
            break
        factor *= 4
    stored = project.store.summaries(group.key for group in groups)
    texts = [(group, whole_sentences(stored[group.key][0], words)) for group in groups if group.key in stored]
    missing = len(groups) - len(texts)
    texts = [(group, text) for group, text in texts if text]
    kept: list[tuple[Group, str]] = []
    used = count(bracketed(EARLIER, ""))
    for group, text in reversed(texts):  # nearest first: the far past goes first when space runs out
        cost = count(text) + 1
        if used + cost > cap:
            break
        kept.append((group, text))
        used += cost
    kept.reverse()
    if not kept:
        return
    body = bracketed(EARLIER, " ".join(text for _, text in kept))
    omitted = len(groups) - len(kept)
    spans = ", ".join(str(group.span) for group, _ in kept)
    reason = f"summaries of chunks {kept[0][0].start}-{stop - 1}, spans {spans} growing with distance"
    if omitted:
        reason += f"; {omitted} older summaries left out for the budget"
    if missing:
        reason += f"; {missing} not yet summarised"
    plan.add("summaries", body, count(body), reason)


def _add_focus(plan: _Plan, project: Project, names: list[str], start: int, stop: int, cap: int, count) -> None:
    """Earlier sentences naming the scene's people: the best that fit the cap, in the book's order."""
    text = focus_text(project, names, start, stop, cap, count)
    plan.add("focus", text, count(text), f"earlier sentences naming {', '.join(names)}")


def _finish(project: Project, plan: _Plan, budget: int, cursor: Cursor, start: int, verify: bool,
            texts: dict[int, str] | None = None, anchor: int = 0, with_recent: bool = True,
            floor: int | None = None) -> AssembledContext:
    if with_recent:
        _add_recent(plan, project, cursor, start, budget - plan.used(), texts, floor)
    sections = [plan.sections[name] for name in ORDER if name in plan.sections]
    context = AssembledContext(tuple(sections), budget, sum(s.tokens for s in sections)
                               + SEPARATOR_TOKENS * max(0, len(sections) - 1), anchor, start)
    if not verify or _counts_add_up(project, sections):
        return context
    return _verified(context, project.count_tokens)


def _counts_add_up(project: Project, sections: list[ContextSection]) -> bool:
    """Whether the sections' counts plus one token a join are the prompt's exact count:
    the vocabulary never merges across a line break, and no section begins or ends
    with one (which would lengthen the break between them)."""
    return project.joins_add_up() and not any(
        s.text.startswith("\n") or s.text.endswith("\n") for s in sections)


def _add_recent(plan: _Plan, project: Project, cursor: Cursor, start: int, room: int,
                texts: dict[int, str] | None = None, floor: int | None = None) -> None:
    """The text from chunk ``start`` to the cursor as the book shows it (``passage``), whole;
    cut to the room (at a sentence) only when the room cannot hold even the cursor's own chunk.

    With a ``floor`` (the first chunk after the pinned opening), the room the whole chunks
    leave is filled with the paragraphs before chunk ``start`` (``lead_in``), so the recent
    text reaches as far back as the budget allows rather than to the last chunk boundary.
    """
    count = project.count_tokens
    refs = project.chunks
    indices = range(start, cursor.chunk_index)
    texts = texts if texts is not None and all(refs[i].id in texts for i in indices) else _fetch_texts(project, indices)
    partial_tokens = count(cursor.partial) if cursor.partial else 0
    passage = passage_text(project, indices, texts, cursor.partial, partial_tokens,
                           to_cursor="lead" not in plan.sections)
    if not passage.text:
        return
    text = passage.text
    used = passage.tokens if passage.exact else count(text)
    whole = used <= room
    if not whole:
        text = fit_tail(count, text, room)
        used = count(text)
    reason = f"the text right before the cursor, verbatim, from chunk {start}"
    if floor is not None and whole and used < room:
        text, used, reason = _led_in(project, floor, start, text, used, room, reason)
    plan.add("recent", text, used, reason)


def _led_in(project: Project, floor: int, start: int, text: str, used: int, room: int,
            reason: str) -> tuple[str, int, str]:
    """``text`` (``used`` tokens, from chunk ``start``) led in by the paragraphs before it that
    the rest of ``room`` holds. Across a paragraph break the cost is the lead-in's count and the
    break's token; halves of one paragraph joined at a space are counted together."""
    join = join_before(project, start)
    count = project.count_tokens
    spare = room - used - (SEPARATOR_TOKENS if join == SEPARATOR else 0)
    for _ in range(3):  # a space join can cost a token or two more than its parts
        lead = lead_in(project, floor, start, spare)
        if not lead:
            break
        joined = lead + join + text
        size = count(lead) + SEPARATOR_TOKENS + used if join == SEPARATOR else count(joined)
        if size <= room:
            return joined, size, f"{reason} and the paragraphs before it"
        spare -= size - room
    return text, used, reason


def _verified(context: AssembledContext, count) -> AssembledContext:
    """Count the joined prompt; if joins cost more than estimated, trim the recent text."""
    total = count(context.text)
    sections = list(context.sections)
    while total > context.budget:
        index = next((i for i, s in enumerate(sections) if s.name == "recent"), None)
        if index is None:
            index = max(range(len(sections)), key=lambda i: sections[i].tokens)
        section = sections[index]
        trimmed = fit_tail(count, section.text, section.tokens - (total - context.budget) - 1)
        sections[index] = replace(section, text=trimmed, tokens=count(trimmed))
        sections = [s for s in sections if s.text]
        total = count(SEPARATOR.join(s.text for s in sections))
    return AssembledContext(tuple(sections), context.budget, total, context.anchor, context.recent_start)
