"""Facts of an event, the sentences stating them, the outlets leaving them out, and
contradictions between outlets (``biascmp.compare.omissions``). Documented in
``docs/schema.md``."""

SQL = """
CREATE TABLE facts (
    event_id VARCHAR NOT NULL,
    fact_id VARCHAR NOT NULL,
    rank INTEGER NOT NULL,
    text VARCHAR NOT NULL,
    sentence_id VARCHAR NOT NULL,
    n_reporting INTEGER NOT NULL,
    n_outlets INTEGER NOT NULL,
    PRIMARY KEY (event_id, fact_id)
);
CREATE TABLE fact_mentions (
    event_id VARCHAR NOT NULL,
    fact_id VARCHAR NOT NULL,
    sentence_id VARCHAR NOT NULL,
    article_id VARCHAR NOT NULL,
    outlet VARCHAR NOT NULL,
    score DOUBLE NOT NULL,
    is_best BOOLEAN NOT NULL
);
CREATE INDEX fact_mentions_event ON fact_mentions(event_id, fact_id);
CREATE TABLE omissions (
    event_id VARCHAR NOT NULL,
    fact_id VARCHAR NOT NULL,
    outlet VARCHAR NOT NULL
);
CREATE INDEX omissions_event ON omissions(event_id, outlet);
CREATE TABLE contradictions (
    event_id VARCHAR NOT NULL,
    contradiction_id VARCHAR NOT NULL,
    fact_id VARCHAR,
    kind VARCHAR NOT NULL,
    score DOUBLE NOT NULL,
    sentence_a VARCHAR NOT NULL,
    article_a VARCHAR NOT NULL,
    outlet_a VARCHAR NOT NULL,
    values_a VARCHAR[],
    sentence_b VARCHAR NOT NULL,
    article_b VARCHAR NOT NULL,
    outlet_b VARCHAR NOT NULL,
    values_b VARCHAR[],
    PRIMARY KEY (event_id, contradiction_id)
);
"""
