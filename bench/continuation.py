"""Does the memory layer predict a novel's true next passage better than a sliding window?

For each novel, at 12 cursors spread over its second half (the middle of 12 chapters),
the default model scores the true next 256 tokens (mean negative log-likelihood,
nats per token) given two contexts of the same budget: the last B tokens before the
cursor (the sliding window) and the context the app builds there. Three token sets:

* all tokens;
* name tokens: tokens that start a capitalised word in mid-sentence, where forgetting
  the cast shows first;
* far name tokens: name tokens whose word is not in the window's B tokens but occurs
  earlier in the book: the tokens only memory can help with.

Runs on every novel of the shared corpus by default, or on the ``.txt`` novels of
``--corpus DIR`` (chapters are detected as on import).

    python bench/continuation.py [--budget 1024 3840] [--cursors 12] [--novels NAME ...] [--json]
    python bench/continuation.py --tables run-1024.json run-3840.json
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.machine import machine_description  # noqa: E402
from engine.backend.llama_backend import LlamaBackend, LlamaSettings  # noqa: E402
from engine.models.default_model import ensure_default_model  # noqa: E402
from memory.assembler import ContextShares, assemble  # noqa: E402
from memory.bible import extract_bible  # noqa: E402
from memory.cursor import cursor_at  # noqa: E402
from memory.importer import import_manuscript  # noqa: E402
from memory.manuscript import paragraph_spans  # noqa: E402
from memory.project import Project  # noqa: E402

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
CONTINUATION_TOKENS = 256
_SENTENCE_END = set('.!?"\u201c\u201d\n:;')


@dataclass
class Score:
    overall: list[float]
    names: list[float]
    far: list[float]


def name_token_mask(backend: LlamaBackend, tokens: list[int]) -> list[bool]:
    """True for tokens that start a capitalised word in mid-sentence."""
    mask, text = [], ""
    for token in tokens:
        piece = backend._llm.detokenize([token]).decode("utf-8", errors="replace")
        stripped = piece.lstrip()
        starts_word = bool(stripped) and (piece != stripped or not text or text[-1].isspace())
        before = text.rstrip()
        mid_sentence = bool(before) and before[-1] not in _SENTENCE_END
        mask.append(starts_word and stripped[:1].isupper() and mid_sentence)
        text += piece
    return mask


def name_words(backend: LlamaBackend, tokens: list[int], mask: list[bool]) -> list[str]:
    """The word each name token starts, in order."""
    pieces = [backend._llm.detokenize([token]).decode("utf-8", errors="replace") for token in tokens]
    words = []
    for index, is_name in enumerate(mask):
        if is_name:
            rest = "".join(pieces[index:index + 8]).lstrip()
            words.append(re.match(r"[\w'\u2019-]*", rest).group().rstrip("'\u2019-"))
    return words


def is_far(word: str, window_text: str, earlier_text: str) -> bool:
    """Not in the window but named earlier in the book."""
    pattern = re.compile(rf"\b{re.escape(word)}\b")
    return bool(word) and not pattern.search(window_text) and bool(pattern.search(earlier_text))


def story_text_before(project: Project, document_id: int, offset: int) -> str:
    """The manuscript's story text (no front matter, no headings) up to a point, as the window sees it."""
    texts = []
    for document in project.documents:
        if document.kind == "front" or not document.text:
            continue
        if document.id == document_id:
            texts.append(document.text[:offset].rstrip())
            break
        texts.append(document.text)
    return "\n\n".join(texts)


def parse_variant(text: str) -> tuple[str, ContextShares]:
    """``name=opening:0.05,facts:0.08`` -> a named set of shares (unnamed fields keep their defaults)."""
    name, _, fields = text.partition("=")
    defaults = ContextShares()
    values: dict[str, object] = {}
    for key, value in (item.split(":") for item in fields.split(",") if item):
        kind = type(getattr(defaults, key))
        values[key] = bool(float(value)) if kind is bool else kind(float(value))
    return name, ContextShares(**values)


def evaluate(backend: LlamaBackend, project: Project, budget: int, cursors: int,
             variants: dict[str, ContextShares], positions: tuple[float, ...] = (0.5,)) -> dict[str, Score]:
    """Scores at ``cursors`` chapters of the second half, at each of ``positions`` (shares of
    the chapter's paragraphs) in each: more positions, more name tokens, steadier figures."""
    chapters = project.store.chapters()
    half = len(chapters) // 2
    picks = sorted({half + round(i * (len(chapters) - half - 1) / max(1, cursors - 1)) for i in range(cursors)})
    scores = {name: Score([], [], []) for name in ["sliding window", *variants]}
    for pick, position in ((pick, position) for pick in picks for position in positions):
        chapter = chapters[pick]
        spans = paragraph_spans(chapter.text)
        if len(spans) < 3:
            continue
        paragraph = max(2, int(len(spans) * position))
        offset = spans[paragraph - 1][0]
        following = backend.tokenize("\n\n" + chapter.text[offset:])[:CONTINUATION_TOKENS]
        earlier = story_text_before(project, chapter.id, offset)
        before = backend.tokenize(earlier)
        window = [backend._llm.token_bos(), *before[-budget:]]
        window_text = backend._llm.detokenize(before[-budget:]).decode("utf-8", errors="replace")
        contexts = {"sliding window": window}
        for name, shares in variants.items():
            assembled = assemble(project, budget, cursor_at(project, pick + 1, paragraph), shares=shares)
            contexts[name] = backend.tokenize(assembled.text, add_bos=True)
        mask = name_token_mask(backend, following)
        far = [is_far(word, window_text, earlier[: len(earlier) - len(window_text)])
               for word in name_words(backend, following, mask)]
        for name, context in contexts.items():
            result = backend.score_tokens(context, following)
            nll = [-v for v in result.logprobs]
            named = [v for v, is_name in zip(nll, mask) if is_name]
            scores[name].overall.extend(nll)
            scores[name].names.extend(named)
            scores[name].far.extend(v for v, is_far_name in zip(named, far) if is_far_name)
        print(f"  budget {budget}, chapter {pick + 1}, paragraph {paragraph}: {sum(mask)} name tokens, "
              f"{sum(far)} far", file=sys.stderr, flush=True)
    return scores


