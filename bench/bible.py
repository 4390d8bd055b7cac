"""The story bible against hand-made cast lists: who is who, per novel and on average.

Each novel is imported into a fresh project and its bible built as ``draftsmith import``
builds it. The bible is scored against ``cast/<novel>.cast.tsv`` (see
``bench/cast_lists.py``), and the cast line the assembler writes is read at 12 cursors
spread over the book: the share of the names in it that are listed people or places
(or ones the list's notes leave out on purpose). A novel without a cast list has its
top entries printed, for reading by eye. Last, the bible of a 500,000-word manuscript
(the novels joined) is built and timed.

    python bench/bible.py [--corpus DIR] [--cast DIR] [--novels NAME ...] [--details] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.cast_lists import Entry, cast_line_names, normal, read_cast, score_bible  # noqa: E402
from bench.continuation import novels_in  # noqa: E402
from bench.machine import machine_description  # noqa: E402
from engine.models.default_model import ensure_default_model  # noqa: E402
from engine.tokenizer import Tokenizer  # noqa: E402
from memory.context.assembler import assemble  # noqa: E402
from memory.context.bible import extract_bible, find_bible_entries  # noqa: E402
from memory.context.cursor import cursor_at  # noqa: E402
from memory.importer import import_manuscript  # noqa: E402
from memory.project import Project  # noqa: E402

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
CURSORS = 12
BUDGET = 1024
GOALS = {"precision": 0.90, "recall": 0.90, "alias_accuracy": 0.85, "pronoun_accuracy": 0.95}


def entries_of(bible) -> list[Entry]:
    return [Entry(e.name, tuple(e.aliases), e.pronouns, e.kind) for e in bible]


def cast_line_share(project: Project, cast) -> tuple[float, list[str]]:
    """The share of names in the cast line that are listed (or left out on purpose), over 12 cursors."""
    chapters = len([d for d in project.documents if d.kind == "chapter"])
    good, total, strays = 0, 0, []
    for index in range(CURSORS):
        chapter = 1 + (index + 1) * (chapters - 1) // (CURSORS + 1)
        context = assemble(project, BUDGET, cursor_at(project, chapter, 2))
        facts = context.section("facts")
        for name in cast_line_names(facts.text if facts else ""):
            total += 1
            if cast.member_of(name) is not None or normal(name) in cast.left_out:
                good += 1
            else:
                strays.append(name)
    return good / max(1, total), sorted(set(strays))


def run_novel(path: Path, cast_dir: Path, tokenizer: Tokenizer, folder: Path) -> dict[str, object]:
    project = Project.open(folder / f"{path.stem}.draftsmith", tokenizer.count_tokens, create=True,
                           joins_add_up=tokenizer.joins_add_up)
    import_manuscript(project.store, path, tokenizer.count_tokens)
    project.ensure_summaries()
    started = time.perf_counter()
    bible = extract_bible(project.store)
    seconds = time.perf_counter() - started
    row: dict[str, object] = {"novel": path.stem, "entries": len(bible), "bible_s": seconds,
                              "top": [e.line(with_aliases=True) for e in bible[:30]]}
    cast_path = cast_dir / f"{path.stem}.cast.tsv"
    if cast_path.exists():
        cast = read_cast(cast_path)
        score = score_bible(entries_of(bible), cast)
        share, strays = cast_line_share(project, cast)
        row.update(score.__dict__)
        row["cast_line"] = share
        row["cast_line_strays"] = strays
    project.close()
    return row


def time_large_bible(paths: list[Path], words: int = 500_000) -> tuple[int, float]:
    """Seconds to find the entries of a manuscript of about ``words`` words (the novels joined)."""
    texts, total = [], 0
    while total < words:
        for path in paths:
            text = path.read_text(encoding="utf-8")
            texts.append(text)
            total += len(text.split())
            if total >= words:
                break
    text = "\n\n".join(texts)
    started = time.perf_counter()
    find_bible_entries(text)
    return len(text.split()), time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="folder of novels (.txt)")
    parser.add_argument("--cast", type=Path, default=None, help="folder of cast lists (default: CORPUS/cast)")
    parser.add_argument("--novels", nargs="+", help="novel names (file stems); all by default")
    parser.add_argument("--details", action="store_true", help="print each novel's misses and judgements")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    cast_dir = args.cast or args.corpus / "cast"
    paths = novels_in(args.corpus, args.novels)
    if not paths:
        print(f"No novels to read in {args.corpus}.", file=sys.stderr)
        return 2
    tokenizer = Tokenizer(ensure_default_model())
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for path in paths:
            print(f"{path.stem}…", file=sys.stderr)
            rows.append(run_novel(path, cast_dir, tokenizer, Path(folder)))
    large_words, large_seconds = time_large_bible(paths)
    scored = [r for r in rows if "precision" in r]
    means = {key: statistics.mean(r[key] for r in scored) for key in (*GOALS, "cast_line")} if scored else {}
    if args.json:
        print(json.dumps({"machine": machine_description(), "rows": rows, "means": means,
                          "large": {"words": large_words, "seconds": large_seconds}}, indent=2))
        return 0
    print(f"Machine: {machine_description()}\n")
    print("| novel | entries | precision top 30 | recall (15+ mentions) | alias accuracy | pronoun accuracy "
          "(given) | cast line | bible (s) |")
    print("|---|---|---|---|---|---|---|---|")
    for r in scored:
        print(f"| {r['novel']} | {r['entries']} | {r['precision']:.0%} | {r['recall']:.0%} | "
              f"{r['alias_accuracy']:.0%} | {r['pronoun_accuracy']:.0%} ({r['pronouns_given']}) | "
              f"{r['cast_line']:.0%} | {r['bible_s']:.2f} |")
    if means:
        print(f"| **mean** | | {means['precision']:.1%} | {means['recall']:.1%} | {means['alias_accuracy']:.1%} | "
              f"{means['pronoun_accuracy']:.1%} | {means['cast_line']:.1%} | |")
        failing = [f"{r['novel']} {key}" for r in scored for key, goal in GOALS.items() if r[key] < goal]
        print(f"\nGoals (precision 90%, recall 90%, aliases 85%, pronouns 95%) missed: {', '.join(failing) or 'none'}")
    print(f"\nBible of a {large_words:,}-word manuscript (the novels joined): {large_seconds:.2f} s")
    for r in rows:
        if "precision" not in r:
            print(f"\n{r['novel']} (no cast list): top entries\n" + "\n".join(f"  {line}" for line in r["top"]))
        elif args.details:
            print(f"\n## {r['novel']}")
            for key in ("counted_as_left_out", "wrong_in_top", "duplicates", "missed", "pronouns_wrong",
                        "cast_line_strays", "aliases_wrong"):
                print(f"- {key.replace('_', ' ')}: {'; '.join(r[key]) or '-'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
