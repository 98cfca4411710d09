"""The store: migrations, the writer lock, read-only SQL, clear errors on bad database files."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from biascmp.cli import app
from biascmp.errors import DatabaseBusy, DatabaseError
from biascmp.store.db import migrations, open_store, transaction

runner = CliRunner()


def make_db(path):
    with open_store(path) as store:
        store.con.execute(
            "INSERT INTO articles (article_id, outlet, text, clean_text, content_hash) "
            "VALUES ('a1', 'Outlet One', 'raw', 'clean', 'h1')"
        )
    return path


def test_migrations_are_recorded_in_order(tmp_path):
    db = tmp_path / "m.duckdb"
    with open_store(db) as store:
        rows = store.con.execute("SELECT version, name FROM schema_migrations ORDER BY version").fetchall()
    assert [r[0] for r in rows] == [m[0] for m in migrations()]
    assert rows[0] == (1, "m001_core")
    # reopening applies nothing twice
    with open_store(db) as store:
        assert store.con.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == len(rows)


def test_transaction_rolls_back_on_error(tmp_path):
    db = make_db(tmp_path / "t.duckdb")
    with open_store(db) as store:
        with pytest.raises(RuntimeError):
            with transaction(store.con):
                store.con.execute("DELETE FROM articles")
                raise RuntimeError("boom")
        assert store.con.execute("SELECT count(*) FROM articles").fetchone()[0] == 1


def test_sql_json_and_csv(tmp_path):
    db = make_db(tmp_path / "s.duckdb")
    result = runner.invoke(app, ["sql", "select article_id, outlet from articles", "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [{"article_id": "a1", "outlet": "Outlet One"}]
    result = runner.invoke(app, ["sql", "select 1 as x, 'a,b' as y", "--db", str(db), "--format", "csv"])
    assert result.stdout == 'x,y\n1,"a,b"\n'


def test_sql_cannot_modify_the_database(tmp_path):
    db = make_db(tmp_path / "ro.duckdb")
    result = runner.invoke(app, ["sql", "delete from articles", "--db", str(db)])
    assert result.exit_code != 0
    assert "read-only" in result.stderr.lower() or "read only" in result.stderr.lower()
    with open_store(db, read_only=True) as store:
        assert store.con.execute("SELECT count(*) FROM articles").fetchone()[0] == 1


def test_sql_on_missing_database_is_a_clear_error(tmp_path):
    missing = tmp_path / "nope.duckdb"
    result = runner.invoke(app, ["sql", "select 1", "--db", str(missing)])
    assert result.exit_code == 3
    assert "nope.duckdb" in result.stderr and "no such database" in result.stderr
    assert not missing.exists()


def test_corrupt_database_is_a_clear_error(tmp_path):
    bad = tmp_path / "corrupt.duckdb"
    bad.write_bytes(b"this is not a database file at all" * 100)
    before = bad.read_bytes()
    with pytest.raises(DatabaseError) as info:
        open_store(bad)
    assert "corrupt.duckdb" in str(info.value)
    assert bad.read_bytes() == before
    result = runner.invoke(app, ["sql", "select 1", "--db", str(bad)])
    assert result.exit_code == 3 and "corrupt.duckdb" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_second_writer_gets_database_in_use(tmp_path):
    db = make_db(tmp_path / "busy.duckdb")
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time\nfrom biascmp.store.db import open_store\n"
         f"s = open_store({str(db)!r})\nprint('held', flush=True)\ntime.sleep(30)"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(DatabaseBusy) as info:
            open_store(db)
        assert "in use" in str(info.value)
    finally:
        holder.kill()
        holder.wait()
    # once the holder is gone, writing works again and nothing was lost
    with open_store(db) as store:
        assert store.con.execute("SELECT count(*) FROM articles").fetchone()[0] == 1


@pytest.mark.parametrize("command", [["events"], ["omissions", "x"], ["compare", "x"], ["events", "--list"]])
def test_commands_other_than_ingest_never_create_a_database(tmp_path, command):
    missing = tmp_path / "missing.duckdb"
    result = runner.invoke(app, [*command, "--db", str(missing)])
    assert result.exit_code == 3
    assert "missing.duckdb" in result.stderr and "no such database" in result.stderr
    assert not missing.exists()


def test_m009_drops_the_article_key_and_keeps_every_row(tmp_path, monkeypatch):
    """A database made before m009 has a key on ``articles``; on open the table is copied
    without it, same rows in the same order and the same NOT NULLs, and ingests keep the ids
    unique by themselves (first record of an id wins, a changed article replaces its rows:
    ``tests/test_ingest_cli.py``). Column defaults survive the copy."""
    import biascmp.store.db as db_module

    shipped = db_module.migrations()
    db = tmp_path / "old.duckdb"
    monkeypatch.setattr(db_module, "migrations", lambda: [m for m in shipped if m[0] < 9])
    with open_store(db) as store:
        for i in (3, 1, 2):
            store.con.execute("INSERT INTO articles (article_id, outlet, text, clean_text, content_hash) "
                              "VALUES (?, 'O', 't', 't', 'h')", [f"a{i}"])
        before = store.con.execute("SELECT * FROM articles").fetchall()
        assert _primary_keys(store.con, "articles") == 1
    monkeypatch.setattr(db_module, "migrations", lambda: shipped)
    with open_store(db) as store:
        assert _primary_keys(store.con, "articles") == 0
        assert store.con.execute("SELECT * FROM articles").fetchall() == before
        store.con.execute("INSERT INTO articles (article_id, outlet, text, clean_text, content_hash) "
                          "VALUES ('a4', 'O', 't', 't', 'h')")
        assert store.con.execute("SELECT annotated FROM articles WHERE article_id = 'a4'").fetchone() == (False,)
        with pytest.raises(Exception, match="NOT NULL"):
            store.con.execute("INSERT INTO articles (article_id, text, clean_text, content_hash) "
                              "VALUES ('a9', 't', 't', 'h')")  # no outlet


def _primary_keys(con, table: str) -> int:
    return con.execute("SELECT count(*) FROM duckdb_constraints() WHERE table_name = ? "
                       "AND constraint_type = 'PRIMARY KEY'", [table]).fetchone()[0]


def test_m008_drops_the_row_keys_and_keeps_every_row(tmp_path, monkeypatch):
    """A database made before m008 (keys on ``sentences`` and ``embedding_cache``, the cache
    holding a copy of every kept sentence's vector) is copied without them on open: same rows
    in the same order, same types, same NOT NULLs, and the cache keeps only texts stored
    nowhere else."""
    import biascmp.store.db as db_module

    shipped = db_module.migrations()
    db = tmp_path / "old.duckdb"
    monkeypatch.setattr(db_module, "migrations", lambda: [m for m in shipped if m[0] < 8])
    with open_store(db) as store:
        con = store.con
        con.execute("ALTER TABLE sentences ADD COLUMN embedding FLOAT[3]")
        con.execute("CREATE TABLE embedding_cache(model VARCHAR, text_hash VARCHAR, "
                    "embedding FLOAT[3], PRIMARY KEY (model, text_hash))")
        for i in (2, 0, 1):
            con.execute("INSERT INTO sentences (sentence_id, article_id, position, paragraph, text, "
                        "is_boilerplate, text_hash, embedding) VALUES (?, 'a', ?, 0, ?, false, ?, [?, 0, 0])",
                        [f"a:{i}", i, f"text {i}", f"h{i}", float(i)])
            con.execute("INSERT INTO embedding_cache VALUES ('m', ?, [?, 1, 1])", [f"h{i}", float(i)])
        con.execute("INSERT INTO embedding_cache VALUES ('m', 'title', [9, 1, 1])")
        before = {"sentences": con.execute("SELECT * FROM sentences").fetchall(),
                  "embedding_cache": [("m", "title", (9.0, 1.0, 1.0))]}
        columns = con.execute("SELECT table_name, column_name, data_type, is_nullable FROM duckdb_columns() "
                              "WHERE table_name IN ('sentences', 'embedding_cache') ORDER BY ALL").fetchall()
    monkeypatch.setattr(db_module, "migrations", lambda: shipped)
    with open_store(db) as store:
        con = store.con
        keys = con.execute("SELECT table_name FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY' "
                           "AND table_name IN ('sentences', 'embedding_cache')").fetchall()
        assert keys == []
        assert {t: con.execute(f"SELECT * FROM {t}").fetchall() for t in before} == before
        after = con.execute("SELECT table_name, column_name, data_type, is_nullable FROM duckdb_columns() "
                            "WHERE table_name IN ('sentences', 'embedding_cache') ORDER BY ALL").fetchall()
        assert after == columns
        assert con.execute("SELECT count(*) FROM schema_migrations WHERE version = 8").fetchone()[0] == 1
        with pytest.raises(Exception, match="NOT NULL"):
            con.execute("INSERT INTO sentences (sentence_id, article_id, position, paragraph, text, "
                        "is_boilerplate) VALUES ('a:9', 'a', 9, 0, 'x', false)")  # no text_hash
