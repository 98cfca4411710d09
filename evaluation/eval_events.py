"""Evaluate event grouping: B-cubed precision/recall/F1 and adjusted Rand index.

Runs ``biascmp.events.group_articles`` with the given (default) settings on ECB+, BiasLab and
the demo corpus, beside two baselines: average-linkage clustering of whole-article MiniLM
vectors and of TF-IDF vectors, each at its best cosine threshold *for that dataset* (found by
sweeping, i.e. tuned on the answer; our method is not). ``ours_whole_vec`` is our method with
the whole-text article vector (title + text through the model, +78% model work at ingest) in
place of the cheap one the ingest stores (``events.features.article_vector``).

    .venv/bin/python evaluation/eval_events.py [--datasets DIR] [--json FILE] [--set NAME=VALUE ...]

``--set`` overrides one ``EventSettings`` field (repeatable), e.g. to measure an opt-in signal.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import event_datasets as data  # noqa: E402

#: thresholds swept for the baselines (cosine distance cut)
SWEEP = np.round(np.arange(0.05, 1.0, 0.01), 2)


def bcubed(gold: list[str], pred: list[str]) -> dict[str, float]:
    """B-cubed precision, recall and F1 (mean over items of the overlap of the item's predicted
    and gold clusters) and the adjusted Rand index."""
    from sklearn.metrics import adjusted_rand_score

    gold_sets, pred_sets = defaultdict(set), defaultdict(set)
    for k, (g, p) in enumerate(zip(gold, pred)):
        gold_sets[g].add(k)
        pred_sets[p].add(k)
    precision = recall = 0.0
    for g, p in zip(gold, pred):
        both = len(gold_sets[g] & pred_sets[p])
        precision += both / len(pred_sets[p])
        recall += both / len(gold_sets[g])
    n = max(len(gold), 1)
    precision, recall = precision / n, recall / n
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "b3_precision": round(precision, 4),
        "b3_recall": round(recall, 4),
        "b3_f1": round(f1, 4),
        "ari": round(float(adjusted_rand_score(gold, pred)), 4),
        "n_articles": len(gold),
        "n_gold_events": len(gold_sets),
        "n_pred_events": len(pred_sets),
    }


def best_threshold_baseline(vectors, gold: list[str]) -> dict:
    """Average-linkage (cosine) clustering cut at every threshold in ``SWEEP``; the best B3-F1."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import pdist

    dist = np.clip(pdist(np.asarray(vectors, dtype=np.float64), metric="cosine"), 0, 2)
    tree = linkage(dist, method="average")
    best = None
    for t in SWEEP:
        labels = [str(x) for x in fcluster(tree, t=float(t), criterion="distance")]
        m = bcubed(gold, labels)
        if best is None or m["b3_f1"] > best["b3_f1"]:
            best = {**m, "threshold": float(t)}
    return best


def tfidf_vectors(items: list[dict]):
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [((i.get("title") or "") + "\n" + i["text"]) for i in items]
    return TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(texts).toarray()


def evaluate_items(name: str, items: list[dict], settings=None, baselines: bool = True) -> dict:
    """Metrics of our grouping (and the tuned baselines) on one dataset's items."""
    from biascmp.events import group_articles

    inputs = data.cached_inputs(name, items, settings)
    gold = [i["gold"] for i in items]

    def ours(batch) -> dict:
        assignments = {a.article_id: a.event_id for a in group_articles(batch, settings)}
        return bcubed(gold, [assignments[i["article_id"]] for i in items])

    result = {"ours": ours(inputs)}
    if baselines:
        whole = data.whole_article_vectors(name, items)
        # the same method with the costly whole-text article vector in place of the cheap one
        result["ours_whole_vec"] = ours(
            [replace(x, embedding=v) for x, v in zip(inputs, whole)]
        )
        result["minilm_tuned"] = best_threshold_baseline(whole, gold)
        result["tfidf_tuned"] = best_threshold_baseline(tfidf_vectors(items), gold)
    return result


def default_paths() -> dict[str, Path]:
    root = data.datasets_root()
    return {
        "ecbplus": root / "ecbplus",
        "biaslab": root / "biaslab",
        "demo": data.REPO / "corpora" / "demo",
    }


LOADERS = {"ecbplus": data.load_ecbplus, "biaslab": data.load_biaslab, "demo": data.load_demo}


def load_datasets(dataset_path=None) -> dict[str, list[dict] | str]:
    """Each dataset's items, or the reason it is skipped. ``dataset_path``: the folder holding
    ``ecbplus/`` and ``biaslab/`` (default ``../shared/datasets``); the demo corpus is read
    from ``corpora/demo``."""
    paths = default_paths()
    if dataset_path is not None:
        paths["ecbplus"] = Path(dataset_path) / "ecbplus"
        paths["biaslab"] = Path(dataset_path) / "biaslab"
    out: dict[str, list[dict] | str] = {}
    for name, path in paths.items():
        marker = path / "gold.json" if name == "demo" else path
        out[name] = LOADERS[name](path) if marker.exists() else f"{marker} not found"
    return out


def evaluate(dataset_path=None, settings=None, baselines: bool = True) -> dict:
    """Metrics per dataset (``load_datasets``); an absent one is ``{"skipped": reason}``."""
    return {
        name: {"skipped": items} if isinstance(items, str) else evaluate_items(name, items, settings, baselines)
        for name, items in load_datasets(dataset_path).items()
    }


def print_table(metrics: dict) -> None:
    header = f"{'dataset':<9} {'method':<14} {'B3-P':>6} {'B3-R':>6} {'B3-F1':>6} {'ARI':>6} {'events':>7} {'thr':>5}"
    print(header)
    print("-" * len(header))
    for name, result in metrics.items():
        if "skipped" in result:
            print(f"{name:<9} skipped: {result['skipped']}")
            continue
        for method, m in result.items():
            thr = f"{m['threshold']:.2f}" if "threshold" in m else "-"
            events = f"{m['n_pred_events']}/{m['n_gold_events']}"
            print(
                f"{name:<9} {method:<14} {m['b3_precision']:>6.3f} {m['b3_recall']:>6.3f} "
                f"{m['b3_f1']:>6.3f} {m['ari']:>6.3f} {events:>7} {thr:>5}"
            )


def settings_from(overrides: list[str]):
    """``EventSettings`` with ``NAME=VALUE`` overrides (pydantic validates and converts the
    values); None when there are none, i.e. the defaults."""
    from biascmp.events import EventSettings

    if not overrides:
        return None
    fields = {}
    for item in overrides:
        name, sep, value = item.partition("=")
        if not sep:
            raise SystemExit(f"--set wants NAME=VALUE, got {item!r}")
        fields[name.strip()] = value.strip()
    return EventSettings.model_validate(fields)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default=None, help="folder with ecbplus/ and biaslab/")
    parser.add_argument("--json", default=None, help="also write the metrics dict here")
    parser.add_argument("--no-baselines", action="store_true", help="only our method")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="override one EventSettings field (repeatable)")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    metrics = evaluate(args.datasets, settings_from(args.set), baselines=not args.no_baselines)
    print_table(metrics)
    if args.json:
        Path(args.json).write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
