"""Turn raw manuscript bytes into clean text, or refuse them with a reason.

Writers' files arrive as UTF-8, UTF-8 with a byte-order mark, Windows-1252 from old
word processors, with CRLF line ends or form feeds. All of that imports; files that
are really binary (images, archives, executables) are refused before anything is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from memory.errors import ManuscriptError
from memory.text.printable import control_characters, without_control_characters

_SAMPLE = 8192


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str
    invalid_bytes: int = 0
    """Bytes that were not valid in ``encoding``; each run of them is kept as U+FFFD, never guessed at."""
    control_characters: int = 0
    """Invisible control characters (NUL, bell, escape...) left out of the text."""


REPLACEMENT = "\ufffd"
_ESCAPED_RUN = re.compile("[\udc80-\udcff]+")


def decode_manuscript(raw: bytes, name: str) -> DecodedText:
    """Decode ``raw`` and normalise line ends; raise ``ManuscriptError`` for binary data.

    Valid UTF-8 is never re-read as another encoding: a UTF-8 file with a few bad
    bytes (a paste from elsewhere, a damaged sector) keeps every good character and
    marks each bad run with U+FFFD, and the count is reported. Windows-1252 is
    chosen only when the non-ASCII bytes are mostly not UTF-8 at all.
    """
    if not raw.strip(b"\x00"):
        raise ManuscriptError(f"{name} is empty: there is no text to import.")
    if not raw.strip(b" \t\r\n\f\x00"):
        raise ManuscriptError(f"{name} holds only white space: there is no text to import.")
    wide = _utf16_encoding(raw)
    if wide is not None:
        decoded = _decode_marking(raw, wide)
    else:
        sample = raw[:_SAMPLE]
        if _control_share(sample) > 0.05:
            raise ManuscriptError(f"{name} looks like a binary file, not a manuscript (import .txt, .md or .docx).")
        decoded = _decode_marking(raw, "utf-8-sig")
        if decoded.invalid_bytes and _valid_non_ascii(decoded.text) < decoded.invalid_bytes:
            decoded = _decode_marking(raw, "cp1252")
    text = decoded.text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n").replace("\u2028", "\n")
    if not text.strip():
        raise ManuscriptError(f"{name} holds only white space: there is no text to import.")
    if wide is not None and _control_share(text[:_SAMPLE].encode("utf-8", "replace")) > 0.05:
        raise ManuscriptError(f"{name} looks like a binary file, not a manuscript (import .txt, .md or .docx).")
    controls = control_characters(text)
    if controls:
        text = without_control_characters(text)
        if not text.strip():
            raise ManuscriptError(f"{name} holds only control characters: there is no text to import.")
    return DecodedText(text=text,
                       encoding=decoded.encoding.removesuffix("-sig"), invalid_bytes=decoded.invalid_bytes,
                       control_characters=controls)


def _decode_marking(raw: bytes, encoding: str) -> DecodedText:
    if not encoding.startswith("utf-8"):
        # Five byte values have no character in Windows-1252, and UTF-16 can hold a lone
        # half of a pair: mark and count them as for bad UTF-8.
        text = raw.decode(encoding, errors="replace")
        return DecodedText(text, encoding, text.count(REPLACEMENT))
    escaped = raw.decode(encoding, errors="surrogateescape")
    invalid = sum(len(run) for run in _ESCAPED_RUN.findall(escaped))
    return DecodedText(_ESCAPED_RUN.sub(REPLACEMENT, escaped), encoding, invalid)


def _valid_non_ascii(text: str) -> int:
    return sum(1 for character in text if character > "\x7f" and character != REPLACEMENT)


def _utf16_encoding(raw: bytes) -> str | None:
    """UTF-16 by its byte-order mark, or by the zero bytes of mostly-ASCII text in one byte of each pair."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    sample = raw[: _SAMPLE - _SAMPLE % 2]
    if len(sample) < 4 or len(raw) % 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def _control_share(sample: bytes) -> float:
    controls = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 12, 13))
    return controls / max(1, len(sample))
