"""What a lookup in the vector cache costs as the cache grows, against embedding again.

    .venv/bin/python benchmarks/cache_lookup.py [--rows 100000 1000000] [--hits 100 1000] [--json out.json]

For each cache size a fresh DuckDB file gets an ``embedding_cache`` table (the store's own
schema, ``biascmp.store.db.ensure_embedding_columns``) of random unit vectors, committed. A
batch of 1,700 hashes (an ingest batch of 128 articles) of which ``hits`` are cached is then
looked up in the two steps of the ingest's lookup:
- *probe*: which hashes are stored (``biascmp.store.writes.stored_hashes``; scans the hash
  column);
- *fetch*: the vectors of the hits (``cached_vectors``; scans the vector column: DuckDB has
  no fetch by key).
The ingest runs the same two scans over the kept sentences as well (since migration m008
they are the cache for every sentence; ``embedding_cache`` holds titles), so the cost per
stored row measured here applies to ``sentences`` rows too.
Each figure is the median of 3 runs. The embedder then encodes ``hits`` news-like sentences,
so the table shows, per size, whether reading the hits' vectors or computing them again is
cheaper, and the cached rows per hit where the two cost the same (compare
``biascmp.store.writes.ROWS_PER_FETCHED_HIT``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import news_sentences, print_table, time_runs  # noqa: E402

os.environ.setdefault("HF_HUB_OFFLINE", "1")

BATCH = 1_700
CHUNK = 100_000


def _median_s(fn, runs: int = 3) -> float:
    return time_runs(fn, runs, warmup=0).median


def build_cache(path: Path, rows: int, dim: int, model_id: str) -> list[str]:
    """A committed ``embedding_cache`` of ``rows`` random vectors; returns the hashes."""
    from biascmp.store.db import ensure_embedding_columns, open_store, transaction
    from biascmp.store.writes import cache_vectors, text_hash

    rng = np.random.default_rng(0)
    hashes = [text_hash(f"cached sentence {i}") for i in range(rows)]
    with open_store(str(path)) as store, transaction(store.con):
        ensure_embedding_columns(store, model_id, dim)
        for start in range(0, rows, CHUNK):
            part = hashes[start : start + CHUNK]
            vectors = rng.standard_normal((len(part), dim)).astype(np.float32)
            cache_vectors(store.con, model_id, part, vectors / np.linalg.norm(vectors, axis=1, keepdims=True))
    return hashes


def measure(path: Path, hashes: list[str], hits: int, model_id: str) -> tuple[float, float]:
    """Median seconds of the probe and of the fetch for one batch with ``hits`` cached."""
    from biascmp.store.db import open_store
    from biascmp.store.writes import query_arrow, text_hash

    cached = hashes[:: max(1, len(hashes) // hits)][:hits]
    batch = cached + [text_hash(f"new sentence {i}") for i in range(BATCH - len(cached))]
    with open_store(str(path)) as store:
        probe = pa.table({"text_hash": pa.array(sorted(batch), pa.string())})
        found = pa.table({"text_hash": pa.array(cached, pa.string())})
        probe_s = _median_s(lambda: query_arrow(
            store.con,
            "SELECT text_hash FROM embedding_cache WHERE model = ? AND text_hash IN (SELECT text_hash FROM _arrow)",
            probe, [model_id]).fetchall())
        fetch_s = _median_s(lambda: query_arrow(
            store.con,
            "SELECT c.text_hash, c.embedding FROM embedding_cache c JOIN _arrow h USING (text_hash) WHERE c.model = ?",
            found, [model_id]).to_arrow_table())
    return probe_s, fetch_s


def run(sizes: list[int], hit_counts: list[int]) -> dict:
    from biascmp.embed import get_embedder

    embedder = get_embedder()
    embedder.encode(news_sentences(64, 1))
    encode_s = {h: _median_s(lambda h=h: embedder.encode(news_sentences(h, 2))) for h in hit_counts}
    rows_out = []
    with tempfile.TemporaryDirectory(prefix="biascmp-cache-") as tmp:
        for size in sizes:
            path = Path(tmp) / f"cache-{size}.duckdb"
            started = time.perf_counter()
            hashes = build_cache(path, size, embedder.dim, embedder.model_id)
            build_s = time.perf_counter() - started
            for hits in hit_counts:
                probe_s, fetch_s = measure(path, hashes, hits, embedder.model_id)
                rows_out.append({
                    "cached_rows": size, "hits": hits, "build_s": build_s, "probe_s": probe_s,
                    "fetch_s": fetch_s, "encode_hits_s": encode_s[hits],
                    "fetch_us_per_cached_row": fetch_s / size * 1e6,
                    "encode_ms_per_text": encode_s[hits] / hits * 1e3,
                    "breakeven_rows_per_hit": (encode_s[hits] / hits) / (fetch_s / size),
                })
            for p in Path(tmp).glob(path.name + "*"):
                p.unlink()
    return {"backend": getattr(embedder, "backend", "?"), "batch": BATCH, "rows": rows_out,
            "load_avg_1min": os.getloadavg()[0]}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", nargs="+", type=int, default=[100_000, 1_000_000], help="cache sizes")
    parser.add_argument("--hits", nargs="+", type=int, default=[100, 1_000], help="cached texts in the batch")
    parser.add_argument("--json", default=None, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    r = run(args.rows, args.hits)
    print(f"vector cache lookup, batch of {r['batch']} hashes, backend {r['backend']}, "
          f"load avg (1 min) {r['load_avg_1min']:.1f}")
    print_table(
        ["cached rows", "hits", "probe s", "fetch s", "encode hits s", "fetch us/cached row",
         "encode ms/text", "break-even rows/hit"],
        [[x["cached_rows"], x["hits"], f"{x['probe_s']:.3f}", f"{x['fetch_s']:.3f}", f"{x['encode_hits_s']:.3f}",
          f"{x['fetch_us_per_cached_row']:.2f}", f"{x['encode_ms_per_text']:.2f}",
          f"{x['breakeven_rows_per_hit']:.0f}"] for x in r["rows"]],
    )
    if args.json:
        Path(args.json).write_text(json.dumps(r, indent=2))


if __name__ == "__main__":
    main()
