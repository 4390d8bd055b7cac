"""Import and context-assembly times of the memory layer at 50k, 200k and 500k words.

Manuscripts are built from the two shared novels, repeated and renumbered into
one long book. Import covers reading, heading detection, exact token counts with
the default model's tokenizer, chunking and the SQLite writes; extractive summaries
and the story bible are timed apart. Assembly is timed at 20 cursors spread over
the book's second half, after a first (cold) call at the furthest of them that builds
the pyramid and reads each chunk's names once (both are kept for the project's life,
so a writer pays them once per opened project, not per prompt).

    python bench/memory.py [--words 50000 200000 500000] [--budget 1024] [--json]
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

from bench.machine import machine_description  # noqa: E402
from engine.models.default_model import ensure_default_model  # noqa: E402
from engine.tokenizer import Tokenizer  # noqa: E402
from memory.context.assembler import assemble  # noqa: E402
from memory.context.bible import extract_bible  # noqa: E402
from memory.context.cursor import cursor_at  # noqa: E402
from memory.importer import import_manuscript  # noqa: E402
from memory.project import Project  # noqa: E402
from memory.storage.store import ProjectStore  # noqa: E402

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def chapters_of(name: str) -> list[str]:
    text = (CORPUS / f"{name}.txt").read_text()
    starts = [m.start() for m in re.finditer(r"^Chapter \d+$", text, re.MULTILINE)]
    if not starts:  # Treasure Island: bare-number headings after the parts
        starts = [m.start() for m in re.finditer(r"^\d{1,2}\n\n[A-Z]", text, re.MULTILINE)][1:]
    bodies = []
    for start, end in zip(starts, starts[1:] + [len(text)]):
        body = text[start:end].split("\n", 1)[1]
        bodies.append(re.sub(r"^PART [A-Z]+--.*$", "", body, flags=re.MULTILINE).strip())
    return bodies


_OPENERS = ("", "Then ", "Later, ", "Again, ", "Still, ", "Meanwhile, ")


def synthetic_book(words: int) -> str:
    """A book of about ``words`` words; each repeat of the novels is reworded slightly so no
    paragraph repeats (repeats would be counted once and flatter the import time)."""
    pool = chapters_of("pride_and_prejudice") + chapters_of("treasure_island")
    parts, total, index = [], 0, 0
    while total < words:
        body = pool[index % len(pool)]
        opener = _OPENERS[(index // len(pool)) % len(_OPENERS)]
        if opener:
            body = "\n\n".join(opener + paragraph for paragraph in body.split("\n\n"))
        parts.append(f"Chapter {index + 1}\n\n{body}\n")
        total += len(body.split())
        index += 1
    return "\n\n".join(parts)


def timed(function):
    started = time.perf_counter()
    result = function()
    return result, time.perf_counter() - started


def run_size(words: int, tokenizer: Tokenizer, budget: int, folder: Path) -> dict[str, object]:
    manuscript = folder / f"book-{words}.txt"
    manuscript.write_text(synthetic_book(words))
    store = ProjectStore(folder / f"book-{words}.draftsmith", create=True)
    report, import_seconds = timed(lambda: import_manuscript(store, manuscript, tokenizer.count_tokens))
    project = Project(store, tokenizer.count_tokens, tokenizer.joins_add_up)
    written, summary_seconds = timed(project.ensure_summaries)
    _, bible_seconds = timed(lambda: extract_bible(store))
    chapters = len(store.chapters())
    cursors = [cursor_at(project, chapters // 2 + i * (chapters // 2) // 20, 3) for i in range(20)]
    project = Project(store, tokenizer.count_tokens, tokenizer.joins_add_up)  # fresh caches for the cold call
    _, cold = timed(lambda: assemble(project, budget, cursors[-1]))
    tokenizer.joins_add_up(wait=True)  # read once per loaded vocabulary, in the background
    verified = [timed(lambda c=c: assemble(project, budget, c))[1] for c in cursors]
    counting = Project(store, tokenizer.count_tokens)  # joins not known to add up: the prompt is counted again
    assemble(counting, budget, cursors[-1])  # its own cold call, as above
    counted_twice = [timed(lambda c=c: assemble(counting, budget, c))[1] for c in cursors]
    unverified = [timed(lambda c=c: assemble(project, budget, c, verify=False))[1] for c in cursors]
    store.close()
    return {
        "words": report.words, "chapters": report.chapters, "chunks": report.chunks,
        "import_s": import_seconds, "extractive_summaries_s": summary_seconds, "summaries": written,
        "bible_s": bible_seconds, "assemble_cold_ms": cold * 1000,
        "assemble_ms": statistics.median(verified) * 1000,
        "assemble_counted_twice_ms": statistics.median(counted_twice) * 1000,
        "assemble_unverified_ms": statistics.median(unverified) * 1000,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, nargs="+", default=[50_000, 200_000, 500_000])
    parser.add_argument("--budget", type=int, default=1024)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    tokenizer, load_seconds = timed(lambda: Tokenizer(ensure_default_model()))
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for words in args.words:
            print(f"{words:,} words…", file=sys.stderr)
            rows.append(run_size(words, tokenizer, args.budget, Path(folder)))
    if args.json:
        print(json.dumps({"machine": machine_description(), "tokenizer_load_s": load_seconds, "rows": rows},
                         indent=2))
        return 0
    print(f"Machine: {machine_description()}")
    print(f"Tokenizer (Gemma 3 270M vocabulary) loaded in {load_seconds:.2f} s; budget {args.budget} tokens; "
          "assembly: median of 20 cursors\n")
    print("| words | chapters | chunks | import (s) | extractive summaries (s) | bible (s) "
          "| assemble cold (ms) | assemble (ms) | assemble, counted twice (ms) | assemble, no final count (ms) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['words']:,} | {r['chapters']} | {r['chunks']} | {r['import_s']:.2f} | "
              f"{r['extractive_summaries_s']:.2f} | {r['bible_s']:.2f} | {r['assemble_cold_ms']:.1f} | "
              f"{r['assemble_ms']:.1f} | {r['assemble_counted_twice_ms']:.1f} | {r['assemble_unverified_ms']:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
