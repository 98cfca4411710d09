"""Evaluate the framing analysis (issue 6).

* ``demo``: on the demo corpus gold (``corpora/demo/gold.json``), for each outlet of the main
  event, the recall of its gold ``loaded_terms`` among its top-30 distinctive terms and the
  label variants found for it (bar >= 0.6, aim 0.8); the recall of its gold ``labels`` among the
  label variants is printed too. A gold phrase is found when, lemmatised like the text stage
  does it (stop words trimmed at the edges, hyphens as spaces), it occurs as a run of whole
  words in one of the outlet's terms or labels, or one of those (two words or more) covers at
  least half of its words inside it.
* ``frac``: frame macro-F1 of the shipped classifier on FrAC's 10 merged labels, per-frame F1
  and the majority-class baseline beside it. Our 15 MFC frames map onto FrAC's 10: 5+7 ->
  legality & crime, 6+13 -> political & policies, 2, 10, 14 and 15 -> other.
* ``babe``: loaded-language macro-F1 on BABE (SG2, "No agreement" dropped) and the majority
  baseline; the embedding-only and lexicon-only halves are printed as reference rows.
* ``speed``: seconds for ``analyse_framing`` on a 50-article event built from the demo corpus
  (articles repeated with fresh ids and outlets), models already loaded.

    .venv/bin/python evaluation/eval_framing.py [DATASETS] [--demo corpora/demo] [--json FILE]
        [--only demo] [--only frac] [--only babe] [--only speed]

``DATASETS`` defaults to ``$BIASCMP_DATASETS`` or ``../shared/datasets`` beside the repo.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from biascmp.compare.fixtures import event_docs_from_texts  # noqa: E402
from biascmp.compare.frames import FRAMES, classify_frames  # noqa: E402
from biascmp.compare.framing import FramingSettings, analyse_framing  # noqa: E402
from biascmp.compare.loaded import loaded_scores  # noqa: E402
from biascmp.compare.terms import STOP_WORDS  # noqa: E402
from biascmp.embed import get_embedder  # noqa: E402
from biascmp.records import EventDocs  # noqa: E402

CACHE = Path(os.environ.get("BIASCMP_CACHE", "/tmp/biascmp-cache"))
#: our MFC number -> FrAC's merged label
TO_FRAC = {1: 1, 2: 15, 3: 3, 4: 4, 5: 5, 6: 6, 7: 5, 8: 8, 9: 9, 10: 15, 11: 11, 12: 12, 13: 6,
           14: 15, 15: 15}
FRAC_NAMES = {1: "economic", 3: "morality", 4: "fairness", 5: "legality & crime",
              6: "political & policies", 8: "security", 9: "health", 11: "cultural identity",
              12: "public opinion", 15: "other"}


def default_datasets() -> Path:
    from event_datasets import datasets_root  # the one definition of the default

    return datasets_root()


# --------------------------------------------------------------------------- metrics


def f1_per_class(gold: list, pred: list) -> dict:
    """Per-class F1 over the gold classes, and their macro average."""
    out = {}
    for c in sorted(set(gold)):
        tp = sum(g == c and p == c for g, p in zip(gold, pred))
        fp = sum(g != c and p == c for g, p in zip(gold, pred))
        fn = sum(g == c and p != c for g, p in zip(gold, pred))
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        out[c] = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"per_class": out, "macro_f1": sum(out.values()) / len(out) if out else 0.0}


def _cached_embeddings(name: str, texts: list[str]) -> np.ndarray:
    emb = get_embedder()
    key = hashlib.sha256(("\n".join(texts) + emb.model_id).encode()).hexdigest()[:16]
    path = CACHE / f"framing-{name}-{key}.npy"
    if path.exists():
        return np.load(path, allow_pickle=False)
    vecs = emb.encode(texts)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, vecs)
    return vecs


# --------------------------------------------------------------------------- FrAC


def eval_frac(datasets: Path, settings: FramingSettings) -> dict | None:
    path = datasets / "frac" / "gold_standard_single_label_all.csv"
    if not path.exists():
        return None
    with open(path, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    texts = [r["sentence"] for r in rows]
    gold = [int(r["label"]) for r in rows]
    labels, _ = classify_frames(_cached_embeddings("frac", texts), settings.frames)
    number = {v: k for k, v in FRAMES.items()}
    pred = [TO_FRAC[number[l]] for l in labels]
    ours = f1_per_class(gold, pred)
    majority = Counter(gold).most_common(1)[0][0]
    base = f1_per_class(gold, [majority] * len(gold))
    return {
        "n": len(rows),
        "macro_f1": round(ours["macro_f1"], 4),
        "accuracy": round(sum(g == p for g, p in zip(gold, pred)) / len(gold), 4),
        "majority_macro_f1": round(base["macro_f1"], 4),
        "majority_accuracy": round(sum(g == majority for g in gold) / len(gold), 4),
        "per_frame_f1": {FRAC_NAMES[c]: round(f, 4) for c, f in ours["per_class"].items()},
    }


# --------------------------------------------------------------------------- BABE


def eval_babe(datasets: Path, settings: FramingSettings) -> dict | None:
    path = datasets / "babe" / "data" / "final_labels_SG2.csv"
    if not path.exists():
        return None
    with open(path, encoding="utf-8-sig") as fh:
        rows = [r for r in csv.DictReader(fh, delimiter=";") if r["label_bias"] != "No agreement"]
    texts = [r["text"] for r in rows]
    gold = [r["label_bias"] == "Biased" for r in rows]
    emb = _cached_embeddings("babe", texts)
    out = {"n": len(rows)}
    variants = {
        "shipped": settings.loaded,
        "embedding_only": settings.loaded.model_copy(update={"embedding_weight": 1.0}),
        "lexicon_only": settings.loaded.model_copy(update={"embedding_weight": 0.0}),
    }
    for name, s in variants.items():
        pred = list(loaded_scores(texts, emb, s) >= s.threshold)
        out[f"{name}_macro_f1"] = round(f1_per_class(gold, pred)["macro_f1"], 4)
    majority = Counter(gold).most_common(1)[0][0]
    out["majority_macro_f1"] = round(f1_per_class(gold, [majority] * len(gold))["macro_f1"], 4)
    return out


# --------------------------------------------------------------------------- demo


def demo_items(demo: Path) -> tuple[dict, list[dict]]:
    """Gold and the main event's articles (through the ingest stage, boilerplate dropped)."""
    from biascmp.ingest import clean_articles, read_paths

    gold = json.loads((demo / "gold.json").read_text(encoding="utf-8"))
    main = gold["main_event"]
    files = sorted({str(demo / gold["articles"][a]["file"]) for a in gold["events"][main]})
    arts = {a.article_id: a for a in clean_articles(read_paths(files).articles)}
    items = []
    for aid in gold["events"][main]:
        art = arts.get(aid)
        if art is None:
            raise SystemExit(f"demo article {aid} not read from its file")
        text = "\n\n".join(p.text for p in art.paragraphs if not p.is_boilerplate)
        items.append({"article_id": aid, "outlet": gold["articles"][aid]["outlet"],
                      "title": art.title, "published": art.published,
                      "text": text or art.clean_text})
    return gold, items


