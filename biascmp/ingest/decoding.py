"""Bytes -> text for input files: UTF-8 first, then a declared charset, then detection.

Inputs come from scrapers, exports and copy-paste, so the order is: UTF-8 (with or without a
byte-order mark, the common case), UTF-16 with a byte-order mark, the charset a page declares
(HTML ``<meta charset>`` / ``http-equiv`` or an XML declaration), and last ``charset_normalizer``
detection, accepted only when its guess reads as text. Anything else is reported as binary or
undecodable rather than turned into mojibake.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from biascmp.errors import BadInput

#: how many leading bytes are inspected for NUL bytes and charset declarations
SNIFF_BYTES = 8192
#: charset_normalizer's "chaos" (mess ratio) above which a guess is rejected
MAX_DETECTION_CHAOS = 0.2
#: share of characters of a detected decoding that must be letters, digits, marks, spaces
#: or punctuation (the rest being controls, private-use or unassigned code points)
MIN_TEXT_SHARE = 0.9

_DECLARED_RE = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)"""
    rb"""|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)["']""",
    re.IGNORECASE,
)


def declared_charset(head: bytes) -> str | None:
    """The charset a document declares in its first bytes (HTML meta or XML declaration),
    normalised to a Python codec name, or None when absent or unknown to Python."""
    match = _DECLARED_RE.search(head)
    if not match:
        return None
    name = (match.group(1) or match.group(2)).decode("ascii", "replace")
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def looks_binary(head: bytes) -> bool:
    """True when the leading bytes hold a NUL byte (and no UTF-16 byte-order mark)."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    return b"\x00" in head[:SNIFF_BYTES]


def _reads_as_text(text: str) -> bool:
    """True when nearly every character of ``text`` is something a person would write."""
    if not text:
        return False
    good = 0
    for ch in text:
        cat = unicodedata.category(ch)
        if cat[0] in "LMNPSZ" or ch in "\n\r\t":
            good += 1
    return good / len(text) >= MIN_TEXT_SHARE


def detect_encoding(data: bytes) -> str | None:
    """``charset_normalizer``'s guess for ``data`` when it decodes to plausible text."""
    from charset_normalizer import from_bytes

    try:
        best = from_bytes(data).best()
    except Exception:  # the detector must never turn odd bytes into a crash
        return None
    if best is None or best.chaos > MAX_DETECTION_CHAOS:
        return None
    try:
        text = data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        return None
    return best.encoding if _reads_as_text(text) else None


def choose_encoding(sample: bytes, path: str, *, complete: bool) -> str:
    """The codec to read a file with, judged from ``sample`` (its first bytes, or all of
    them when ``complete``). Raises ``BadInput`` for binary or undecodable data."""
    if looks_binary(sample):
        raise BadInput(path, "binary file")
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(sample, final=complete)
        return "utf-8"
    except UnicodeDecodeError as err:
        utf8_error = err
    declared = declared_charset(sample[:SNIFF_BYTES])
    if declared and declared not in ("utf-8", "utf-8-sig"):
        try:
            sample.decode(declared)
            return declared
        except UnicodeDecodeError:
            pass
    detected = detect_encoding(sample)
    if detected:
        return detected
    bad = sample[utf8_error.start : utf8_error.start + 1].hex()
    raise BadInput(
        path,
        f"not valid UTF-8 text ({utf8_error.reason}: byte 0x{bad} at offset {utf8_error.start})"
        " and no other encoding fits",
    )


def decode_bytes(data: bytes, path: str) -> str:
    """Decode a whole file's bytes to text (BOM removed). Raises ``BadInput`` on
    empty, binary or undecodable input."""
    if not data.strip():
        raise BadInput(path, "empty file")
    encoding = choose_encoding(data, path, complete=True)
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as err:
        raise BadInput(path, f"not valid {encoding} text ({err})") from None
    return text.lstrip("\ufeff")
