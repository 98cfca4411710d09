"""Unicode and whitespace normalisation shared by the readers and the cleaner."""

from __future__ import annotations

import re
import unicodedata

#: invisible format characters dropped from text: zero-width space/joiners, word joiner,
#: byte-order mark, soft hyphen, and the bidirectional marks/embeddings/isolates
_INVISIBLE_RE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
#: every horizontal whitespace run (tabs, no-break and other Unicode spaces) -> one space
_SPACE_RE = re.compile(r"[^\S\n]+")


def normalize_line(text: str) -> str:
    """NFC, invisible characters removed, whitespace runs collapsed to one space, stripped.
    Newlines become spaces too: the result is one line."""
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE_RE.sub("", text)
    return " ".join(text.split())


def normalize_block(text: str) -> str:
    """Like :func:`normalize_line` but keeps line breaks (each line normalised, CRLF -> LF)."""
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE_RE.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [_SPACE_RE.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(lines)
