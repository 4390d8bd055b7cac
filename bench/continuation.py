"""Does the memory layer predict a novel's true next passage better than a sliding window?

What a writer gets: at each cursor, a fresh project is made from **the text before the
cursor only**, as ``draftsmith import`` makes it (chunks, summaries, story bible), and
the prompt is the one ``draftsmith context`` prints for its end. Nothing after the
cursor can reach the prompt, the bible or the name counts. Against it, the sliding
window: the last B tokens of the text as the writer wrote it, headings and all.

Cursors: paragraph starts spread evenly over 30-90% of the book (``--paragraphs``) and
the middle paragraph of chapters spread over the same stretch (``--middles``). At each,
the default model scores the book's true next 256 tokens (mean negative log-likelihood,
nats per token). Three token sets:

* all tokens;
* name tokens: tokens that start a capitalised word in mid-sentence, where forgetting
  the cast shows first;
* far name tokens: name tokens whose word is not in the window's B tokens but occurs
  earlier in the book: the tokens only memory can help with.

Runs on every novel of the shared corpus by default, or on the ``.txt`` novels of
``--corpus DIR``.

    python bench/continuation.py [--budget 1024 3840] [--paragraphs 8] [--middles 4] [--novels NAME ...] [--json]
    python bench/continuation.py --tables run-1024.json run-3840.json
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.continuation_cursors import cursors_in  # noqa: E402
from bench.continuation_scoring import CursorScore, Score, score_contexts  # noqa: E402
from bench.machine import machine_description  # noqa: E402
from engine.backend.llama_backend import LlamaBackend, LlamaSettings  # noqa: E402
from engine.edits.importing import import_into_project  # noqa: E402
from engine.models.default_model import ensure_default_model  # noqa: E402
from engine.workflows.continuation import context_at  # noqa: E402
from memory.context.assembler import ORDER, SEPARATOR  # noqa: E402
from memory.context.bible import rejected_names  # noqa: E402
from memory.context.cast import cast_before, untitled  # noqa: E402
from memory.context.context_shares import ContextShares  # noqa: E402
from memory.context.retrieval import focus_text  # noqa: E402
from memory.text.manuscript import normalise_paragraphs  # noqa: E402
from memory.text.token_fit import fit_tail  # noqa: E402
from prompts.labels import CAST, bracketed  # noqa: E402

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
CONTINUATION_TOKENS = 256
DEFAULT = "memory layer"
CEILINGS = {
    "cast": "ceiling: cast of the next passage",
    "recall": "ceiling: cast and earlier sentences of the next passage",
}
"""The oracles ``--ceiling`` can add: the default prompt with memory chosen by the true
continuation, which no layout can read. ``cast``: a cast line of exactly the people it
names. ``recall``: that line and, in a focus section of ``RECALL_SHARE`` of the budget,
earlier sentences naming those people (as the focus section picks them)."""
RECALL_SHARE = 0.08


def parse_variant(text: str) -> tuple[str, ContextShares]:
    """``name=opening:0.05,facts:0.08`` -> a named set of shares (unnamed fields keep their defaults)."""
    name, _, fields = text.partition("=")
    defaults = ContextShares()
    values: dict[str, object] = {}
    for key, value in (item.split(":") for item in fields.split(",") if item):
        kind = type(getattr(defaults, key))
        values[key] = bool(float(value)) if kind is bool else kind(float(value))
    return name, ContextShares(**values)


def prefix_contexts(prefix: str, folder: Path, budgets: list[int], variants: dict[str, ContextShares],
                    following: str | None = None, ceilings: tuple[str, ...] = ()) -> dict[tuple[int, str], str]:
    """The prompts a project made from ``prefix`` alone gives at its end, per budget and variant.

    Every variant goes through the engine's own service, as ``draftsmith context`` does,
    with its shares set on the project. With ``following`` (the true continuation), also
    the ``ceilings`` (keys of ``CEILINGS``) made from the default prompt.
    """
    manuscript = folder / "manuscript.txt"
    manuscript.write_text(prefix, encoding="utf-8")
    project_file = folder / "prefix.draftsmith"
    for companion in folder.glob("prefix.draftsmith*"):
        companion.unlink()
    _, project = import_into_project(str(project_file), manuscript, keep_open=True)
    try:
        contexts = {}
        for name, shares in {DEFAULT: ContextShares(), **variants}.items():
            project.context_shares = shares
            for budget in budgets:  # with the BOS token, the budget
                context = context_at(project, budget - 1)
                contexts[budget, name] = context.text
                if following is not None and name == DEFAULT:
                    for ceiling in ceilings:
                        contexts[budget, CEILINGS[ceiling]] = with_oracle_memory(
                            project, context, following, recall=ceiling == "recall")
        return contexts
    finally:
        project.close()


def with_oracle_memory(project, context, following: str, recall: bool = False) -> str:
    """``context`` with its cast line naming exactly the people ``following`` names, in the
    order it names them, and with ``recall`` a focus section of earlier sentences naming
    them; the recent text cut at its front to stay within the budget.

    No layout can know the next passage; this is the most such sections could give."""
    entries = project.bible()
    cast = cast_before(project.name_index.uses_before(len(project.chunks)), entries,
                       set(rejected_names(project.store)))
    found = []
    for member in cast:
        words = untitled(member.name).split()
        starts = [m.start() for word in words if len(word) > 2 and word[0].isupper()
                  for m in [re.search(rf"\b{re.escape(word)}\b", following)] if m]
        if starts:
            found.append((min(starts), member))
    found.sort(key=lambda item: item[0])
    sections = {section.name: section.text for section in context.sections}
    sections.pop("facts", None)
    sections.pop("focus", None)
    if found:
        sections["facts"] = bracketed(CAST, ", ".join(member.line for _, member in found))
    count = project.count_tokens
    if recall and found:
        sentences = focus_text(project, [member.name for _, member in found], 0, context.anchor,
                               int(context.budget * RECALL_SHARE), count)
        if sentences:
            sections["focus"] = sentences
    order = [name for name in ORDER if name in sections]
    fixed = sum(count(sections[name]) + 1 for name in order if name != "recent")
    if "recent" in sections:
        sections["recent"] = fit_tail(count, sections["recent"], context.budget - fixed)
    return SEPARATOR.join(sections[name] for name in order if sections[name])


def evaluate(backend: LlamaBackend, text: str, budgets: list[int], variants: dict[str, ContextShares],
             paragraphs: int, middles: int, folder: Path,
             ceilings: tuple[str, ...] = ()) -> dict[int, dict[str, Score]]:
    """Scores per budget and context over the novel's cursors."""
    scores = {budget: {} for budget in budgets}
    for cursor in cursors_in(text, paragraphs, middles):
        started = time.monotonic()
        prefix = text[: cursor.offset].rstrip() + "\n\n"  # every context ends on the same paragraph break
        following = backend.tokenize(text[cursor.offset: cursor.offset + 4000])[:CONTINUATION_TOKENS]
        prefix_tokens = backend.tokenize(prefix)
        following_text = backend._llm.detokenize(following).decode("utf-8", errors="replace")
        prompts = prefix_contexts(prefix, folder, budgets, variants, following_text if ceilings else None, ceilings)
        changes = []
        for budget in budgets:
            window = prefix_tokens[-(budget - 1):]  # the BOS token makes the budget
            contexts = {"sliding window": window}
            for name in (DEFAULT, *variants, *(CEILINGS[ceiling] for ceiling in ceilings)):
                contexts[name] = backend.tokenize(prompts[budget, name].rstrip() + "\n\n")
            cursor_scores = score_contexts(backend, contexts, following, prefix, window, cursor.kind)
            for name, score in cursor_scores.items():
                scores[budget].setdefault(name, Score()).add(score)
            changes.append(f"{budget}: " + ", ".join(f"{name} {change:+.1%}"
                                                      for name, change in _cursor_changes(cursor_scores).items()))
        print(f"  {cursor.kind} at {cursor.offset / len(text):.0%}: {time.monotonic() - started:.0f} s; "
              f"against the window at {'; '.join(changes)}", file=sys.stderr, flush=True)
    return scores


