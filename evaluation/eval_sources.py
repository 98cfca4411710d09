"""Evaluate quote extraction and speaker attribution (issue 5) against gold quotes.

Gold: the demo corpus (``corpora/demo/gold.json``: every attributed statement of every article,
direct and indirect, with its speaker). Each gold event is analysed as one event with
``analyse_sources`` (so speaker names are merged across outlets as in real use); the baseline,
textacy's ``direct_quotations``, runs on each article's clean text in the same run.

Scoring, per article: a predicted quote finds a gold quote when their texts share at least half
of the gold quote's words (multiset of lower-cased word tokens); pairs are matched one-to-one,
largest overlap first. Metrics:

* quote precision / recall / F1 (all types; indirect counted);
* attributed-quote F1: found *and* the speaker is right (same folded name; a surname or an
  organisation name contained in the other; ``anonymous`` matches an anonymous prediction);
* speaker accuracy: right speakers among found quotes;
* recall of direct and of indirect gold quotes; baseline crashes (articles where it raised).

    .venv/bin/python evaluation/eval_sources.py [corpora/demo] [--json metrics.json] [--errors]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from biascmp.compare.fixtures import event_docs_from_texts  # noqa: E402
from biascmp.compare.source_lexicon import COUNTRY_RE, countries_in, fold  # noqa: E402
from biascmp.compare.sources import SourceSettings, analyse_sources  # noqa: E402

_WORD = re.compile(r"\w+", re.UNICODE)


def default_demo() -> Path:
    return REPO / "corpora" / "demo"


def words(text: str) -> Counter:
    return Counter(w.lower() for w in _WORD.findall(text or ""))


def overlap(pred: str, gold: str) -> float:
    """Share of the gold quote's words that the predicted text contains."""
    g = words(gold)
    if not g:
        return 0.0
    return sum((words(pred) & g).values()) / sum(g.values())


def same_speaker(pred: str | None, pred_affiliation: str | None, gold: str) -> bool:
    """Lenient name match: equal folded names, a shared surname, or one organisation name
    inside the other; the gold ``anonymous`` matches any anonymous prediction."""
    if fold(gold) == "anonymous":
        return pred_affiliation == "anonymous" or (pred or "").lower() == "anonymous"
    if not pred:
        return False
    p, g = fold(pred).split(), fold(gold).split()
    if not p or not g:
        return False
    if p == g or p[-1] == g[-1] and len(p[-1]) > 2:
        return True
    drop = {"the", "of", "s"}
    ps, gs = set(p) - drop, set(g) - drop
    if ps and gs and (ps <= gs or gs <= ps):
        return True
    # an acronym of the other name ("UN" / "United Nations")
    for short, long_ in ((pred, gold), (gold, pred)):
        initials = "".join(w[0] for w in re.findall(r"[A-Za-z]+", long_) if w[0].isupper())
        if len(initials) > 1 and re.sub(r"[^A-Z]", "", short) == initials and short.isupper():
            return True
    # the same country named two ways ("Russia" / "Russian Federation")
    cp, cg = countries_in(pred), countries_in(gold)
    rest = lambda n: set(fold(COUNTRY_RE.sub(" ", n)).split()) - drop - {"federation", "republic"}
    return bool(cp and cp == cg and rest(pred) == rest(gold))


def match(preds: list[dict], golds: list[dict], threshold: float = 0.5) -> list[tuple[int, int]]:
    """One-to-one (pred index, gold index) pairs, largest overlap first."""
    pairs = []
    for i, p in enumerate(preds):
        for j, g in enumerate(golds):
            o = overlap(p["text"], g["text"])
            if o >= threshold:
                pairs.append((-o, i, j))
    pairs.sort()
    used_p, used_g, out = set(), set(), []
    for _, i, j in pairs:
        if i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        out.append((i, j))
    return out


def score(preds_by_article: dict[str, list[dict]], gold_by_article: dict[str, list[dict]]) -> dict:
    n_pred = n_gold = found = attributed = 0
    gold_types = Counter()
    found_types = Counter()
    errors = []
    for aid, golds in gold_by_article.items():
        preds = preds_by_article.get(aid, [])
        n_pred += len(preds)
        n_gold += len(golds)
        gold_types.update(g["type"] for g in golds)
        pairs = match(preds, golds)
        hit_g = {j for _, j in pairs}
        hit_p = {i for i, _ in pairs}
        for i, j in pairs:
            found += 1
            found_types[golds[j]["type"]] += 1
            ok = same_speaker(preds[i].get("speaker"), preds[i].get("affiliation"),
                              golds[j]["speaker"])
            attributed += ok
            if not ok:
                errors.append(("speaker", aid, golds[j]["speaker"], preds[i].get("speaker"),
                               golds[j]["text"][:80]))
        errors += [("missed", aid, g["speaker"], g["type"], g["text"][:80])
                   for j, g in enumerate(golds) if j not in hit_g]
        errors += [("spurious", aid, p.get("speaker"), p.get("type"), p["text"][:80])
                   for i, p in enumerate(preds) if i not in hit_p]

    def f1(tp: int) -> tuple[float, float, float]:
        p = tp / n_pred if n_pred else 0.0
        r = tp / n_gold if n_gold else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    qp, qr, qf = f1(found)
    ap, ar, af = f1(attributed)
    return {
        "n_gold": n_gold, "n_pred": n_pred, "found": found,
        "quote_precision": round(qp, 3), "quote_recall": round(qr, 3), "quote_f1": round(qf, 3),
        "attributed_precision": round(ap, 3), "attributed_recall": round(ar, 3),
        "attributed_f1": round(af, 3),
        "speaker_accuracy": round(attributed / found, 3) if found else 0.0,
        "recall_direct": round(found_types["direct"] / gold_types["direct"], 3)
        if gold_types["direct"] else None,
        "recall_indirect": round(found_types["indirect"] / gold_types["indirect"], 3)
        if gold_types["indirect"] else None,
        "_errors": errors,
    }


