"""Benchmark: the omissions analysis (and checklist coverage) on one event of N articles,
after ingest (sentences, entities and embeddings already computed, as read from the store).

The event is built from the demo corpus's main event: its articles are cycled up to N, each
copy under its own outlet name and keeping a seeded random 70% of the sentences, so copies
differ and most sentences have many near-duplicates in other outlets (a dense, worst-case
event for alignment and grouping).

    .venv/bin/python benchmarks/omissions.py --n 50 100
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(REPO / "evaluation"))
sys.path.insert(0, str(REPO))
from common import PeakMemory, print_table, set_threads  # noqa: E402


def scaled_event(base, n: int, seed: int = 0):
    """``n`` articles cycled from ``base`` (an ``EventDocs``), each a distinct outlet."""
    import numpy as np

    from biascmp.records import EventArticle, EventDocs

    rng = random.Random(seed)
    rows, offset, index = [], 0, []
    for art in base.articles:
        index.append(list(range(offset, offset + len(art.sentences))))
        offset += len(art.sentences)
    articles = []
    for k in range(n):
        src = k % len(base.articles)
        art = base.articles[src]
        aid = f"bench-{k:03d}"
        keep = sorted(rng.sample(range(len(art.sentences)), max(1, int(0.7 * len(art.sentences)))))
        sentences = [
            replace(art.sentences[i], article_id=aid, sentence_id=f"{aid}:{art.sentences[i].position}")
            for i in keep
        ]
        rows += [index[src][i] for i in keep]
        articles.append(EventArticle(aid, f"outlet-{k:03d}", art.title, art.published, None, sentences))
    emb = np.asarray(base.embeddings)[rows]
    return EventDocs(event_id="bench", label="bench", articles=articles, embeddings=emb)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, nargs="+", default=[50])
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)
    set_threads(args.threads)
    import eval_omissions as ev

    from biascmp.compare.coverage import coverage
    from biascmp.compare.omissions import analyse_omissions
    from biascmp.embed import get_embedder

    gold, items = ev.demo_items(REPO / "corpora" / "demo")
    base = ev._cached_docs("demo", items, gold["main_event"])
    facts = [{"fact_id": f["fact_id"], "text": f["text"]} for f in gold["facts"]]
    embedder = get_embedder()
    analyse_omissions(base)  # warm-up: imports, first calls
    coverage(base, facts[:1], embedder)
    rows = []
    for n in args.n:
        docs = scaled_event(base, n)
        with PeakMemory() as mem:
            t0 = time.perf_counter()
            result = analyse_omissions(docs)
            t_om = time.perf_counter() - t0
            t0 = time.perf_counter()
            coverage(docs, facts, embedder)
            t_cov = time.perf_counter() - t0
        rows.append([n, len(docs.sentences), len(result.facts), len(result.contradictions),
                     f"{t_om:.2f}", f"{t_cov:.2f}", f"{mem.peak_mib:.0f}"])
    print_table(["articles", "sentences", "facts", "contradictions", "omissions s",
                 f"coverage s ({len(facts)} facts)", "peak MiB"], rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
