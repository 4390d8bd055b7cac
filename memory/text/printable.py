"""Characters that have no place in a book or in a line on the writer's terminal.

A manuscript pasted from elsewhere can carry NUL, bell, escape and other control
characters; they are invisible in the editor, illegal in the XML inside Word and
EPUB files, and an escape sequence in a file name echoed raw can clear or retitle
the writer's terminal. Text for a book drops them; text for a terminal shows
them as escapes, and shows the undecodable bytes of a file name (kept by Python
as lone surrogates) as the bytes they are.
"""

from __future__ import annotations

import re

_KEPT_IN_TEXT = "\t\n"
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
"""C0 and C1 controls except tab and line feed, DEL, lone surrogates and the two non-characters XML forbids."""


def control_characters(text: str) -> int:
    """How many characters ``without_control_characters`` would drop."""
    return len(_CONTROL.findall(text))


def without_control_characters(text: str) -> str:
    """The text a reader sees: everything but control characters (tab and line feed stay)."""
    return _CONTROL.sub("", text)


def plain_name(text: str) -> str:
    """A name (of a project, of a chapter from its file) as one line of visible characters."""
    return " ".join(without_control_characters(text).split())


def _escape(match: re.Match[str]) -> str:
    character = match.group()
    code = ord(character)
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte of a file name
        return f"\\x{code - 0xDC00:02x}"
    if code > 0xFF:
        return f"\\u{code:04x}"
    return f"\\x{code:02x}"


_SHOWN_ESCAPED = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_STREAM_ESCAPED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def shown(text: object) -> str:
    """``text`` as one safe line for a terminal: controls, line ends included, as escapes."""
    return _SHOWN_ESCAPED.sub(_escape, str(text))


def safe_for_terminal(text: str) -> str:
    """``text`` with the controls a terminal would act on escaped; line ends, tabs and the
    carriage return a progress bar redraws with are left as they are."""
    return _STREAM_ESCAPED.sub(_escape, text)
