"""Peak memory of reading + cleaning a large JSONL file: must not grow with the file's size.

    .venv/bin/python benchmarks/streaming.py --sizes 100MB 1GB [--batch-size 128] [--json out.json]

WHAT IS MEASURED: the streaming front of the ingest only, i.e. the records read one at a
time by ``biascmp.pipeline.iter_paths`` (``biascmp.ingest.iter_records``) and cleaned in
batches with ``biascmp.ingest.clean_articles`` exactly as the pipeline batches them. spaCy,
the embedding model and the DuckDB writes are NOT run: a 1 GB file holds about half a
million articles, hours of embedding on this machine, and the pipeline offers no cheap
embedder. (``benchmarks/ingest.py`` measures the full pipeline, memory included, on smaller
inputs.)

For each size, a JSONL file of at least that size is written to a temporary folder
(streamed out; free disk space is checked first and the run refuses if it is short), then
read in a fresh child process whose own RSS high-water mark (``ru_maxrss``) is reported,
with its RSS after imports for comparison. Sizes take KB/MB/GB suffixes, powers of 1024.
Articles come from a pool of generated ones (``benchmarks/_gen.py``) cycled with new ids, so
that writing a gigabyte stays quick; no two copies of an article fall in one batch.
"""

from __future__ import annotations

import argparse
import json
import os
import re
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

UNITS = {"": 1, "B": 1, "KB": 2**10, "MB": 2**20, "GB": 2**30}
POOL = 20_000  # distinct generated articles, cycled
DISK_MARGIN = 512 * 2**20


def parse_size(text: str) -> int:
    """``"100MB"`` -> bytes (KB/MB/GB are powers of 1024)."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMG]?)B?\s*", text.upper())
    if not m:
        raise argparse.ArgumentTypeError(f"bad size {text!r}: use e.g. 100MB or 1GB")
    return int(float(m.group(1)) * UNITS[m.group(2) + "B" if m.group(2) else ""])


def write_sized_jsonl(path: Path, size: int, seed: int = 0) -> tuple[int, int]:
    """Stream articles to ``path`` until it holds at least ``size`` bytes: (bytes, records)."""
    pool = [json.dumps(r, ensure_ascii=False) for r in generate_articles(min(POOL, size // 1500 + 1), seed)]
    written = records = 0
    with open(path, "w", encoding="utf-8") as fh:
        while written < size:
            base = pool[records % len(pool)]
            cycle = records // len(pool)
            line = base.replace('"id": "bench-', f'"id": "c{cycle}-bench-', 1) + "\n"
            fh.write(line)
            written += len(line.encode("utf-8"))
            records += 1
    return written, records


def child_read(jsonl: str, batch_size: int, clean: bool = True) -> None:
    """The measured part (own process): read (+ clean) in batches, print a JSON summary."""
    from biascmp.ingest import clean_articles
    from biascmp.pipeline import batched, iter_paths

    after_imports = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    articles = paragraphs = boilerplate = batches = 0
    for raws in batched(iter_paths([jsonl]), batch_size):
        cleaned = clean_articles(raws) if clean else []
        articles += 0 if clean else len(raws)
        batches += 1
        articles += len(cleaned)
        paragraphs += sum(len(a.paragraphs) for a in cleaned)
        boilerplate += sum(p.is_boilerplate for a in cleaned for p in a.paragraphs)
    seconds = time.perf_counter() - started
    print(json.dumps({
        "articles": articles, "paragraphs": paragraphs, "boilerplate_paragraphs": boilerplate,
        "batches": batches, "seconds": seconds,
        "peak_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "rss_after_imports_kib": after_imports,
    }))


def run(sizes: list[int], batch_size: int = 128, seed: int = 0, folder: str | None = None,
        stages: str = "read+clean") -> dict:
    """Write, then read (+ clean) in a child, each size in turn; refuse when disk is short."""
    work = Path(folder or tempfile.gettempdir())
    free = shutil.disk_usage(work).free
    if max(sizes) + DISK_MARGIN > free:
        raise SystemExit(f"refusing: {max(sizes) / 2**30:.2f} GiB needed (+0.5 GiB margin) "
                         f"but only {free / 2**30:.2f} GiB free under {work}")
    rows = []
    tmp = Path(tempfile.mkdtemp(prefix="biascmp-stream-", dir=work))
    try:
        for size in sizes:
            path = tmp / f"stream-{size}.jsonl"
            started = time.perf_counter()
            written, records = write_sized_jsonl(path, size, seed)
            write_s = time.perf_counter() - started
            done = subprocess.run([sys.executable, __file__, "--child", str(path), "--batch-size", str(batch_size),
                                   "--stages", stages], check=True, capture_output=True, text=True)
            child = json.loads(done.stdout.strip().splitlines()[-1])
            path.unlink()
            rows.append({
                "size_bytes": written, "records_written": records, "write_s": write_s, **child,
                "mib_per_s": written / 2**20 / child["seconds"],
                "peak_rss_mib": child["peak_rss_kib"] / 1024,
                "rss_after_imports_mib": child["rss_after_imports_kib"] / 1024,
            })
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    peaks = [r["peak_rss_mib"] for r in rows]
    return {
        "measured": ("read (iter_paths/iter_records) + clean_articles in batches" if stages == "read+clean"
                     else "read only (iter_paths/iter_records), batched as the pipeline does")
        + "; no spaCy, no embedding, no DB writes",
        "batch_size": batch_size, "sizes": rows,
        "peak_growth_largest_vs_smallest": peaks[-1] / peaks[0] if peaks else None,
        "load_avg_1min": os.getloadavg()[0],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", nargs="+", type=parse_size, default=[parse_size("100MB"), parse_size("1GB")],
                        help="file sizes, e.g. 100MB 1GB (default)")
    parser.add_argument("--batch-size", type=int, default=128, help="articles per batch (as the pipeline)")
    parser.add_argument("--dir", default=None, help="where to write the temporary files (default: $TMPDIR)")
    parser.add_argument("--stages", choices=["read+clean", "read"], default="read+clean",
                        help="what the child runs: read+clean (default) or read only (about 50x "
                             "cheaper, for sizes whose cleaning would take too long here)")
    parser.add_argument("--json", default=None, help="also write the figures to this JSON file")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child_read(args.child, args.batch_size, clean=args.stages == "read+clean")
        return
    r = run(sorted(args.sizes), args.batch_size, folder=args.dir, stages=args.stages)
    print(f"streaming benchmark; measured: {r['measured']}; batch {r['batch_size']}; "
          f"load avg (1 min) {r['load_avg_1min']:.1f}")
    print_table(["file MiB", "articles", f"{args.stages} s", "MiB/s", "articles/s", "RSS after imports MiB",
                 "peak RSS MiB"],
                [[r_["size_bytes"] / 2**20, r_["articles"], r_["seconds"], r_["mib_per_s"],
                  r_["articles"] / r_["seconds"], r_["rss_after_imports_mib"], r_["peak_rss_mib"]]
                 for r_ in r["sizes"]])
    if r["peak_growth_largest_vs_smallest"] is not None and len(r["sizes"]) > 1:
        print(f"peak RSS largest / smallest file: {r['peak_growth_largest_vs_smallest']:.3f} "
              "(bounded memory: about 1)")
    if args.json:
        Path(args.json).write_text(json.dumps(r, indent=2))


if __name__ == "__main__":
    main()
