"""An ingest commits every ``commit_articles`` articles (DuckDB holds the bookkeeping of an open
transaction's blocks in memory until it commits) and is still all or nothing: a failure or a
kill after some commits leaves the database as it was before the ingest (issue 8)."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import textwrap

import pytest

from biascmp.errors import BadInput, ConfigError, DatabaseError
from biascmp.pipeline import IngestReport, ingest_records
from biascmp.records import RawArticle
from biascmp.store import undo
from biascmp.store.db import COMMIT_ARTICLES_ENV, StoreSettings, open_store
from biascmp.store.writes import ARTICLE_TABLES


def _raw(i: int, note: str = "") -> RawArticle:
    outlet = ("Herald", "Courier", "Gazette")[i % 3]
    body = [
        f"The council of town {i} approved a budget of {100 + i} million for {i % 7 + 2} new schools.",
        f"Mayor Lena Ortiz said the vote in district {i % 11} was the closest in a decade.{note}",
        f"{outlet} readers can reach the newsroom through the contact page.",
    ]
    return RawArticle(source_path="undo.jsonl", text="\n\n".join(body), article_id=f"u-{i}", outlet=outlet,
                      title=f"Budget vote in town {i}", source_format="jsonl")


def _failing(records: list[RawArticle]):
    yield from records
    raise BadInput("undo.jsonl", "line 99: not valid JSON")


def _dump(db) -> dict[str, list]:
    """Every row of the tables an ingest writes (``ingested_at`` left out), and the table names."""
    with open_store(db, read_only=True) as store:
        con = store.con
        tables = sorted(t for (t,) in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_catalog = current_database()"
        ).fetchall())
        out = {"tables": tables}
        for table in [*ARTICLE_TABLES, "embedding_cache", "meta"]:
            if table in tables:
                out[table] = con.execute(f"SELECT * EXCLUDE (ingested_at) FROM {table} ORDER BY ALL"
                                         if table == "articles" else f"SELECT * FROM {table} ORDER BY ALL").fetchall()
        out["article_columns"] = [c for (c, *_) in con.execute("DESCRIBE articles").fetchall()]
    return out


def test_a_failed_ingest_after_commits_leaves_the_store_as_it_was(tmp_path, embedder):
    db = tmp_path / "undo.duckdb"
    with open_store(db) as store:
        ingest_records(store, [_raw(i) for i in range(12)], embedder=embedder)
    before = _dump(db)
    report = IngestReport(db=str(db))
    # two stored articles replaced (their old rows must come back), new ones, then a bad record
    records = [_raw(3, " A correction was added."), _raw(7, " The count was repeated.")]
    records += [_raw(i) for i in range(100, 130)]
    with open_store(db) as store, pytest.raises(BadInput):
        ingest_records(store, _failing(records), embedder=embedder, batch_size=4,
                       commit_articles=6, report=report)
    assert report.commits >= 3 and report.replaced == 2  # parts of it were committed
    assert _dump(db) == before


def test_a_failed_first_ingest_unbinds_the_model(tmp_path, embedder):
    db = tmp_path / "first.duckdb"
    report = IngestReport(db=str(db))
    with open_store(db) as store, pytest.raises(BadInput):
        ingest_records(store, _failing([_raw(i) for i in range(20)]), embedder=embedder, batch_size=4,
                       commit_articles=4, report=report)
    assert report.commits >= 2
    after = _dump(db)
    assert "embedding" not in after["article_columns"] and "embedding_cache" not in after["tables"]
    assert not [k for k, _ in after["meta"] if k.startswith("embedding")]
    assert not after["articles"] and not [t for t in after["tables"] if t.startswith("ingest_undo")]
    with open_store(db) as store:  # the database takes an ingest again
        assert ingest_records(store, [_raw(1)], embedder=embedder).new == 1


def test_committing_as_it_goes_stores_what_one_transaction_stores(tmp_path, embedder):
    records = [_raw(i) for i in range(30)] + [_raw(4, " Late change."), _raw(31)]
    dumps = []
    for every in (5, 100_000):
        db = tmp_path / f"every{every}.duckdb"
        with open_store(db) as store:
            ingest_records(store, [_raw(i) for i in range(10)], embedder=embedder)
            report = ingest_records(store, records, embedder=embedder, batch_size=3, commit_articles=every)
        assert (report.commits >= 3) if every == 5 else (report.commits == 0)
        dumps.append(_dump(db))
    assert dumps[0] == dumps[1]
    assert not [t for t in dumps[0]["tables"] if t.startswith("ingest_undo")]


KILLED_INGEST = textwrap.dedent("""
    import os, signal, sys
    from biascmp.pipeline import ingest_records
    from biascmp.store.db import open_store
    sys.path.insert(0, {tests!r})
    from test_ingest_undo import _raw

    def records():
        yield _raw(2, " Changed before the kill.")
        for i in range(200, 260):
            if i == 240:  # several commits of 4 articles are behind us
                os.kill(os.getpid(), signal.SIGKILL)
            yield _raw(i)

    with open_store({db!r}) as store:
        ingest_records(store, records(), batch_size=4, commit_articles=4)
