"""Framing results per event: distinctive terms, label variants, frame shares (per outlet and
per sentence), tone toward actors and loaded sentences. Written by
``biascmp.compare.framing.save_framing``; documented in ``docs/schema.md``."""

SQL = """
CREATE TABLE framing_terms (
    event_id VARCHAR NOT NULL,
    outlet VARCHAR NOT NULL,
    rank INTEGER NOT NULL,
    term VARCHAR NOT NULL,
    z DOUBLE NOT NULL,
    count INTEGER NOT NULL,
    other_count INTEGER NOT NULL,
    sentence_ids VARCHAR[]
);
CREATE INDEX framing_terms_event ON framing_terms (event_id);
CREATE TABLE framing_labels (
    event_id VARCHAR NOT NULL,
    concept_rank INTEGER NOT NULL,
    concept VARCHAR NOT NULL,
    label VARCHAR NOT NULL,
    label_key VARCHAR NOT NULL,
    outlets VARCHAR[],
    count INTEGER NOT NULL,
    sentence_ids VARCHAR[]
);
CREATE INDEX framing_labels_event ON framing_labels (event_id);
CREATE TABLE framing_frames (
    event_id VARCHAR NOT NULL,
    outlet VARCHAR NOT NULL,
    frame VARCHAR NOT NULL,
    share DOUBLE NOT NULL
);
CREATE INDEX framing_frames_event ON framing_frames (event_id);
CREATE TABLE framing_sentence_frames (
    event_id VARCHAR NOT NULL,
    sentence_id VARCHAR NOT NULL,
    frame VARCHAR NOT NULL,
    confidence DOUBLE NOT NULL
);
CREATE INDEX framing_sentence_frames_event ON framing_sentence_frames (event_id);
CREATE TABLE framing_tone (
    event_id VARCHAR NOT NULL,
    outlet VARCHAR NOT NULL,
    actor VARCHAR NOT NULL,
    score DOUBLE NOT NULL,
    n INTEGER NOT NULL,
    ci_low DOUBLE NOT NULL,
    ci_high DOUBLE NOT NULL,
    sentence_ids VARCHAR[]
);
CREATE INDEX framing_tone_event ON framing_tone (event_id);
CREATE TABLE framing_loaded (
    event_id VARCHAR NOT NULL,
    sentence_id VARCHAR NOT NULL,
    outlet VARCHAR NOT NULL,
    score DOUBLE NOT NULL,
    text VARCHAR NOT NULL
);
CREATE INDEX framing_loaded_event ON framing_loaded (event_id);
"""
