"""The runs database: one row per experiment run, its flattened settings and metrics, and
``runs list | show | diff``."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from biascmp.errors import NotFound
from biascmp.store.db import open_store, transaction

RUNS_SQL = """
CREATE TABLE IF NOT EXISTS runs (
    run_id VARCHAR PRIMARY KEY, experiment VARCHAR, started VARCHAR, finished VARCHAR,
    seconds DOUBLE, config JSON, manifest JSON);
CREATE TABLE IF NOT EXISTS run_settings (run_id VARCHAR, key VARCHAR, value VARCHAR);
CREATE TABLE IF NOT EXISTS run_metrics (run_id VARCHAR, metric VARCHAR, value DOUBLE)
"""


def flatten(data, prefix: str = "") -> dict[str, object]:
    """Nested dicts -> ``{"a.b.c": value}`` (lists are kept as JSON text)."""
    flat: dict[str, object] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            flat.update(flatten(value, f"{prefix}{key}."))
    else:
        flat[prefix[:-1]] = data
    return flat


def _connect(path: Path, read_only: bool):
    store = open_store(path, read_only=read_only)
    if not read_only:
        for statement in RUNS_SQL.split(";"):
            store.con.execute(statement)
    return store


def record_run(path: Path, manifest: dict, resolved: dict, metrics: dict) -> None:
    """Insert (or replace, for a forced rerun) one run."""
    run_id = manifest["run_id"]
    with _connect(path, read_only=False) as store, transaction(store.con):
        con = store.con
        for table in ("runs", "run_settings", "run_metrics"):
            con.execute(f"DELETE FROM {table} WHERE run_id = ?", [run_id])
        con.execute(
            "INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?)",
            [run_id, manifest["experiment"], manifest["started"], manifest["finished"],
             manifest["seconds"], json.dumps(resolved), json.dumps(manifest)],
        )
        settings = {k: json.dumps(v) for k, v in flatten(resolved).items()}
        con.executemany("INSERT INTO run_settings VALUES (?, ?, ?)",
                        [[run_id, k, v] for k, v in sorted(settings.items())])
        numbers = {k: float(v) for k, v in flatten(metrics).items()
                   if isinstance(v, (int, float)) and not isinstance(v, bool)}
        con.executemany("INSERT INTO run_metrics VALUES (?, ?, ?)",
                        [[run_id, k, v] for k, v in sorted(numbers.items())])


def list_runs(path: Path) -> list[dict]:
    if not Path(path).exists():
        return []
    with _connect(path, read_only=True) as store:
        rows = store.con.execute(
            "SELECT run_id, experiment, started, seconds FROM runs ORDER BY started, run_id"
        ).fetchall()
    return [dict(zip(("run_id", "experiment", "started", "seconds"), r)) for r in rows]


def _one(con: duckdb.DuckDBPyConnection, ref: str) -> str:
    rows = con.execute("SELECT run_id FROM runs WHERE starts_with(run_id, ?)", [ref]).fetchall()
    if len(rows) != 1:
        raise NotFound(f"no run {ref!r}" if not rows else f"run id prefix {ref!r} is ambiguous")
    return rows[0][0]


def show_run(path: Path, ref: str) -> dict:
    with _connect(path, read_only=True) as store:
        run_id = _one(store.con, ref)
        manifest = store.con.execute("SELECT manifest FROM runs WHERE run_id = ?", [run_id]).fetchone()[0]
        metrics = store.con.execute(
            "SELECT metric, value FROM run_metrics WHERE run_id = ? ORDER BY metric", [run_id]
        ).fetchall()
    return {"manifest": json.loads(manifest), "metrics": dict(metrics)}


def diff_runs(path: Path, a: str, b: str) -> dict:
    """Settings and metrics that differ between two runs."""
    with _connect(path, read_only=True) as store:
        con = store.con
        ra, rb = _one(con, a), _one(con, b)

        def table(name: str, column: str, run_id: str) -> dict:
            return dict(con.execute(
                f"SELECT {column}, value FROM {name} WHERE run_id = ?", [run_id]).fetchall())

        sa, sb = table("run_settings", "key", ra), table("run_settings", "key", rb)
        ma, mb = table("run_metrics", "metric", ra), table("run_metrics", "metric", rb)
    settings = [
        {"key": k, "a": sa.get(k), "b": sb.get(k)}
        for k in sorted(set(sa) | set(sb)) if sa.get(k) != sb.get(k)
    ]
    metrics = [
        {"metric": k, "a": ma.get(k), "b": mb.get(k)}
        for k in sorted(set(ma) | set(mb)) if ma.get(k) != mb.get(k)
    ]
    return {"a": ra, "b": rb, "settings": settings, "metrics": metrics}