""")


def _holds_undo_tables(db) -> bool:
    """Looked at with DuckDB directly: ``open_store`` would undo what it finds."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return undo.pending(con)
    finally:
        con.close()


def _kill_mid_ingest(db) -> None:
    script = KILLED_INGEST.format(tests=os.path.dirname(__file__), db=str(db))
    proc = subprocess.run([sys.executable, "-c", script], env=dict(os.environ, HF_HUB_OFFLINE="1"),
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == -9, proc.stderr
    assert _holds_undo_tables(db)  # it had committed part of its articles


@pytest.mark.parametrize("opener", ["reader", "writer"])
def test_a_killed_ingest_is_undone_by_whoever_opens_the_store_next(tmp_path, embedder, opener):
    db = tmp_path / "killed.duckdb"
    with open_store(db) as store:
        ingest_records(store, [_raw(i) for i in range(6)], embedder=embedder)
    before = _dump(db)
    _kill_mid_ingest(db)
    with open_store(db, read_only=opener == "reader") as store:
        assert store.con.execute("SELECT count(*) FROM articles").fetchone()[0] == 6
    assert _dump(db) == before


def test_a_reader_that_cannot_undo_a_killed_ingest_says_so(tmp_path, embedder):
    db = tmp_path / "killed.duckdb"
    with open_store(db) as store:
        ingest_records(store, [_raw(i) for i in range(6)], embedder=embedder)
    _kill_mid_ingest(db)
    fd = os.open(str(db) + ".lock", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # as a writer that has just started would
        with pytest.raises(DatabaseError, match="interrupted ingest, which a reader could not undo"):
            open_store(db, read_only=True)
    finally:
        os.close(fd)
    assert _holds_undo_tables(db)


def test_commit_interval_from_the_environment(monkeypatch):
    monkeypatch.setenv(COMMIT_ARTICLES_ENV, "2048")
    assert StoreSettings.from_env().commit_articles == 2048
    for bad in ("0", "many", "1.5"):
        monkeypatch.setenv(COMMIT_ARTICLES_ENV, bad)
        with pytest.raises(ConfigError, match="BIASCMP_COMMIT_ARTICLES"):
            StoreSettings.from_env()


def test_a_writer_attached_again_keeps_its_settings(tmp_path):
    settings = StoreSettings(memory_limit="300MB", row_group_size=4096)
    with open_store(tmp_path / "r.duckdb", settings=settings) as store:
        store.con.execute("CREATE TABLE t AS SELECT range AS i FROM range(10000)")
        store.reattach()
        assert store.con.execute("SELECT count(*) FROM t").fetchone()[0] == 10000
        assert store.con.execute("SELECT current_database()").fetchone()[0] == "biascmp"
        store.con.execute("INSERT INTO t SELECT range FROM range(10000)")
        groups = store.con.execute("SELECT count(DISTINCT row_group_id) FROM pragma_storage_info('t')").fetchone()[0]
    assert groups >= 2 * 10000 // 4096  # the row-group size of the settings, after attaching again
