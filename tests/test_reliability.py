"""Crash safety and concurrent use: a killed ingest loses nothing that was committed and leaves a
database that opens; a second writer is refused (or waits); unwritable paths are clear errors."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from biascmp.store.db import COMMIT_ARTICLES_ENV, open_store

N_ARTICLES = 12_000  # several seconds of ingest after the model loads, so the kill lands mid-way


def write_corpus(path: Path, n: int = N_ARTICLES) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            out.write(json.dumps({
                "id": f"gen-{i:04d}", "outlet": f"Outlet {i % 7}", "published": "2025-03-01",
                "title": f"Report number {i} on the regional water plan",
                "text": (f"The regional council approved water plan {i} by {30 + i % 20} votes to {i % 9}. "
                         f"Engineer Dana Ruiz said the pipes in district {i % 13} would be replaced. "
                         "Opponents warned that the cost would double within five years."),
            }) + "\n")
    return path


def run_cli(*args, env_extra: dict | None = None, **kwargs) -> subprocess.Popen:
    env = dict(os.environ, HF_HUB_OFFLINE="1", **(env_extra or {}))
    return subprocess.Popen([sys.executable, "-m", "biascmp", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


def count_articles(db: Path) -> int:
    with open_store(db, read_only=True) as store:
        return store.con.execute("SELECT count(*) FROM articles").fetchone()[0]


def test_sigkill_mid_ingest_leaves_all_or_nothing_and_rerun_completes(tmp_path):
    corpus = write_corpus(tmp_path / "big.jsonl")
    db = tmp_path / "crash.duckdb"
    # commits every 500 articles, so the kill lands after some (biascmp.store.undo)
    proc = run_cli("ingest", str(corpus), "--db", str(db), env_extra={COMMIT_ARTICLES_ENV: "500"})
    lock = Path(str(db) + ".lock")
    deadline = time.monotonic() + 120
    while not lock.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(4.0)  # well into the work: model loaded, batches being parsed and embedded
    assert proc.poll() is None, "ingest finished before it could be killed; make the corpus bigger"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    # the file opens, and holds either nothing or everything of the killed ingest (its
    # committed part is undone by whoever opens the file next: here a reader)
    assert count_articles(db) in (0, N_ARTICLES) if db.exists() else True
    rerun = run_cli("ingest", str(corpus), "--db", str(db))
    out, err = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, err
    assert count_articles(db) == N_ARTICLES
    with open_store(db, read_only=True) as store:
        n_sent = store.con.execute("SELECT count(*) FROM sentences").fetchone()[0]
        orphans = store.con.execute(
            "SELECT count(*) FROM sentences s ANTI JOIN articles a USING (article_id)").fetchone()[0]
    assert n_sent >= 3 * N_ARTICLES and orphans == 0


def test_second_writer_is_refused_then_waits_with_wait(tmp_path):
    corpus = write_corpus(tmp_path / "small.jsonl", 5)
    db = tmp_path / "busy.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import time\nfrom biascmp.store.db import open_store\n"
         f"s = open_store({str(db)!r})\nprint('held', flush=True)\ninput()\ns.close()\ntime.sleep(60)"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        refused = run_cli("ingest", str(corpus), "--db", str(db))
        _, err = refused.communicate(timeout=120)
        assert refused.returncode == 3
        assert "database is in use" in err and len(err.strip().splitlines()) == 1
        waiting = run_cli("ingest", str(corpus), "--db", str(db), "--wait")
        time.sleep(3)
        assert waiting.poll() is None  # still waiting for the holder
        holder.stdin.write("release\n")
        holder.stdin.flush()
        _, err = waiting.communicate(timeout=600)
        assert waiting.returncode == 0, err
    finally:
        holder.kill()
        holder.wait()
    assert count_articles(db) == 5


def test_readers_work_while_no_writer_holds_the_file(tmp_path):
    corpus = write_corpus(tmp_path / "small.jsonl", 3)
    db = tmp_path / "r.duckdb"
    assert run_cli("ingest", str(corpus), "--db", str(db)).wait(timeout=600) == 0
    readers = [run_cli("sql", "select count(*) as n from articles", "--db", str(db), "--format", "json")
               for _ in range(3)]
    for reader in readers:
        out, err = reader.communicate(timeout=60)
        assert reader.returncode == 0, err
        assert json.loads(out) == [{"n": 3}]


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_read_only_database_folder_is_a_clear_error(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        proc = run_cli("ingest", str(write_corpus(tmp_path / "x.jsonl", 1)), "--db", str(folder / "x.duckdb"))
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 3 and "x.duckdb" in err
    finally:
        folder.chmod(0o755)


def test_database_in_missing_folder_is_a_clear_error(tmp_path):
    proc = run_cli("ingest", str(write_corpus(tmp_path / "x.jsonl", 1)),
                   "--db", str(tmp_path / "no" / "such" / "x.duckdb"))
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 3
    assert "does not exist" in err and len(err.strip().splitlines()) == 1
