"""Build an ``EventDocs`` from plain texts, without a database.

Tests and evaluation scripts use this to run an analysis on a handful of texts exactly as it
would run on an event read from the store: same sentence splitting, same embeddings.
"""

from __future__ import annotations

from datetime import date

from biascmp.embed import get_embedder
from biascmp.records import EventArticle, EventDocs
from biascmp.text import segment_text


def event_docs_from_texts(items: list[dict], event_id: str = "e") -> EventDocs:
    """``items``: dicts with ``article_id``, ``outlet``, ``title``, ``published``, ``text``
    (blank lines separate paragraphs). Returns the event with every sentence embedded."""
    articles = []
    for item in items:
        published = item.get("published")
        if isinstance(published, str):
            published = date.fromisoformat(published)
        articles.append(
            EventArticle(
                article_id=item["article_id"],
                outlet=item.get("outlet") or "",
                title=item.get("title"),
                published=published,
                url=item.get("url"),
                sentences=segment_text(item["text"], item["article_id"]),
            )
        )
    texts = [s.text for a in articles for s in a.sentences]
    embeddings = get_embedder().encode(texts)
    return EventDocs(event_id=event_id, label=event_id, articles=articles, embeddings=embeddings)
