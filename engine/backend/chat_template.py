"""A model's chat template, rendered in a sandbox with limits on work, size and time.

A GGUF file carries its chat template as Jinja source, and a file downloaded from
anywhere may carry a hostile one. Jinja's sandbox already refuses code execution;
this module also bounds what a template may cost. Loops are counted (``range`` and
every call draw on one budget), repeated strings and powers are checked before
they are built, padding widths are capped, the output is capped, and the render
stops at a deadline. A template that breaks any limit, or fails to render a
sample conversation when the model loads, is refused in one sentence.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import jinja2
import jinja2.ext
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

MAX_STEPS = 200_000
"""Loop iterations and calls one render may take; a real template takes a few hundred."""
MAX_OUTPUT_CHARS = 2_000_000
"""Far beyond any prompt that fits a model's context."""
MAX_SECONDS = 2.0
MAX_WIDTH = 10_000
"""Padding widths (``center``, ``indent``, format specs) a template may ask for."""

_SAMPLE_CONVERSATION = (
    {"role": "system", "content": "You are a careful writing assistant."},
    {"role": "user", "content": "Continue the passage."},
    {"role": "assistant", "content": "The rain had not stopped for three days."},
    {"role": "user", "content": "Go on."},
)
_WIDE_FORMAT = re.compile(r"%[-+ #0]*(\d{5,})|\{[^{}]*:[^{}]*?(\d{5,})[^{}]*\}")


class _IgnoreGenerationTags(jinja2.ext.Extension):
    """Pass through the ``{% generation %}`` blocks of training-oriented chat templates."""

    tags = {"generation"}

    def parse(self, parser):
        parser.stream.skip(1)
        return parser.parse_statements(("name:endgeneration",), drop_needle=True)


class ChatTemplateError(Exception):
    """A chat template refused or failed; the message says why in a few words."""


@dataclass(frozen=True)
class RenderedChat:
    prompt: str
    stops: tuple[str, ...]


class _Budget(threading.local):
    steps = 0
    deadline = 0.0

    def start(self) -> None:
        self.steps = 0
        self.deadline = time.monotonic() + MAX_SECONDS

    def spend(self, steps: int = 1) -> None:
        self.steps += steps
        if self.steps > MAX_STEPS:
            raise ChatTemplateError(f"it takes more than {MAX_STEPS:,} steps")
        if time.monotonic() > self.deadline:
            raise ChatTemplateError(f"it runs longer than {MAX_SECONDS:g} seconds")


