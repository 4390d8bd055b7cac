"""Where Draftsmith keeps its files.

Every path the program writes to comes from here, so that one environment
variable, ``DRAFTSMITH_HOME``, moves all of them (tests point it at a temporary
folder). Folders are created only when first asked for, never at import time.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "draftsmith"
HOME_VARIABLE = "DRAFTSMITH_HOME"


@dataclass(frozen=True)
class DraftsmithPaths:
    """The three roots Draftsmith uses: settings, projects and the model cache."""

    config_dir: Path
    projects_dir: Path
    cache_dir: Path

    @property
    def models_cache_dir(self) -> Path:
        """Folder for model files Draftsmith makes itself (the default model)."""
        return self.cache_dir / "models"

    @property
    def model_registry_file(self) -> Path:
        """JSON file listing the models the writer registered by name."""
        return self.config_dir / "models.json"

    @property
    def style_registry_file(self) -> Path:
        """The writer's imported styles (adapters and fine-tuned models)."""
        return self.config_dir / "styles.json"

    @property
    def trained_styles_dir(self) -> Path:
        """Style adapters ``draftsmith style train`` made (the writer's own voice: kept with the settings)."""
        return self.config_dir / "styles"

    @property
    def training_dir(self) -> Path:
        """Checkpoints of style training runs, so a stopped or killed run resumes."""
        return self.cache_dir / "training"

    def ensure(self, folder: Path) -> Path:
        """Create ``folder`` (and parents) if missing and return it."""
        folder.mkdir(parents=True, exist_ok=True)
        return folder


def draftsmith_paths() -> DraftsmithPaths:
    """Resolve the paths now, honouring ``DRAFTSMITH_HOME`` when it is set."""
    home = os.environ.get(HOME_VARIABLE)
    if home:
        root = Path(home).expanduser()
        return DraftsmithPaths(
            config_dir=root / "config",
            projects_dir=root / "projects",
            cache_dir=root / "cache",
        )
    return DraftsmithPaths(
        config_dir=Path(platformdirs.user_config_dir(APP_NAME)),
        projects_dir=Path(platformdirs.user_documents_dir()) / "Draftsmith",
        cache_dir=Path(platformdirs.user_cache_dir(APP_NAME)),
    )
