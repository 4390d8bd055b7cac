"""The context assembler: what the model sees, under a token budget, and why.

Sections come in a fixed order, least-changing first, so consecutive prompts share
a long prefix and llama.cpp reuses its KV cache instead of re-reading it:

1. instructions (the task's, for instruct models)
2. the opening of the book, verbatim and pinned (voice and set-up)
3. summaries of everything between the opening and the recent text, each earlier
   chunk covered once, spans doubling with distance (see ``pyramid``)
4. story facts: the cast of the current stretch, from the bible, on one line. The
   near summaries change as often as the cast does, so the cast goes after them,
   nearer the text it serves (measured; ``facts_after_summaries=False`` restores
   the order with the facts before the summaries)
5. focus: sentences from earlier passages naming the people of the scene
6. the most recent text, verbatim, ending exactly at the cursor
7. the beat or instruction being written, when there is one (drafting with a base
   model puts it before the recent text instead, so the prompt still ends in prose)
8. a lead the model continues from, such as a new chapter's heading

Every section carries its token count and the reason it is there. The total never
exceeds the budget by the model's tokenizer: the recent text takes what the other
sections leave, and the joined prompt is counted and trimmed if it must be. Where
the vocabulary keeps line breaks apart (``Project.joins_add_up``), the sections'
own exact counts plus one token a break already are the prompt's count, and the
second count of the whole prompt, most of an assembly's time, is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from memory.bible import BibleEntry, entries_mentioned, last_mentions, load_bible
from memory.cursor import Cursor, end_of_manuscript
from memory.extractive import shorten
from memory.project import Project
from memory.pyramid import Group
from memory.retrieval import focus_passages
from memory.token_fit import fit_head, fit_tail

SEPARATOR = "\n\n"
SEPARATOR_TOKENS = 1  # "\n\n" is one token in the vocabularies Draftsmith has met; verified by the final count


@dataclass(frozen=True)
class ContextSection:
    name: str
    text: str
    tokens: int
    reason: str

    def as_dict(self) -> dict[str, object]:
        return {"name": self.name, "tokens": self.tokens, "reason": self.reason, "text": self.text}


@dataclass(frozen=True)
class ContextShares:
    """Caps for each section as shares of the budget; recent text takes the rest.

    The defaults are the best of the variants measured by ``bench/continuation.py``
    on the shared novels with a 1024-token budget: a short pinned opening, a cast
    line drawn from the last forty chunks and placed after the summaries (nearest
    the recent text, which changes as often), listing first the people the recent
    text does not show, those named last first, each with their other names and the
    pronouns the writer gave.
    """

    opening: float = 0.03
    facts: float = 0.10
    summaries: float = 0.06
    focus: float = 0.0
    summary_words: int = 24
    facts_lookback: int = 40
    """Chunks before the cursor (about a chapter) whose names count as the scene's cast."""
    facts_after_summaries: bool = True
    """Put the cast after the summaries, nearer the recent text; False puts it right after the opening."""
    facts_aliases: bool = True
    """List each character's other names too (``Darcy, Mr. Darcy``)."""
    facts_absent_first: bool = True
    """List first the cast named in the lookback but not in the recent text (which shows the others)."""
    facts_recent_first: bool = True
    """Among the cast the recent text does not show, list first those named last (else the most named),
    so that a long cast line cut for the budget loses the people named longest ago."""
    facts_found_pronouns: bool = False
    """Give the pronouns extraction found too (the writer's are always given). Found ones are
    guesses ("England (he/him)") that cost four tokens a name; without them the line holds
    more of the cast (names on Treasure Island -6.0% against -1.7%, Pride and Prejudice
    -1.6% against -1.0%)."""
    facts_places: bool = True
    """List the places named near the cursor too, not only people and things."""


