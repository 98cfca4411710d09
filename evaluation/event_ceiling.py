"""How far could a pair score built from the grouping's own signals go, even fitted on the answers?

For each labelled dataset (ECB+, BiasLab, the demo corpus) this builds, for every pair of
articles, what the grouping sees of the pair: each signal's similarity (article vector,
mean-sentence vector, names, lead numbers, title, stems), the shared-neighbour fraction, the
two hub levels (their sum and difference) and the default score itself
(``cluster.dense_scores``). Every score below is clustered the same way, average linkage over
all pairs, so only the score differs:

* **default**: the default score cut at the default threshold, and at its best threshold
  (tuned on the answer);
* **fitted in sample**: a logistic regression over those features fitted on all the
  dataset's pairs against its gold events, cut at its best threshold. It has seen the answers
  twice (weights and cut), so it bounds what any linear re-weighting of the signals could
  reach; it is not a method. ``--model trees`` fits gradient-boosted trees (depth 3) instead:
  any non-linear mix of the signals, which in sample also memorises the pairs;
* **fitted out of sample**: the gold events split into two halves at random (``--seeds``
  splits); the regression is fitted on the pairs inside one half, its cut chosen on that half,
  and it is scored on the other half, beside the default score on the same half;
* **fitted on another dataset** (``--transfer``): the regression fitted on one dataset's
  pairs, its cut chosen there, applied to each other dataset;
* **probe** (``--probe``): the in-sample and held-out fits again with signals the grouping
  does not use added one at a time (sentence alignment, shared word 4-grams, score profiles;
  ``probe_signals``). A signal that carries new information lifts the held-out figure.

    .venv/bin/python evaluation/event_ceiling.py [--datasets DIR] [--seeds N] [--model linear|trees]
                                                [--transfer] [--probe]

If even the in-sample fit stays below a bar, no weighting of these signals reaches it: what is
missing is information the signals do not carry.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import event_datasets as data  # noqa: E402
from eval_events import bcubed, load_datasets  # noqa: E402

#: similarity cuts swept for the best threshold
CUTS = np.round(np.arange(0.05, 0.951, 0.025), 3)
#: all pairs are held in memory: this is for labelled datasets, not a corpus
MAX_ARTICLES = 3000


def pair_features(inputs, settings) -> np.ndarray:
    """(n, n, f) features of every pair of ``inputs``; the last one is the default score."""
    from biascmp.events.cluster import candidate_scores, dense_scores

    cand = candidate_scores(inputs, settings)
    sig, everyone = cand.signals, np.arange(len(inputs))
    features = [sig.lead @ sig.lead.T, sig.body @ sig.body.T]
    features += [(mat @ mat.T).toarray() for mat in sig.sparse.values()]
    if cand.near is not None:
        features.append((cand.near @ cand.near.T).toarray() / settings.shared_k)
    if cand.hub is not None:
        features += [np.add.outer(cand.hub, cand.hub), np.abs(np.subtract.outer(cand.hub, cand.hub))]
    features.append(dense_scores(sig, everyone, settings, cand.near, cand.hub, cand.centre))
    return np.stack(features, axis=-1)


def cluster_at(similarity: np.ndarray, cut: float) -> np.ndarray:
    """Average-linkage labels of a similarity matrix cut at ``cut``."""
    from sklearn.cluster import AgglomerativeClustering

    if len(similarity) == 1:
        return np.zeros(1, np.int64)
    distance = np.clip(1.0 - similarity, 0.0, None)
    np.fill_diagonal(distance, 0.0)
    model = AgglomerativeClustering(
        n_clusters=None, metric="precomputed", linkage="average", distance_threshold=1.0 - cut
    )
    return model.fit_predict(distance)


def f1(gold: np.ndarray, labels: np.ndarray) -> float:
    return bcubed(list(gold), [str(x) for x in labels])["b3_f1"]


def best_cut(similarity: np.ndarray, gold: np.ndarray) -> tuple[float, float]:
    """(B3-F1, cut) of the best cut in ``CUTS``."""
    return max((f1(gold, cluster_at(similarity, float(c))), float(c)) for c in CUTS)


def fitted_similarity(model, features: np.ndarray) -> np.ndarray:
    """The model's same-event probability for every pair, as a symmetric matrix."""
    n = len(features)
    upper = np.triu_indices(n, 1)
    out = np.ones((n, n))
    out[upper] = model.predict_proba(features[upper])[:, 1]
    out.T[upper] = out[upper]
    return out


