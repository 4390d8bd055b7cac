"""One writing session: the model that writes for a project, its styles, one sampler, one stop.

The app and every command that generates open a ``WritingSession`` and hand its backend,
settings and stop signal to the workflows, so what writes is decided here once:

* the model is, in order, the one the writer names for this run, the model a chosen
  style needs (a fine-tuned model, or the base its adapters were made for), the model
  the project was created with, and the built-in one; a server writes with the model it
  has loaded unless the writer names another;
* the project's style adapters go on that model, so ``draftsmith style use mine:0.8``
  reaches Ctrl+G in the app as it reaches ``draftsmith write``;
* the sampler is the project's (preset, bans, the writer's temperature and length) with
  the run's own changes over it;
* a stop (Esc in the app, Ctrl-C at the command line) reaches the generation running
  now, which checks it before every token and keeps what it has written.

A model other than the one that counted the project's budget is allowed: the continue
prompt is re-fitted to the writing model's own count (``fitted_to_backend``).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from engine.backend.banned_phrases import compile_bans
from engine.backend.protocol import Backend, PromptStyle, SamplingSettings, unapplied
from engine.errors import DraftsmithError
from engine.models.default_model import ProgressCallback
from engine.projects import MODEL_SETTING
from engine.runtime import open_backend, resolve_model_path
from engine.sampler_presets import project_sampler
from engine.styles import adapters_for, apply_styles, model_for, project_styles
from memory.project import Project


@dataclass(frozen=True)
class ModelChoice:
    """What the writer asked for this run; every part is optional."""

    model: str | None = None
    server: str | None = None
    prompt_style: PromptStyle | None = None
    n_ctx: int | None = None


@dataclass(frozen=True)
class SamplerChanges:
    """A run's own sampler choices, over the project's; None keeps the project's."""

    preset: str | None = None
    temperature: float | None = None
    max_tokens: int | None = None
    seed: int | None = None
    bans: tuple[str, ...] = ()
    worn_phrases: bool | None = None
    dry_multiplier: float | None = None
    xtc_probability: float | None = None
    top_n_sigma: float | None = None
    top_k: int | None = None


_PLAIN_CHANGES = ("seed", "dry_multiplier", "xtc_probability", "top_n_sigma", "top_k")


def session_sampler(project: Project | None, changes: SamplerChanges | None = None,
                    base: SamplingSettings | None = None) -> SamplingSettings:
    """The project's sampler (``base``, the defaults, without a project) with ``changes`` over it.

    ``base`` holds what neither the project nor the run sets (the app's shorter length).

    Raises ``BannedPhraseError`` for a ban that is not a valid pattern, before anything is written.
    """
    changes = changes or SamplerChanges()
    store = project.store if project is not None else None
    settings = project_sampler(store, base or SamplingSettings(), changes.temperature, changes.max_tokens,
                               changes.preset)
    over: dict[str, object] = {name: getattr(changes, name) for name in _PLAIN_CHANGES
                               if getattr(changes, name) is not None}
    if changes.bans:
        over["banned_phrases"] = settings.banned_phrases + tuple(changes.bans)
    if changes.worn_phrases is not None:
        over["worn_phrases"] = changes.worn_phrases
    settings = replace(settings, **over)
    compile_bans(settings.banned_phrases, settings.worn_phrases)
    return settings


def writing_model(project: Project | None, explicit: str | None = None, server: str | None = None) -> str | None:
    """The model that writes for ``project`` (None: the built-in one, or a ``server``'s own)."""
    if explicit:
        return explicit
    if project is None or server:  # a server writes with what it has loaded
        return None
    return model_for(project_styles(project.store)) or project.store.get_setting(MODEL_SETTING) or None


