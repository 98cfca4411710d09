"""Ingest stage: input files -> ``RawArticle`` (``readers``) -> ``Article`` with boilerplate
paragraphs flagged (``clean``)."""

from biascmp.ingest.clean import (
    BOILERPLATE_REASONS,
    CleanSettings,
    article_paragraph_keys,
    clean_articles,
    split_and_key,
    split_paragraphs,
)
from biascmp.ingest.ids import content_hash, make_article_id, repeated_paragraph_keys
from biascmp.ingest.readers import FORMATS, ReadResult, iter_files, iter_records, read_paths

__all__ = [
    "BOILERPLATE_REASONS",
    "CleanSettings",
    "FORMATS",
    "ReadResult",
    "article_paragraph_keys",
    "clean_articles",
    "content_hash",
    "iter_files",
    "iter_records",
    "make_article_id",
    "read_paths",
    "repeated_paragraph_keys",
    "split_and_key",
    "split_paragraphs",
]
