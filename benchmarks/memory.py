"""Peak memory of a FULL ingest of large JSONL files: must not grow with the file's size.

    .venv/bin/python benchmarks/memory.py --sizes 100MB 1GB [--pool 1000] [--json out.json]

WHAT IS MEASURED: the streaming and store memory of ``biascmp.pipeline.ingest_paths`` (read,
clean, rule-based sentence split, embedding with the vector cache, Arrow inserts into DuckDB,
a commit every 16,384 articles: ``biascmp.store.undo``), NOT the model's throughput. A
gigabyte of distinct text is about 420,000 articles and 8 million sentences, days of
embedding on a 2-core machine, so the input is drawn from a bounded pool: ``--pool``
distinct generated articles (``benchmarks/_gen.py``, seeded), written over and over with new
ids until the file has the asked size. Only the first pass over the pool runs the model;
every later article's sentence and title vectors come from the ingest's table of recent vectors
(``biascmp.pipeline.RecentVectors``, 20,000 texts: the default pool of 1,000 articles has
about 15,000), but every article is still read, cleaned, split, hashed, looked up and
written as a new article with all its paragraphs and sentences (with vectors). A pool
larger than that table sends the lookups to the store, which past about a million stored
sentences has the model embed them again (``biascmp.store.writes.ROWS_PER_FETCHED_HIT``):
the same memory, hours of model time. Each pass over the pool is published under its own
outlet names (``"<outlet> <pass>"``): the cleaner flags a paragraph that recurs in several
articles of one outlet, so without this every body paragraph would be "repeated" boilerplate
from the third pass on, a different workload from real news.

For each size the file is written to a temporary folder (free disk space is checked first:
the database takes about 20x the input), then ingested into a new database by a fresh child
process; the table gives the child's RSS high-water mark (``ru_maxrss``), its RSS after the
first and second half of the articles (the peak of a bounded ingest is reached early and
stays), the C heap's live bytes at the same two points (glibc ``mallinfo2``: where DuckDB's
C++ bookkeeping grows; the DuckDB buffer pool is in its own allocator and held to the memory
limit), the size of the database, and whether the peak grows with the input. The input and
the database are deleted after each size. The writer's DuckDB memory limit is
``biascmp.store.db.StoreSettings`` (``$BIASCMP_MEMORY_LIMIT``; ``--memory-limit`` sets it
for the child). Sizes take KB/MB/GB suffixes, powers of 1024.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _gen import generate_articles  # noqa: E402
from common import print_table  # noqa: E402
from streaming import parse_size  # noqa: E402

POOL = 1_000  # distinct generated articles (about 2.4 MB of JSONL, 14,000 kept sentences)
DB_PER_INPUT = 22  # database bytes per input byte (measured: about 20), for the disk check
DISK_MARGIN = 2 * 2**30
FLAT = 1.10  # peak RSS largest / smallest input at most this: "does not grow"
SAMPLE_EVERY = 4096  # articles between RSS samples in the child


def write_pooled_jsonl(path: Path, size: int, pool: int = POOL, seed: int = 0) -> tuple[int, int]:
    """Stream articles to ``path`` until it holds at least ``size`` bytes: (bytes, records).

    Record ``i`` is pool article ``i % pool`` with id ``p<pass>-<id>`` and outlet
    ``"<outlet> <pass>"``, where ``pass = i // pool``."""
    base = generate_articles(pool, seed)
    written = records = 0
    with open(path, "w", encoding="utf-8") as fh:
        while written < size:
            record = dict(base[records % pool])
            cycle = records // pool
            record["id"] = f"p{cycle}-{record['id']}"
            record["outlet"] = f"{record['outlet']} {cycle}"
            line = json.dumps(record, ensure_ascii=False) + "\n"
            fh.write(line)
            written += len(line.encode("utf-8"))
            records += 1
    return written, records


