"""Does the memory layer predict a novel's true next passage better than a sliding window?

For each shared novel, at 12 cursors spread over its second half, the default model
scores the true next 128 tokens (mean negative log-likelihood, nats per token) given
two contexts of the same budget: the last N tokens before the cursor (the sliding
window) and the context the assembler builds. Name tokens are tokens that start a
capitalised word in mid-sentence, where forgetting the cast shows first.

    python bench/continuation.py [--budget 1024] [--cursors 12] [--json]
"""

from __future__ import annotations

import argparse
import json
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
NOVELS = ("pride_and_prejudice", "treasure_island")
CONTINUATION_TOKENS = 128
_SENTENCE_END = set('.!?"\u201c\u201d\n:;')


@dataclass
class Score:
    overall: list[float]
    names: list[float]


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
    picks = [half + round(i * (len(chapters) - half - 1) / max(1, cursors - 1)) for i in range(cursors)]
    scores = {name: Score([], []) for name in ["sliding window", *variants]}
    for pick, position in ((pick, position) for pick in picks for position in positions):
        chapter = chapters[pick]
        spans = paragraph_spans(chapter.text)
        paragraph = max(2, int(len(spans) * position))
        offset = spans[paragraph - 1][0]
        following = backend.tokenize("\n\n" + chapter.text[offset:])[:CONTINUATION_TOKENS]
        before = backend.tokenize(story_text_before(project, chapter.id, offset))
        window = [backend._llm.token_bos(), *before[-budget:]]
        contexts = {"sliding window": window}
        for name, shares in variants.items():
            assembled = assemble(project, budget, cursor_at(project, pick + 1, paragraph), shares=shares)
            contexts[name] = backend.tokenize(assembled.text, add_bos=True)
        mask = name_token_mask(backend, following)
        for name, context in contexts.items():
            result = backend.score_tokens(context, following)
            scores[name].overall.extend(-v for v in result.logprobs)
            scores[name].names.extend(-v for v, is_name in zip(result.logprobs, mask) if is_name)
        print(f"  cursor at chapter {pick + 1}, paragraph {paragraph}: {sum(mask)} name tokens", file=sys.stderr)
    return scores


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=int, default=1024)
    parser.add_argument("--cursors", type=int, default=12)
    parser.add_argument("--positions", type=float, nargs="+", default=[0.5], metavar="SHARE",
                        help="where in each chapter to score, as shares of its paragraphs (default: the middle)")
    parser.add_argument("--variant", action="append", default=[], metavar="NAME=KEY:VALUE,...",
                        help="also measure other section shares, e.g. 'no-opening=opening:0'")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    variants = {"memory layer": ContextShares(), **dict(parse_variant(v) for v in args.variant)}
    backend = LlamaBackend(ensure_default_model(), LlamaSettings(n_ctx=2048))
    results: dict[str, dict[str, Score]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for novel in NOVELS:
            print(f"{novel}…", file=sys.stderr)
            project = Project.open(Path(folder) / f"{novel}.draftsmith", backend.count_tokens, create=True)
            import_manuscript(project.store, CORPUS / f"{novel}.txt", backend.count_tokens)
            project.ensure_summaries()
            extract_bible(project.store)
            results[novel] = evaluate(backend, project, args.budget, args.cursors, variants, tuple(args.positions))
            project.close()
    rows = []
    for novel, scores in results.items():
        window = scores["sliding window"]
        for variant in variants:
            memory = scores[variant]
            rows.append({
                "novel": novel, "variant": variant,
                "window_nll": statistics.mean(window.overall), "memory_nll": statistics.mean(memory.overall),
                "window_name_nll": statistics.mean(window.names), "memory_name_nll": statistics.mean(memory.names),
                "tokens": len(window.overall), "name_tokens": len(window.names),
            })
    if args.json:
        print(json.dumps({"machine": machine_description(), "budget": args.budget, "positions": args.positions,
                          "rows": rows}, indent=2))
        return 0
    print(f"Machine: {machine_description()}")
    where = ", ".join(f"{p:g}" for p in args.positions)
    print(f"Gemma 3 270M Q4_K_M, budget {args.budget} tokens, {args.cursors} chapters per novel over its second "
          f"half, scored at {where} of each chapter's paragraphs, true next {CONTINUATION_TOKENS} tokens; "
          f"mean NLL in nats/token (lower is better)\n")
    print("| novel | context | tokens (names) | sliding window | memory layer | change | names: window "
          "| names: memory | names: change |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        change = r["memory_nll"] / r["window_nll"] - 1
        name_change = r["memory_name_nll"] / r["window_name_nll"] - 1
        print(f"| {r['novel']} | {r['variant']} | {r['tokens']} ({r['name_tokens']}) | {r['window_nll']:.3f} | {r['memory_nll']:.3f} "
              f"| {change:+.1%} | {r['window_name_nll']:.3f} | {r['memory_name_nll']:.3f} | {name_change:+.1%} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
