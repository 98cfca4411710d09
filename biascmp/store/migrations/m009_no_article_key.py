"""The primary key of ``articles`` is dropped (the table is copied without it, as in m008).

It was the last index an ingest wrote to: DuckDB keeps the index entries of a transaction's
uncommitted rows in memory and cannot spill them, about 40 bytes per article (17 MiB of
``ART_INDEX`` memory at 410,000 articles), so an ingest's memory still grew with the number
of articles it wrote. Nothing reads through it: every read by id joins a table of ids.

``article_id`` stays unique by construction: the only code that inserts into ``articles`` is
the ingest, which holds the writer lock, writes the first record of each id it meets
(``biascmp.pipeline.SeenIds``), skips ids stored with the same content and deletes a stored
article before writing its new version (``biascmp.pipeline.select_fresh``).
"""

from __future__ import annotations

import duckdb

from biascmp.store.migrations.m008_no_row_keys import _has_primary_key, rebuild_without_key


def apply(con: duckdb.DuckDBPyConnection) -> None:
    if not _has_primary_key(con, "articles"):
        return
    # the copy keeps types, order and NOT NULLs, not defaults (``annotated``: m006)
    defaults = con.execute(
        "SELECT column_name, column_default FROM duckdb_columns() "
        "WHERE table_name = 'articles' AND column_default IS NOT NULL"
    ).fetchall()
    rebuild_without_key(con, "articles")
    for column, default in defaults:
        con.execute(f'ALTER TABLE articles ALTER COLUMN "{column}" SET DEFAULT {default}')
