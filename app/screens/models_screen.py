"""Choose the model, import a model or an adapter, set sampling and context size.

Switching loads the new model in the background (the app shows progress) while the
old one keeps working; sampling and context size are saved with the project.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from engine.errors import DraftsmithError, ModelFileError
from engine.models.discovery import discover_gguf_files
from engine.models.registry import ModelRegistry
from engine.models.validation import inspect_model_file
from engine.styles import StyleRegistry


@dataclass
class ModelRequested(Message):
    """Load ``name`` (a registered name, a path or ``default``) with ``n_ctx`` tokens of context."""

    name: str
    n_ctx: int | None = None


@dataclass
class SamplingChanged(Message):
    temperature: float
    max_tokens: int


class ModelsScreen(ModalScreen[None]):
    BINDINGS = [("escape", "dismiss", "Close")]

    def __init__(self, temperature: float, max_tokens: int, n_ctx: int | None) -> None:
        super().__init__()
        self.temperature, self.max_tokens, self.n_ctx = temperature, max_tokens, n_ctx
        self.found: dict[str, Path] = {}
        """Models found on disk (LM Studio, the Hugging Face cache, ~/models), by option id."""

    def on_mount(self) -> None:
        self._find_models()

    @work(thread=True, exclusive=True, group="find-models")
    def _find_models(self) -> None:
        """Look for GGUF models on disk off the UI thread; a big cache takes a moment to walk."""
        known = {model.path.resolve() for model in ModelRegistry().registered()}
        found: list[Path] = []
        for path in discover_gguf_files():
            if path.resolve() in known:
                continue
            try:
                if not inspect_model_file(path).is_adapter:
                    found.append(path)
            except ModelFileError:
                continue  # `draftsmith models` lists broken files with the reason
        self.app.call_from_thread(self._show_found, found)

    def _show_found(self, found: list[Path]) -> None:
        options = self.query_one("#model-list", OptionList)
        for path in found:
            option_id = f"found-{len(self.found)}"
            self.found[option_id] = path
            options.add_option(Option(f"{path.stem}  [dim](found in {path.parent})[/dim]", id=option_id))

    def compose(self) -> ComposeResult:
        with Vertical(id="models"):
            yield Label("[b]Models[/b]  (Enter loads; Esc closes)")
            names = ["default"] + [m.name for m in ModelRegistry().registered()]
            yield OptionList(*[Option(name, id=name) for name in names], id="model-list")
            yield Label("Import a model (.gguf) or a style adapter by path:")
            yield Input(placeholder="~/models/my-voice.gguf", id="model-path")
            yield Label("Sampling and context (Enter saves):")
            yield from self._field("Temperature", Input(str(self.temperature), id="temperature", type="number"))
            yield from self._field("Tokens per generation",
                                   Input(str(self.max_tokens), id="max-tokens", type="integer"))
            yield from self._field("Context size (tokens)", Input(str(self.n_ctx or ""), placeholder="model default",
                                                                  id="n-ctx", type="integer"))

    @staticmethod
    def _field(label: str, field: Input) -> ComposeResult:
        """One labelled field on one line, the label naming what the field holds."""
        with Horizontal(classes="field"):
            yield Label(label, classes="field-label")
            yield field

    @on(OptionList.OptionSelected, "#model-list")
    def _choose(self, event: OptionList.OptionSelected) -> None:
        option_id = str(event.option.id)
        name = str(self.found[option_id]) if option_id in self.found else option_id
        self.app.post_message(ModelRequested(name, self._n_ctx()))
        self.dismiss()

    @on(Input.Submitted, "#model-path")
    def _import(self, event: Input.Submitted) -> None:
        path = Path(event.value.strip()).expanduser()
        try:
            if inspect_model_file(path).is_adapter:
                style = StyleRegistry().import_style(path)
                self.notify(f"Imported the style {style.name}; choose it for a project with `draftsmith style use`.")
                return
            model = ModelRegistry().add(path)
        except DraftsmithError as error:
            self.notify(error.sentence, severity="error", timeout=10)
            return
        self.query_one("#model-list", OptionList).add_option(Option(model.name, id=model.name))
        self.notify(f"Added {model.name}; choose it to load it.")

    @on(Input.Submitted, "#temperature, #max-tokens, #n-ctx")
    def _sampling(self) -> None:
        try:
            temperature = float(self.query_one("#temperature", Input).value)
            max_tokens = int(self.query_one("#max-tokens", Input).value)
        except ValueError:
            self.notify("Temperature is a number and tokens a whole number.", severity="error")
            return
        self.app.post_message(SamplingChanged(max(0.0, min(temperature, 2.0)), max(8, max_tokens)))
        self.notify("Saved.")

    def _n_ctx(self) -> int | None:
        value = self.query_one("#n-ctx", Input).value.strip()
        return int(value) if value.isdigit() else None
