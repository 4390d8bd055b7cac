"""Decide whether a model wants plain text to continue or chat messages.

Many base models ship a chat template they were never tuned for (Gemma's
pretrained checkpoints do), so a template alone does not make a model instruct.
Names are the best signal GGUF metadata carries; the writer can always override.
"""

from __future__ import annotations

import re

from engine.backend.protocol import PromptStyle
from engine.models.gguf_info import GGUFInfo

_INSTRUCT = re.compile(r"(^|[-_. ])(it|instruct|chat|sft|dpo|rlhf|assistant)([-_. ]|$)", re.IGNORECASE)
_BASE = re.compile(r"(^|[-_. ])(pt|base|pretrain(ed)?)([-_. ]|$)", re.IGNORECASE)


def choose_prompt_style(info: GGUFInfo) -> PromptStyle:
    """Chat for models with a template whose names say instruct; completion otherwise."""
    if not info.has_chat_template:
        return PromptStyle.COMPLETION
    names = " ".join(filter(None, [info.name, info.finetune, info.path.stem]))
    if _INSTRUCT.search(names):
        return PromptStyle.CHAT
    if _BASE.search(names):
        return PromptStyle.COMPLETION
    return PromptStyle.CHAT