@dataclass(frozen=True)
class AssembledContext:
    sections: tuple[ContextSection, ...]
    budget: int
    total_tokens: int

    @property
    def text(self) -> str:
        """The prompt: sections joined, ending with the text right before the cursor."""
        return SEPARATOR.join(section.text for section in self.sections if section.text)

    def section(self, name: str) -> ContextSection | None:
        return next((s for s in self.sections if s.name == name), None)

    def as_dict(self) -> dict[str, object]:
        return {"budget": self.budget, "total_tokens": self.total_tokens,
                "sections": [s.as_dict() for s in self.sections]}


@dataclass
class _Plan:
    order: tuple[str, ...] = ()
    sections: dict[str, ContextSection] = field(default_factory=dict)

    def add(self, name: str, text: str, tokens: int, reason: str) -> None:
        if text:
            self.sections[name] = ContextSection(name, text, tokens, reason)

    def used(self, *skip: str) -> int:
        present = [s for n, s in self.sections.items() if n not in skip]
        return sum(s.tokens for s in present) + SEPARATOR_TOKENS * len(present)


ORDER = ("instructions", "opening", "facts", "summaries", "focus", "recent", "beat", "lead")
ORDER_FACTS_LATE = ("instructions", "opening", "summaries", "facts", "focus", "recent", "beat", "lead")


def _order(shares: ContextShares, beat_last: bool) -> tuple[str, ...]:
    order = ORDER_FACTS_LATE if shares.facts_after_summaries else ORDER
    if beat_last:
        return order
    without = [name for name in order if name != "beat"]
    return tuple(without[: without.index("recent")] + ["beat"] + without[without.index("recent"):])


def assemble(
    project: Project,
    budget: int,
    cursor: Cursor | None = None,
    instructions: str = "",
    beat: str = "",
    shares: ContextShares | None = None,
    verify: bool = True,
    beat_last: bool = True,
    lead: str = "",
) -> AssembledContext:
    """Build the context for writing at ``cursor`` (the manuscript's end by default)."""
    cursor = cursor or end_of_manuscript(project)
    shares = shares or ContextShares()
    count = project.count_tokens
    plan = _Plan(order=_order(shares, beat_last))
    if lead:
        plan.add("lead", lead, count(lead), "where the new text starts, for the model to continue")
    if instructions:
        plan.add("instructions", instructions, count(instructions), "the task's instructions")
    if beat:
        plan.add("beat", beat, count(beat), "what is to be written next")

    opening_text, pin_end = _opening(project, cursor, int(budget * shares.opening))
    if opening_text:
        plan.add("opening", opening_text, count(opening_text),
                 "the book's opening, pinned: its voice and set-up")
    if pin_end >= cursor.chunk_index:  # the cursor is still inside the opening: nothing else to add,
        if not opening_text and not cursor.partial:  # but a book not yet begun gets its cast
            _add_facts(plan, project.bible(), beat, int(budget * shares.facts), count, shares)
        return _finish(project, plan, budget, cursor, pin_end, pin_end, verify, shares)

    recent_target = budget - plan.used() - int(budget * (shares.facts + shares.summaries + shares.focus))
    recent_start = _recent_start(project, cursor, recent_target, pin_end)
    lookback_start = max(pin_end, cursor.chunk_index - shares.facts_lookback)
    # One read serves the cast lookup and the recent text.
    texts = _fetch_texts(project, range(min(lookback_start, recent_start), cursor.chunk_index))
    older_text = _chunks_text(project, range(lookback_start, min(recent_start, cursor.chunk_index)), texts)
    recent_text = _chunks_text(project, range(max(lookback_start, recent_start), cursor.chunk_index), texts)
    near_text = older_text + SEPARATOR + recent_text + cursor.partial + beat

    entries = project.bible()
    visible = _surely_shown(project, cursor, recent_start, recent_target, texts) if shares.facts_absent_first else ""
    _add_facts(plan, entries, near_text, int(budget * shares.facts), count, shares, visible)
    _add_summaries(plan, project, pin_end, recent_start, int(budget * shares.summaries), shares.summary_words)
    if shares.focus > 0:
        named = [entry.name for entry, _ in entries_mentioned(entries, near_text)[:3]]
        _add_focus(plan, project, named, pin_end, recent_start, int(budget * shares.focus), count)
    return _finish(project, plan, budget, cursor, pin_end, recent_start, verify, shares, texts)


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
    text = _chunks_text(project, range(end))
    if end == cursor.chunk_index and cursor.partial:
        text = (text + SEPARATOR + cursor.partial).strip() if text else cursor.partial
    return fit_head(project.count_tokens, text, cap), end