def fit(features: np.ndarray, gold: np.ndarray, kind: str = "linear"):
    """A same-event classifier over the pair features of one set of articles (``kind``
    "linear": logistic regression; "trees": gradient-boosted trees of depth 3), or None when
    its pairs are all of one class."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    upper = np.triu_indices(len(features), 1)
    same = (gold[:, None] == gold[None, :])[upper]
    if same.all() or not same.any():
        return None
    if kind == "trees":
        model = HistGradientBoostingClassifier(max_depth=3, random_state=0)
    else:
        model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=5000))
    return model.fit(features[upper], same)


def labelled_pairs(name: str, items: list[dict], settings) -> tuple[np.ndarray, np.ndarray]:
    """(pair features, gold event per article) of one dataset, articles sorted by id."""
    if len(items) > MAX_ARTICLES:
        raise SystemExit(f"{name}: {len(items)} articles; this holds all pairs, at most {MAX_ARTICLES}")
    gold_of = {i["article_id"]: i["gold"] for i in items}
    inputs = sorted(data.cached_inputs(name, items, settings), key=lambda x: x.article_id)
    return pair_features(inputs, settings), np.array([gold_of[x.article_id] for x in inputs])


def transfer(train: tuple, test: tuple, kind: str = "linear") -> float | None:
    """B3-F1 on ``test`` of a classifier fitted on ``train`` (both ``labelled_pairs``), cut
    where it is best on ``train``."""
    model = fit(*train, kind)
    if model is None:
        return None
    _, cut = best_cut(fitted_similarity(model, train[0]), train[1])
    return f1(test[1], cluster_at(fitted_similarity(model, test[0]), cut))


def held_out_halves(
    features: np.ndarray, gold: np.ndarray, seeds: int, kind: str, threshold: float
) -> dict | None:
    """Fitted on the pairs inside a random half of the gold events, cut where best on that
    half, scored on the other half; both ways, ``seeds`` splits. Means of the fitted score's and
    the default score's (cut at ``threshold``) B3-F1 over the halves, or None."""
    halves = []
    events = np.unique(gold)
    for seed in range(seeds):
        chosen = set(np.random.default_rng(seed).permutation(events)[: len(events) // 2])
        first = np.array([g in chosen for g in gold])
        for train, test in ((first, ~first), (~first, first)):
            tr, te = np.flatnonzero(train), np.flatnonzero(test)
            model = fit(features[np.ix_(tr, tr)], gold[tr], kind)
            if model is None or len(te) < 2:
                continue
            _, cut = best_cut(fitted_similarity(model, features[np.ix_(tr, tr)]), gold[tr])
            fitted = cluster_at(fitted_similarity(model, features[np.ix_(te, te)]), cut)
            plain = cluster_at(features[np.ix_(te, te)][..., -1], threshold)
            halves.append((f1(gold[te], fitted), f1(gold[te], plain)))
    if not halves:
        return None
    return {
        "fitted": round(float(np.mean([h[0] for h in halves])), 4),
        "default": round(float(np.mean([h[1] for h in halves])), 4),
        "halves": len(halves),
    }


def ceiling_items(
    name: str, items: list[dict], settings=None, seeds: int = 3, kind: str = "linear"
) -> dict:
    """The figures of the module doc for one dataset's items."""
    from biascmp.events import EventSettings

    settings = settings or EventSettings()
    return ceiling(*labelled_pairs(name, items, settings), settings, seeds, kind)


def ceiling(
    features: np.ndarray, gold: np.ndarray, settings, seeds: int = 3, kind: str = "linear"
) -> dict:
    """The figures of the module doc from one dataset's ``labelled_pairs``."""
    default = features[..., -1]
    out = {
        "default": f1(gold, cluster_at(default, settings.threshold)),
        "default_best_cut": best_cut(default, gold),
    }
    model = fit(features, gold, kind)
    out["fitted_in_sample"] = best_cut(fitted_similarity(model, features), gold) if model else None
    halves = held_out_halves(features, gold, seeds, kind, settings.threshold)
    if halves:
        out["out_of_sample"] = halves
    return out


def probe_signals(name: str, items: list[dict], features: np.ndarray) -> dict[str, np.ndarray]:
    """Signals the grouping does not use, as (n, n) matrices over the articles sorted by id:

    * ``sentences``: how well the two articles' sentences align (MiniLM): the mean of each
      side's 3 best matches in the other, averaged over both sides;
    * ``shingles``: IDF-weighted cosine of the word 4-gram sets (shared quotes, wire copy);
    * ``profile``: cosine of the two articles' rows of the default score matrix (whom else
      each resembles)."""
    from biascmp.events.cluster import _idf_rows

    segmented, _, sentence_vecs = data.cached_embedding(name, items)
    offsets = np.cumsum([0] + [len(s) for s in segmented])
    rows = {i["article_id"]: sentence_vecs[offsets[k] : offsets[k + 1]] for k, i in enumerate(items)}
    texts = {i["article_id"]: (i.get("title") or "") + "\n" + i["text"] for i in items}
    ids = sorted(rows)
    n = len(ids)
    aligned = np.zeros((n, n))
    for a in range(n):
        for b in range(a + 1, n):
            if len(rows[ids[a]]) and len(rows[ids[b]]):
                sims = rows[ids[a]] @ rows[ids[b]].T
                best = [np.sort(sims.max(axis=axis))[::-1][:3].mean() for axis in (1, 0)]
                aligned[a, b] = aligned[b, a] = float(np.mean(best))
    words = [re.findall(r"[^\W\d_]+|\d+", texts[i].lower()) for i in ids]
    grams, _ = _idf_rows(
        [dict.fromkeys((" ".join(w[k : k + 4]) for k in range(len(w) - 3)), 1) for w in words], False
    )
    scores = np.clip(features[..., -1], 0.0, None)
    np.fill_diagonal(scores, 0.0)
    scores /= np.maximum(np.linalg.norm(scores, axis=1, keepdims=True), 1e-9)
    shared = (grams @ grams.T).toarray()
    return {"sentences": aligned, "shingles": shared, "profile": scores @ scores.T}


def probe(
    name: str, items: list[dict], features: np.ndarray, gold: np.ndarray, settings,
    seeds: int = 3, kind: str = "linear",
) -> dict:
    """In-sample best and held-out B3-F1 of a fit over the grouping's features (one dataset's
    ``labelled_pairs``), then over them plus each of ``probe_signals`` (and all of them): does
    a signal add what the others lack?"""
    extra = probe_signals(name, items, features)
    sets = {"the grouping's signals": features}
    # the default score stays last: the held-out comparison reads it there
    for k, v in extra.items():
        sets[f"those and {k}"] = np.concatenate([v[..., None], features], -1)
    sets["those and all three"] = np.concatenate([*(v[..., None] for v in extra.values()), features], -1)
    out = {}
    for label, matrix in sets.items():
        model = fit(matrix, gold, kind)
        halves = held_out_halves(matrix, gold, seeds, kind, settings.threshold)
        in_sample = best_cut(fitted_similarity(model, matrix), gold)[0] if model else None
        out[label] = {"in_sample": in_sample, "held_out": halves["fitted"] if halves else None}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default=None, help="folder with ecbplus/ and biaslab/")
    parser.add_argument("--seeds", type=int, default=3, help="random splits into halves")
    parser.add_argument("--model", choices=("linear", "trees"), default="linear",
                        help="the classifier fitted to the answers")
    parser.add_argument("--transfer", action="store_true",
                        help="also fit on each dataset and score the others")
    parser.add_argument("--probe", action="store_true",
                        help="also fit with signals the grouping does not use (probe_signals)")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from biascmp.events import EventSettings

    settings = EventSettings()
    datasets = {}
    for name, items in load_datasets(args.datasets).items():
        if isinstance(items, str):
            print(f"{name}: skipped: {items}")
        else:
            datasets[name] = items
    # every pair's features, built once per dataset for all the figures below
    labelled = {name: labelled_pairs(name, items, settings) for name, items in datasets.items()}
    for name, (features, gold) in labelled.items():
        r = ceiling(features, gold, settings, args.seeds, args.model)
        line = (f"{name}: default {r['default']:.3f} (best cut {r['default_best_cut'][0]:.3f} "
                f"at {r['default_best_cut'][1]:.3f})")
        if r["fitted_in_sample"]:
            line += (f"; fitted in sample {r['fitted_in_sample'][0]:.3f} "
                     f"at {r['fitted_in_sample'][1]:.3f}")
        if "out_of_sample" in r:
            o = r["out_of_sample"]
            line += (f"; out of sample, mean of {o['halves']} halves: fitted {o['fitted']:.3f}, "
                     f"default {o['default']:.3f}")
        print(line)
    if args.transfer:
        for source, train in labelled.items():
            for target, test in labelled.items():
                score = transfer(train, test, args.model) if target != source else None
                if score is not None:
                    print(f"fitted on {source}, applied to {target}: {score:.3f}")
    if args.probe:
        for name, (features, gold) in labelled.items():
            if name == "demo":
                continue
            rows = probe(name, datasets[name], features, gold, settings, args.seeds, args.model)
            for label, r in rows.items():
                shown = [f"{r[k]:.3f}" if r[k] is not None else "-" for k in ("in_sample", "held_out")]
                print(f"{name}, fitted over {label}: in sample {shown[0]}, held out {shown[1]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
