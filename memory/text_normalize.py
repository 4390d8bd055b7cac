"""Turn raw manuscript bytes into clean text, or refuse them with a reason.

Writers' files arrive as UTF-8, UTF-8 with a byte-order mark, Windows-1252 from old
word processors, with CRLF line ends or form feeds. All of that imports; files that
are really binary (images, archives, executables) are refused before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass

from memory.errors import ManuscriptError

_SAMPLE = 8192


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str


def decode_manuscript(raw: bytes, name: str) -> DecodedText:
    """Decode ``raw`` and normalise line ends; raise ``ManuscriptError`` for binary data."""
    if not raw.strip():
        raise ManuscriptError(f"{name} is empty: there is no text to import.")
    sample = raw[:_SAMPLE]
    if b"\x00" in sample or _control_share(sample) > 0.05:
        raise ManuscriptError(f"{name} looks like a binary file, not a manuscript (import .txt, .md or .docx).")
    encoding = "utf-8"
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        encoding = "cp1252"
        text = raw.decode("cp1252", errors="replace")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n").replace("\u2028", "\n")
    if not text.strip():
        raise ManuscriptError(f"{name} holds only white space: there is no text to import.")
    return DecodedText(text=text, encoding=encoding)


def _control_share(sample: bytes) -> float:
    controls = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 12, 13))
    return controls / max(1, len(sample))