class _BoundedEnvironment(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, with every costly operation counted or capped."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def __init__(self, budget: _Budget) -> None:
        super().__init__(
            loader=jinja2.BaseLoader(),
            trim_blocks=True,
            lstrip_blocks=True,
            extensions=[jinja2.ext.loopcontrols, _IgnoreGenerationTags],
        )
        self.budget = budget
        self.globals["range"] = self._range
        self.filters["tojson"] = _tojson
        for name in ("center", "indent", "wordwrap", "truncate"):
            self.filters[name] = _capped_filter(self.filters[name])

    def _range(self, *args: int) -> range:
        numbers = range(*args)
        self.budget.spend(len(numbers))
        return numbers

    def call(__self, __context, __obj, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 (Jinja's signature)
        __self.budget.spend()
        return super().call(__context, __obj, *args, **kwargs)

    def call_binop(self, context, operator: str, left: Any, right: Any) -> Any:
        self.budget.spend()
        if operator == "**" and _number(right) and abs(right) > 64:
            raise ChatTemplateError("it raises a number to a huge power")
        if operator == "*":
            for sequence, times in ((left, right), (right, left)):
                if isinstance(sequence, (str, list, tuple)) and _number(times) and \
                        len(sequence) * max(0, int(times)) > MAX_OUTPUT_CHARS:
                    raise ChatTemplateError("it builds a huge repeated string")
        if operator == "%" and isinstance(left, str) and _too_wide(left):
            raise ChatTemplateError("it pads text to a huge width")
        return super().call_binop(context, operator, left, right)

    def format_string(self, s, args, kwargs, format_func=None):  # str.format from a template
        if _too_wide(s):
            raise ChatTemplateError("it pads text to a huge width")
        return super().format_string(s, args, kwargs, format_func)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _too_wide(text: str) -> bool:
    return any(int(a or b) > MAX_WIDTH for a, b in _WIDE_FORMAT.findall(text))


def _capped_filter(original):
    def capped(value, *args, **kwargs):
        for argument in (*args, *kwargs.values()):
            if _number(argument) and abs(argument) > MAX_WIDTH:
                raise ChatTemplateError("it pads text to a huge width")
        return original(value, *args, **kwargs)

    return capped


def _tojson(value: Any, ensure_ascii: bool = False, indent: int | None = None,
            separators: tuple[str, str] | None = None, sort_keys: bool = False) -> str:
    if indent is not None and _number(indent) and abs(indent) > MAX_WIDTH:
        raise ChatTemplateError("it pads text to a huge width")
    return json.dumps(value, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def _raise_exception(message: str) -> None:
    raise ChatTemplateError(f"it stopped with its own error: {message}")


class ChatTemplate:
    """A compiled chat template; ``render`` turns messages into the model's prompt text."""

    def __init__(self, source: str, bos_token: str, eos_token: str) -> None:
        self._budget = _Budget()
        self._bos = bos_token
        self._eos = eos_token
        try:
            self._template = _BoundedEnvironment(self._budget).from_string(source)
        except jinja2.TemplateError as error:
            raise ChatTemplateError(f"it is not valid Jinja ({_first_line(error)})") from error

    def render(self, messages: Iterable[dict[str, str]]) -> RenderedChat:
        """The prompt for ``messages`` with a generation prompt added; raises ``ChatTemplateError``.

        A template that refuses a system message with its own error (Gemma's do) gets
        the system text at the head of the first user message instead, as those
        models were trained to read it.
        """
        messages = list(messages)
        try:
            return self._render(messages)
        except ChatTemplateError as error:
            folded = _fold_system(messages)
            if folded is None or "its own error" not in str(error):
                raise
            return self._render(folded)

    def _render(self, messages: list[dict[str, str]]) -> RenderedChat:
        self._budget.start()
        pieces: list[str] = []
        size = 0
        try:
            for piece in self._template.generate(
                messages=list(messages), bos_token=self._bos, eos_token=self._eos,
                add_generation_prompt=True, raise_exception=_raise_exception,
                strftime_now=lambda form: datetime.now().strftime(form),
            ):
                size += len(piece)
                if size > MAX_OUTPUT_CHARS:
                    raise ChatTemplateError(f"it writes more than {MAX_OUTPUT_CHARS:,} characters")
                self._budget.spend()
                pieces.append(piece)
        except ChatTemplateError:
            raise
        except SecurityError as error:
            raise ChatTemplateError(f"it tried something the sandbox forbids ({_first_line(error)})") from error
        except RecursionError as error:
            raise ChatTemplateError("it calls itself without end") from error
        except (jinja2.TemplateError, TypeError, ValueError, KeyError, AttributeError, IndexError,
                ZeroDivisionError, OverflowError, MemoryError) as error:
            raise ChatTemplateError(f"it failed to render ({type(error).__name__}: {_first_line(error)})") from error
        return RenderedChat("".join(pieces), (self._eos,) if self._eos else ())

    def check(self) -> None:
        """Render a sample conversation: a template that cannot is refused when the model loads.

        """
        rendered = self.render(_SAMPLE_CONVERSATION)
        if "Continue the passage." not in rendered.prompt:
            raise ChatTemplateError("its output leaves out the conversation it is given")


def _fold_system(messages: list[dict[str, str]]) -> list[dict[str, str]] | None:
    if len(messages) < 2 or messages[0].get("role") != "system" or messages[1].get("role") != "user":
        return None
    first = {**messages[1], "content": f"{messages[0]['content']}\n\n{messages[1]['content']}"}
    return [first, *messages[2:]]


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return (text.splitlines()[0] if text else type(error).__name__)[:160]
