"""Draft the same fixed outline with the memory layer and with a plain sliding window.

Every run uses the default model, the same seed, the same outline notes and the same
context budget. The plain sliding window gets no opening, cast or summaries (every
memory share set to zero) and no checks against the bible (no passage written again
for a pronoun or for naming nobody in its beat). A third run, the sliding window with
those checks, tells what the context adds apart from the checks. Per 1,000 words it
prints pronoun flips of named characters (against the bible), names introduced and
never reused, repeated 4-grams, beat coverage (share of beats whose key words appear
in their passage) and tokens/s.

    python bench/drafting.py [--chapters 4] [--beats 5] [--beat-words 250] [--seeds 7 11 13] [--keep DIR] [--json]
    python bench/drafting.py --remeasure DIR [--seeds 7 11 13] [--json]

``--keep`` writes each draft, its beats with their passages and its run's figures;
``--remeasure`` reads them back and measures the text again without drafting, so a
corrected measure can be applied to an hour's drafts.

With several seeds it drafts the outline once per seed and variant, and prints each
seed's figures and their mean: one draft of 5,000 words is a small sample, and a few
sentences move its figures.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.machine import machine_description  # noqa: E402
from engine.backend.llama_backend import LlamaBackend, LlamaSettings  # noqa: E402
from engine.backend.protocol import SamplingSettings  # noqa: E402
from engine.models.default_model import ensure_default_model  # noqa: E402
from engine.sampler_presets import PRESETS, preset_settings  # noqa: E402
from engine.workflows.drafting import BeatNotWritten, draft  # noqa: E402
from memory.context.assembler import ContextShares  # noqa: E402
from memory.context.bible import BibleEntry, save_entry  # noqa: E402
from memory.continuity import PRONOUN_SETS, pronoun_flips, repeated_ngram_count, single_mentions  # noqa: E402
from memory.drafts import drafted_passages  # noqa: E402
from memory.project import BIBLE_REWRITES, Project  # noqa: E402
from memory.storage.outline_store import PlannedNode, add_children, create_book, load_outline  # noqa: E402
from memory.text.text_analysis import NOT_NAMES, names_in  # noqa: E402

N_CTX = 2048
HEADING_MARK = "## "
CAST = [
    BibleEntry("Ada Fenn", aliases=["Ada"], pronouns="she/her", facts=["keeper of the Skerry light"], source="writer"),
    BibleEntry("Tom Reyes", aliases=["Tom"], pronouns="he/him", facts=["a sailor pulled from the sea"],
               source="writer"),
    BibleEntry("Mirelle Okafor", aliases=["Mirelle", "Captain Okafor"], pronouns="she/her",
               facts=["captain of the revenue cutter"], source="writer"),
    BibleEntry("Silas Brand", aliases=["Silas"], pronouns="he/him", facts=["the harbourmaster, Ada's uncle"],
               source="writer"),
]
TITLE = "The Skerry Light"
PREMISE = ("Ada Fenn, keeper of a lighthouse on a lonely skerry, pulls a half-drowned sailor, Tom Reyes, "
           "from the sea, and learns that the harbourmaster, her uncle Silas Brand, wrecked his ship on purpose.")
CHAPTERS = [
    ("The Wreck", "Ada Fenn sees a ship founder in a storm and pulls Tom Reyes from the surf.", [
        "Ada Fenn climbs the lighthouse stairs as the storm rises and trims the lamp.",
        "From the gallery Ada sees a ship's lights vanish on the rocks.",
        "Ada rows into the surf and drags Tom Reyes, half-drowned, into her boat.",
        "Ada carries Tom up to the lamp room and wraps him in blankets by the stove.",
        "Tom wakes, frightened, and tells Ada the ship's lights were put out on purpose.",
    ]),
    ("The Harbourmaster", "Silas Brand comes to the light asking about survivors; Ada hides Tom.", [
        "At dawn Silas Brand's boat crosses to the skerry with the tide.",
        "Ada hides Tom Reyes in the oil store before her uncle lands.",
        "Silas asks Ada whether anyone came ashore from the wreck, and she lies.",
        "Silas notices a wet coat by the stove and says nothing.",
        "When Silas leaves, Tom tells Ada that Silas was paid to darken the harbour light.",
    ]),
    ("The Cutter", "Captain Mirelle Okafor of the revenue cutter investigates the wreck.", [
        "Mirelle Okafor anchors the revenue cutter off the skerry and rows ashore.",
        "Mirelle questions Ada about the night of the storm and the lamp log.",
        "Ada shows Mirelle the log, which proves the light burned all night.",
        "Tom Reyes comes out of hiding and tells Mirelle what he saw from the deck.",
        "Mirelle agrees to take Tom's statement to the magistrate, if he lives to give it.",
    ]),
    ("The Dark Harbour", "Silas Brand tries to silence Tom; Ada and Mirelle stop him.", [
        "Silas Brand returns at night with two men and a lantern.",
        "Ada wakes Tom and bars the lighthouse door as the men force it.",
        "Ada lights the great lamp to signal the cutter across the water.",
        "Mirelle Okafor's crew lands and takes Silas and his men.",
        "At dawn Ada watches the cutter carry Tom and Silas to the mainland.",
    ]),
]
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_DETERMINERS = frozenset("the a an his her its their my our your two".split())
_NOT_NOUNS = frozenset("and or but as at by for from in into of on to up with across when while who whom which "
                       "that if is are was were be been whether anyone what he she it they him them nothing "
                       # the verbs that follow a noun in the outline's beats
                       "rises vanish crosses lands force carry burned proves says comes tells asks".split())


def key_nouns(synopsis: str) -> set[str]:
    """The beat's names and the words of its noun phrases (up to two words after a determiner
    or a possessive), lower-cased; a plural or possessive ending is dropped (names keep theirs)."""
    words = _WORD.findall(synopsis)
    cast_words = {part for entry in CAST for name in entry.all_names() for part in name.split()}
    names = {word.removesuffix("'s").lower() for index, word in enumerate(words)
             if word[0].isupper() and word not in NOT_NAMES
             and (index > 0 or word.removesuffix("'s") in cast_words)}
    nouns = set()
    for index, word in enumerate(words):
        if word.lower() in _DETERMINERS or word.endswith("'s"):
            for follower in words[index + 1 : index + 3]:
                if follower.lower() in _NOT_NOUNS or follower.lower() in _DETERMINERS or follower[0].isupper():
                    break
                nouns.add(_stem(follower))
    return names | nouns


def _stem(word: str) -> str:
    """``ship's`` and ``lights`` as ``ship`` and ``light``, so that either form is found."""
    word = word.lower().removesuffix("'s")
    return word[:-1] if word.endswith("s") and not word.endswith("ss") and len(word) > 3 else word