def phrase_tokens(phrase: str) -> list[str]:
    """A gold phrase as the analysis sees words: lemmas, edge stop words trimmed."""
    from biascmp.annotate import load_nlp

    doc = load_nlp()(phrase)
    toks = []
    for t in doc:
        if t.is_punct or t.is_space or not t.lemma_.strip():
            continue
        toks.append(t.lemma_.lower())
    while toks and toks[0] in STOP_WORDS:
        toks.pop(0)
    while toks and toks[-1] in STOP_WORDS:
        toks.pop()
    return toks


def _contains(big: list[str], small: list[str]) -> bool:
    k = len(small)
    return k > 0 and any(big[i : i + k] == small for i in range(len(big) - k + 1))


def found(gold: list[str], items: list[list[str]]) -> bool:
    for item in items:
        if _contains(item, gold):
            return True
        if len(item) >= 2 and _contains(gold, item) and len(item) * 2 >= len(gold):
            return True
    return False


def eval_demo(demo: Path, settings: FramingSettings) -> tuple[dict | None, EventDocs | None]:
    if not (demo / "gold.json").exists():
        return None, None
    gold, items = demo_items(demo)
    docs = event_docs_from_texts(items, event_id=gold["main_event"])
    t0 = time.perf_counter()
    result = analyse_framing(docs, settings)
    seconds = time.perf_counter() - t0
    per_outlet: dict[str, list[list[str]]] = {}
    for outlet, terms in result.terms.items():
        per_outlet.setdefault(outlet, []).extend(t.term.replace("-", " ").split() for t in terms)
    label_items: dict[str, list[list[str]]] = {}
    for concept in result.labels:
        for v in concept.variants:
            for outlet in v.outlets:
                label_items.setdefault(outlet, []).append(v.key.replace("-", " ").split())
    loaded_gold: dict[str, set[str]] = {}
    label_gold: dict[str, set[str]] = {}
    for aid in gold["events"][gold["main_event"]]:
        entry = gold["articles"][aid]
        loaded_gold.setdefault(entry["outlet"], set()).update(entry.get("loaded_terms", []))
        label_gold.setdefault(entry["outlet"], set()).update(
            lab["label"] for lab in entry.get("labels", [])
        )
    outlets = {}
    for outlet in sorted(loaded_gold):
        mine = per_outlet.get(outlet, []) + label_items.get(outlet, [])
        terms = sorted(loaded_gold[outlet])
        labels = sorted(label_gold[outlet])
        hit = [t for t in terms if found(phrase_tokens(t), mine)]
        lab_hit = [t for t in labels if found(phrase_tokens(t), label_items.get(outlet, []))]
        outlets[outlet] = {
            "loaded_gold": len(terms),
            "loaded_found": len(hit),
            "loaded_recall": round(len(hit) / len(terms), 4) if terms else None,
            "missed": [t for t in terms if t not in hit],
            "labels_gold": len(labels),
            "labels_recall": round(len(lab_hit) / len(labels), 4) if labels else None,
        }
    scored = [o for o in outlets.values() if o["loaded_gold"]]
    macro = sum(o["loaded_recall"] for o in scored) / len(scored) if scored else 0.0
    micro_n = sum(o["loaded_gold"] for o in scored)
    micro = sum(o["loaded_found"] for o in scored) / micro_n if micro_n else 0.0
    lab_scored = [o for o in outlets.values() if o["labels_gold"]]
    return {
        "event": gold["main_event"],
        "articles": len(items),
        "sentences": len(docs.sentences),
        "loaded_recall_macro": round(macro, 4),
        "loaded_recall_micro": round(micro, 4),
        "labels_recall_macro": round(
            sum(o["labels_recall"] for o in lab_scored) / len(lab_scored), 4
        ) if lab_scored else None,
        "concepts": len(result.labels),
        "seconds": round(seconds, 3),
        "outlets": outlets,
    }, docs


