"""What an ingest that commits as it goes keeps so that it can still be undone as a whole.

An ingest used to be one DuckDB transaction, so a failed or killed one vanished for free. But
DuckDB keeps in memory the metadata of every row group of an attached file, a file can only
be detached between transactions, and the database is about 14 times the input, so a long
ingest's memory grew with its input (``benchmarks/transaction_memory.py``;
``benchmarks/README.md``, "Memory of a full ingest that commits and re-attaches as it goes").
An ingest now commits, and attaches the file again, every ``commit_articles`` articles
(``biascmp.store.db.StoreSettings``), and keeps in the database what it needs to undo itself:

- ``ingest_undo_ids(kind, key)``: the ids of the articles it wrote (kind ``article``), the text
  hashes it added to the vector cache (``cache``) and the model it bound an empty database to
  (``model``);
- ``ingest_undo_<table>`` for each of ``ARTICLE_TABLES``: the stored rows of the articles it
  replaced, copied before they are deleted. A replaced article is always one stored before
  the ingest: within one ingest the first record with an id wins.

These tables exist only while an ingest runs or after one was interrupted. A failed ingest
undoes itself (``undo``); a killed one is undone by the next process that opens the database
(``biascmp.store.db.open_store``), before anything else: a reader takes the writer lock for
that, and says so in a one-line error when it cannot.
"""

from __future__ import annotations

import contextlib
import logging

import duckdb
import pyarrow as pa

from biascmp.store.db import Store, ensure_embedding_columns, transaction
from biascmp.store.writes import ARTICLE_TABLES, query_arrow

IDS = "ingest_undo_ids"
log = logging.getLogger(__name__)


def _copy(table: str) -> str:
    return f"ingest_undo_{table}"


def pending(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether an ingest is running or was interrupted: its undo tables exist."""
    (n,) = con.execute(
        "SELECT count(*) FROM information_schema.tables "
        "WHERE table_name = ? AND table_catalog = current_database()",
        [IDS],
    ).fetchone()
    return n > 0


def begin(con: duckdb.DuckDBPyConnection) -> None:
    """Create the undo tables (in the ingest's first transaction)."""
    con.execute(f"CREATE TABLE {IDS}(kind VARCHAR NOT NULL, key VARCHAR NOT NULL)")
    for table in ARTICLE_TABLES:
        con.execute(f"CREATE TABLE {_copy(table)} AS SELECT * FROM {table} LIMIT 0")


def note(con: duckdb.DuckDBPyConnection, kind: str, keys: list[str]) -> None:
    """Remember what the ingest wrote: article ids, cache text hashes or the model bound."""
    if keys:
        table = pa.table({"kind": [kind] * len(keys), "key": pa.array(keys, pa.string())})
        query_arrow(con, f"INSERT INTO {IDS} SELECT kind, key FROM _arrow", table)


def keep_replaced(con: duckdb.DuckDBPyConnection, article_ids: list[str]) -> None:
    """Copy every row of the stored articles about to be replaced (before they are deleted)."""
    if not article_ids:
        return
    table = pa.table({"article_id": pa.array(article_ids, pa.string())})
    for name in ARTICLE_TABLES:
        query_arrow(
            con,
            f"INSERT INTO {_copy(name)} SELECT * FROM {name} "
            "WHERE article_id IN (SELECT article_id FROM _arrow)",
            table,
        )


def finish(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the undo tables (in the ingest's last transaction: the ingest is then kept)."""
    con.execute(f"DROP TABLE {IDS}")
    for table in ARTICLE_TABLES:
        con.execute(f"DROP TABLE {_copy(table)}")


def undo(con: duckdb.DuckDBPyConnection) -> int:
    """Put the database back as it was before the ingest whose undo tables it holds, and drop
    them. Returns the number of articles the ingest had written. Two transactions (DuckDB
    cannot commit a column dropped from a table changed in the same transaction); the first
    empties the undo tables it has applied, so a second call after an interruption between
    them only finishes the work."""
    written = f"SELECT key FROM {IDS} WHERE kind = 'article'"
    with transaction(con):
        (n,) = con.execute(f"SELECT count(*) FROM ({written})").fetchone()
        for table in ARTICLE_TABLES:
            con.execute(f"DELETE FROM {table} WHERE article_id IN ({written})")
            columns = ", ".join(f'"{c}"' for (c, *_) in con.execute(f"DESCRIBE {_copy(table)}").fetchall())
            con.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {_copy(table)}")
            con.execute(f"DELETE FROM {_copy(table)}")
        if con.execute(f"SELECT count(*) FROM {IDS} WHERE kind = 'cache'").fetchone()[0]:
            con.execute(
                f"DELETE FROM embedding_cache WHERE text_hash IN (SELECT key FROM {IDS} WHERE kind = 'cache')"
            )
        con.execute(f"DELETE FROM {IDS} WHERE kind <> 'model'")
    with transaction(con):
        if con.execute(f"SELECT count(*) FROM {IDS} WHERE kind = 'model'").fetchone()[0]:
            # the ingest bound an empty database to its model: unbind it
            con.execute("ALTER TABLE articles DROP COLUMN embedding")
            con.execute("ALTER TABLE sentences DROP COLUMN embedding")
            con.execute("DROP TABLE embedding_cache")
            con.execute("DELETE FROM meta WHERE key IN ('embedding_model', 'embedding_dim')")
        finish(con)
    return n


def undo_if_pending(con: duckdb.DuckDBPyConnection, path) -> None:
    """Undo the committed part of a killed ingest, if the database holds one (and say so)."""
    if pending(con):
        n = undo(con)
        log.warning("%s: undid an interrupted ingest (%d articles written by it)", path, n)


class Commits:
    """The open transaction of an ingest, committed every ``every`` articles written; the file
    is attached again after each commit (``Store.reattach``), so that DuckDB's memory holds
    the metadata of one part of the ingest at a time, not of the whole database."""

    def __init__(self, store: Store, every: int):
        self.store, self.every, self.since, self.done = store, every, 0, 0

    def written(self, n: int) -> None:
        self.since += n
        if self.since >= self.every:
            self.store.con.execute("COMMIT")
            self.store.reattach()
            self.store.con.execute("BEGIN TRANSACTION")
            self.since = 0
            self.done += 1


@contextlib.contextmanager
def undoable_ingest(store: Store, model_id: str, dim: int, commit_articles: int):
    """The transactions of one ingest, which yields ``Commits`` to call as it writes. The
    first transaction creates the undo tables and binds an empty database to the model; the
    last drops them. On any exception the open transaction is rolled back and the committed
    ones are undone (``undo``), so the database is as it was; if the undo itself fails (a full
    disk), the next writer to open the database finishes it."""
    con = store.con
    con.execute("BEGIN TRANSACTION")
    try:
        begin(con)
        if ensure_embedding_columns(store, model_id, dim):
            note(con, "model", [model_id])
        yield Commits(store, commit_articles)
        finish(con)
        con.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(duckdb.Error):  # none is open when COMMIT itself failed
            con.execute("ROLLBACK")
        with contextlib.suppress(duckdb.Error):
            if pending(con):
                undo(con)
        raise