def _rss_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _heap_in_use_mib() -> float:
    """Bytes the C heap (glibc malloc, all arenas) holds in live allocations, from
    ``mallinfo2``: what DuckDB's C++ objects, numpy and Python's large objects use, without
    the pages malloc keeps free. NaN where the C library is not glibc 2.33+."""
    import ctypes

    class _MallInfo2(ctypes.Structure):
        _fields_ = [(name, ctypes.c_size_t) for name in (
            "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
            "fordblks", "keepcost")]

    try:
        mallinfo2 = ctypes.CDLL("libc.so.6").mallinfo2
    except (OSError, AttributeError):
        return float("nan")
    mallinfo2.restype = _MallInfo2
    info = mallinfo2()
    return (info.uordblks + info.hblkhd) / 2**20


def child_ingest(jsonl: str, db: str, expected: int) -> None:
    """The measured part (own process): a full ``ingest_paths``; prints a JSON summary last.

    Progress lines (articles, seconds, RSS and C heap MiB) go to stderr every ``SAMPLE_EVERY`` articles,
    so a long run can be followed in its log."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from biascmp.pipeline import ingest_paths

    started = time.perf_counter()
    samples: list[tuple[int, float, float, float]] = []
    done = [0]

    def progress(n: int) -> None:
        before, done[0] = done[0], done[0] + n
        if before // SAMPLE_EVERY != done[0] // SAMPLE_EVERY:
            sample = (done[0], time.perf_counter() - started, _rss_mib(), _heap_in_use_mib())
            samples.append(sample)
            print(f"progress articles={sample[0]}/{expected} s={sample[1]:.0f} rss_mib={sample[2]:.0f} "
                  f"heap_mib={sample[3]:.0f}",
                  file=sys.stderr, flush=True)

    report = ingest_paths([jsonl], db, progress=progress)
    seconds = time.perf_counter() - started
    half = [s for s in samples if s[0] <= done[0] / 2]
    db_bytes = sum(p.stat().st_size for p in Path(db).parent.glob(Path(db).name + "*") if p.is_file())
    print(json.dumps({
        "articles": report.read, "new": report.new, "sentences": report.sentences,
        "embedded": report.embedded, "from_cache": report.from_cache, "seconds": seconds,
        "peak_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "rss_mid_mib": half[-1][2] if half else None,
        "rss_end_mib": samples[-1][2] if samples else None,
        "heap_mid_mib": half[-1][3] if half else None,
        "heap_end_mib": samples[-1][3] if samples else None,
        "db_bytes": db_bytes,
        "samples": samples,
    }))


def _memory_limit(db_path: str) -> str:
    from biascmp.store.db import StoreSettings

    return StoreSettings.from_env().duckdb_config(Path(db_path))["memory_limit"]


def _commit_articles() -> int:
    from biascmp.store.db import StoreSettings

    return StoreSettings.from_env().commit_articles


def run(sizes: list[int], pool: int = POOL, seed: int = 0, folder: str | None = None,
        memory_limit: str | None = None) -> dict:
    """Write, then fully ingest in a child, each size in turn; refuse when disk is short."""
    work = Path(folder or tempfile.gettempdir())
    need = max(sizes) * (1 + DB_PER_INPUT) + DISK_MARGIN
    free = shutil.disk_usage(work).free
    if need > free:
        raise SystemExit(f"refusing: about {need / 2**30:.1f} GiB needed (input + database + margin) "
                         f"but only {free / 2**30:.1f} GiB free under {work}")
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    if memory_limit:
        env["BIASCMP_MEMORY_LIMIT"] = memory_limit
    rows = []
    tmp = Path(tempfile.mkdtemp(prefix="biascmp-memory-", dir=work))
    try:
        for size in sizes:
            path, db = tmp / f"input-{size}.jsonl", tmp / f"ingest-{size}.duckdb"
            started = time.perf_counter()
            written, records = write_pooled_jsonl(path, size, pool, seed)
            write_s = time.perf_counter() - started
            print(f"wrote {written / 2**20:.0f} MiB, {records} articles in {write_s:.0f} s; ingesting",
                  file=sys.stderr, flush=True)
            done = subprocess.run(
                [sys.executable, __file__, "--child", str(path), "--child-db", str(db),
                 "--child-expected", str(records)],
                stdout=subprocess.PIPE, text=True, env=env,
            )
            path.unlink()
            for p in tmp.glob(db.name + "*"):
                shutil.rmtree(p) if p.is_dir() else p.unlink()
            if done.returncode != 0:  # the child's error is in stderr; keep the other sizes
                print(f"ingest of {written / 2**20:.0f} MiB failed (exit {done.returncode})",
                      file=sys.stderr, flush=True)
                rows.append({"size_bytes": written, "records_written": records, "write_s": write_s,
                             "error": f"child exit code {done.returncode}"})
                continue
            child = json.loads(done.stdout.strip().splitlines()[-1])
            rows.append({"size_bytes": written, "records_written": records, "write_s": write_s, **child,
                         "peak_rss_mib": child["peak_rss_kib"] / 1024})
            print(f"done {written / 2**20:.0f} MiB: {child['articles']} articles, {child['seconds']:.0f} s, "
                  f"peak RSS {child['peak_rss_kib'] / 1024:.0f} MiB", file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    peaks = [r["peak_rss_mib"] for r in rows if "error" not in r]
    growth = peaks[-1] / peaks[0] if len(peaks) > 1 else None
    return {
        "measured": "full ingest_paths (read, clean, split, embed with the vector cache, Arrow inserts, "
                    f"a commit every {_commit_articles():,} articles); input drawn from a bounded pool "
                    "of articles, so this measures streaming/store memory, not model throughput",
        "pool_articles": pool, "memory_limit": env.get("BIASCMP_MEMORY_LIMIT") or _memory_limit(str(tmp / "x")),
        "sizes": rows, "peak_growth_largest_vs_smallest": growth,
        "peak_grows": None if growth is None else growth > FLAT,
        "load_avg_1min": os.getloadavg()[0],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", nargs="+", type=parse_size, default=[parse_size("100MB"), parse_size("1GB")],
                        help="input sizes, e.g. 100MB 1GB (default)")
    parser.add_argument("--pool", type=int, default=POOL, help="distinct articles the input repeats")
    parser.add_argument("--seed", type=int, default=0, help="generator seed")
    parser.add_argument("--memory-limit", default=None,
                        help="DuckDB memory limit of the ingest (default: $BIASCMP_MEMORY_LIMIT or the store's)")
    parser.add_argument("--dir", default=None, help="where to write input and database (default: $TMPDIR)")
    parser.add_argument("--json", default=None, help="also write the figures to this JSON file")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--child-db", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--child-expected", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child_ingest(args.child, args.child_db, args.child_expected)
        return
    r = run(sorted(args.sizes), args.pool, args.seed, args.dir, args.memory_limit)
    print(f"memory benchmark; measured: {r['measured']}; pool {r['pool_articles']} articles; "
          f"DuckDB memory_limit {r['memory_limit']}; load avg (1 min) {r['load_avg_1min']:.1f}")
    print_table(["input MiB", "articles", "sentences", "embedded", "wall s", "RSS mid MiB", "RSS end MiB",
                 "heap mid MiB", "heap end MiB", "peak RSS MiB", "db MiB"],
                [[x["size_bytes"] / 2**20, x["articles"], x["sentences"], x["embedded"], x["seconds"],
                  x["rss_mid_mib"], x["rss_end_mib"], x["heap_mid_mib"], x["heap_end_mib"],
                  x["peak_rss_mib"], x["db_bytes"] / 2**20]
                 if "error" not in x else [x["size_bytes"] / 2**20, x["records_written"], x["error"]] + ["-"] * 8
                 for x in r["sizes"]])
    if r["peak_growth_largest_vs_smallest"] is not None:
        print(f"peak RSS largest / smallest input: {r['peak_growth_largest_vs_smallest']:.3f}; "
              f"peak grows with size: {'YES' if r['peak_grows'] else 'no'} (threshold {FLAT})")
    if args.json:
        Path(args.json).write_text(json.dumps(r, indent=2))


if __name__ == "__main__":
    main()