def scale_event(docs: EventDocs, n_articles: int = 50) -> EventDocs:
    """A bigger event made of copies of ``docs``'s articles (new ids, copies spread over
    more outlets), to time the analysis at a realistic size."""
    from dataclasses import replace

    arts, rows = [], []
    emb = np.asarray(docs.embeddings)
    offsets, pos = [], 0
    for a in docs.articles:
        offsets.append(pos)
        pos += len(a.sentences)
    k = 0
    while len(arts) < n_articles:
        for a, off in zip(docs.articles, offsets):
            if len(arts) >= n_articles:
                break
            aid = f"{a.article_id}~{k}"
            sents = [replace(s, sentence_id=f"{aid}:{s.position}", article_id=aid) for s in a.sentences]
            arts.append(replace(a, article_id=aid, outlet=f"{a.outlet} {k % 3}", sentences=sents))
            rows.append(emb[off : off + len(a.sentences)])
        k += 1
    return EventDocs(docs.event_id, docs.label, arts, np.vstack(rows))


def eval_speed(docs: EventDocs, settings: FramingSettings) -> dict:
    big = scale_event(docs, 50)
    analyse_framing(big, settings)  # warm: models loaded and trained
    t0 = time.perf_counter()
    analyse_framing(big, settings)
    return {"articles": len(big.articles), "sentences": len(big.sentences),
            "seconds": round(time.perf_counter() - t0, 3)}


