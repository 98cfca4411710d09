"""Benchmark the embedding backends on generated news-like sentences.

    .venv/bin/python benchmarks/embed_backends.py [--n 2048] [--runs 5] [--threads 2] [--sweep]

Each backend runs in its own subprocess (so start-up time, threads and peak memory are its
own): sentences/s is the median over ``--runs`` encodes of ``--n`` sentences after one warm-up;
start-up is the time to import and build the embedder (the OpenVINO export is made before, as
on any run after the first); agreement is measured over 1,000 other sentences against the
PyTorch fp32 vectors: mean cosine, and the mean share of each sentence's 10 nearest neighbours
that the fp32 vectors also rank in their top 10. "per CPU-s" divides by the process's CPU
seconds (all threads) instead of wall-clock: on a busy shared machine it varies less. ``--sweep`` also times the OpenVINO backend
over batch sizes and performance hints, to choose ``EmbedSettings.batch_size``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import (  # noqa: E402
    news_sentences,
    peak_rss_mib,
    print_table,
    set_threads,
    time_runs,
)

AGREEMENT_N = 1000
NEIGHBOURS = 10
#: what get_embedder() picks on this machine is added as "auto"
BACKENDS = ["torch", "torch-bf16", "openvino"]
SWEEP_BATCHES = [16, 32, 64, 128, 256]
SWEEP_HINTS = ["THROUGHPUT", "LATENCY"]


def worker(backend: str, n: int, runs: int, threads: int, out_dir: Path) -> None:
    """Run in a subprocess: build one backend, time it, save its agreement vectors."""
    set_threads(threads)
    start = time.perf_counter()
    import numpy as np

    from biascmp.embed import EmbedSettings, build_embedder

    embedder = build_embedder(EmbedSettings(backend=backend, threads=threads))
    startup = time.perf_counter() - start
    sentences = news_sentences(n, seed=0)
    timing = time_runs(lambda: embedder.encode(sentences), runs)
    vectors = embedder.encode(news_sentences(AGREEMENT_N, seed=1))
    np.save(out_dir / f"{backend}.npy", vectors)
    result = {
        "backend": backend,
        "resolved": embedder.backend,
        "sentences_per_s": n / timing.median,
        "sentences_per_cpu_s": n / timing.cpu_median,
        "startup_s": startup,
        "peak_mib": peak_rss_mib(),
        "batch_size": getattr(embedder, "batch_size", None),
    }
    (out_dir / f"{backend}.json").write_text(json.dumps(result))


def sweep_worker(n: int, runs: int, threads: int, out_dir: Path) -> None:
    """Run in a subprocess: sentences/s of the OpenVINO backend per batch size and hint."""
    set_threads(threads)
    from biascmp.embed import EmbedSettings, build_embedder

    sentences = news_sentences(n, seed=0)
    rows = []
    for hint in SWEEP_HINTS:
        for batch in SWEEP_BATCHES:
            settings = EmbedSettings(backend="openvino", threads=threads, batch_size=batch,
                                     openvino_performance_hint=hint)
            embedder = build_embedder(settings)
            timing = time_runs(lambda: embedder.encode(sentences), runs)
            rows.append({"hint": hint, "batch_size": batch, "requests": embedder.n_requests,
                         "sentences_per_s": n / timing.median,
                         "sentences_per_cpu_s": n / timing.cpu_median})
            del embedder
    (out_dir / "sweep.json").write_text(json.dumps(rows))


def _spawn(args: list[str], threads: int) -> None:
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", PYTHONPATH=str(ROOT))
    subprocess.run([sys.executable, __file__, *args], check=True, env=env, cwd=ROOT)


def agreement(reference, vectors) -> tuple[float, float]:
    """(mean cosine, mean top-k neighbour overlap) of ``vectors`` against ``reference``."""
    import numpy as np

    cosine = float(np.mean(np.sum(reference * vectors, axis=1)))

    def top_k(v):
        sims = v @ v.T
        np.fill_diagonal(sims, -np.inf)
        return np.argsort(-sims, axis=1, kind="stable")[:, :NEIGHBOURS]

    ref_top, top = top_k(reference), top_k(vectors)
    overlap = np.mean([len(set(a) & set(b)) / NEIGHBOURS for a, b in zip(ref_top, top)])
    return cosine, float(overlap)


def evaluate(n: int = 2048, runs: int = 5, threads: int = 2, sweep: bool = False) -> dict:
    """Run every backend (and the default) and return the metrics dict that is printed."""
    import numpy as np

    from biascmp.embed import resolve_model
    from biascmp.embed_backends.ov_export import ensure_exported

    ensure_exported(resolve_model(None))  # one-time export outside the timed start-up
    metrics: dict = {"n": n, "runs": runs, "threads": threads, "backends": {}}
    with tempfile.TemporaryDirectory(prefix="biascmp-bench-") as tmp:
        out = Path(tmp)
        for backend in [*BACKENDS, "auto"]:
            _spawn(["--worker", backend, "--n", str(n), "--runs", str(runs),
                    "--threads", str(threads), "--out", tmp], threads)
            metrics["backends"][backend] = json.loads((out / f"{backend}.json").read_text())
        reference = np.load(out / "torch.npy")
        for backend, row in metrics["backends"].items():
            row["mean_cosine"], row["top10_overlap"] = agreement(reference, np.load(out / f"{backend}.npy"))
        if sweep:
            _spawn(["--sweep-worker", "--n", str(n), "--runs", str(runs),
                    "--threads", str(threads), "--out", tmp], threads)
            metrics["sweep"] = json.loads((out / "sweep.json").read_text())
    rows = metrics["backends"]
    metrics["default_backend"] = rows["auto"]["resolved"]
    metrics["default_over_fp32"] = rows["auto"]["sentences_per_s"] / rows["torch"]["sentences_per_s"]
    metrics["default_over_fp32_cpu"] = (
        rows["auto"]["sentences_per_cpu_s"] / rows["torch"]["sentences_per_cpu_s"]
    )
    return metrics


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2048, help="sentences per timed run")
    parser.add_argument("--runs", type=int, default=5, help="timed runs (median reported)")
    parser.add_argument("--threads", type=int, default=2, help="inference threads")
    parser.add_argument("--sweep", action="store_true", help="also sweep OpenVINO batch sizes")
    parser.add_argument("--json", help="also write the metrics dict to this file")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--sweep-worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args.worker, args.n, args.runs, args.threads, Path(args.out))
    if args.sweep_worker:
        return sweep_worker(args.n, args.runs, args.threads, Path(args.out))

    metrics = evaluate(args.n, args.runs, args.threads, args.sweep)
    print(f"{args.n} generated news-like sentences, median of {args.runs} runs, "
          f"{args.threads} threads; agreement over {AGREEMENT_N} sentences vs torch fp32")
    table = []
    for name, row in metrics["backends"].items():
        label = f"auto -> {row['resolved']} (default)" if name == "auto" else name
        table.append([label, row["sentences_per_s"], row["sentences_per_cpu_s"], row["batch_size"],
                      row["startup_s"], row["mean_cosine"], row["top10_overlap"], row["peak_mib"]])
    print_table(["backend", "sentences/s", "per CPU-s", "batch", "startup s", "mean cos",
                 "top10 overlap", "peak MiB"], table)
    print(f"default/fp32 ratio: {metrics['default_over_fp32']:.2f} wall-clock (must be >= 2.5), "
          f"{metrics['default_over_fp32_cpu']:.2f} per CPU-second")
    if "sweep" in metrics:
        print("\nOpenVINO batch-size sweep")
        print_table(["hint", "batch", "requests", "sentences/s", "per CPU-s"],
                    [[r["hint"], r["batch_size"], r["requests"], r["sentences_per_s"],
                      r["sentences_per_cpu_s"]] for r in metrics["sweep"]])
        best = max(metrics["sweep"], key=lambda r: r["sentences_per_s"])
        print(f"best: {best['hint']} batch {best['batch_size']} "
              f"({best['sentences_per_s']:.0f} sentences/s)")
    if args.json:
        Path(args.json).write_text(json.dumps(metrics, indent=2))


if __name__ == "__main__":
    main()
