"""Open a recent project, create one, or import a manuscript into a new one."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from engine.recent_projects import recent_projects


@dataclass
class ProjectRequested(Message):
    """Open ``name_or_path`` (creating it when new), importing ``manuscript`` first if given."""

    name_or_path: str
    manuscript: Path | None = None


class ProjectPicker(ModalScreen[None]):
    BINDINGS = [("escape", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Label("[b]Open a project[/b]  (Enter opens; Esc closes)")
            options = [Option(str(path), id=str(path)) for path in recent_projects()]
            yield OptionList(*options, id="recent")
            yield Label("New project (a name or a path):")
            yield Input(placeholder="my-novel", id="new-name")
            yield Label("Import a manuscript (.txt, .md, .docx) into a new project:")
            yield Input(placeholder="~/Documents/novel.docx", id="import-path")

    @on(OptionList.OptionSelected, "#recent")
    def _recent(self, event: OptionList.OptionSelected) -> None:
        self._request(ProjectRequested(str(event.option.id)))

    @on(Input.Submitted, "#new-name")
    def _new(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self._request(ProjectRequested(event.value.strip()))

    @on(Input.Submitted, "#import-path")
    def _import(self, event: Input.Submitted) -> None:
        path = Path(event.value.strip()).expanduser()
        if not path.is_file():
            self.notify(f"There is no file at {path}.", severity="error")
            return
        self._request(ProjectRequested(path.stem, path))

    def _request(self, message: ProjectRequested) -> None:
        self.app.post_message(message)
        self.dismiss()
