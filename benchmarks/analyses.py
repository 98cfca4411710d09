"""Time and memory of the omissions, sources and framing analyses on events of 10, 50, 200 articles.

    .venv/bin/python benchmarks/analyses.py [--sizes 10 50 200] [--repeat 2] [--keep DIR] [--json out.json]

Generates one event per size (``benchmarks/_gen.py``: 8 outlets in turn, overlapping facts
with the same numbers, quotes from the event's people, boilerplate), ingests them all with
``biascmp ingest`` (a subprocess: the real CLI path) into one DuckDB file, then in this
process, for each event: annotates its articles (spaCy entities and lemmas, once, as the
first analysis of an event does: ``ensure_annotated``; timed separately), reads its
``EventDocs`` with ``biascmp.store.reads.load_articles_docs`` and runs ``analyse_omissions``, ``analyse_sources`` and ``analyse_framing``. Each analysis is
timed on its first call in the process (lazy loading of lexicons or models included) and as
the median of ``--repeat`` further calls; peak memory is this process's resident memory
sampled during the calls (``common.PeakMemory``). Bar (issue 9): 50 articles < 10 s each.
With ``--keep DIR`` the generated database is kept there and reused by the next run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _gen import generate_articles, write_jsonl  # noqa: E402
from common import PeakMemory, print_table  # noqa: E402

BAR_50_S = 10.0


def event_records(size: int, seed: int) -> list[dict]:
    """``size`` articles about one event, ids prefixed so that events never share ids."""
    records = generate_articles(size, seed=seed, per_event=size)
    for r in records:
        r["id"] = f"ev{size}-{r['id']}"
        r["event"] = f"bench-event-{size}"  # pins the articles to one event, as a record may
    return records


def build_db(folder: Path, sizes: list[int], seed: int) -> tuple[Path, dict[int, list[str]]]:
    """Ingest one generated event per size (reusing a database already built for them)."""
    db = folder / f"analyses-{'-'.join(map(str, sizes))}-s{seed}.duckdb"
    for built in sorted(folder.glob(f"analyses-*-s{seed}.duckdb")):
        # events are generated per size, so a database built for more sizes holds these too
        if set(sizes) <= {int(x) for x in built.stem.split("-")[1:-1]}:
            db = built
            break
    ids = {}
    records = []
    for size in sizes:
        recs = event_records(size, seed + size)
        ids[size] = [r["id"] for r in recs]
        records.extend(recs)
    if not db.exists():
        jsonl = folder / "analyses.jsonl"
        write_jsonl(jsonl, records)
        exe = Path(sys.executable).with_name("biascmp")
        subprocess.run([str(exe), "ingest", str(jsonl), "--db", str(db)], check=True,
                       env={**os.environ, "HF_HUB_OFFLINE": "1"}, stdout=subprocess.DEVNULL)
    return db, ids


def time_analysis(fn, docs, repeat: int) -> dict:
    """First-call seconds, median of ``repeat`` more calls, and peak RSS during the calls."""
    with PeakMemory() as mem:
        started = time.perf_counter()
        fn(docs)
        first = time.perf_counter() - started
        again = []
        for _ in range(repeat):
            started = time.perf_counter()
            fn(docs)
            again.append(time.perf_counter() - started)
    return {"first_s": first, "median_s": statistics.median(again) if again else first,
            "peak_rss_mib": mem.peak_mib}


def run(sizes: list[int], repeat: int = 2, seed: int = 0, keep: str | None = None,
        on_row=None) -> dict:
    """Ingest the events, then time each analysis on each event; ``on_row(event, name,
    figures)`` is called as each analysis finishes (so long runs show progress)."""
    import duckdb

    from biascmp.compare.framing import analyse_framing
    from biascmp.compare.omissions import analyse_omissions
    from biascmp.compare.sources import analyse_sources
    from biascmp.store.annotations import ensure_annotated
    from biascmp.store.reads import load_articles_docs

    analyses = {"omissions": analyse_omissions, "sources": analyse_sources, "framing": analyse_framing}
    folder = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="biascmp-analyses-"))
    folder.mkdir(parents=True, exist_ok=True)
    results = []
    try:
        started = time.perf_counter()
        db, ids = build_db(folder, sizes, seed)
        ingest_s = time.perf_counter() - started
        con = duckdb.connect(str(db))
        try:
            for size in sizes:
                started = time.perf_counter()
                ensure_annotated(con, ids[size])
                annotate_s = time.perf_counter() - started
                started = time.perf_counter()
                docs = load_articles_docs(con, ids[size], event_id=f"bench-{size}")
                load_s = time.perf_counter() - started
                row = {"articles": len(docs.articles), "outlets": len(docs.outlets),
                       "sentences": len(docs.sentences), "annotate_s": annotate_s,
                       "load_docs_s": load_s}
                for name, fn in analyses.items():
                    row[name] = time_analysis(fn, docs, repeat)
                    if on_row:
                        on_row(row, name, row[name])
                results.append(row)
        finally:
            con.close()
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)
    return {"sizes": sizes, "repeat": repeat, "ingest_s": ingest_s, "events": results,
            "load_avg_1min": os.getloadavg()[0], "cpus": os.cpu_count()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 50, 200], help="articles per event")
    parser.add_argument("--repeat", type=int, default=2, help="timed calls after the first (median)")
    parser.add_argument("--seed", type=int, default=0, help="generator seed")
    parser.add_argument("--keep", default=None, help="folder to keep (and reuse) the database in")
    parser.add_argument("--json", default=None, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    def progress(row, name, a):
        print(f"  done: {row['articles']} articles, {name}: first {a['first_s']:.2f} s, median "
              f"{a['median_s']:.2f} s, peak {a['peak_rss_mib']:.0f} MiB", flush=True)

    r = run(args.sizes, args.repeat, args.seed, args.keep, on_row=progress)
    print(f"analyses per event, {r['cpus']} CPUs, load avg (1 min) {r['load_avg_1min']:.1f}; "
          f"ingest of the events took {r['ingest_s']:.0f} s (not part of the figures)")
    rows = []
    for e in r["events"]:
        for name in ("omissions", "sources", "framing"):
            a = e[name]
            verdict = ("ok" if a["median_s"] < BAR_50_S else "OVER") if e["articles"] == 50 else "-"
            rows.append([e["articles"], e["outlets"], e["sentences"], name, a["first_s"], a["median_s"],
                         a["peak_rss_mib"], verdict])
    print_table(["articles", "outlets", "sentences", "analysis", "first call s", "median s",
                 "peak RSS MiB", "50-article bar < 10 s"], rows)
    print("annotating the event's articles once (spaCy, ensure_annotated; spaCy load included "
          "in the first), s: " + ", ".join(f"{e['articles']} articles {e['annotate_s']:.2f}" for e in r["events"]))
    print("reading the docs (load_articles_docs), s: "
          + ", ".join(f"{e['articles']} articles {e['load_docs_s']:.2f}" for e in r["events"]))
    if args.json:
        Path(args.json).write_text(json.dumps(r, indent=2))


if __name__ == "__main__":
    main()
