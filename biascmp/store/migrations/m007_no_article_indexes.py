"""The ``article_id`` indexes of ``sentences``, ``paragraphs`` and ``entities`` are dropped.

DuckDB uses an ART index only for point lookups against constants; every read of these tables
by article joins a table of ids (a hash join) and never touched them. An ingest still kept
them for all the rows of its open transaction in memory and merged them at COMMIT: in the
1 GiB run of ``benchmarks/memory.py`` the peak at COMMIT was about 290 MiB above the highest
RSS sampled during the ingest (about 100 MiB at 100 MiB of input).
"""

SQL = """
DROP INDEX IF EXISTS sentences_article;
DROP INDEX IF EXISTS paragraphs_article;
DROP INDEX IF EXISTS entities_article;
"""