def build_project(path: Path, backend: LlamaBackend, chapters: int, beats: int, beat_words: int) -> Project:
    project = Project.open(path, backend.count_tokens, create=True)
    for entry in CAST:
        save_entry(project.store, entry)
    book = create_book(project.store, TITLE, PREMISE, chapters * beats * beat_words)
    for title, synopsis, beat_texts in CHAPTERS[:chapters]:
        chapter = add_children(project.store, book.id, [PlannedNode(title, synopsis, target_words=beats * beat_words)],
                               level="chapter")[0]
        add_children(project.store, chapter.id, [PlannedNode(f"Beat {i + 1}", text, target_words=beat_words)
                                                 for i, text in enumerate(beat_texts[:beats])], level="beat")
    return project


def beat_passages(project: Project) -> list[tuple[str, str]]:
    """Each beat's synopsis with the passage drafted for it ("" if none), in outline order."""
    beats = [n for n in load_outline(project.store).walk() if n.level == "beat"]
    passages = drafted_passages(project, [b.id for b in beats])
    return [(beat.synopsis, passages.get(beat.id, "")) for beat in beats]


def beat_coverage(beats: list[tuple[str, str]]) -> float:
    """Share of beats whose passage uses at least half of the beat's key nouns."""
    covered = 0
    for synopsis, passage in beats:
        keys = key_nouns(synopsis)
        text = passage.lower()
        if keys and sum(1 for key in keys if re.search(r"\b" + re.escape(key), text)) >= len(keys) / 2:
            covered += 1
    return covered / len(beats) if beats else 0.0


def known_words() -> set[str]:
    """Words that are no drift: the cast's names and every name the outline gives (its title,
    premise, chapters and beats), as the continuity report reads the outline."""
    outline = [TITLE, PREMISE, *(text for title, synopsis, beats in CHAPTERS for text in (title, synopsis, *beats))]
    cast = {word for entry in CAST for name in entry.all_names() for word in name.split()}
    return cast | {word for text in outline for name in names_in(text) for word in name.split()} | set(NOT_NAMES)


