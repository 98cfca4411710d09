"""Articles, paragraphs, sentences, entities, the embedding cache and store metadata.

Embedding columns are added by ``biascmp.store.db.ensure_embedding_columns`` on the first ingest,
when the model's dimension is known (``FLOAT[dim]``): a database holds vectors of one model.
"""

SQL = """
CREATE TABLE meta (
    key VARCHAR PRIMARY KEY,
    value VARCHAR
);
CREATE TABLE articles (
    article_id VARCHAR PRIMARY KEY,
    outlet VARCHAR NOT NULL,
    title VARCHAR,
    published DATE,
    url VARCHAR,
    text VARCHAR NOT NULL,
    clean_text VARCHAR NOT NULL,
    content_hash VARCHAR NOT NULL,
    event_hint VARCHAR,
    source_path VARCHAR,
    source_format VARCHAR,
    extra JSON,
    n_sentences INTEGER,
    n_boilerplate INTEGER,
    ingested_at TIMESTAMP
);
CREATE TABLE paragraphs (
    article_id VARCHAR NOT NULL,
    position INTEGER NOT NULL,
    text VARCHAR NOT NULL,
    is_boilerplate BOOLEAN NOT NULL,
    boilerplate_reason VARCHAR,
    key VARCHAR
);
CREATE TABLE sentences (
    sentence_id VARCHAR PRIMARY KEY,
    article_id VARCHAR NOT NULL,
    position INTEGER NOT NULL,
    paragraph INTEGER NOT NULL,
    text VARCHAR NOT NULL,
    is_boilerplate BOOLEAN NOT NULL,
    numbers VARCHAR[],
    lemmas VARCHAR[],
    text_hash VARCHAR NOT NULL
);
CREATE TABLE entities (
    sentence_id VARCHAR NOT NULL,
    article_id VARCHAR NOT NULL,
    idx INTEGER NOT NULL,
    text VARCHAR NOT NULL,
    label VARCHAR NOT NULL,
    start_char INTEGER,
    end_char INTEGER
);
CREATE INDEX sentences_article ON sentences(article_id);
CREATE INDEX entities_article ON entities(article_id);
CREATE INDEX paragraphs_article ON paragraphs(article_id);
"""