def _recent_start(project: Project, cursor: Cursor, target: int, pin_end: int) -> int:
    refs = project.chunks
    start, tokens = cursor.chunk_index, 0
    while start > pin_end and tokens + refs[start - 1].tokens <= target:
        start -= 1
        tokens += refs[start].tokens + SEPARATOR_TOKENS
    return max(pin_end, start - 1) if start > pin_end else start  # one more chunk to cut into


def _surely_shown(project: Project, cursor: Cursor, recent_start: int, target: int, texts: dict[int, str]) -> str:
    """The text the recent section will surely hold: back from the cursor, whole chunks
    within ``target`` tokens, then the share of the next chunk's characters that fits.

    The cast line lists first the people this text does not show; a name in the part of
    a chunk that the recent section leaves out must count as not shown.
    """
    refs = project.chunks
    room = target - (project.count_tokens(cursor.partial) if cursor.partial else 0)
    pieces = [cursor.partial] if cursor.partial else []
    index = cursor.chunk_index
    while index > recent_start and room > 0:
        index -= 1
        text, tokens = texts[refs[index].id], refs[index].tokens
        if tokens + SEPARATOR_TOKENS > room:
            pieces.append(text[len(text) - int(len(text) * room / max(1, tokens)):])
            break
        pieces.append(text)
        room -= tokens + SEPARATOR_TOKENS
    return SEPARATOR.join(reversed(pieces))


def _fetch_texts(project: Project, indices: range) -> dict[int, str]:
    """Texts of the chunks at ``indices``, by chunk id."""
    refs = project.chunks
    return project.store.chunk_texts(refs[i].id for i in indices)


def _chunks_text(project: Project, indices: range, texts: dict[int, str] | None = None) -> str:
    """The chunks at ``indices`` joined as in the manuscript; ``texts`` may hold them already."""
    if not len(indices):
        return ""
    refs = project.chunks
    texts = texts if texts is not None else _fetch_texts(project, indices)
    return SEPARATOR.join(texts[refs[i].id] for i in indices)


def _add_facts(plan: _Plan, entries: list[BibleEntry], near_text: str, cap: int, count, shares: ContextShares,
               visible_text: str = "") -> None:
    if not shares.facts_places:
        entries = [entry for entry in entries if entry.kind != "place"]
    if cap <= 0 or not entries:
        return
    if visible_text and shares.facts_recent_first:  # the last named first
        last = last_mentions(entries, near_text)
        near = sorted((entry for entry in entries if entry.name in last), key=lambda entry: -last[entry.name])
    else:  # the most named first
        near = [entry for entry, _ in entries_mentioned(entries, near_text)]
    if visible_text:  # the cast the recent text does not show comes first (the sort keeps the order within)
        shown = {entry.name for entry, _ in entries_mentioned(entries, visible_text)}
        near.sort(key=lambda entry: entry.name in shown)
    near_names = {entry.name for entry in near}
    frequent = [entry for entry in entries if entry.kind == "character" and entry.name not in near_names][:8]
    chosen: list[str] = []
    used = count("[Characters: ]")
    for entry in near + frequent:
        line = entry.line(with_aliases=shares.facts_aliases,
                          with_pronouns=shares.facts_found_pronouns or entry.source == "writer")
        cost = count(line) + 1  # the comma
        if used + cost > cap:
            break
        chosen.append(line)
        used += cost
    if chosen:
        text = "[Characters: " + ", ".join(chosen) + "]"
        plan.add("facts", text, count(text),
                 f"{len(near[:len(chosen)])} named near the cursor, the rest the most frequent")


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
    texts = [(group, shorten(stored[group.key][0], words)) for group in groups if group.key in stored]
    kept: list[tuple[Group, str]] = []
    used = count("[Earlier: ]")
    for group, text in reversed(texts):  # nearest first: the far past goes first when space runs out
        cost = count(text) + 1
        if used + cost > cap:
            break
        kept.append((group, text))
        used += cost
    kept.reverse()
    if not kept:
        return
    body = "[Earlier: " + " ".join(text for _, text in kept) + "]"
    omitted = len(groups) - len(kept)
    spans = ", ".join(str(group.span) for group, _ in kept)
    reason = f"summaries of chunks {kept[0][0].start}-{stop - 1}, spans {spans} growing with distance"
    if omitted:
        reason += f"; {omitted} older summaries left out for the budget"
    missing = len(groups) - len(texts)
    if missing:
        reason += f"; {missing} not yet summarised"
    plan.add("summaries", body, count(body), reason)


