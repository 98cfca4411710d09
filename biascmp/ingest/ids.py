"""Article identifiers and paragraph keys (used by the cleaner, the pipeline and the store)."""

from __future__ import annotations

import hashlib

from biascmp.ingest.normalize import normalize_line


def content_hash(outlet: str, title: str | None, text: str) -> str:
    """sha256 hex of ``outlet + "\\n" + title + "\\n" + text`` (title None counts as "")."""
    payload = f"{outlet}\n{title or ''}\n{text}"
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def make_article_id(record_id: str | None, content_hash_hex: str) -> str:
    """The record's own id when it has one, else ``"a-"`` + 16 hex chars of the hash."""
    if record_id is not None and str(record_id).strip():
        return str(record_id).strip()
    return "a-" + content_hash_hex[:16]


def repeated_paragraph_keys(paragraph_text: str) -> str:
    """The key under which a paragraph is counted for repetition across an outlet's
    articles: a hash of its text normalised (NFC, invisible characters and extra spaces
    removed, case folded). Numbers are kept: updates of one story that differ only in a
    figure are not the same paragraph. 32 hex chars."""
    text = normalize_line(paragraph_text).casefold()
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
