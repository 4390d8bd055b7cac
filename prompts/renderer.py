"""Fill a task's templates with values and return both prompt shapes.

Templates use ``{{ name }}`` placeholders and nothing else: no logic lives in a
template, so a writer can edit one without learning a language. A chat template
splits into messages at lines ``[system]``, ``[user]`` and ``[assistant]``.
Templates in a project's override folder win over the built-in ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}")
_ROLE_LINE = re.compile(r"^\[(system|user|assistant)\]\s*$", re.MULTILINE)
VARIANTS = ("base", "chat")


class TemplateError(Exception):
    """A template is missing, or it names a value that was not given."""


@dataclass(frozen=True)
class ChatMessage:
    role: str
    content: str


@dataclass(frozen=True)
class RenderedPrompt:
    """A task's prompt in both shapes; the backend sends the one its model wants."""

    text: str
    messages: tuple[ChatMessage, ...]


def template_names() -> list[str]:
    """The tasks that have built-in templates."""
    folder = resources.files("prompts") / "templates"
    return sorted({entry.name.split(".")[0] for entry in folder.iterdir() if entry.name.endswith(".txt")})


def template_placeholders(task: str, override_dir: Path | None = None) -> list[str]:
    """The placeholder names ``task``'s templates use, in order of first use."""
    sources = _load(task, "base", override_dir) + _load(task, "chat", override_dir)
    return list(dict.fromkeys(match.group(1) for match in _PLACEHOLDER.finditer(sources)))


def render(task: str, values: dict[str, str], override_dir: Path | None = None) -> RenderedPrompt:
    """Render ``task``'s base and chat templates with ``values``."""
    text = _fill(_load(task, "base", override_dir), values, task)
    chat_source = _fill(_load(task, "chat", override_dir), values, task)
    return RenderedPrompt(text=text, messages=_split_messages(chat_source, task))


def _load(task: str, variant: str, override_dir: Path | None) -> str:
    filename = f"{task}.{variant}.txt"
    if override_dir is not None and (override_dir / filename).is_file():
        return (override_dir / filename).read_text(encoding="utf-8")
    resource = resources.files("prompts") / "templates" / filename
    if not resource.is_file():
        raise TemplateError(f"There is no {variant} template for the task {task!r}.")
    return resource.read_text(encoding="utf-8")


def _fill(template: str, values: dict[str, str], task: str) -> str:
    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise TemplateError(f"The {task!r} template needs a value for {name!r}.")
        return values[name]

    # Templates end with a newline on disk; the prompt must end exactly where the text does.
    return _PLACEHOLDER.sub(substitute, template.removesuffix("\n"))


def _split_messages(source: str, task: str) -> tuple[ChatMessage, ...]:
    parts = _ROLE_LINE.split(source)
    if len(parts) < 3 or parts[0].strip():
        raise TemplateError(f"The {task!r} chat template must start with a [system] or [user] line.")
    return tuple(
        ChatMessage(role=role, content=content.strip("\n"))
        for role, content in zip(parts[1::2], parts[2::2])
    )
