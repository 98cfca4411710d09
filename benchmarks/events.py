"""Benchmark: event grouping time and peak memory for generated corpora of growing size.

Articles are generated, not read: each event has a random unit centroid (384 dims) and its
articles are noisy copies of it, published over a few days; events arrive at a steady rate,
so a larger corpus spans more months at the same articles per day (as a growing archive
does). Each article gets the event's names, numbers and terms plus noise from shared
vocabularies, and 10% of articles are undated. The work should grow about linearly.

Grouping a store also builds each article's features from its sentence texts (names by
capitalisation rules, stemmed content words; ``events.features.features_from_sentences``): a
second table times that per article on generated texts (``--feature-articles`` articles of
20 sentences); its cost is per article, so it adds that many microseconds per article.

    .venv/bin/python benchmarks/events.py --n 10000 100000
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import PeakMemory, print_table, set_threads  # noqa: E402

DIM = 384


def generate(n: int, per_day: int, seed: int = 0):
    """``n`` generated ``EventInput`` records and their true event ids."""
    import numpy as np

    from biascmp.events import EventInput

    rng = np.random.default_rng(seed)
    start = date(2024, 1, 1)
    items, gold = [], []
    event = 0
    days_total = max(1, n // per_day)
    shared_names = [f"name{k}" for k in range(2000)]
    shared_terms = [f"term{k}" for k in range(5000)]
    while len(items) < n:
        size = int(min(rng.geometric(0.2), 40))
        centre = rng.normal(size=DIM)
        centre /= np.linalg.norm(centre)
        day0 = int(rng.integers(0, days_total))
        names = [f"ev{event}-n{k}" for k in range(4)]
        numbers = [str(int(x)) for x in rng.integers(10, 100_000, 3)]
        terms = [f"ev{event}-t{k}" for k in range(12)]
        for _ in range(size):
            if len(items) == n:
                break
            vec = centre + 0.06 * rng.normal(size=DIM)
            body = centre + 0.05 * rng.normal(size=DIM)
            published = start + timedelta(days=day0 + int(rng.integers(0, 3)))
            own_terms = {t: int(rng.integers(1, 4)) for t in rng.choice(terms, 8, replace=False)}
            own_terms.update({str(t): 1 for t in rng.choice(shared_terms, 12)})
            items.append(
                EventInput(
                    article_id=f"a{len(items):07d}",
                    outlet=f"outlet{int(rng.integers(0, 40))}",
                    title=" ".join(rng.choice(terms, 4)),
                    published=None if rng.random() < 0.1 else published,
                    embedding=(vec / np.linalg.norm(vec)).astype(np.float32),
                    body_embedding=(body / np.linalg.norm(body)).astype(np.float32),
                    entities=frozenset(list(rng.choice(names, 3, replace=False)) + list(rng.choice(shared_names, 2))),
                    numbers=frozenset(rng.choice(numbers, 2, replace=False)),
                    terms=own_terms,
                )
            )
            gold.append(event)
        event += 1
    return items, gold


def generate_sentences(n: int, per_article: int = 20, seed: int = 0):
    """``n`` articles of ``per_article`` generated news-like sentences (``Sentence`` records):
    capitalised names from a shared pool, lower-case words, numbers; about 22 words each."""
    import numpy as np

    from biascmp.records import Sentence
    from biascmp.text import extract_numbers

    rng = np.random.default_rng(seed)
    names = np.array([f"Name{k} Surname{k}" for k in range(3000)] + [f"PLACE{k}" for k in range(500)])
    words = np.array([f"word{k}s" for k in range(20000)] + ["the", "said", "on", "of", "and", "a", "to"] * 300)
    articles = []
    for a in range(n):
        sents = []
        for p in range(per_article):
            body = words[rng.integers(0, len(words), 18)].tolist()
            for name in names[rng.integers(0, len(names), 2)].tolist():
                body.insert(int(rng.integers(1, len(body))), name)
            text = "Officials " + " ".join(body) + f" {int(rng.integers(10, 5000))}."
            sents.append(Sentence(f"b{a}:{p}", f"b{a}", p, p // 3, text, numbers=extract_numbers(text)))
        articles.append(sents)
    return articles


def time_features(n: int) -> list:
    """Seconds and microseconds per article to build ``EventInput`` features from texts."""
    import numpy as np

    from biascmp.events.features import features_from_sentences

    articles = generate_sentences(n)
    vec = np.ones(DIM, np.float32)
    features_from_sentences("warm", articles[0], vec)  # imports, stop words
    t0 = time.perf_counter()
    for k, sents in enumerate(articles):
        features_from_sentences(f"b{k}", sents, vec)
    seconds = time.perf_counter() - t0
    return [n, 20, round(seconds, 1), round(seconds / n * 1e6, 1)]


def bcubed_f1(gold: list, pred: list) -> float:
    from collections import defaultdict

    g, p = defaultdict(set), defaultdict(set)
    for k, (a, b) in enumerate(zip(gold, pred)):
        g[a].add(k)
        p[b].add(k)
    prec = sum(len(g[a] & p[b]) / len(p[b]) for a, b in zip(gold, pred)) / len(gold)
    rec = sum(len(g[a] & p[b]) / len(g[a]) for a, b in zip(gold, pred)) / len(gold)
    return 2 * prec * rec / (prec + rec)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--per-day", type=int, default=300, help="generated articles per day")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--feature-articles", type=int, default=5_000,
                        help="generated articles whose features are built from text (0: skip)")
    args = parser.parse_args(argv)
    set_threads(args.threads)
    from biascmp.events import group_articles

    group_articles(generate(500, args.per_day, seed=1)[0])  # imports and first-call costs
    rows = []
    base = None
    for n in args.n:
        items, gold = generate(n, args.per_day)
        with PeakMemory() as mem:
            t0 = time.perf_counter()
            result = group_articles(items)
            seconds = time.perf_counter() - t0
        event_of = {a.article_id: a.event_id for a in result}
        pred = [event_of[i.article_id] for i in items]
        per_article = seconds / n * 1e6
        base = base or per_article
        rows.append(
            [n, max(1, n // args.per_day), len(set(gold)), len(set(pred)),
             round(bcubed_f1(gold, pred), 3), round(seconds, 1), round(per_article, 1),
             round(per_article / base, 2), round(mem.peak_mib)]
        )
        del items, result
    print_table(
        ["articles", "days", "true events", "found", "B3-F1", "seconds", "us/article",
         "x first", "peak MiB"],
        rows,
    )
    if args.feature_articles:
        print()
        print_table(["articles", "sentences each", "feature seconds", "us/article"],
                    [time_features(args.feature_articles)])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
