"""Annotation on demand: ``articles.annotated`` says whether spaCy's entities (table
``entities``) and lemmas (``sentences.lemmas``) of the article's sentences are stored.

The ingest no longer runs spaCy; ``biascmp.store.annotations.ensure_annotated`` fills them for
the articles an analysis reads. Articles stored before this migration were annotated at
ingest, so they are marked as annotated."""

SQL = """
ALTER TABLE articles ADD COLUMN annotated BOOLEAN DEFAULT FALSE;
UPDATE articles SET annotated = TRUE;
"""
