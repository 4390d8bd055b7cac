"""Chat templates from model files are rendered in a sandbox with limits, and hostile ones refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.backend.chat_template import ChatTemplate, ChatTemplateError
from engine.backend.llama_backend import LlamaBackend, LlamaSettings
from engine.backend.protocol import PromptStyle, SamplingSettings
from engine.errors import ModelFileError
from prompts import render
from tests.gguf_factory import copy_with_chat_template

CHATML = ("{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n"
          "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}")
GEMMA_LIKE = ("{{ bos_token }}{% for message in messages %}"
              "{% if message['role'] == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}"
              "<start_of_turn>{{ 'model' if message['role'] == 'assistant' else message['role'] }}\n"
              "{{ message['content'] | trim }}<end_of_turn>\n{% endfor %}"
              "{% if add_generation_prompt %}<start_of_turn>model\n{% endif %}")
NESTED_LOOPS = "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}{{ messages }}"

HOSTILE = {
    "nested loops with no output": NESTED_LOOPS,
    "a loop that writes forever": "{% for i in range(99999) %}{% for j in range(99999) %}x{% endfor %}{% endfor %}",
    "a huge repeated string": "{{ 'x' * 1000000000 }}{{ messages }}",
    "a huge repeated list": "{% for m in messages * 100000000 %}{% endfor %}",
    "a huge power": "{{ 10 ** 100000000 }}",
    "code execution": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "a format width bomb": "{{ '%999999999d' % 1 }}",
    "a str.format width bomb": "{{ '{:>999999999}'.format(1) }}",
    "a padding filter bomb": "{{ 'x' | center(999999999) }}",
    "a recursive macro": "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}",
    "a template that raises": "{{ raise_exception('no') }}",
    "broken Jinja": "{% for m in messages %}",
    "a template that drops the conversation": "<start_of_turn>model\n",
}


@pytest.mark.parametrize("template", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_or_broken_template_is_refused(template: str) -> None:
    with pytest.raises(ChatTemplateError):
        ChatTemplate(template, "<bos>", "<eos>").check()


@pytest.mark.parametrize("template", [CHATML, GEMMA_LIKE])
def test_real_templates_render_the_conversation(template: str) -> None:
    chat = ChatTemplate(template, "<bos>", "<eos>")
    chat.check()  # the Gemma-like one refuses system messages and is checked without one
    rendered = chat.render([{"role": "user", "content": "Continue: The rain fell."}])
    assert "Continue: The rain fell." in rendered.prompt
    assert rendered.stops == ("<eos>",)


def test_a_template_that_refuses_system_messages_reads_them_in_the_first_user_turn() -> None:
    chat = ChatTemplate(GEMMA_LIKE, "<bos>", "<eos>")
    rendered = chat.render([{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}])
    assert "<start_of_turn>user\nBe brief.\n\nHi<end_of_turn>" in rendered.prompt


def test_a_template_that_fails_on_a_prompt_says_why_in_a_few_words() -> None:
    chat = ChatTemplate("{{ raise_exception('Conversation roles must alternate') }}", "<bos>", "<eos>")
    with pytest.raises(ChatTemplateError, match="its own error: Conversation roles must alternate"):
        chat.render([{"role": "user", "content": "Hi"}])


@pytest.fixture(scope="module")
def hostile_model(default_model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    return copy_with_chat_template(default_model_path, folder / "hostile-it.gguf", NESTED_LOOPS, name="hostile-it")


@pytest.mark.model
def test_a_model_with_a_hostile_template_is_refused_in_one_sentence(hostile_model: Path) -> None:
    with pytest.raises(ModelFileError) as refused:
        LlamaBackend(hostile_model, LlamaSettings(n_ctx=512))
    sentence = refused.value.sentence
    assert "hostile-it.gguf" in sentence and "refused" in sentence and "--prompt-style completion" in sentence
    assert "\n" not in sentence


@pytest.mark.model
def test_the_same_model_runs_as_a_base_model_and_never_renders_the_template(hostile_model: Path) -> None:
    backend = LlamaBackend(hostile_model, LlamaSettings(n_ctx=512, prompt_style=PromptStyle.COMPLETION))
    try:
        assert backend.prompt_style is PromptStyle.COMPLETION
        list(backend.stream(render("continue", {"passage": "The rain had not stopped."}),
                            SamplingSettings(max_tokens=4, seed=1)))
        assert backend.last_stats.generated_tokens >= 1
    finally:
        backend.close()


@pytest.mark.model
def test_a_model_with_a_sound_template_writes_in_chat_style(default_model_path: Path, tmp_path: Path) -> None:
    model = copy_with_chat_template(default_model_path, tmp_path / "sound-it.gguf", GEMMA_LIKE, name="sound-it")
    backend = LlamaBackend(model, LlamaSettings(n_ctx=512))
    try:
        assert backend.prompt_style is PromptStyle.CHAT
        tokens, stops = backend.prompt_tokens(render("continue", {"passage": "The rain had not stopped."}))
        assert len(tokens) > 5 and stops
    finally:
        backend.close()
