"""Escaping for the HTML report: article-derived text is data, never markup or code.

Every value that comes from an article (titles, outlets, sentences, speaker names, terms,
ids, URLs) goes through ``esc``; links to the outside are only made from http(s) URLs; element
ids are built from sentence ids with a reversible encoding that keeps only safe characters.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

_UNSAFE_ID_CHAR = re.compile(r"[^A-Za-z0-9_-]")
_CONTROL = re.compile(r"[\x00-\x20\x7f-\x9f]")


def esc(value) -> str:
    """Text for an HTML element body or a quoted attribute value (``&<>"'`` escaped)."""
    return html.escape("" if value is None else str(value), quote=True)


def anchor(value, prefix: str = "s") -> str:
    """An element id for a sentence (``s-...``) or fact (``f-...``): the prefix, ``-``, and the
    id with every character outside ``[A-Za-z0-9_-]`` written as ``.<hex>.``, so distinct ids
    stay distinct and the result is safe in an attribute and a URL fragment."""
    body = _UNSAFE_ID_CHAR.sub(lambda m: f".{ord(m.group(0)):x}.", str(value))
    return f"{prefix}-{body}"


def safe_url(url) -> str | None:
    """The URL, escaped for an ``href``, when it is an absolute http(s) URL; else ``None``
    (``javascript:``, ``data:``, relative paths and URLs holding whitespace or control
    characters are never made into links)."""
    if not url:
        return None
    text = str(url).strip()
    if _CONTROL.search(text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return esc(text)
