"""What a screen that writes holds: a writing session on the app's loaded model.

The app loads one model and hands it to each screen that writes; the screen opens its
own ``WritingSession`` on it (with its project, or none for the scratch page), so its
sampler and its stop are the session's. The app sets ``settings`` again when the
writer changes the sampler.
"""

from __future__ import annotations

from engine.backend.protocol import Backend, SamplingSettings
from engine.session import WritingSession
from memory.project import Project


class SessionHolder:
    """A mixin for screens: ``backend`` and ``settings`` come from the session once there is one."""

    session: WritingSession | None = None
    _settings: SamplingSettings = SamplingSettings(max_tokens=160)
    """The sampler before a model is loaded (and the base of every session the screen opens)."""

    @property
    def backend(self) -> Backend | None:
        return self.session.backend if self.session is not None else None

    @property
    def settings(self) -> SamplingSettings:
        return self.session.settings if self.session is not None else self._settings

    @settings.setter
    def settings(self, settings: SamplingSettings) -> None:
        self._settings = settings
        if self.session is not None:
            self.session.settings = settings

    def open_session(self, backend: Backend, project: Project | None) -> WritingSession:
        self.session = WritingSession(backend, project, base=self._settings)
        return self.session
