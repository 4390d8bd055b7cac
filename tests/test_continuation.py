"""Passages longer than the context keep their most recent part, cut cleanly."""

from __future__ import annotations

import pytest

from engine.backend.llama_backend import LlamaBackend
from engine.backend.prompt_style import choose_prompt_style
from engine.backend.protocol import PromptStyle, SamplingSettings
from engine.models.gguf_info import GGUFInfo
from engine.workflows.continuation import continue_passage
from memory.text.token_fit import fit_head, fit_tail


@pytest.mark.model
def test_fit_tail_respects_the_budget_and_starts_cleanly(llama_backend: LlamaBackend) -> None:
    paragraphs = [f"Paragraph {i}. The rain kept falling on the old house by the river." for i in range(300)]
    text = "\n\n".join(paragraphs)
    tail = fit_tail(llama_backend.count_tokens, text, 500)
    assert llama_backend.count_tokens(tail) <= 500
    assert llama_backend.count_tokens(tail) > 400
    assert tail.startswith("Paragraph ")
    assert text.endswith(tail)
    head = fit_head(llama_backend.count_tokens, text, 300)
    assert 240 < llama_backend.count_tokens(head) <= 300
    assert text.startswith(head) and head.endswith(".")


@pytest.mark.model
def test_long_passages_still_continue(llama_backend: LlamaBackend) -> None:
    passage = "The wind howled across the moor. " * 600  # far beyond the 2048-token context
    list(continue_passage(llama_backend, passage, SamplingSettings(max_tokens=8, seed=1)))
    # Whether the model writes words or ends at once depends on the machine's floating point;
    # what the code controls is that the prompt fits and generation ran to its end.
    assert llama_backend.last_stats.prompt_tokens < llama_backend.context_length
    assert llama_backend.last_stats.stop_reason in ("stop", "length")


def info(name: str, template: str | None, finetune: str | None = None) -> GGUFInfo:
    from pathlib import Path

    return GGUFInfo(path=Path(f"/models/{name}.gguf"), size_bytes=1, file_type="model", architecture="llama",
                    name=name, quantization="Q4_K_M", context_length=4096, chat_template=template,
                    parameter_label=None, tensor_count=1, data_end=1, finetune=finetune)


@pytest.mark.parametrize(
    ("name", "template", "finetune", "expected"),
    [
        ("Gemma 3 270m", None, None, PromptStyle.COMPLETION),
        ("gemma-3-270m-it", "{{x}}", None, PromptStyle.CHAT),
        ("Qwen2.5 7B Instruct", "{{x}}", "Instruct", PromptStyle.CHAT),
        ("gemma-3-4b-pt", "{{x}}", None, PromptStyle.COMPLETION),
        ("Mistral 7B", "{{x}}", None, PromptStyle.CHAT),
    ],
)
def test_prompt_style_from_metadata(name: str, template: str | None, finetune: str | None,
                                    expected: PromptStyle) -> None:
    assert choose_prompt_style(info(name, template, finetune)) is expected
