"""Events: the grouping's output (rewritten by each regroup) and the user's corrections (kept).

``events`` and ``event_articles`` are replaced as a whole by ``biascmp.events.store.regroup``;
``event_corrections`` only grows (``assign`` / ``merge``) and is applied as pins on every regroup.
"""

SQL = """
CREATE TABLE events (
    event_id VARCHAR PRIMARY KEY,
    label VARCHAR NOT NULL,
    first_published DATE,
    last_published DATE,
    n_articles INTEGER NOT NULL,
    n_outlets INTEGER NOT NULL,
    pinned BOOLEAN NOT NULL,
    outlets VARCHAR[],
    grouped_at TIMESTAMP
);
CREATE TABLE event_articles (
    event_id VARCHAR NOT NULL,
    article_id VARCHAR NOT NULL,
    score DOUBLE
);
CREATE TABLE event_corrections (
    seq INTEGER NOT NULL,
    kind VARCHAR NOT NULL,
    article_id VARCHAR NOT NULL,
    event_id VARCHAR NOT NULL,
    merged_from VARCHAR,
    created_at TIMESTAMP
);
CREATE INDEX event_articles_event ON event_articles(event_id);
CREATE INDEX event_articles_article ON event_articles(article_id);
CREATE INDEX event_corrections_article ON event_corrections(article_id);
"""