def _mean(values: list[float]) -> float:
    return statistics.mean(values) if values else float("nan")


def novels_in(corpus: Path, names: list[str]) -> list[Path]:
    found = sorted(corpus.glob("*.txt"))
    if names:
        found = [path for path in found if path.stem in names]
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=int, nargs="+", default=[1024, 3840])
    parser.add_argument("--cursors", type=int, default=12)
    parser.add_argument("--positions", type=float, nargs="+", default=[0.5], metavar="SHARE",
                        help="where in each chapter to score, as shares of its paragraphs (default: the middle)")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="a folder of .txt novels (default: the shared corpus)")
    parser.add_argument("--novels", nargs="+", default=[], metavar="NAME", help="only these novels (file stems)")
    parser.add_argument("--variant", action="append", default=[], metavar="NAME=KEY:VALUE,...",
                        help="also measure other section shares, e.g. 'no-opening=opening:0'")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--tables", nargs="+", type=Path, metavar="JSON",
                        help="print the tables of earlier --json runs (one budget each, say) instead of running")
    args = parser.parse_args()
    if args.tables:
        runs = [json.loads(path.read_text()) for path in args.tables]
        print_tables(runs[0]["machine"], runs[0]["positions"], runs[0].get("cursors", args.cursors),
                     [row for run in runs for row in run["rows"]])
        return 0
    variants = {"memory layer": ContextShares(), **dict(parse_variant(v) for v in args.variant)}
    novels = novels_in(args.corpus, args.novels)
    if not novels:
        print(f"bench: no .txt novels in {args.corpus}", file=sys.stderr)
        return 2
    backend = LlamaBackend(ensure_default_model(), LlamaSettings(n_ctx=max(args.budget) + CONTINUATION_TOKENS + 8))
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for novel in novels:
            print(f"{novel.stem}…", file=sys.stderr, flush=True)
            project = Project.open(Path(folder) / f"{novel.stem}.draftsmith", backend.count_tokens, create=True)
            import_manuscript(project.store, novel, backend.count_tokens)
            project.ensure_summaries()
            extract_bible(project.store)
            for budget in args.budget:
                scores = evaluate(backend, project, budget, args.cursors, variants, tuple(args.positions))
                rows.extend(_rows(novel.stem, budget, scores, variants))
            project.close()
    if args.json:
        print(json.dumps({"machine": machine_description(), "positions": args.positions, "cursors": args.cursors,
                          "rows": rows}, indent=2))
        return 0
    print_tables(machine_description(), args.positions, args.cursors, rows)
    return 0


def print_tables(machine: str, positions: list[float], cursors: int, rows: list[dict]) -> None:
    print(f"Machine: {machine}")
    where = ", ".join(f"{p:g}" for p in positions)
    print(f"Gemma 3 270M Q4_K_M, {cursors} chapters per novel over its second half, scored at {where} of each "
          f"chapter's paragraphs, true next {CONTINUATION_TOKENS} tokens; mean NLL in nats/token (lower is better); "
          "change = memory against the window\n")
    print("| budget | novel | context | tokens (names, far) | window | memory | change | names: window | names: memory "
          "| names: change | far: window | far: memory | far: change |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for budget in dict.fromkeys(r["budget"] for r in rows):
        for variant in dict.fromkeys(r["variant"] for r in rows if r["budget"] == budget):
            chosen = [r for r in rows if r["budget"] == budget and r["variant"] == variant]
            for r in [*chosen, _mean_row(chosen)]:
                print(f"| {budget} | {r['novel']} | {variant} | {r['tokens']} ({r['name_tokens']}, {r['far_tokens']}) | "
                      + " | ".join(f"{r['window_' + k]:.3f} | {r['memory_' + k]:.3f} | {_change(r, k)}"
                                   for k in ("nll", "name_nll", "far_nll")) + " |")


def _rows(novel: str, budget: int, scores: dict[str, Score], variants: dict[str, ContextShares]) -> list[dict]:
    window = scores["sliding window"]
    return [{
        "novel": novel, "budget": budget, "variant": variant,
        "window_nll": _mean(window.overall), "memory_nll": _mean(scores[variant].overall),
        "window_name_nll": _mean(window.names), "memory_name_nll": _mean(scores[variant].names),
        "window_far_nll": _mean(window.far), "memory_far_nll": _mean(scores[variant].far),
        "tokens": len(window.overall), "name_tokens": len(window.names), "far_tokens": len(window.far),
    } for variant in variants]


def _mean_row(rows: list[dict]) -> dict:
    """The mean of the novels' own means: each novel weighs the same."""
    mean = {"novel": "**mean**", "budget": rows[0]["budget"], "variant": rows[0]["variant"]}
    for key in ("window_nll", "memory_nll", "window_name_nll", "memory_name_nll", "window_far_nll", "memory_far_nll"):
        values = [r[key] for r in rows if r[key] == r[key]]  # nan: a novel with no such tokens
        mean[key] = statistics.mean(values) if values else float("nan")
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
