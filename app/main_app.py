"""The Draftsmith Textual application.

The app owns the model and the open project. The model loads in a thread worker
at start-up (the first start also assembles the default model) and on every
switch; how it is obtained is injected as ``backend_loader``, so tests can pass
the real default model already loaded, or a fake for fast UI checks. Without a
project the app opens on a scratch page; Ctrl+O opens, creates or imports one.
A project writes with its own model (``engine.session.model_to_load``) unless the
writer chose one for this run, at launch or with F3; the app loads it when needed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from app.messages import ModelLoaded, ModelLoadFailed, ModelLoadProgress, ProjectOpened, ProjectOpenFailed
from app.screens.goal_screen import GoalScreen
from app.screens.help_screen import HelpScreen
from app.screens.models_screen import ModelRequested, ModelsScreen, SamplingChanged
from app.screens.planning import PlanningScreen
from app.screens.project_picker import ProjectPicker, ProjectRequested
from app.screens.replace_screen import KEEP_BOTH, REPLACE, ReplaceScreen
from app.screens.style_training_screen import StyleNameScreen, StyleTrainingScreen
from app.screens.workspace import WorkspaceScreen
from app.screens.write_screen import WriteScreen
from assets import STYLES_DIR
from engine.backend.protocol import Backend, SamplingSettings
from engine.edits.importing import import_into_project
from engine.edits.outline_edits import load_outline
from engine.error_log import record_unexpected
from engine.errors import DraftsmithError, ProjectError
from engine.export.exporting import ExportOptions, export_to_file, free_export_path
from engine.projects import open_project, project_path
from engine.recent_projects import remember_project
from engine.sampler_presets import PRESET_ABOUT, project_sampler, save_project_sampler
from engine.session import model_to_load
from engine.training import require_training_stack
from memory.project import Project

BackendLoader = Callable[..., Backend]
"""Loads a model: ``loader(progress, name=None, n_ctx=None)``; progress takes (done, total)."""


class DraftsmithApp(App):
    """The writer's workspace."""

    TITLE = "Draftsmith"
    CSS_PATH = STYLES_DIR / "draftsmith.tcss"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("ctrl+o", "open_project", "Open", show=False),
        Binding("f1", "help", "Help"),
        Binding("f2", "planning", "Plan"),
        Binding("f3", "models", "Models"),
    ]

    def __init__(self, backend_loader: BackendLoader, project: str | Path | None = None,
                 model: str | None = None) -> None:
        super().__init__()
        self._backend_loader = backend_loader
        self._chosen_model = model
        """The model the writer chose for this run (at launch or with F3): it writes for every project."""
        self._initial_project = str(project) if project else None
        self.backend: Backend | None = None
        self.project: Project | None = None
        self.workspace: WorkspaceScreen | None = None
        self.write_screen = WriteScreen()
        self.sampling = SamplingSettings(max_tokens=160)
        self.n_ctx: int | None = None
        self._loading_for_project: str | None = None

    async def on_mount(self) -> None:
        await self.push_screen(self.write_screen)
        self._activity("loading the model…")
        self._load_model(None, None)
        if self._initial_project:
            self._open_project(ProjectRequested(self._initial_project))

    def _activity(self, text: str) -> None:
        for screen in (self.write_screen, self.workspace):
            if screen is not None and screen.is_mounted:
                screen.status.activity = text

    # -- the model ------------------------------------------------------------

    @work(thread=True, exclusive=True, group="model")
    def _load_model(self, name: str | None, n_ctx: int | None) -> None:
        def progress(done: int, total: int) -> None:
            self.post_message(ModelLoadProgress(done / total if total else 1.0))

        try:
            backend = self._backend_loader(progress, name=name, n_ctx=n_ctx)
        except DraftsmithError as error:
            self.post_message(ModelLoadFailed(error.sentence))
            return
        except Exception as error:
            self.post_message(ModelLoadFailed(record_unexpected(error, "loading the model")))
            return
        self.post_message(ModelLoaded(backend))

    @work(thread=True, group="model-close")
    def _close_backend(self, backend: Backend) -> None:
        """Free a replaced model off the UI thread: closing waits for its generation to stop."""
        try:
            backend.close()
        except Exception as error:
            record_unexpected(error, "closing the previous model")

    @on(ModelLoadProgress)
    def _show_progress(self, message: ModelLoadProgress) -> None:
        self._activity(f"preparing the model… {message.fraction:.0%}")

    @on(ModelLoaded)
    def _model_ready(self, message: ModelLoaded) -> None:
        if self._load_for_project(message.backend):
            self._close_backend(message.backend)  # not this project's model: it never writes
            return
        previous, self.backend = self.backend, message.backend
        if previous is not None and previous is not message.backend:
            for screen in (self.write_screen, self.workspace):
                if screen is not None:
                    screen.stop_generating()  # what it wrote stays pending, as after Esc
            self._close_backend(previous)
        self.sub_title = message.backend.description
        for screen in (self.write_screen, self.workspace):
            if screen is not None:
                screen.use_backend(message.backend)

    def _load_for_project(self, backend: Backend) -> bool:
        """Load the open project's own model when ``backend`` is not it; whether one is loading."""
        if self.project is None:
            return False
        wanted = model_to_load(backend, self.project, self._chosen_model)
        if wanted is None or wanted == self._loading_for_project:
            return False
        self._loading_for_project = wanted
        self._activity(f"loading {wanted}, the model this project writes with…")
        self._load_model(wanted, self.n_ctx)
        return True

    @on(ModelLoadFailed)
    def _model_failed(self, message: ModelLoadFailed) -> None:
        if self.workspace is not None and self.workspace.backend is None and self.backend is not None:
            self.workspace.use_backend(self.backend)  # write with the model there is, having said why
        self._activity("no model" if self.backend is None else "kept the previous model")
        self.notify(message.sentence, title="The model could not be loaded", severity="error", timeout=30)

    @on(ModelRequested)
    def _switch_model(self, message: ModelRequested) -> None:
        self._chosen_model = message.name
        self.n_ctx = message.n_ctx
        self._activity(f"loading {message.name}…")
        self._load_model(message.name, message.n_ctx)

    @on(SamplingChanged)
    def _sampling_changed(self, message: SamplingChanged) -> None:
        if self.project is not None:
            save_project_sampler(self.project.store, temperature=message.temperature, max_tokens=message.max_tokens)
            self._use_sampling(self.sampling)
        else:
            self._use_sampling(SamplingSettings(max_tokens=message.max_tokens), message.temperature)

    def _use_sampling(self, base: SamplingSettings, temperature: float | None = None) -> None:
        """The project's sampler (preset, bans, the writer's temperature and length); without a
        project, ``base`` with the temperature chosen here."""
        self.sampling = project_sampler(self.project.store if self.project is not None else None, base,
                                        temperature if self.project is None else None)
        self.write_screen.settings = self.sampling
        if self.workspace is not None:
            self.workspace.settings = self.sampling

    def action_sampler_preset(self, preset: str) -> None:
        if self.project is None:
            self.notify("Open a project first: the preset is kept with it.", severity="warning")
            return
        save_project_sampler(self.project.store, preset=preset)
        self._use_sampling(SamplingSettings(max_tokens=self.sampling.max_tokens))
        self.notify(f"Sampler: {preset}.")

    # -- projects -------------------------------------------------------------

    @on(ProjectRequested)
    def _project_requested(self, message: ProjectRequested) -> None:
        self._activity("opening the project…")
        self._open_project(message)

    @work(thread=True, exclusive=True, group="project")
    def _open_project(self, request: ProjectRequested) -> None:
        """Open (or create, or import into) a project; the tokenizer loads here, off the UI thread."""
        try:
            if request.manuscript is not None:
                _, project = import_into_project(request.name_or_path, request.manuscript, keep_open=True)
            else:
                project, _ = open_project(request.name_or_path, create=True)
        except DraftsmithError as error:
            self.post_message(ProjectOpenFailed(error.sentence))
            return
        except Exception as error:
            self.post_message(ProjectOpenFailed(record_unexpected(error, "opening the project")))
            return
        self.post_message(ProjectOpened(project))

    @on(ProjectOpenFailed)
    def _project_failed(self, message: ProjectOpenFailed) -> None:
        self.notify(message.sentence, title="The project could not be opened", severity="error", timeout=15)

    @on(ProjectOpened)
    async def _project_opened(self, message: ProjectOpened) -> None:
        if self.workspace is not None:
            self.workspace.save_now()
            await self._leave_workspace()
        self.project = message.project
        self._keep_scratch_page()
        remember_project(project_path(str(message.project.store.path)))
        self.sampling = project_sampler(self.project.store, SamplingSettings(max_tokens=self.sampling.max_tokens))
        self.workspace = WorkspaceScreen(self.project, self.sampling)
        await self.push_screen(self.workspace)
        self.workspace.status.session_goal = int(self.project.store.get_setting("session_goal", 1000))
        self._loading_for_project = None
        if self.backend is not None and not self._load_for_project(self.backend):
            self.workspace.use_backend(self.backend)

    def _keep_scratch_page(self) -> None:
        """Say where the scratch page's text went when a project takes the screen (it is kept, never lost)."""
        if self.write_screen.is_mounted and self.write_screen.has_text:
            self.write_screen.save_now()
            words = len(self.write_screen.editor.committed_text.split())
            self.notify(f"The scratch page's {words:,} words are kept; they are there again whenever "
                        "Draftsmith opens without a project.", timeout=10)

    async def _leave_workspace(self) -> None:
        while self.screen is not self.write_screen and len(self.screen_stack) > 1:
            await self.pop_screen()
        if self.project is not None:
            self.project.close()
        self.workspace = None

    # -- screens and commands -------------------------------------------------

    def action_open_project(self) -> None:
        self.push_screen(ProjectPicker())

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def action_planning(self) -> None:
        if self.project is None:
            self.notify("Open a project first (Ctrl+O).", severity="warning")
            return
        if not isinstance(self.screen, PlanningScreen):
            try:
                load_outline(self.project.store)
            except ProjectError as error:
                self.notify(error.sentence, severity="error", timeout=12)
                return
            self.push_screen(PlanningScreen(self.project, self.backend))

    def action_models(self) -> None:
        self.push_screen(ModelsScreen(self.sampling.temperature, self.sampling.max_tokens, self.n_ctx))

    def action_export(self, file_format: str = "md", manuscript: bool = False) -> None:
        """Write the manuscript beside the project file; if that file exists, ask first."""
        if self.project is None or self.workspace is None:
            self.notify("Open a project first (Ctrl+O).", severity="warning")
            return
        self.workspace.save_now()
        project_file = self.project.store.path
        options = ExportOptions(file_format, manuscript)
        target = project_file.with_suffix(f".{file_format}")
        if not target.exists():
            self._start_export(project_file, target, options, force=False)
            return

        def chosen(choice: str | None) -> None:
            if choice == REPLACE:
                self._start_export(project_file, target, options, force=True)
            elif choice == KEEP_BOTH:
                self._start_export(project_file, free_export_path(project_file, target.suffix), options, force=False)

        self.push_screen(ReplaceScreen(target), chosen)

    def _start_export(self, project_file: Path, target: Path, options: ExportOptions, force: bool) -> None:
        self._activity(f"exporting as {options.file_format}…")
        self._export(project_file, target, options, force)

    @work(thread=True, group="export")
    def _export(self, project_file: Path, target: Path, options: ExportOptions, force: bool) -> None:
        """A long book takes a moment to lay out: off the UI thread, told in a notice when done."""
        try:
            outcome = export_to_file(project_file, target, options, force)
        except DraftsmithError as error:
            self.call_from_thread(self.notify, error.sentence, title="Not exported", severity="error")
            return
        except Exception as error:
            self.call_from_thread(self.notify, record_unexpected(error, "exporting"), severity="error")
            return
        self.call_from_thread(self.notify, f"Exported to {outcome.target}")
        self.call_from_thread(self._activity, "exported")

    def action_session_goal(self) -> None:
        """Ask for the session's word goal; it is kept with the project."""
        if self.project is None or self.workspace is None:
            self.notify("Open a project first (Ctrl+O).", severity="warning")
            return

        def set_goal(goal: int | None) -> None:
            if goal is None or self.project is None or self.workspace is None:
                return
            self.project.store.set_setting("session_goal", goal)
            self.workspace.status.session_goal = goal

        self.push_screen(GoalScreen(self.workspace.status.session_goal), set_goal)

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.theme != "textual-light" else "textual-dark"

    def action_train_style(self) -> None:
        """Name a style, then train it on the project's chapters with its progress on screen."""
        if self.project is None:
            self.notify("Open a project first (Ctrl+O).", severity="warning")
            return
        try:
            require_training_stack()
        except DraftsmithError as error:
            self.notify(error.sentence, title="Style training is not installed", severity="error", timeout=15)
            return
        project = self.project

        def start(name: str | None) -> None:
            if name:
                self.push_screen(StyleTrainingScreen(project, name))

        self.push_screen(StyleNameScreen(), start)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The command palette reaches every action, the screen's included."""
        yield from super().get_system_commands(screen)
        yield SystemCommand("Open or create a project", "Recent projects, a new one, or import",
                            self.action_open_project)
        yield SystemCommand("Planning", "The outline tree", self.action_planning)
        yield SystemCommand("Export the manuscript", "Markdown, beside the project file", self.action_export)
        yield SystemCommand("Export as Word", "A .docx beside the project file",
                            lambda: self.action_export("docx"))
        yield SystemCommand("Export as Word, manuscript format", "Courier 12 pt, double spaced, a header, "
                            "chapters on new pages", lambda: self.action_export("docx", manuscript=True))
        yield SystemCommand("Export as EPUB", "An e-book beside the project file", lambda: self.action_export("epub"))
        yield SystemCommand("Models and sampling", "Choose or import a model", self.action_models)
        yield SystemCommand("Session word goal", "How many words this sitting aims for", self.action_session_goal)
        yield SystemCommand("Train a style", "Learn your voice from this project's chapters (needs the train "
                            "extra)", self.action_train_style)
        for preset, about in PRESET_ABOUT.items():
            yield SystemCommand(f"Sampler: {preset}", about, lambda preset=preset: self.action_sampler_preset(preset))
        yield SystemCommand("Help", "Every key", self.action_help)
        yield SystemCommand("Light or dark", "Switch between light and dark themes", self.action_toggle_theme)
        if isinstance(screen, WorkspaceScreen):
            for title, action in (("Continue at the cursor", "continue_text"), ("Keep the pending text", "accept"),
                                  ("Another version", "regenerate"), ("Discard or stop", "stop_or_discard"),
                                  ("Draft the chosen outline node", "draft_node"), ("Save", "save"),
                                  ("Rewrite the selection", "transform('rewrite')"),
                                  ("Describe the selection", "transform('describe')"),
                                  ("Expand the selection", "transform('expand')"),
                                  ("Context inspector", "inspect"), ("Story bible", "side('tab-bible')")):
                yield SystemCommand(title, f"Workspace: {title.lower()}",
                                    lambda action=action: self.run_action(action, screen))

    async def action_quit(self) -> None:
        if self.workspace is not None:
            self.workspace.save_now()
        await super().action_quit()
