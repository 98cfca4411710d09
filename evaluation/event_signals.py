"""Where does event grouping lose: the search, the pair scores or the clustering?

For each labelled dataset (ECB+, BiasLab, the demo corpus) this prints, over the candidate
pairs that ``biascmp.events.cluster.candidate_scores`` builds with the given settings:

* **search**: how many of the gold same-event pairs are candidates at all, and the B-cubed F1
  of a perfect clustering restricted to them (gold events cut into the connected pieces the
  candidates leave): the best any scoring and clustering could do;
* **scores**: the pair AUC (same event vs not, over candidate pairs) of each signal alone, of
  the combined score, and of the score after the shared-neighbour blend;
* **ceiling of re-weighting**: the AUC of a logistic regression over the signals fitted on the
  dataset's own pairs (in-sample, so an upper bound for any linear weighting, not a method),
  and of one fitted on the other dataset.

    .venv/bin/python evaluation/event_signals.py [--datasets DIR] [--set NAME=VALUE ...]

If the candidates hold nearly every gold pair and no weighting ranks them much better than
the default score, the loss is in what the signals can see, not in the weights or the search.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import event_datasets as data  # noqa: E402
from eval_events import bcubed, load_datasets, settings_from  # noqa: E402


def pair_signals(cand) -> dict[str, np.ndarray]:
    """Each signal's similarity on the candidate pairs (the parts ``edge_scores`` combines)."""
    sig, i, j = cand.signals, cand.i, cand.j
    out = {
        "lead": np.einsum("ij,ij->i", sig.lead[i], sig.lead[j]),
        "body": np.einsum("ij,ij->i", sig.body[i], sig.body[j]),
    }
    for name, mat in sig.sparse.items():
        out[name] = np.asarray(mat[i].multiply(mat[j]).sum(axis=1)).ravel()
    return out


def diagnose_items(name: str, items: list[dict], settings=None) -> dict:
    """Search recall, oracle bound and pair AUCs of one dataset (see the module doc)."""
    from scipy import sparse
    from scipy.sparse.csgraph import connected_components
    from sklearn.metrics import roc_auc_score

    from biascmp.events import EventSettings
    from biascmp.events.cluster import candidate_scores

    settings = settings or EventSettings()
    gold_of = {i["article_id"]: i["gold"] for i in items}
    inputs = sorted(data.cached_inputs(name, items, settings), key=lambda x: x.article_id)
    cand = candidate_scores(inputs, settings)
    gold = np.array([gold_of[x.article_id] for x in inputs])
    same = gold[cand.i] == gold[cand.j]
    _, sizes = np.unique(gold, return_counts=True)
    n = len(inputs)
    graph = sparse.coo_matrix((np.ones(int(same.sum())), (cand.i[same], cand.j[same])), shape=(n, n))
    _, pieces = connected_components(graph, directed=False)
    signals = pair_signals(cand)

    def auc(values) -> float | None:
        return round(float(roc_auc_score(same, values)), 3) if 0 < same.sum() < len(same) else None

    return {
        "articles": n,
        "candidate_pairs": int(len(same)),
        "gold_pairs": int((sizes * (sizes - 1) // 2).sum()),
        "gold_pairs_in_candidates": int(same.sum()),
        "oracle_b3_f1": bcubed(list(gold), list(pieces))["b3_f1"],
        "auc": {**{k: auc(v) for k, v in signals.items()},
                "combined": auc(cand.combined), "blended": auc(cand.linked)},
        "_pairs": (np.stack(list(signals.values()), axis=1), same),
    }


def fitted_auc(train: tuple, test: tuple) -> float | None:
    """AUC on ``test`` pairs of a logistic regression over the signals fitted on ``train``."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score

    (x, y), (tx, ty) = train, test
    if len(set(y)) < 2 or len(set(ty)) < 2:
        return None
    model = LogisticRegression(max_iter=2000).fit(x, y)
    return round(float(roc_auc_score(ty, model.decision_function(tx))), 3)


def diagnose(dataset_path=None, settings=None) -> dict:
    """``diagnose_items`` per dataset, plus the cross-dataset fitted AUCs."""
    out = {
        name: {"skipped": items} if isinstance(items, str) else diagnose_items(name, items, settings)
        for name, items in load_datasets(dataset_path).items()
    }
    done = [k for k, v in out.items() if "_pairs" in v]
    for name in done:
        pairs = out[name]["_pairs"]
        out[name]["auc"]["fitted_in_sample"] = fitted_auc(pairs, pairs)
        for other in done:
            if other != name:
                out[name]["auc"][f"fitted_on_{other}"] = fitted_auc(out[other]["_pairs"], pairs)
    for name in done:
        del out[name]["_pairs"]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default=None, help="folder with ecbplus/ and biaslab/")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="override one EventSettings field (repeatable)")
    args = parser.parse_args(argv)
    for name, result in diagnose(args.datasets, settings_from(args.set)).items():
        if "skipped" in result:
            print(f"{name}: skipped: {result['skipped']}")
            continue
        print(f"{name}: {result['articles']} articles, {result['candidate_pairs']} candidate pairs; "
              f"gold pairs among them {result['gold_pairs_in_candidates']}/{result['gold_pairs']}; "
              f"perfect clustering of the candidates: B3-F1 {result['oracle_b3_f1']:.3f}")
        aucs = [f"{k} {v:.3f}" for k, v in result["auc"].items() if v is not None]
        print("  pair AUC: " + (", ".join(aucs) or "undefined (every candidate pair is same-event, or none)"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