def model_to_load(backend: Backend, project: Project, explicit: str | None = None) -> str | None:
    """The model to load in ``backend``'s place so that the one that writes for ``project`` does.

    None when ``backend`` already is that model, or runs elsewhere (a server writes with
    its own). A model that cannot be found is still named: loading it says what is wrong.
    """
    loaded = backend.model_identity.file
    if loaded is None:
        return None
    wanted = writing_model(project, explicit)
    try:
        path = resolve_model_path(wanted)
    except DraftsmithError:
        return wanted or "default"
    return None if _same_file(path, loaded) else (wanted or "default")


def _same_file(one: Path, other: Path) -> bool:
    try:
        return one.samefile(other)
    except OSError:
        return one.resolve() == other.resolve()


def styles_to_change(backend: Backend, project: Project) -> bool:
    """Whether ``backend`` needs the project's styles put on (or another project's taken off)."""
    return bool(project_styles(project.store)) or bool(backend.model_identity.adapters)


def use_project_styles(backend: Backend, project: Project) -> list[tuple[Path, float]]:
    """Put ``project``'s style adapters on ``backend`` (none clears them); the adapters now on.

    Raises ``StyleError`` when a style cannot be used with this backend (an adapter made
    for another model, or a server, which applies its own).
    """
    choices = project_styles(project.store)
    apply_styles(backend, choices)
    return adapters_for(choices)


class WritingSession:
    """One project (or none: a loose passage) written by one backend with one sampler.

    Built on a backend already loaded (the app loads its model in the background) or
    opened with ``WritingSession.open``, which chooses and loads the model. The session
    owns the stop signal: each generation takes ``begin()``'s event and checks it
    before every token; ``stop()`` sets the one running now.
    """

    def __init__(self, backend: Backend, project: Project | None = None,
                 changes: SamplerChanges | None = None, base: SamplingSettings | None = None) -> None:
        self.backend = backend
        self.project = project
        self.settings = session_sampler(project, changes, base)
        """What every generation of the session samples with; the app sets it again when the
        writer changes the project's sampler."""
        self._stop = threading.Event()

    @classmethod
    def open(cls, project: Project | None, choice: ModelChoice | None = None,
             changes: SamplerChanges | None = None, progress: ProgressCallback | None = None) -> WritingSession:
        """Load the model that writes for ``project`` and put the project's styles on it.

        A sampler change that cannot be used (a broken ban pattern) is refused before
        the model loads; a style that does not fit the model closes it again.
        """
        choice = choice or ModelChoice()
        session_sampler(project, changes)
        backend = open_backend(writing_model(project, choice.model, choice.server), server=choice.server,
                               prompt_style=choice.prompt_style, n_ctx=choice.n_ctx, progress=progress)
        try:
            if project is not None:
                use_project_styles(backend, project)
            return cls(backend, project, changes)
        except BaseException:
            backend.close()
            raise

    @property
    def unapplied_settings(self) -> list[str]:
        """The sampler settings in use that this backend cannot apply (a server's limits)."""
        return unapplied(self.backend.capabilities, self.settings)

    # -- stopping ---------------------------------------------------------------

    def begin(self, stop: threading.Event | None = None) -> threading.Event:
        """The stop signal of the generation starting now (``stop``: one the caller's worker also sets)."""
        self._stop = stop if stop is not None else threading.Event()
        return self._stop

    def stop(self) -> None:
        """Stop the generation running now; it keeps what it has written."""
        self._stop.set()

    @property
    def stopped(self) -> bool:
        """Whether the latest generation was asked to stop."""
        return self._stop.is_set()

    @property
    def stop_signal(self) -> threading.Event:
        """The latest generation's stop signal, for workflows that take one."""
        return self._stop

    @contextmanager
    def stopping_on_ctrl_c(self) -> Iterator[threading.Event]:
        """Inside the block, Ctrl-C (SIGINT) stops the generation instead of raising.

        Yields the block's stop signal; the previous handler is restored on the way out.
        """
        stop = self.begin()
        previous = signal.signal(signal.SIGINT, lambda *_: stop.set())
        try:
            yield stop
        finally:
            signal.signal(signal.SIGINT, previous)

    def close(self) -> None:
        self.backend.close()

    def __enter__(self) -> WritingSession:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