def load_demo(demo: Path) -> tuple[dict, dict[str, dict]]:
    """Gold and {article_id: item} with each article's clean text (ingest stage cleaning)."""
    from biascmp.ingest import clean_articles, read_paths

    gold = json.loads((demo / "gold.json").read_text(encoding="utf-8"))
    files = sorted({str(demo / a["file"]) for a in gold["articles"].values()})
    read = read_paths(files)
    items = {}
    for art in clean_articles(read.articles):
        if art.article_id in gold["articles"]:
            items[art.article_id] = {
                "article_id": art.article_id, "outlet": gold["articles"][art.article_id]["outlet"],
                "title": art.title, "published": art.published, "text": art.clean_text,
            }
    missing = sorted(set(gold["articles"]) - set(items))
    if missing:
        raise SystemExit(f"gold articles not found in the demo files: {missing}")
    return gold, items


def run_biascmp(gold: dict, items: dict[str, dict], settings: SourceSettings) -> dict:
    preds: dict[str, list[dict]] = {}
    for event_id, ids in sorted(gold["events"].items()):
        docs = event_docs_from_texts([items[a] for a in ids], event_id=event_id)
        for q in analyse_sources(docs, settings).to_dict()["quotes"]:
            preds.setdefault(q["article_id"], []).append(q)
    return preds


def run_textacy(items: dict[str, dict]) -> tuple[dict, int, str | None]:
    """textacy ``direct_quotations`` on each article; returns predictions, crash count and a
    message when textacy is unavailable."""
    try:
        from textacy.extract.triples import direct_quotations
    except Exception as err:  # not installed or incompatible
        return {}, 0, f"textacy unavailable ({err}); pip install textacy==0.13.0"
    from biascmp.annotate import load_nlp

    nlp = load_nlp()
    preds: dict[str, list[dict]] = {}
    crashes = 0
    for aid, item in sorted(items.items()):
        try:
            doc = nlp(item["text"])
            out = []
            for triple in direct_quotations(doc):
                speaker = " ".join(t.text for t in triple.speaker)
                text = triple.content.text.strip(" \"“”'‘’«»„")
                out.append({"text": text, "speaker": speaker, "affiliation": None,
                            "type": "direct"})
            preds[aid] = out
        except Exception:  # the baseline's crashes are part of what we measure
            crashes += 1
            preds[aid] = []
    return preds, crashes, None


def evaluate(dataset_path: str | Path | None = None, settings: SourceSettings | None = None,
             baseline: bool = True) -> dict:
    """Metrics of biascmp (and of the textacy baseline) on a gold corpus directory."""
    demo = Path(dataset_path) if dataset_path else default_demo()
    if demo.is_file():
        demo = demo.parent
    settings = settings or SourceSettings()
    gold, items = load_demo(demo)
    gold_by_article = {aid: a.get("quotes", []) for aid, a in gold["articles"].items()}
    t0 = time.time()
    ours = score(run_biascmp(gold, items, settings), gold_by_article)
    ours["seconds"] = round(time.time() - t0, 1)
    result = {"dataset": str(demo), "n_articles": len(items), "biascmp": ours}
    if baseline:
        preds, crashes, message = run_textacy(items)
        if message:
            result["textacy"] = {"unavailable": message}
        else:
            base = score(preds, gold_by_article)
            base["crashed_articles"] = crashes
            result["textacy"] = base
    return result


METRICS = ("quote_precision", "quote_recall", "quote_f1", "attributed_f1", "speaker_accuracy",
           "recall_direct", "recall_indirect", "n_pred", "n_gold")


def print_table(result: dict) -> None:
    systems = [k for k in ("biascmp", "textacy") if k in result]
    print(f"gold: {result['dataset']} ({result['n_articles']} articles)")
    print(f"{'metric':<20}" + "".join(f"{s:>12}" for s in systems))
    for m in METRICS + ("crashed_articles",):
        row = [result[s].get(m, "") if "unavailable" not in result[s] else "n/a" for s in systems]
        print(f"{m:<20}" + "".join(f"{'' if v is None else v!s:>12}" for v in row))
    for s in systems:
        if "unavailable" in result[s]:
            print(f"{s}: {result[s]['unavailable']}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dataset", nargs="?", default=str(default_demo()))
    ap.add_argument("--json", help="write the metrics dict here")
    ap.add_argument("--errors", action="store_true", help="list missed/spurious/misattributed")
    ap.add_argument("--no-baseline", action="store_true")
    args = ap.parse_args(argv)
    result = evaluate(args.dataset, baseline=not args.no_baseline)
    print_table(result)
    if args.errors:
        for e in result["biascmp"]["_errors"]:
            print(" | ".join(str(x) for x in e))
    for s in ("biascmp", "textacy"):
        result.get(s, {}).pop("_errors", None)
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
