"""The primary keys of ``sentences`` and ``embedding_cache`` are dropped (the tables are rebuilt).

DuckDB keeps the index entries of a transaction's uncommitted rows in memory and cannot spill
them: about 42 bytes per row. An ingest is one transaction, so its memory grew with the number
of sentences it wrote (about 350 MiB more at 1 GiB of input than at 100 MiB in
``benchmarks/memory.py``), and again with every new text it cached. Neither key was needed:

- ``sentence_id`` is ``"{article_id}:{position}"``, and ``articles.article_id`` keeps its
  key; an article's sentences are deleted before it is written again.
- The ingest writes a cache row only for a text the store did not hold when the batch was
  looked up and that no earlier batch of the same ingest wrote (``biascmp.pipeline``).

The cache also stops holding a second copy of every kept sentence's vector: the ingest looks
texts up among the kept sentences as well and caches only texts stored nowhere else (titles).
The copies are deleted here; writing them had cost an ingest about a tenth of its time
(``benchmarks/ingest.py``: the vector floats appended, committed and checkpointed twice).

Every read of these tables by id joins a table of ids (a hash join), which no index served.
DuckDB cannot drop a key in place, so each table is copied without it, in row order, with
its ``NOT NULL`` columns kept.
"""

from __future__ import annotations

import duckdb

TABLES = ("sentences", "embedding_cache")


def _has_primary_key(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return bool(con.execute(
        "SELECT count(*) FROM duckdb_constraints() WHERE table_name = ? AND constraint_type = 'PRIMARY KEY'",
        [table],
    ).fetchone()[0])


def rebuild_without_key(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Copy ``table`` without its primary key, keeping column types, row order and NOT NULLs."""
    not_null = [name for (name,) in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = ? AND NOT is_nullable "
        "ORDER BY column_index",
        [table],
    ).fetchall()]
    copy = f"_m008_{table}"
    con.execute(f"CREATE TABLE {copy} AS SELECT * FROM {table} ORDER BY rowid")
    for column in not_null:
        con.execute(f'ALTER TABLE {copy} ALTER COLUMN "{column}" SET NOT NULL')
    con.execute(f"DROP TABLE {table}")
    con.execute(f"ALTER TABLE {copy} RENAME TO {table}")


def apply(con: duckdb.DuckDBPyConnection) -> None:
    cached = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'embedding_cache'").fetchone()[0]
    if cached:
        con.execute(
            "DELETE FROM embedding_cache WHERE text_hash IN "
            "(SELECT text_hash FROM sentences WHERE NOT is_boilerplate)"
        )
    for table in TABLES:
        if _has_primary_key(con, table):
            rebuild_without_key(con, table)