def _cursor_changes(scores: dict[str, CursorScore]) -> dict[str, float]:
    """Each context's overall NLL at one cursor against the window's, as a fraction: where a
    layout wins or loses is a cursor, and the means hide which."""
    window = statistics.mean(scores["sliding window"].overall)
    return {name: statistics.mean(score.overall) / window - 1 for name, score in scores.items()
            if name != "sliding window"}


def _ceilings(chosen: list[str] | None) -> tuple[str, ...]:
    """``--ceiling``'s kinds: none when absent, the cast line when given bare."""
    if chosen is None:
        return ()
    return tuple(chosen) or ("cast",)


def book_text(raw: str, form: str) -> str:
    """The book in the form the bench reads it: ``imported``, with its paragraphs unwrapped as
    import stores them (headings kept as paragraphs of their own), or ``raw``, the file as it is."""
    return raw if form == "raw" else normalise_paragraphs(raw.replace("\r\n", "\n"))


def novels_in(corpus: Path, names: list[str]) -> list[Path]:
    found = sorted(corpus.glob("*.txt"))
    if names:
        found = [path for path in found if path.stem in names]
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=int, nargs="+", default=[1024, 3840])
    parser.add_argument("--paragraphs", type=int, default=8, help="paragraph starts over 30-90%% of each book")
    parser.add_argument("--middles", type=int, default=4, help="chapter middles over 30-90%% of each book")
    parser.add_argument("--corpus", type=Path, default=CORPUS,
                        help="a folder of .txt novels (default: the shared corpus)")
    parser.add_argument("--novels", nargs="+", default=[], metavar="NAME", help="only these novels (file stems)")
    parser.add_argument("--variant", action="append", default=[], metavar="NAME=KEY:VALUE,...",
                        help="also measure other section shares, e.g. 'no-opening=opening:0'")
    parser.add_argument("--text", choices=["imported", "raw"], default="imported",
                        help="score the book as a project holds it (paragraphs unwrapped, the default) or the file "
                        "as it is, hard line breaks and all, as an outside probe reads it")
    parser.add_argument("--ceiling", nargs="*", choices=sorted(CEILINGS), metavar="KIND",
                        help="also measure oracles made from the true next passage: 'cast' (a cast line of exactly "
                        "the people it names), 'recall' (that and earlier sentences naming them); no KIND: cast")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--tables", nargs="+", type=Path, metavar="JSON",
                        help="print the tables of earlier --json runs (one budget each, say) instead of running")
    args = parser.parse_args()
    if args.tables:
        runs = [json.loads(path.read_text()) for path in args.tables]
        print_tables(runs[0]["machine"], runs[0]["cursors"], [row for run in runs for row in run["rows"]])
        return 0
    variants = dict(parse_variant(v) for v in args.variant)
    novels = novels_in(args.corpus, args.novels)
    if not novels:
        print(f"bench: no .txt novels in {args.corpus}", file=sys.stderr)
        return 2
    backend = LlamaBackend(ensure_default_model(), LlamaSettings(n_ctx=max(args.budget) + CONTINUATION_TOKENS + 16))
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for novel in novels:
            print(f"{novel.stem}…", file=sys.stderr, flush=True)
            text = book_text(novel.read_text(encoding="utf-8"), args.text)
            scores = evaluate(backend, text, args.budget, variants, args.paragraphs, args.middles, Path(folder),
                              _ceilings(args.ceiling))
            for budget in args.budget:
                novel_rows = _rows(novel.stem, budget, scores[budget])
                rows.extend(novel_rows)
                for row in novel_rows:  # what a long run has found so far, should it be stopped
                    print(f"  {row['novel']} {budget} {row['variant']}: overall {_change(row, 'nll')}, "
                          f"names {_change(row, 'name_nll')}, far {_change(row, 'far_nll')}",
                          file=sys.stderr, flush=True)
    cursors = f"{args.paragraphs} paragraph starts and {args.middles} chapter middles, {args.text} text"
    if args.json:
        print(json.dumps({"machine": machine_description(), "cursors": cursors, "rows": rows}, indent=2))
        return 0
    print_tables(machine_description(), cursors, rows)
    return 0