def measure(text: str, beats: list[tuple[str, str]]) -> dict[str, float]:
    """The text's figures per 1,000 words, and its beat coverage."""
    words = len(text.split())
    names = {alias: e.name for e in CAST for alias in e.all_names()}
    expected = {e.name: PRONOUN_SETS[e.pronouns] for e in CAST}
    per_thousand = 1000 / words if words else 0.0
    return {
        "words": words,
        "pronoun_flips": sum(pronoun_flips(text, names, expected).values()) * per_thousand,
        "name_drift": len(single_mentions(text, known_words())) * per_thousand,
        "repeated_4grams": repeated_ngram_count(text) * per_thousand,
        "beat_coverage": beat_coverage(beats),
    }


def run_variant(backend: LlamaBackend, name: str, shares: ContextShares | None, rewrites: int, seed: int,
                args: argparse.Namespace) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        project = build_project(Path(folder) / f"{name}.draftsmith", backend, args.chapters, args.beats,
                                args.beat_words)
        started = time.perf_counter()
        stopped = 0
        try:
            settings = preset_settings(args.sampler, SamplingSettings(seed=seed))
            settings = replace(settings, worn_phrases=True) if args.sampler != "plain" else settings
            project.context_shares = shares or project.context_shares
            project.bible_rewrites = rewrites
            report = draft(backend, project, None, settings,
                           on_progress=lambda p: print(f"  seed {seed}, {name}: {p.chapter} {p.node}",
                                                       file=sys.stderr, flush=True))
        except BeatNotWritten as error:  # measure what was drafted; the stop is a figure of its own
            print(f"  seed {seed}, {name}: {error}", file=sys.stderr, flush=True)
            report, stopped = error.report, 1
        chapters = [(d.title, d.text) for d in project.store.documents() if d.kind == "chapter"]
        text = "\n\n".join(chapter_text for _, chapter_text in chapters)
        beats = beat_passages(project)
        figures = {"tokens_per_second": report.tokens_per_second, "off_topic_retries": report.off_topic_retries,
                   "pronoun_retries": report.pronoun_retries, "commentary_retries": report.commentary_retries,
                   "stray_retries": report.stray_retries,
                   "stopped": stopped, "seconds": time.perf_counter() - started}
        result = {**measure(text, beats), **figures}
        if args.keep:
            keep_draft(args.keep / f"{name}-seed{seed}", chapters, beats, figures)
        project.close()
    return result


SLIDING_WINDOW = ContextShares(opening=0.0, facts=0.0, summaries=0.0, focus=0.0)
VARIANTS = (  # label, file name, shares, rewrites
    ("memory layer", "memory", None, BIBLE_REWRITES),
    ("window + checks", "window-checked", SLIDING_WINDOW, BIBLE_REWRITES),
    ("plain window", "window", SLIDING_WINDOW, 0),
)
ROWS = (("words", "words drafted (total)"), ("pronoun_flips", "pronoun flips of named characters"),
        ("name_drift", "names introduced and never reused"), ("repeated_4grams", "repeated 4-grams"),
        ("beat_coverage", "beat coverage (share of beats)"), ("tokens_per_second", "tokens/s"),
        ("commentary_retries", "passages written again, about a book instead of telling it (total)"),
        ("off_topic_retries", "passages written again, naming nobody in their beat (total)"),
        ("pronoun_retries", "passages written again, a pronoun against the bible (total)"),
        ("stray_retries", "passages written again, bringing in many names new to the book (total)"),
        ("stopped", "drafts stopped at a beat with no usable prose in every try"),
        ("seconds", "seconds (total)"))


def keep_draft(stem: Path, chapters: list[tuple[str, str]], beats: list[tuple[str, str]], figures: dict) -> None:
    """Write a draft for reading (``stem``.md), its beats with their passages and its run's figures."""
    stem.parent.mkdir(parents=True, exist_ok=True)
    stem.with_suffix(".md").write_text("\n\n".join(f"{HEADING_MARK}{title}\n\n{text}" for title, text in chapters),
                                       encoding="utf-8")
    Path(f"{stem}-beats.json").write_text(json.dumps(
        [{"beat": synopsis, "key_nouns": sorted(key_nouns(synopsis)), "passage": passage}
         for synopsis, passage in beats], indent=2), encoding="utf-8")
    Path(f"{stem}-run.json").write_text(json.dumps(figures, indent=2), encoding="utf-8")


