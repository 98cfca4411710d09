"""Quoted statements of an event and the speakers they are attributed to
(``biascmp.compare.sources``). Documented in ``docs/schema.md``."""

SQL = """
CREATE TABLE quotes (
    event_id VARCHAR NOT NULL,
    quote_id VARCHAR NOT NULL,
    article_id VARCHAR NOT NULL,
    outlet VARCHAR NOT NULL,
    sentence_id VARCHAR NOT NULL,
    sentence_ids VARCHAR[] NOT NULL,
    type VARCHAR NOT NULL,
    text VARCHAR NOT NULL,
    cue VARCHAR,
    speaker VARCHAR,
    speaker_id VARCHAR,
    role VARCHAR,
    affiliation VARCHAR,
    country VARCHAR,
    PRIMARY KEY (event_id, quote_id)
);
CREATE INDEX quotes_speaker ON quotes(event_id, speaker_id);
CREATE TABLE speakers (
    event_id VARCHAR NOT NULL,
    speaker_id VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    roles VARCHAR[] NOT NULL,
    aliases VARCHAR[] NOT NULL,
    affiliation VARCHAR NOT NULL,
    country VARCHAR,
    n_quotes INTEGER NOT NULL,
    outlets VARCHAR[] NOT NULL,
    PRIMARY KEY (event_id, speaker_id)
);
"""
