"""DuckDB write throughput for sentence rows with a FLOAT[384] vector column.

    .venv/bin/python benchmarks/writes.py [--rows 20000] [--executemany-rows 200] [--runs 3] [--json out.json]

Compares, on a fresh DuckDB file each, inside one transaction:
- Arrow bulk insert: a pyarrow table whose vector column is built from numpy with
  ``biascmp.store.writes.vector_array`` (a FixedSizeList), inserted with one
  ``INSERT ... SELECT`` (what the pipeline does);
- ``executemany`` of a parameterised ``INSERT`` with the vector as a Python list per row.
Prints rows/s for each and their ratio. The rows are generated news-like sentences with
random unit vectors (seeded).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import news_sentences, print_table  # noqa: E402

from biascmp.store.writes import vector_array  # noqa: E402

DIM = 384
SCHEMA = (
    "CREATE TABLE sentences (sentence_id VARCHAR NOT NULL, article_id VARCHAR, position INTEGER, "
    f"text VARCHAR, is_boilerplate BOOLEAN, embedding FLOAT[{DIM}])"
)


def make_rows(n: int, seed: int = 0) -> tuple[dict, np.ndarray]:
    """Columns of ``n`` sentence rows and their (n, 384) float32 unit vectors."""
    rng = np.random.default_rng(seed)
    vectors = rng.standard_normal((n, DIM)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    texts = news_sentences(n, seed)
    cols = {
        "sentence_id": [f"a-{i // 20:06d}:{i % 20}" for i in range(n)],
        "article_id": [f"a-{i // 20:06d}" for i in range(n)],
        "position": [i % 20 for i in range(n)],
        "text": texts,
        "is_boilerplate": [False] * n,
    }
    return cols, vectors


def _fresh(path: Path) -> duckdb.DuckDBPyConnection:
    for p in (path, Path(str(path) + ".wal")):
        p.unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    con.execute(SCHEMA)
    return con


def arrow_insert(path: Path, cols: dict, vectors: np.ndarray) -> float:
    """Seconds for one Arrow bulk insert (table build included) in one transaction."""
    con = _fresh(path)
    try:
        started = time.perf_counter()
        table = pa.table({**cols, "embedding": vector_array(vectors)})
        con.execute("BEGIN")
        con.register("_rows", table)
        con.execute("INSERT INTO sentences SELECT * FROM _rows")
        con.unregister("_rows")
        con.execute("COMMIT")
        seconds = time.perf_counter() - started
        assert con.execute("SELECT count(*) FROM sentences").fetchone()[0] == len(vectors)
        return seconds
    finally:
        con.close()


def executemany_insert(path: Path, cols: dict, vectors: np.ndarray) -> float:
    """Seconds for row-by-row ``executemany`` (lists built from numpy included)."""
    con = _fresh(path)
    try:
        started = time.perf_counter()
        rows = list(zip(cols["sentence_id"], cols["article_id"], cols["position"], cols["text"],
                        cols["is_boilerplate"], vectors.tolist()))
        con.execute("BEGIN")
        con.executemany("INSERT INTO sentences VALUES (?, ?, ?, ?, ?, ?)", rows)
        con.execute("COMMIT")
        seconds = time.perf_counter() - started
        assert con.execute("SELECT count(*) FROM sentences").fetchone()[0] == len(vectors)
        return seconds
    finally:
        con.close()


def run(rows: int = 20000, executemany_rows: int = 200, runs: int = 3, executemany_runs: int = 1,
        seed: int = 0) -> dict:
    """Median rows/s of each method over ``runs`` (``executemany_runs``) fresh databases."""
    cols, vectors = make_rows(rows, seed)
    small = {k: v[:executemany_rows] for k, v in cols.items()}
    with tempfile.TemporaryDirectory(prefix="biascmp-writes-") as tmp:
        path = Path(tmp) / "w.duckdb"
        arrow = [arrow_insert(path, cols, vectors) for _ in range(runs)]
        many = [executemany_insert(path, small, vectors[:executemany_rows]) for _ in range(executemany_runs)]
    arrow_rps = rows / statistics.median(arrow)
    many_rps = executemany_rows / statistics.median(many)
    return {
        "arrow_rows": rows,
        "executemany_rows": executemany_rows,
        "runs": runs,
        "executemany_runs": executemany_runs,
        "arrow_rows_per_s": arrow_rps,
        "executemany_rows_per_s": many_rps,
        "speedup": arrow_rps / many_rps,
        "load_avg_1min": os.getloadavg()[0],
        "duckdb": duckdb.__version__,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=20000, help="rows for the Arrow insert")
    parser.add_argument("--executemany-rows", type=int, default=200,
                        help="rows for executemany (slow: keep it small)")
    parser.add_argument("--runs", type=int, default=3, help="Arrow runs, each on a fresh database (median)")
    parser.add_argument("--executemany-runs", type=int, default=1, help="executemany runs (median)")
    parser.add_argument("--json", default=None, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    r = run(args.rows, args.executemany_rows, args.runs, args.executemany_runs)
    print(f"DuckDB {r['duckdb']} writes of sentence rows with FLOAT[{DIM}], median of {r['runs']} Arrow / "
          f"{r['executemany_runs']} executemany runs, "
          f"load avg (1 min) {r['load_avg_1min']:.1f}")
    print_table(["method", "rows", "rows/s"], [
        ["Arrow bulk insert (vector_array)", r["arrow_rows"], r["arrow_rows_per_s"]],
        ["executemany", r["executemany_rows"], r["executemany_rows_per_s"]],
    ])
    print(f"Arrow / executemany: {r['speedup']:.1f}x")
    if args.json:
        Path(args.json).write_text(json.dumps(r, indent=2))


if __name__ == "__main__":
    main()
