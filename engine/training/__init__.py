"""Style training: a LoRA adapter learnt from the writer's own chapters, on the writer's CPU.

The training stack (PyTorch, transformers, peft) is an optional extra; nothing here is
imported by the rest of Draftsmith until a writer asks to train, and without the extra
``require_training_stack`` says in one sentence how to install it.
"""

from __future__ import annotations

import importlib.util

from engine.errors import DraftsmithError

TRAINING_PACKAGES = ("torch", "transformers", "peft")
INSTALL_HINT = "pip install -e '.[train]'"


class TrainingUnavailable(DraftsmithError):
    """The optional training stack is not installed."""

    exit_code = 2


def missing_training_packages() -> list[str]:
    return [name for name in TRAINING_PACKAGES if importlib.util.find_spec(name) is None]


def require_training_stack() -> None:
    """Raise ``TrainingUnavailable`` when torch, transformers or peft is missing."""
    missing = missing_training_packages()
    if missing:
        raise TrainingUnavailable(
            f"Style training needs the training extra ({', '.join(missing)} missing): run `{INSTALL_HINT}` "
            "in Draftsmith's folder, then train again.")