def print_tables(machine: str, cursors: str, rows: list[dict]) -> None:
    print(f"Machine: {machine}")
    print(f"Gemma 3 270M Q4_K_M; per novel {cursors} over 30-90% of the book; true next {CONTINUATION_TOKENS} "
          "tokens; mean NLL in nats/token (lower is better); change = context against the window\n")
    print("| budget | novel | context | tokens (names, far) | window | context | change | paragraphs | middles "
          "| names: window | names: context | names: change | far: window | far: context | far: change |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for budget in dict.fromkeys(r["budget"] for r in rows):
        for variant in dict.fromkeys(r["variant"] for r in rows if r["budget"] == budget):
            chosen = [r for r in rows if r["budget"] == budget and r["variant"] == variant]
            for r in [*chosen, _mean_row(chosen)]:
                print(f"| {budget} | {r['novel']} | {variant} | "
                      f"{r['tokens']} ({r['name_tokens']}, {r['far_tokens']}) | "
                      f"{r['window_nll']:.3f} | {r['memory_nll']:.3f} | {_change(r, 'nll')} | "
                      f"{_change(r, 'paragraph_nll')} | {_change(r, 'middle_nll')} | "
                      + " | ".join(f"{r['window_' + k]:.3f} | {r['memory_' + k]:.3f} | {_change(r, k)}"
                                   for k in ("name_nll", "far_nll")) + " |")


_KEYS = ("nll", "paragraph_nll", "middle_nll", "name_nll", "far_nll")


def _rows(novel: str, budget: int, scores: dict[str, Score]) -> list[dict]:
    window = scores["sliding window"]
    rows = []
    for variant, score in scores.items():
        if variant == "sliding window":
            continue
        row = {"novel": novel, "budget": budget, "variant": variant,
               "tokens": len(window.overall), "name_tokens": len(window.names), "far_tokens": len(window.far)}
        for key in _KEYS:
            row["window_" + key] = window.mean(key)
            row["memory_" + key] = score.mean(key)
        rows.append(row)
    return rows


def _mean_row(rows: list[dict]) -> dict:
    """The mean of the novels' own means: each novel weighs the same."""
    mean = {"novel": "**mean**", "budget": rows[0]["budget"], "variant": rows[0]["variant"]}
    for key in _KEYS:
        for side in ("window_", "memory_"):
            values = [r[side + key] for r in rows if r[side + key] == r[side + key]]  # nan: no such tokens
            mean[side + key] = statistics.mean(values) if values else float("nan")
    for key in ("tokens", "name_tokens", "far_tokens"):
        mean[key] = sum(r[key] for r in rows)
    return mean


def _change(row: dict, key: str) -> str:
    window, memory = row["window_" + key], row["memory_" + key]
    if window != window or memory != memory:
        return "–"
    return f"{memory / window - 1:+.1%}"


if __name__ == "__main__":
    sys.exit(main())
