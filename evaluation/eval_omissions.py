"""Evaluate checklist coverage and contradiction detection (issue 4).

Two gold sources, each scored for biascmp and for the plain baseline in the same run:

* ``demo``: the bundled demo corpus (``corpora/demo/gold.json``): every fact of the main
  event x every article of it, covered or not (gold ``articles[*].facts``), and recall of the
  gold ``contradictions`` by ``analyse_omissions``.
* ``ecbplus``: a real-news proxy from ECB+ cross-document event coreference (see
  ``evaluation/ecbplus_coverage.py``); the coverage weights are fitted on it (``--fit``).
* ``hard_pairs``: 90 hand-written fact/sentence pairs (``evaluation/data/coverage_pairs.jsonl``)
  made of near misses: other figures, other actors, negations, paraphrases.

Baseline: covered when the best sentence's MiniLM cosine reaches one global threshold, that
threshold tuned on the same gold to maximise F1 (generous to the baseline).

    .venv/bin/python evaluation/eval_omissions.py [--demo corpora/demo] \
        [--ecbplus ../shared/datasets/ecbplus] [--json metrics.json] [--fit]

``--fit`` refits the decision weights by logistic regression on the ECB+ proxy with
leave-topics-out cross-validation and prints the fitted weights and the CV scores.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from biascmp.compare.align import (  # noqa: E402
    FEATURES,
    decision_score,
    pair_vector,
    statement_features,
)
from biascmp.compare.coverage import (  # noqa: E402
    CoverageSettings,
    evidence_units,
    fact_statement,
)
from biascmp.compare.fixtures import event_docs_from_texts  # noqa: E402
from biascmp.embed import get_embedder  # noqa: E402



def default_datasets() -> Path:
    from event_datasets import datasets_root  # the one definition of the default

    return datasets_root()


# --------------------------------------------------------------------------- metrics


def prf(pred: list[bool], gold: list[bool]) -> dict:
    tp = sum(p and g for p, g in zip(pred, gold))
    fp = sum(p and not g for p, g in zip(pred, gold))
    fn = sum(g and not p for p, g in zip(pred, gold))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "n": len(gold),
            "positives": sum(gold)}


def best_threshold(scores: list[float], gold: list[bool]) -> tuple[float, dict]:
    """The single threshold maximising F1 (the baseline's generous tuning)."""
    best = (0.0, {"f1": -1.0})
    for t in sorted(set(round(s, 4) for s in scores)):
        m = prf([s >= t for s in scores], gold)
        if m["f1"] > best[1]["f1"]:
            best = (t, m)
    return best


# --------------------------------------------------------------------------- data


def _cached_docs(key: str, items: list[dict], event_id: str):
    """Segmented and embedded texts (recomputed each run: no pickled cache is ever loaded)."""
    return event_docs_from_texts(items, event_id=event_id)


def demo_items(demo: Path) -> tuple[dict, list[dict]]:
    """Gold and the main event's articles as ``event_docs_from_texts`` items."""
    gold = json.loads((demo / "gold.json").read_text(encoding="utf-8"))
    main = gold["main_event"]
    paths = {aid: demo / gold["articles"][aid]["file"] for aid in gold["events"][main]}
    texts = _read_demo_texts(sorted(set(paths.values())))
    items = []
    for aid in gold["events"][main]:
        art = texts.get(aid)
        if art is None:
            raise SystemExit(f"demo article {aid} not found in {paths[aid]}")
        items.append({"article_id": aid, "outlet": gold["articles"][aid]["outlet"],
                      "title": art.get("title"), "published": _iso_date(art.get("published")),
                      "text": art["text"]})
    return gold, items


def _iso_date(value) -> str | None:
    if value is None:
        return None
    return str(value)[:10]


def _read_demo_texts(paths: list[Path]) -> dict[str, dict]:
    """article_id -> {"title", "published", "text"}: through the ingest stage (cleaned,
    boilerplate dropped) when it is available, else a minimal reader of the demo formats."""
    try:
        from biascmp.ingest import clean_articles, read_paths
    except ImportError:
        return _fallback_read(paths)
    read = read_paths([str(p) for p in paths])
    out = {}
    for art in clean_articles(read.articles):
        text = "\n\n".join(p.text for p in art.paragraphs if not p.is_boilerplate)
        out[art.article_id] = {"title": art.title, "published": art.published,
                               "text": text or art.clean_text}
    return out


def _fallback_read(paths: list[Path]) -> dict[str, dict]:
    """Header/front-matter text, markdown, HTML (trafilatura) and JSONL records; no
    boilerplate cleaning (used only until the ingest stage lands)."""
    import re

    def html_text(html: str) -> str:
        import trafilatura

        return trafilatura.extract(html, include_comments=False) or ""

    def meta(html: str, key: str) -> str | None:
        m = re.search(rf'<meta[^>]+(?:name|property)="{re.escape(key)}"[^>]+content="([^"]*)"', html)
        return m.group(1) if m else None

    out = {}
    for path in paths:
        raw = path.read_text(encoding="utf-8")
        if path.suffix == ".jsonl":
            for line in raw.splitlines():
                if line.strip():
                    rec = json.loads(line)
                    text = rec.get("text") or html_text(rec.get("html", ""))
                    out[rec["id"]] = {"title": rec.get("title"), "published": rec.get("published"),
                                      "text": text}
        elif path.suffix in (".html", ".htm"):
            pub = meta(raw, "article:published_time")
            out[meta(raw, "biascmp:id")] = {"title": None, "published": pub[:10] if pub else None,
                                            "text": html_text(raw)}
        else:
            head: dict[str, str] = {}
            body = raw
            if raw.startswith("---"):
                _, fm, body = raw.split("---", 2)
                lines = fm.strip().splitlines()
            else:
                lines, rest = [], raw.splitlines()
                while rest and re.match(r"^[a-z_]+:\s", rest[0]):
                    lines.append(rest.pop(0))
                body = "\n".join(rest)
            for ln in lines:
                if ":" in ln:
                    k, v = ln.split(":", 1)
                    head[k.strip()] = v.strip().strip('"')
            body = re.sub(r"(?m)^#+\s*", "", body)
            out[head.get("id")] = {"title": head.get("title"), "published": head.get("published"),
                                   "text": body.strip()}
    return out


# --------------------------------------------------------------------------- scoring


def unit_vectors(docs, facts: list[dict], settings: CoverageSettings):
    """For every fact and article: the pair vectors of all evidence units and their cosines
    (what both the baseline and the fitted decision need)."""
    units, matrix = evidence_units(docs, settings)
    fvecs = get_embedder().encode([f["text"] for f in facts])
    sims = fvecs @ matrix.T
    single = np.array([u.length == 1 for u in units])
    out = {}
    for fi, fact in enumerate(facts):
        q = statement_features(fact_statement(fact["text"], fact["fact_id"]))
        for ai, art in enumerate(docs.articles):
            idx = [i for i, u in enumerate(units) if u.article_index == ai]
            if not idx:
                out[(fact["fact_id"], art.article_id)] = (0.0, np.zeros((0, len(FEATURES))))
                continue
            base = max(float(sims[fi, i]) for i in idx if single[i])
            vecs = np.array([
                pair_vector(float(sims[fi, i]) - settings.pair_penalty * (units[i].length - 1),
                            q, units[i].features, symmetric=False)
                for i in idx
            ])
            out[(fact["fact_id"], art.article_id)] = (base, vecs)
    return out


def score_with(vecs: np.ndarray, settings: CoverageSettings) -> float:
    if len(vecs) == 0:
        return 0.0
    return max(decision_score(v, settings.align) for v in vecs)


def ecbplus_cases(ecb_root: Path, settings: CoverageSettings):
    """[(topic, fact_id, article_id, gold, baseline_cosine, unit vectors)]."""
    from ecbplus_coverage import load_topics

    cases = []
    for topic in load_topics(ecb_root):
        docs = _cached_docs(f"ecb{topic['topic']}", topic["items"], f"ecb-{topic['topic']}")
        vecs = unit_vectors(docs, topic["facts"], settings)
        for fact in topic["facts"]:
            for art in docs.articles:
                if art.article_id == fact["source"]:
                    continue
                base, v = vecs[(fact["fact_id"], art.article_id)]
                cases.append((topic["topic"], fact["fact_id"], art.article_id,
                              art.article_id in topic["gold"][fact["fact_id"]], base, v))
    return cases


def evaluate_cases(cases, settings: CoverageSettings) -> dict:
    gold = [c[3] for c in cases]
    ours = prf([score_with(c[5], settings) >= settings.align.threshold for c in cases], gold)
    t, base = best_threshold([c[4] for c in cases], gold)
    base["threshold"] = t
    return {"ours": ours, "baseline": base}


def fit_weights(cases, settings: CoverageSettings, rounds: int = 3, seed: int = 0):
    """Logistic regression on the best unit per case (re-chosen under the current weights,
    a few rounds), leave-topics-out CV. Returns (fitted settings, cv metrics)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    def fit(train, s):
        for _ in range(rounds):
            X, y = [], []
            for c in train:
                if len(c[5]) == 0:
                    continue
                best = max(range(len(c[5])), key=lambda i: decision_score(c[5][i], s.align))
                X.append(c[5][best])
                y.append(int(c[3]))
            lr = LogisticRegression(C=1.0, max_iter=1000, random_state=seed).fit(np.array(X), y)
            update = {"w_" + name: float(w) for name, w in zip(FEATURES, lr.coef_[0])}
            update["bias"] = float(lr.intercept_[0])
            s = s.model_copy(update={"align": s.align.model_copy(update=update)})
        # the threshold stays at the model's 0.5 (more likely covered than not)
        return s.model_copy(update={"align": s.align.model_copy(update={"threshold": 0.5})})

    groups = [c[0] for c in cases]
    preds = [False] * len(cases)
    for tr, te in GroupKFold(n_splits=5).split(cases, groups=groups):
        s = fit([cases[i] for i in tr], settings)
        for i in te:
            preds[i] = score_with(cases[i][5], s) >= s.align.threshold
    cv = prf(preds, [c[3] for c in cases])
    return fit(cases, settings), cv


def demo_coverage_cases(demo: Path, settings: CoverageSettings):
    gold, items = demo_items(demo)
    main = gold["main_event"]
    facts = [{"fact_id": f["fact_id"], "text": f["text"]} for f in gold["facts"] if f["event"] == main]
    docs = _cached_docs("demo", items, main)
    vecs = unit_vectors(docs, facts, settings)
    cases = []
    for fact in facts:
        for art in docs.articles:
            base, v = vecs[(fact["fact_id"], art.article_id)]
            cases.append(("demo", fact["fact_id"], art.article_id,
                          fact["fact_id"] in gold["articles"][art.article_id]["facts"], base, v))
    return gold, docs, facts, cases


def contradiction_recall(gold: dict, docs, settings=None) -> dict:
    """Share of gold contradictions whose two sentences (any sentence containing the gold
    substrings) are reported as a contradiction by ``analyse_omissions``."""
    from biascmp.compare.omissions import analyse_omissions

    result = analyse_omissions(docs, settings)
    found = {(c.sentence_a.sentence_id, c.sentence_b.sentence_id) for c in result.contradictions}
    found |= {(b, a) for a, b in found}
    by_article = {a.article_id: a.sentences for a in docs.articles}

    def ids(article_id, snippet):
        norm = " ".join(snippet.split())
        hits = [s.sentence_id for s in by_article.get(article_id, []) if norm in " ".join(s.text.split())
                or " ".join(s.text.split()) in norm]
        return hits

    hit, rows = 0, []
    for c in gold.get("contradictions", []):
        a_ids, b_ids = ids(c["articles"][0], c["a"]), ids(c["articles"][1], c["b"])
        ok = any((x, y) in found for x in a_ids for y in b_ids)
        hit += ok
        rows.append({"fact_id": c.get("fact_id"), "kind": c.get("kind"), "found": ok})
    n = len(gold.get("contradictions", []))
    return {"recall": round(hit / n, 4) if n else None, "n": n, "found": hit,
            "reported": len(result.contradictions), "details": rows}


def omission_agreement(gold: dict, docs, min_cosine: float = 0.6) -> dict:
    """How well ``analyse_omissions`` finds the gold facts and who omits them. Each gold fact
    is matched to the found fact whose mentions are closest to the gold text (best mention
    cosine >= ``min_cosine``); for matched facts, the outlets we say omit it are compared
    with the outlets whose articles do not state it in the gold (precision/recall of
    "omitted" over outlet x fact)."""
    from biascmp.compare.omissions import analyse_omissions

    result = analyse_omissions(docs)
    main = gold["main_event"]
    facts = [f for f in gold["facts"] if f["event"] == main]
    outlets = docs.outlets
    reporting_gold = {f["fact_id"]: set() for f in facts}
    for aid in gold["events"][main]:
        for fid in gold["articles"][aid]["facts"]:
            if fid in reporting_gold:
                reporting_gold[fid].add(gold["articles"][aid]["outlet"])
    sid_row = {s.sentence_id: k for k, s in enumerate(docs.sentences)}
    fvecs = get_embedder().encode([f["text"] for f in facts])
    pred, true, matched = [], [], 0
    for fv, f in zip(fvecs, facts):
        best, best_cos = None, min_cosine
        for ours in result.facts:
            cos = max(float(fv @ docs.embeddings[sid_row[m.sentence_id]]) for m in ours.mentions)
            if cos >= best_cos:
                best, best_cos = ours, cos
        if best is None:
            continue
        matched += 1
        for o in outlets:
            pred.append(o in best.omitting)
            true.append(o not in reporting_gold[f["fact_id"]])
    m = prf(pred, true)
    return {"gold_facts": len(facts), "matched": matched, "found_facts": len(result.facts),
            "omitted": m}


# --------------------------------------------------------------------------- entry points


PAIRS = Path(__file__).resolve().parent / "data" / "coverage_pairs.jsonl"


def hard_pairs_cases(path: Path = PAIRS):
    """Hand-written (fact, sentence, label) pairs on invented news (written for biascmp):
    paraphrases, numbers in words, relative days vs same-topic different facts, other
    figures, other actors, negations. One case per pair; the sentence is the only unit."""
    from datetime import date

    pairs = [json.loads(ln) for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    emb = get_embedder()
    fv = emb.encode([p["fact"] for p in pairs])
    sv = emb.encode([p["sentence"] for p in pairs])
    cases = []
    for k, p in enumerate(pairs):
        pub = date.fromisoformat(p["published"]) if p.get("published") else None
        q = statement_features(fact_statement(p["fact"]))
        c = statement_features(fact_statement(p["sentence"]), pub)
        cos = float(fv[k] @ sv[k])
        vec = np.array([pair_vector(cos, q, c, symmetric=False)])
        cases.append(("pairs", p["fact"], k, bool(p["label"]), cos, vec))
    return cases


def evaluate(dataset_path=None, settings=None, demo_path=None) -> dict:
    """Metrics dict. ``dataset_path``: the ECB+ folder (default ``../shared/datasets/ecbplus``;
    skipped with a note when absent); ``demo_path``: the demo corpus (default ``corpora/demo``)."""
    settings = settings or CoverageSettings()
    metrics: dict = {}
    ecb = Path(dataset_path) if dataset_path else default_datasets() / "ecbplus"
    ecb_threshold = None
    if (ecb / "ECBplus_coreference_sentences.csv").exists():
        cases = ecbplus_cases(ecb, settings)
        metrics["ecbplus"] = evaluate_cases(cases, settings)
        ecb_threshold = metrics["ecbplus"]["baseline"]["threshold"]
    else:
        metrics["ecbplus"] = {"skipped": f"ECB+ not found at {ecb}"}
    demo = Path(demo_path) if demo_path else REPO / "corpora" / "demo"
    if (demo / "gold.json").exists():
        t0 = time.perf_counter()
        gold, docs, facts, cases = demo_coverage_cases(demo, settings)
        metrics["demo"] = evaluate_cases(cases, settings)
        if ecb_threshold is not None:
            # the fair comparison: both systems calibrated on real data (ECB+), not on the demo
            transfer = prf([c[4] >= ecb_threshold for c in cases], [c[3] for c in cases])
            metrics["demo"]["baseline_ecb_threshold"] = {**transfer, "threshold": ecb_threshold}
        metrics["demo"]["contradictions"] = contradiction_recall(gold, docs)
        metrics["demo"]["omissions"] = omission_agreement(gold, docs)
        metrics["demo"]["seconds"] = round(time.perf_counter() - t0, 2)
    else:
        metrics["demo"] = {"skipped": f"no gold at {demo / 'gold.json'}"}
    metrics["hard_pairs"] = evaluate_cases(hard_pairs_cases(), settings)
    return metrics


def _table(metrics: dict) -> str:
    lines = [f"{'gold':<10} {'system':<10} {'P':>6} {'R':>6} {'F1':>6} {'n':>6}  note"]
    for name in ("demo", "ecbplus", "hard_pairs"):
        m = metrics.get(name, {})
        if "skipped" in m:
            lines.append(f"{name:<10} skipped: {m['skipped']}")
            continue
        notes = {"ours": "", "baseline": "threshold {} (tuned on this gold)",
                 "baseline_ecb_threshold": "threshold {} (tuned on ECB+, as our weights)"}
        for system, note in notes.items():
            if system not in m:
                continue
            r = m[system]
            note = note.format(r.get("threshold"))
            system = "base-ecb" if system == "baseline_ecb_threshold" else system
            lines.append(f"{name:<10} {system:<10} {r['precision']:>6.3f} {r['recall']:>6.3f} "
                         f"{r['f1']:>6.3f} {r['n']:>6}  {note}")
        if "cv" in m:
            r = m["cv"]
            lines.append(f"{name:<10} {'ours-cv':<10} {r['precision']:>6.3f} {r['recall']:>6.3f} "
                         f"{r['f1']:>6.3f} {r['n']:>6}  refit per fold, leave-topics-out")
        if "omissions" in m:
            o = m["omissions"]
            r = o["omitted"]
            lines.append(f"{name:<10} omissions: {o['matched']}/{o['gold_facts']} gold facts found "
                         f"({o['found_facts']} facts); 'omitted' P {r['precision']:.3f} "
                         f"R {r['recall']:.3f} F1 {r['f1']:.3f} over {r['n']} outlet x fact")
        if "contradictions" in m:
            c = m["contradictions"]
            lines.append(f"{name:<10} contradiction recall {c['found']}/{c['n']} = {c['recall']} "
                         f"({c['reported']} reported)")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dataset", nargs="?", default=None, help="ECB+ folder")
    ap.add_argument("--demo", default=None, help="demo corpus folder (with gold.json)")
    ap.add_argument("--json", default=None, help="write the metrics dict here")
    ap.add_argument("--fit", action="store_true", help="refit decision weights on ECB+ (CV)")
    args = ap.parse_args(argv)
    settings = CoverageSettings()
    if args.fit:
        ecb = Path(args.dataset) if args.dataset else default_datasets() / "ecbplus"
        cases = ecbplus_cases(ecb, settings)
        fitted, cv = fit_weights(cases, settings)
        print("fitted:", fitted.align.model_dump_json())
        metrics = evaluate(args.dataset, fitted, args.demo)
        metrics["ecbplus"]["cv"] = cv
        metrics["fitted_align"] = fitted.align.model_dump()
    else:
        metrics = evaluate(args.dataset, settings, args.demo)
    print(_table(metrics))
    if args.json:
        Path(args.json).write_text(json.dumps(metrics, indent=2, sort_keys=True), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
