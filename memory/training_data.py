"""Turn the writer's own prose into training files for a local fine-tune.

Three shapes, because local fine-tuning tools read different ones: plain-text
chunks (one file each), JSONL with a ``text`` field, and instruction pairs whose
instruction says what the passage does (its chapter and, from the project's
outline or the extractive summary, what happens) and whose output is the writer's
passage. Chunks are paragraph-aligned, about 300 words, so no passage starts or
ends mid-sentence. A README explains fine-tuning and importing the result.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from memory.errors import ManuscriptError
from memory.manuscript_files import read_manuscript_file
from memory.text.chunking import chunk_document
from memory.text.extractive import summarize_text
from memory.text.manuscript import parse_manuscript

WORDS_PER_CHUNK = 300
_GUIDE = Path(__file__).with_name("training_readme.md")


@dataclass(frozen=True)
class TrainingPassage:
    source: str
    chapter: str
    text: str
    previous_tail: str


@dataclass(frozen=True)
class DatasetReport:
    files: int
    passages: int
    words: int
    out_dir: str

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def _approximate_tokens(text: str) -> int:
    """Training chunks need no particular tokenizer: words x 1.3 is close for English."""
    return int(len(text.split()) * 1.3) + 1


def passages_from(paths: list[Path]) -> list[TrainingPassage]:
    passages: list[TrainingPassage] = []
    for path in paths:
        decoded = read_manuscript_file(path)
        for document in parse_manuscript(decoded.text, fallback_title=path.stem):
            if document.kind == "front" or not document.text.strip():
                continue
            previous = ""
            for chunk in chunk_document(document.text, _approximate_tokens, int(WORDS_PER_CHUNK * 1.3)):
                passages.append(TrainingPassage(path.name, document.title, chunk.text, previous))
                previous = " ".join(chunk.text.split()[-60:])
    return passages


def write_dataset(paths: list[Path], out_dir: Path) -> DatasetReport:
    """Write ``text/``, ``train.jsonl``, ``instructions.jsonl`` and ``README.md`` into ``out_dir``."""
    passages = passages_from(paths)
    if not passages:
        raise ManuscriptError("The files hold no prose to train on.")
    text_dir = out_dir / "text"
    text_dir.mkdir(parents=True, exist_ok=True)
    width = len(str(len(passages)))
    with open(out_dir / "train.jsonl", "w", encoding="utf-8") as plain, \
            open(out_dir / "instructions.jsonl", "w", encoding="utf-8") as pairs:
        for number, passage in enumerate(passages, start=1):
            (text_dir / f"{number:0{width}d}.txt").write_text(passage.text + "\n", encoding="utf-8")
            plain.write(json.dumps({"text": passage.text}, ensure_ascii=False) + "\n")
            pairs.write(json.dumps(_instruction_pair(passage), ensure_ascii=False) + "\n")
    (out_dir / "README.md").write_text(_GUIDE.read_text(encoding="utf-8"), encoding="utf-8")
    return DatasetReport(len(paths), len(passages), sum(len(p.text.split()) for p in passages), str(out_dir))


def _instruction_pair(passage: TrainingPassage) -> dict[str, str]:
    happens = summarize_text(passage.text)
    instruction = f"Write the next passage of {passage.chapter}, in the author's voice."
    if happens:
        instruction += f" In it: {happens}"
    return {"instruction": instruction, "input": passage.previous_tail, "output": passage.text}
