"""Event grouping: which articles from different outlets cover the same event.

``group_articles`` (pure, over a batch of ``EventInput``) is the algorithm; ``store`` reads the
features from DuckDB, runs it and writes ``events`` / ``event_articles``.
"""

from biascmp.events.cluster import EventAssignment, group_articles
from biascmp.events.features import (
    EventInput,
    article_vector,
    event_inputs_from_texts,
    features_from_sentences,
)
from biascmp.events.settings import ArticleVectorSettings, EventSettings

__all__ = [
    "ArticleVectorSettings",
    "EventAssignment",
    "EventInput",
    "EventSettings",
    "article_vector",
    "event_inputs_from_texts",
    "features_from_sentences",
    "group_articles",
]
