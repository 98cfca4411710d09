"""Ingest throughput against the bare embedding model, measured in the same run.

    .venv/bin/python benchmarks/ingest.py 2000 [--rounds 3] [--backend openvino] [--json out.json]

1. Generates N seeded news-like articles (``benchmarks/_gen.py``) as one JSONL file in a
   temporary folder.
2. Runs the real CLI path, ``biascmp.pipeline.ingest_paths``, into a fresh DuckDB file in a
   child process (read + clean + sentence rules + embed + store; the ingest runs no spaCy).
   The embedder is loaded and warmed before the clock starts (its start-up is printed
   separately), so
   the figure is steady-state throughput. Stage times come from timing wrappers around the
   pipeline's own functions; the text stage runs in a worker thread, so stage times overlap
   and do not add up to the wall time. Peak memory is the child's RSS high-water mark
   (``getrusage(RUSAGE_CHILDREN).ru_maxrss``).
3. In this process, encodes exactly the kept (non-boilerplate) sentences that ingest stored,
   with the same embedder: the bare-model reference. The ingest also embeds each article's
   title (the article vector is built from the title's and the sentences' vectors), so the
   bare encode of the titles is timed too, and the ratio is printed both against the
   sentences alone (the issue's figure) and against sentences + titles. The ingest embeds a
   repeated text once (the generated news repeats some sentences, as wire copy does), while
   the bare encode of the kept sentences encodes every repeat, so a third bare encode, of
   the distinct sentences and titles only, gives the strictest ratio: the ingest's wall
   time against exactly the model work it cannot avoid.
4. ``--rounds R`` runs steps 2-3 R times and prints the round with the median ratio, then
   every round. On the shared 2-core machine the CPU time of the same bare encode varied by
   20% between runs minutes apart, so one pair is not a reliable figure.
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
from _gen import generate_articles, write_jsonl  # noqa: E402
from common import print_table  # noqa: E402

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

WARM_TEXTS = [f"Warm-up sentence number {i} about a council vote on the harbour budget." for i in range(64)]


class StageClock:
    """Accumulates wall seconds and calls per named stage, across threads."""

    def __init__(self):
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}

    def wrap(self, name: str, fn):
        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start
                self.calls[name] = self.calls.get(name, 0) + 1
        return timed

    def wrap_iter(self, name: str, fn):
        def timed_iter(*args, **kwargs):
            it = iter(fn(*args, **kwargs))
            while True:
                start = time.perf_counter()
                try:
                    item = next(it)
                except StopIteration:
                    self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start
                    return
                self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start
                yield item
        return timed_iter


def child_ingest(jsonl: str, db: str, out: str, backend: str | None, batch_size: int) -> None:
    """The measured ingest (runs in its own process)."""
    import biascmp.ingest as ingest_stage
    import biascmp.pipeline as pipeline
    from biascmp.embed import get_embedder

    started = time.perf_counter()
    embedder = get_embedder(None, backend)
    embedder.encode(WARM_TEXTS)
    embed_load_s = time.perf_counter() - started

    clock = StageClock()
    embedder.encode = clock.wrap("embed (encode)", embedder.encode)
    pipeline.iter_paths = clock.wrap_iter("read + parse files", pipeline.iter_paths)
    ingest_stage.split_and_key = clock.wrap("paragraph split + keys", ingest_stage.split_and_key)
    pipeline.stored_repeat_counts = clock.wrap("stored repeat counts", pipeline.stored_repeat_counts)
    pipeline.clean_and_segment = clock.wrap("clean + sentence rules (worker thread)", pipeline.clean_and_segment)
    pipeline.select_fresh = clock.wrap("dedupe + stored hashes", pipeline.select_fresh)
    pipeline.write_articles = clock.wrap("store (Arrow inserts)", pipeline.write_articles)
    pipeline.stored_hashes = clock.wrap("vector cache probe", pipeline.stored_hashes)
    pipeline.cached_vectors = clock.wrap("vector cache read", pipeline.cached_vectors)
    pipeline.cache_vectors = clock.wrap("vector cache write", pipeline.cache_vectors)

    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    report = pipeline.ingest_paths([jsonl], db, backend=backend, batch_size=batch_size)
    wall = time.perf_counter() - started
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    Path(out).write_text(json.dumps({
        "wall_s": wall,
        "cpu_s": (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime),
        "report": report.to_dict(),
        "stages_s": clock.seconds,
        "stage_calls": clock.calls,
        "embedder_load_s": embed_load_s,
        "backend": getattr(embedder, "backend", "torch"),
        "model_id": embedder.model_id,
    }))


def kept_texts(db: str) -> tuple[list[str], list[str]]:
    """The kept sentences (store order) and the titles the pipeline embedded (one per titled
    article: the article vector is built from the title's and the sentences' vectors)."""
    import duckdb

    con = duckdb.connect(db, read_only=True)
    try:
        sentences = [r[0] for r in con.execute(
            "SELECT text FROM sentences WHERE NOT is_boilerplate ORDER BY article_id, position"
        ).fetchall()]
        titles = [r[0].strip() for r in con.execute(
            "SELECT title FROM articles WHERE trim(coalesce(title, '')) <> '' ORDER BY article_id"
        ).fetchall()]
    finally:
        con.close()
    return sentences, titles


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def bare_encode(texts: list[str], backend: str | None) -> tuple[float, float]:
    """Wall and CPU seconds to encode ``texts`` with a warmed embedder (same backend as the
    ingest). CPU seconds are the load-robust figure when other jobs share the machine."""
    from biascmp.embed import get_embedder

    embedder = get_embedder(None, backend)
    embedder.encode(WARM_TEXTS)
    cpu, started = _cpu_s(), time.perf_counter()
    embedder.encode(texts)
    return time.perf_counter() - started, _cpu_s() - cpu


def run(n: int, backend: str | None = None, seed: int = 0, batch_size: int = 128,
        keep: str | None = None) -> dict:
    """Generate, ingest in a child process, encode the same sentences bare; return figures."""
    workdir = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="biascmp-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        jsonl, db, out = workdir / "articles.jsonl", workdir / "bench.duckdb", workdir / "child.json"
        for stale in (db, Path(str(db) + ".wal"), Path(str(db) + ".lock")):
            stale.unlink(missing_ok=True)
        size = write_jsonl(jsonl, generate_articles(n, seed))
        load_before = os.getloadavg()
        cmd = [sys.executable, __file__, "--child", str(jsonl), str(db), str(out), "--batch-size", str(batch_size)]
        if backend:
            cmd += ["--backend", backend]
        subprocess.run(cmd, check=True)
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        child = json.loads(out.read_text())
        sentences, titles = kept_texts(str(db))
        load_mid = os.getloadavg()
        bare_s, bare_cpu = bare_encode(sentences, backend)
        bare_titles_s, bare_titles_cpu = bare_encode(titles, backend)
        distinct = list(dict.fromkeys(sentences + titles))
        bare_distinct_s, _ = bare_encode(distinct, backend)
        load_after = os.getloadavg()
    finally:
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)
    wall = child["wall_s"]
    n_kept = len(sentences)
    ingest_sps = n_kept / wall
    bare_sps = n_kept / bare_s
    return {
        "articles": n,
        "jsonl_mib": size / 2**20,
        "backend": child["backend"],
        "model_id": child["model_id"],
        "kept_sentences": n_kept,
        "unique_kept_sentences": len(set(sentences)),
        "all_sentences": child["report"]["sentences"],
        "embedded_texts": child["report"]["embedded"],
        "ingest_wall_s": wall,
        "ingest_cpu_s": child["cpu_s"],
        "ingest_sentences_per_s": ingest_sps,
        "ingest_articles_per_s": n / wall,
        "bare_sentences_s": bare_s,
        "bare_sentences_per_s": bare_sps,
        "bare_sentences_cpu_s": bare_cpu,
        "bare_titles_s": bare_titles_s,
        "bare_titles_cpu_s": bare_titles_cpu,
        "ratio_ingest_to_bare": ingest_sps / bare_sps,
        "ratio_ingest_to_bare_incl_titles": (bare_s + bare_titles_s) / wall,
        "distinct_texts": len(distinct),
        "bare_distinct_s": bare_distinct_s,
        "ratio_ingest_to_bare_distinct": bare_distinct_s / wall,
        "cpu_ratio_bare_embed_to_ingest": (bare_cpu + bare_titles_cpu) / child["cpu_s"],
        "peak_rss_mib_ingest_child": peak_kib / 1024,
        "embedder_load_s": child["embedder_load_s"],
        "stages_s": child["stages_s"],
        "load_avg_1min": {"before": load_before[0], "after_ingest": load_mid[0], "after_bare": load_after[0]},
        "cpus": os.cpu_count(),
    }


def print_result(r: dict) -> None:
    print(f"ingest benchmark: {r['articles']} articles ({r['jsonl_mib']:.1f} MiB JSONL), backend "
          f"{r['backend']}, {r['cpus']} CPUs, load avg (1 min) {r['load_avg_1min']['before']:.1f} before / "
          f"{r['load_avg_1min']['after_ingest']:.1f} after ingest / {r['load_avg_1min']['after_bare']:.1f} after bare")
    print_table(["measure", "value"], [
        ["kept sentences (unique)", f"{r['kept_sentences']} ({r['unique_kept_sentences']})"],
        ["all sentences stored", r["all_sentences"]],
        ["texts embedded by ingest (sentences + articles, deduplicated)", r["embedded_texts"]],
        ["bare encode of kept sentences, s", r["bare_sentences_s"]],
        ["bare sentences/s", r["bare_sentences_per_s"]],
        ["bare encode of the titles, s", r["bare_titles_s"]],
        ["ingest wall s (ingest_paths, warm models)", r["ingest_wall_s"]],
        ["ingest CPU s (all threads)", r["ingest_cpu_s"]],
        ["ingest sentences/s", r["ingest_sentences_per_s"]],
        ["ingest articles/s", r["ingest_articles_per_s"]],
        ["RATIO ingest / bare sentences/s (bar 0.8, aim 0.9)", r["ratio_ingest_to_bare"]],
        ["ratio incl. the titles in the bare work", r["ratio_ingest_to_bare_incl_titles"]],
        [f"ratio against the bare encode of the {r['distinct_texts']} distinct sentences + titles",
         r["ratio_ingest_to_bare_distinct"]],
        ["bare CPU s: sentences / titles",
         f"{r['bare_sentences_cpu_s']:.1f} / {r['bare_titles_cpu_s']:.1f}"],
        ["CPU-time share of ingest spent on the model's work (load-robust)", r["cpu_ratio_bare_embed_to_ingest"]],
        ["peak RSS of the ingest process, MiB", r["peak_rss_mib_ingest_child"]],
        ["embedder load + warm-up s", f"{r['embedder_load_s']:.2f}"],
    ])
    print("\nstage busy time in the ingest (cleaning and sentence rules overlap the others in a worker thread):")
    print_table(["stage", "seconds", "share of wall"],
                [[k, v, f"{v / r['ingest_wall_s']:.0%}"] for k, v in
                 sorted(r["stages_s"].items(), key=lambda kv: -kv[1])])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", nargs="?", type=int, default=200, help="articles to generate (default 200)")
    parser.add_argument("--backend", default=None, help="embedding backend (default: the default fast path)")
    parser.add_argument("--seed", type=int, default=0, help="generator seed")
    parser.add_argument("--batch-size", type=int, default=128, help="articles per pipeline batch")
    parser.add_argument("--keep", default=None, help="folder to keep the JSONL and database in")
    parser.add_argument("--rounds", type=int, default=1,
                        help="ingest + bare pairs to run; the median round is reported (default 1)")
    parser.add_argument("--json", default=None, help="also write the figures to this JSON file")
    parser.add_argument("--child", nargs=3, metavar=("JSONL", "DB", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child_ingest(*args.child, backend=args.backend, batch_size=args.batch_size)
        return
    rounds = [run(args.n, args.backend, args.seed, args.batch_size, args.keep) for _ in range(max(1, args.rounds))]
    result = median_round(rounds)
    print_result(result)
    if len(rounds) > 1:
        print_rounds(rounds)
    if args.json:
        Path(args.json).write_text(json.dumps({**result, "rounds": rounds}, indent=2))


def median_round(rounds: list[dict]) -> dict:
    """The round whose ratio is the median (the lower middle one for an even count)."""
    ordered = sorted(rounds, key=lambda r: r["ratio_ingest_to_bare"])
    return ordered[(len(ordered) - 1) // 2]


def print_rounds(rounds: list[dict]) -> None:
    """Every round, so the spread of a shared machine is visible next to the median."""
    print(f"\n{len(rounds)} rounds (the table above is the median round by ratio):")
    print_table(["round", "bare sentences/s", "ingest sentences/s", "ratio", "ratio incl. titles",
                 "ratio, distinct texts", "model CPU share"], [
        [k + 1, f"{r['bare_sentences_per_s']:,.0f}", f"{r['ingest_sentences_per_s']:,.0f}",
         f"{r['ratio_ingest_to_bare']:.3f}", f"{r['ratio_ingest_to_bare_incl_titles']:.3f}",
         f"{r['ratio_ingest_to_bare_distinct']:.3f}",
         f"{r['cpu_ratio_bare_embed_to_ingest']:.3f}"]
        for k, r in enumerate(rounds)
    ])


if __name__ == "__main__":
    main()
