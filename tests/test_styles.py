"""Style adapters on the real default model: validation, swapping, scaling, the meter."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.backend.protocol import SamplingSettings
from engine.errors import ModelFileError, StyleError
from engine.models.adapter_validation import validate_adapter
from engine.models.gguf_info import read_gguf_info
from engine.styles import StyleRegistry, parse_choice
from engine.workflows.style_compare import compare_scales
from engine.workflows.style_fidelity import mean_fidelity, paragraph_fidelity
from memory.training_data import write_dataset
from prompts import render
from tests.adapter_factory import truncate, write_lora
from tests.gguf_factory import write_tiny_gguf

PROMPT = "The old lighthouse keeper climbed the stairs and"
GREEDY = SamplingSettings(max_tokens=24, temperature=0.0, seed=1)


@pytest.fixture(scope="session")
def base_info(default_model_path: Path):
    return read_gguf_info(default_model_path)


@pytest.fixture(scope="session")
def adapters(tmp_path_factory, base_info) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("adapters")
    return {
        "voice": write_lora(folder / "voice.gguf", base_info, strength=0.3, seed=1),
        "other": write_lora(folder / "other.gguf", base_info, strength=0.3, seed=2, rank=4),
    }


@pytest.fixture
def plain_backend(llama_backend):
    """The shared model, guaranteed to have no adapters before and after the test."""
    llama_backend.set_adapters([])
    yield llama_backend
    llama_backend.set_adapters([])


def _continue(backend) -> str:
    return "".join(backend.stream(render("continue", {"passage": PROMPT}), GREEDY))


def test_a_valid_adapter_is_checked_and_described(adapters, base_info) -> None:
    check = validate_adapter(adapters["voice"], base_info)
    assert check.rank == 8 and check.alpha == 16.0
    assert check.adapted_tensors == 6 * 18  # six weights in each of Gemma 3 270M's 18 blocks


def test_every_bad_adapter_is_refused_with_its_own_sentence_in_process(tmp_path: Path, adapters, base_info,
                                                                       default_model_path: Path,
                                                                       plain_backend) -> None:
    cases = {
        write_lora(tmp_path / "swapped.gguf", base_info, swap_shapes=True): "does not fit",
        write_lora(tmp_path / "llama.gguf", base_info, architecture="llama"): "is an adapter for llama models",
        default_model_path: "is a full model, not a LoRA adapter",
        write_tiny_gguf(tmp_path / "tiny.gguf", architecture="gemma3"): "is a full model, not a LoRA adapter",
        truncate(adapters["voice"], tmp_path / "cut.gguf"): "is truncated",
        write_tiny_gguf(tmp_path / "foreign.gguf", file_type="adapter", architecture="gemma3"): "no LoRA weights",
        tmp_path / "missing.gguf": "",
    }
    (tmp_path / "notes.gguf").write_text("not a model at all")
    cases[tmp_path / "notes.gguf"] = ""
    for path, sentence in cases.items():
        with pytest.raises(ModelFileError) as refused:
            plain_backend.set_adapters([(path, 1.0)])  # validated before llama.cpp sees it: no crash
        assert sentence in str(refused.value), (path.name, str(refused.value))
    assert plain_backend.active_adapters == ()
    assert _continue(plain_backend)  # the model still works after every refusal


def test_an_adapter_changes_the_output_and_scales_without_reloading(adapters, plain_backend) -> None:
    model_before = plain_backend._llm
    outputs = {}
    for label, active in (("styled", [(adapters["voice"], 1.0)]), ("plain", []),
                          ("stronger", [(adapters["voice"], 2.0)]), ("at_zero", [(adapters["voice"], 0.0)]),
                          ("swapped", [(adapters["other"], 1.0)]),
                          ("mixed", [(adapters["voice"], 0.5), (adapters["other"], 0.5)]), ("plain_again", [])):
        plain_backend.set_adapters(active)  # each change clears the KV cache: every run starts fresh
        outputs[label] = _continue(plain_backend)
    assert outputs["styled"] != outputs["plain"]
    assert outputs["stronger"] != outputs["styled"]
    assert outputs["swapped"] != outputs["styled"]
    assert outputs["mixed"] not in (outputs["styled"], outputs["swapped"])
    assert outputs["at_zero"] == outputs["plain"] == outputs["plain_again"]
    assert plain_backend._llm is model_before  # never reloaded
    with pytest.raises(StyleError, match="between 0 and 2"):
        plain_backend.set_adapters([(adapters["voice"], 2.5)])


def test_compare_gives_one_continuation_per_scale_from_one_seed(adapters, plain_backend) -> None:
    results = compare_scales(plain_backend, [(adapters["voice"], 1.0)], PROMPT, [0.0, 1.0, 0.0],
                             SamplingSettings(max_tokens=20, seed=3))
    assert [r.scale for r in results] == [0.0, 1.0, 0.0]
    assert results[0].text == results[2].text != results[1].text  # same seed: only the scale differs
    assert plain_backend.active_adapters == ()


def test_the_meter_scores_adapter_text_above_plain_text(adapters, plain_backend) -> None:
    def passages(styled: bool) -> list[str]:
        plain_backend.set_adapters([(adapters["voice"], 1.0)] if styled else [])
        prompt = render("continue", {"passage": "Chapter One\n\nThe storm came in over the skerry at dusk."})
        return ["".join(plain_backend.stream(prompt, SamplingSettings(max_tokens=48, seed=seed))) for seed in (1, 2, 3)]

    styled, plain = passages(True), passages(False)
    plain_backend.set_adapters([])
    voice = [(adapters["voice"], 1.0)]
    styled_score = mean_fidelity(paragraph_fidelity(plain_backend, voice, styled))
    plain_score = mean_fidelity(paragraph_fidelity(plain_backend, voice, plain))
    assert styled_score > 0 > plain_score
    assert plain_backend.active_adapters == ()


def test_styles_are_imported_listed_and_refused_by_name(isolated_home, adapters, tmp_path: Path,
                                                        default_model_path: Path, base_info) -> None:
    registry = StyleRegistry()
    style = registry.import_style(adapters["voice"], name="mine")
    assert (style.kind, style.base, style.rank) == ("adapter", "default", 8)
    model_style = registry.import_style(default_model_path, name="tuned")
    assert model_style.kind == "model"
    assert [s.name for s in StyleRegistry().styles()] == ["mine", "tuned"]
    with pytest.raises(ModelFileError, match="does not fit"):
        registry.import_style(write_lora(tmp_path / "bad.gguf", base_info, swap_shapes=True), name="bad")
    assert "bad" not in [s.name for s in registry.styles()]
    with pytest.raises(StyleError, match="between 0 and 2"):
        parse_choice("mine:3")
    assert parse_choice("mine:0.5").scale == 0.5


def test_dataset_export_writes_three_formats(tmp_path: Path, corpus: Path) -> None:
    report = write_dataset([corpus / "treasure_island.txt"], tmp_path / "data")
    lines = (tmp_path / "data" / "train.jsonl").read_text().splitlines()
    pairs = [json.loads(line) for line in (tmp_path / "data" / "instructions.jsonl").read_text().splitlines()]
    assert report.passages == len(lines) == len(pairs) == len(list((tmp_path / "data" / "text").iterdir()))
    assert 60_000 < report.words < 75_000
    lengths = [len(json.loads(line)["text"].split()) for line in lines]
    assert max(lengths) <= 520  # about 300 words; shorter only where a chapter ends
    assert sum(150 <= n for n in lengths) / len(lengths) > 0.85
    assert pairs[1]["input"] and pairs[1]["output"] == json.loads(lines[1])["text"]
    assert "in the author's voice" in pairs[1]["instruction"]
    assert "style import" in (tmp_path / "data" / "README.md").read_text()
