"""DuckDB alone: memory of appending vectors in one transaction, or committing as it goes.

    .venv/bin/python benchmarks/transaction_memory.py [--gib 3] [--commit-rows 327680]

WHAT IS MEASURED: why an ingest commits every ``StoreSettings.commit_articles`` articles
(``biascmp.store.undo``). Each run is a fresh child process that opens a new database with the
store's writer settings (``biascmp.store.db._attach_writer``: memory limit, row-group size,
write buffer) and appends ``--gib`` GiB of sentence-like rows (an id, 100 characters of text,
a ``FLOAT[384]`` vector) through Arrow inserts of 2,048 rows: in a single transaction; with a
COMMIT every ``--commit-rows`` rows (default: about what 16,384 articles of 20 sentences
write); and with the file detached and attached again after each COMMIT
(``biascmp.store.db.Store.reattach``), as the ingest does. It prints the C heap's live bytes (glibc ``mallinfo2``) and the RSS when
half and all of the rows are written, and the RSS high-water mark. No model, no biascmp
pipeline: only DuckDB and the store's settings.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import print_table  # noqa: E402
from memory import _heap_in_use_mib, _rss_mib  # noqa: E402

ROWS = 2_048  # rows per insert
DIM = 384
ROW_BYTES = DIM * 4 + 120  # about what a row takes in the database


MODES = ("one transaction", "commits", "commits + reattach")


def child(db: str, gib: float, commit_rows: int, mode: str) -> None:
    """Append the rows (own process); print a JSON summary."""
    import numpy as np
    import pyarrow as pa

    from biascmp.store.db import Store, StoreSettings, _attach_writer
    from biascmp.store.writes import insert_arrow

    settings = StoreSettings.from_env()
    con = _attach_writer(Path(db), settings)
    store = Store(Path(db), con, False, None, settings)
    con.execute(f"CREATE TABLE s (id BIGINT, text VARCHAR, embedding FLOAT[{DIM}])")
    vectors = pa.FixedSizeListArray.from_arrays(
        pa.array(np.random.default_rng(0).standard_normal(ROWS * DIM).astype(np.float32)), DIM)
    batches = int(gib * 2**30 / (ROWS * ROW_BYTES))
    started, since, mid = time.perf_counter(), 0, None
    con.execute("BEGIN TRANSACTION")
    for b in range(batches):
        ids = np.arange(b * ROWS, (b + 1) * ROWS)
        insert_arrow(con, "s", pa.table({"id": ids, "text": [f"{i:0100d}" for i in ids], "embedding": vectors}))
        since += ROWS
        if mode != MODES[0] and since >= commit_rows:
            con.execute("COMMIT")
            if mode == MODES[2]:
                store.reattach()
            con.execute("BEGIN TRANSACTION")
            since = 0
        if b == batches // 2:
            mid = (_heap_in_use_mib(), _rss_mib())
    end = (_heap_in_use_mib(), _rss_mib())
    con.execute("COMMIT")
    print(json.dumps({
        "rows": batches * ROWS, "seconds": time.perf_counter() - started,
        "heap_mid_mib": mid[0], "rss_mid_mib": mid[1], "heap_end_mib": end[0], "rss_end_mib": end[1],
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "db_mib": sum(p.stat().st_size for p in Path(db).parent.glob(Path(db).name + "*") if p.is_file()) / 2**20,
    }))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gib", type=float, default=3.0, help="GiB of rows to append per run")
    parser.add_argument("--commit-rows", type=int, default=327_680, help="rows between commits")
    parser.add_argument("--child", nargs=4, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child[0], float(args.child[1]), int(args.child[2]), args.child[3])
        return
    rows = []
    for mode in MODES:
        with tempfile.TemporaryDirectory(prefix="biascmp-txn-") as tmp:
            out = subprocess.run([sys.executable, __file__, "--child", str(Path(tmp) / "t.duckdb"),
                                  str(args.gib), str(args.commit_rows), mode], stdout=subprocess.PIPE,
                                 text=True, check=True, env=dict(os.environ))
        r = json.loads(out.stdout.strip().splitlines()[-1])
        rows.append([mode if mode == MODES[0] else f"{mode}, every {args.commit_rows:,} rows", r["rows"],
                     r["db_mib"], r["seconds"], r["heap_mid_mib"], r["heap_end_mib"], r["rss_mid_mib"],
                     r["rss_end_mib"], r["peak_rss_mib"]])
    print(f"DuckDB appends of {args.gib} GiB of FLOAT[{DIM}] rows with the store's writer settings; "
          f"load avg (1 min) {os.getloadavg()[0]:.1f}")
    print_table(["mode", "rows", "db MiB", "s", "heap mid MiB", "heap end MiB", "RSS mid MiB",
                 "RSS end MiB", "peak RSS MiB"], rows)


if __name__ == "__main__":
    main()
