"""Evidence for the report's findings: each finding points at sentences by ``sentence_id``;
``SentenceIndex`` fills in the outlet, article and text a finding did not carry, so every
evidence record reads the same whichever analysis produced it. Also the JSON-stable value
helpers (rounded floats, ISO dates) and the articles' own records."""

from __future__ import annotations

import math
from datetime import date, datetime

from biascmp.records import EventDocs


def num(value, decimals: int) -> float | None:
    """A JSON-stable float (plain Python float, rounded) or None."""
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return round(number, decimals) if math.isfinite(number) else None


def text_or_none(value) -> str | None:
    return None if value is None else str(value)


def iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


class SentenceIndex:
    """``sentence_id`` -> the article, outlet and text it belongs to."""

    def __init__(self, docs: EventDocs):
        self._by_id: dict[str, tuple[str, str, str]] = {}
        for art in docs.articles:
            for sent in art.sentences:
                self._by_id[sent.sentence_id] = (art.article_id, art.outlet, sent.text)

    def evidence(
        self, sentence_id, outlet=None, article_id=None, sentence=None, score=None, decimals=3
    ) -> dict:
        """One evidence record; fields the finding did not carry come from the articles."""
        sid = text_or_none(sentence_id)
        known = self._by_id.get(sid) if sid is not None else None
        if known:
            article_id = article_id or known[0]
            outlet = outlet or known[1]
            sentence = sentence or known[2]
        item = {
            "outlet": text_or_none(outlet),
            "article_id": text_or_none(article_id),
            "sentence_id": sid,
            "sentence": text_or_none(sentence),
        }
        if score is not None:
            item["score"] = num(score, decimals)
        return item


def article_records(docs: EventDocs) -> list[dict]:
    """The event's articles with their analysed sentences: what every sentence id points at."""
    return [
        {
            "article_id": a.article_id,
            "outlet": a.outlet,
            "title": a.title,
            "published": iso(a.published),
            "url": a.url,
            "sentences": [
                {"sentence_id": s.sentence_id, "paragraph": s.paragraph, "text": s.text}
                for s in a.sentences
            ],
        }
        for a in docs.articles
    ]
