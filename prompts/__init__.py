"""Prompt templates as plain files, and the small renderer that fills them.

Each task has a base-model variant (``NAME.base.txt``: plain text to continue)
and an instruct variant (``NAME.chat.txt``: messages for a chat template).
"""

from prompts.renderer import (
    ChatMessage,
    RenderedPrompt,
    TemplateError,
    render,
    template_names,
    template_placeholders,
)

__all__ = ["ChatMessage", "RenderedPrompt", "TemplateError", "render", "template_names", "template_placeholders"]