# --------------------------------------------------------------------------- main


PARTS = ("demo", "frac", "babe", "speed")


def evaluate(dataset_path: str | os.PathLike | None = None, settings: FramingSettings | None = None,
             demo: str | os.PathLike | None = None, only: list[str] | None = None) -> dict:
    """All framing metrics as one dict (parts whose data is missing, or that are not in
    ``only`` when it is given, are ``None``)."""
    settings = settings or FramingSettings()
    datasets = Path(dataset_path) if dataset_path else default_datasets()
    demo_dir = Path(demo) if demo else REPO / "corpora" / "demo"
    want = set(only or PARTS)
    demo_metrics, docs = (eval_demo(demo_dir, settings) if want & {"demo", "speed"}
                          else (None, None))
    return {
        "demo": demo_metrics if "demo" in want else None,
        "frac": eval_frac(datasets, settings) if "frac" in want else None,
        "babe": eval_babe(datasets, settings) if "babe" in want else None,
        "speed": eval_speed(docs, settings) if docs is not None and "speed" in want else None,
    }


def print_table(m: dict) -> None:
    d = m["demo"]
    if d:
        print(f"demo corpus, event {d['event']}: {d['articles']} articles, {d['sentences']} sentences, "
              f"{d['concepts']} referents, analysed in {d['seconds']} s")
        print(f"{'outlet':32} {'loaded':>7} {'recall':>7} {'labels':>7} {'recall':>7}  missed")
        for name, o in d["outlets"].items():
            lr = "-" if o["loaded_recall"] is None else f"{o['loaded_recall']:.2f}"
            br = "-" if o["labels_recall"] is None else f"{o['labels_recall']:.2f}"
            print(f"{name:32} {o['loaded_gold']:>7} {lr:>7} {o['labels_gold']:>7} {br:>7}  "
                  f"{', '.join(o['missed'])}")
        print(f"loaded-term recall: macro {d['loaded_recall_macro']:.3f}, micro "
              f"{d['loaded_recall_micro']:.3f} (bar 0.6, aim 0.8); label recall macro "
              f"{d['labels_recall_macro']}")
        print()
    f = m["frac"]
    if f is None and "frac" not in m.get("_parts", PARTS):
        pass
    elif f:
        print(f"FrAC frames ({f['n']} sentences): macro-F1 {f['macro_f1']:.3f} "
              f"(majority baseline {f['majority_macro_f1']:.3f}); accuracy {f['accuracy']:.3f} "
              f"(majority {f['majority_accuracy']:.3f})")
        for name, v in f["per_frame_f1"].items():
            print(f"  {name:24} F1 {v:.3f}")
        print()
    else:
        print("FrAC: dataset not found, skipped\n")
    b = m["babe"]
    if b is None and "babe" not in m.get("_parts", PARTS):
        pass
    elif b:
        print(f"BABE loaded language ({b['n']} sentences): macro-F1 {b['shipped_macro_f1']:.3f} "
              f"(majority baseline {b['majority_macro_f1']:.3f}); embedding half alone "
              f"{b['embedding_only_macro_f1']:.3f}, lexicon half alone {b['lexicon_only_macro_f1']:.3f}")
    else:
        print("BABE: dataset not found, skipped")
    s = m["speed"]
    if s:
        print(f"\nspeed: {s['articles']} articles, {s['sentences']} sentences: {s['seconds']} s "
              f"(bar < 10 s)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("datasets", nargs="?", default=None,
                    help="folder holding frac/ and babe/ (default ../shared/datasets)")
    ap.add_argument("--demo", default=None, help="demo corpus folder (default corpora/demo)")
    ap.add_argument("--json", default=None, help="also write the metrics dict to this file")
    ap.add_argument("--only", action="append", choices=PARTS, default=None,
                    help="run only this part (repeatable), e.g. --only demo to iterate fast")
    args = ap.parse_args(argv)
    metrics = evaluate(args.datasets, demo=args.demo, only=args.only)
    print_table({**metrics, "_parts": tuple(args.only or PARTS)})
    if args.json:
        Path(args.json).write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