def remeasure(stem: Path) -> dict:
    """A kept draft measured again, with its run's figures (tokens/s, rewrites, seconds)."""
    chapters = stem.with_suffix(".md").read_text(encoding="utf-8").split("\n\n" + HEADING_MARK)
    text = "\n\n".join(chapter.removeprefix(HEADING_MARK).partition("\n\n")[2] for chapter in chapters)
    beats = [(b["beat"], b["passage"]) for b in json.loads(Path(f"{stem}-beats.json").read_text(encoding="utf-8"))]
    # Drafts kept before a figure existed count none of it: their runs had no such stop or check.
    run = json.loads(Path(f"{stem}-run.json").read_text(encoding="utf-8"))
    return {"stopped": 0, "stray_retries": 0, **measure(text, beats), **run}


def mean_of(results: list[dict]) -> dict:
    return {key: sum(result[key] for result in results) / len(results) for key, _ in ROWS}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chapters", type=int, default=4)
    parser.add_argument("--beats", type=int, default=5)
    parser.add_argument("--beat-words", type=int, default=250)
    parser.add_argument("--seeds", type=int, nargs="+", default=[7, 11, 13])
    parser.add_argument("--keep", type=Path, metavar="DIR", help="also write each variant's draft into DIR")
    parser.add_argument("--remeasure", type=Path, metavar="DIR",
                        help="draft nothing: measure again the drafts an earlier --keep wrote into DIR")
    parser.add_argument("--sampler", choices=list(PRESETS), default="balanced",
                        help="the sampler preset every variant drafts with (default: balanced, as a new project)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.remeasure:
        runs = {seed: {label: remeasure(args.remeasure / f"{name}-seed{seed}") for label, name, _, _ in VARIANTS}
                for seed in args.seeds}
    else:
        backend = LlamaBackend(ensure_default_model(), LlamaSettings(n_ctx=N_CTX))
        runs = {seed: {label: run_variant(backend, name, shares, rewrites, seed, args)
                       for label, name, shares, rewrites in VARIANTS}
                for seed in args.seeds}
        backend.close()
    labels = [label for label, *_ in VARIANTS]
    mean = {label: mean_of([runs[seed][label] for seed in args.seeds]) for label in labels}
    human = novels_rate(int(mean[labels[0]]["words"]))
    if args.json:
        print(json.dumps({"machine": machine_description(), "seeds": runs, "mean": mean,
                          "novels_repeated_4grams": human}, indent=2))
        return
    print(f"Machine: {machine_description()}")
    print(f"Default model, n_ctx {N_CTX}, {args.chapters} chapters x {args.beats} beats x {args.beat_words} words, "
          f"seeds {', '.join(map(str, args.seeds))}")
    columns = [(f"seed {seed}", runs[seed]) for seed in args.seeds] + [("mean", mean)]
    baselines = labels[1:]
    print("| per 1,000 words | " + " | ".join(f"{column}: {label}" for column, _ in columns for label in labels)
          + " | " + " | ".join(f"memory / {label}" for label in baselines) + " |")
    print("|---|" + "---:|" * (len(labels) * len(columns) + len(baselines)))
    for key, row in ROWS:
        cells = [f"{figures[label][key]:.2f}" for _, figures in columns for label in labels]
        ratios = [f"{mean[labels[0]][key] / mean[label][key]:.2f}" if mean[label][key] else "n/a"
                  for label in baselines]
        print(f"| {row} | " + " | ".join(cells + ratios) + " |")
    print("\nThe shared novels' own repeated 4-grams per 1,000 words, in stretches of "
          f"{int(mean[labels[0]]['words']):,} "
          f"words (the memory draft's length): {human:.2f}; the memory draft has "
          f"{mean[labels[0]]['repeated_4grams'] / human:.2f} times as many." if human else "")


def novels_rate(words: int) -> float:
    """Repeated 4-grams per 1,000 words in the shared novels, counted in consecutive stretches of
    ``words`` words as in a draft of that length, averaged over the novels."""
    corpus = Path(__file__).resolve().parents[2] / "shared" / "corpus"
    rates = []
    for path in sorted(corpus.glob("*.txt")):
        tokens = path.read_text(encoding="utf-8").split()
        stretches = [" ".join(tokens[i:i + words]) for i in range(0, len(tokens) - words + 1, words)]
        if words > 0 and stretches:
            rates.append(sum(repeated_ngram_count(s) for s in stretches) * 1000 / (len(stretches) * words))
    return sum(rates) / len(rates) if rates else 0.0

if __name__ == "__main__":
    main()