def _add_focus(plan: _Plan, project: Project, names: list[str], start: int, stop: int, cap: int, count) -> None:
    passages = focus_passages(project, names, start, stop)
    chosen: list[str] = []
    for passage in sorted(passages, key=lambda p: p.chunk_index):
        candidate = "[Before: " + " ".join([*chosen, passage.sentence]) + "]"
        if count(candidate) > cap:
            break
        chosen.append(passage.sentence)
    if chosen:
        text = "[Before: " + " ".join(chosen) + "]"
        plan.add("focus", text, count(text), f"earlier sentences naming {', '.join(names)}")


def _finish(project: Project, plan: _Plan, budget: int, cursor: Cursor, pin_end: int, recent_start: int,
            verify: bool, shares: ContextShares, texts: dict[int, str] | None = None) -> AssembledContext:
    if cursor.chunk_index > pin_end or (cursor.partial and "opening" not in plan.sections):
        _add_recent(plan, project, cursor, recent_start, budget - plan.used(), texts)
    sections = [plan.sections[name] for name in plan.order if name in plan.sections]
    context = AssembledContext(tuple(sections), budget, sum(s.tokens for s in sections)
                               + SEPARATOR_TOKENS * max(0, len(sections) - 1))
    if not verify or _counts_add_up(project, sections):
        return context
    return _verified(context, project.count_tokens)


def _counts_add_up(project: Project, sections: list[ContextSection]) -> bool:
    """Whether the sections' counts plus one token a join are the prompt's exact count:
    the vocabulary never merges across a line break, and no section begins or ends
    with one (which would lengthen the break between them)."""
    return project.joins_add_up() and not any(
        s.text.startswith("\n") or s.text.endswith("\n") for s in sections)


def _add_recent(plan: _Plan, project: Project, cursor: Cursor, recent_start: int, room: int,
                texts: dict[int, str] | None = None) -> None:
    """Whole chunks back from the cursor by their stored counts, then the tail of one more."""
    count = project.count_tokens
    refs = project.chunks
    pieces: list[str] = [cursor.partial] if cursor.partial else []
    used = count(cursor.partial) if cursor.partial else 0
    index = cursor.chunk_index
    if used > room:  # the cursor's own chunk fills the room: no older text fits
        fitted = fit_tail(count, cursor.partial, room)
        pieces, used, index = [fitted], count(fitted), recent_start
    if texts is None:
        texts = _fetch_texts(project, range(recent_start, index))
    while index > recent_start and used < room:
        index -= 1
        text, tokens = texts[refs[index].id], refs[index].tokens
        if used + tokens + SEPARATOR_TOKENS <= room:
            pieces.append(text)
            used += tokens + SEPARATOR_TOKENS
            continue
        tail = fit_tail(count, text, room - used - SEPARATOR_TOKENS, tokens)
        if tail:
            pieces.append(tail)
            used += count(tail) + SEPARATOR_TOKENS
        break
    if pieces:
        pieces.reverse()
        plan.add("recent", SEPARATOR.join(pieces), max(0, used - (0 if cursor.partial else SEPARATOR_TOKENS)),
                 "the text right before the cursor, verbatim")


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
    return AssembledContext(tuple(sections), context.budget, total)
