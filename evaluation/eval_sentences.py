"""Sentence boundaries: the ingest's rules (``biascmp.text.split_sentences``) against spaCy's parser.

The ingest splits sentences with rules so that it runs no model but the embedder; this script
measures how far that departs from what spaCy's dependency parser (en_core_web_sm, the
boundaries biascmp used before) finds on real news paragraphs, and how much faster it is.

    .venv/bin/python evaluation/eval_sentences.py [--datasets DIR] [--paragraphs 1500] [--json FILE]

Paragraphs come from the BiasLab and ECB+ articles (read at run time from the datasets
folder; 150 articles of each, a seeded sample of paragraphs). A boundary is the character
offset where a sentence ends; precision and recall treat the parser's boundaries as the
reference, so a disagreement where the rules are right (an abbreviation the parser splits
after) counts against them. Examples of disagreements are printed.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import event_datasets as data  # noqa: E402


def paragraphs(datasets: Path, n: int, seed: int = 0) -> list[str]:
    """A seeded sample of ``n`` non-empty paragraphs of BiasLab and ECB+ articles."""
    items = data.load_biaslab(datasets / "biaslab")[:150] + data.load_ecbplus(datasets / "ecbplus")[:150]
    paras = [p.strip() for item in items for p in item["text"].split("\n") if p.strip()]
    return random.Random(seed).sample(paras, min(n, len(paras)))


def boundaries(spans: list[tuple[int, int]]) -> set[int]:
    return {end for _, end in spans}


def evaluate(dataset_path: Path | str | None = None, settings=None, n: int = 1500, examples: int = 0) -> dict:
    """Boundary precision/recall of the rules against the parser, and both speeds."""
    from biascmp.annotate import load_nlp
    from biascmp.text import split_sentences

    root = Path(dataset_path) if dataset_path else data.datasets_root()
    paras = paragraphs(root, n)
    nlp = load_nlp()
    started = time.perf_counter()
    parsed = [
        [(s.start_char + len(s.text) - len(s.text.lstrip()), s.end_char - (len(s.text) - len(s.text.rstrip())))
         for s in doc.sents if s.text.strip()]
        for doc in nlp.pipe(paras, disable=["ner"])
    ]
    parser_s = time.perf_counter() - started
    started = time.perf_counter()
    ruled = [split_sentences(p) for p in paras]
    rules_s = time.perf_counter() - started
    tp = fp = fn = 0
    shown = []
    for para, ref, got in zip(paras, parsed, ruled):
        b_ref, b_got = boundaries(ref), boundaries(got)
        tp, fp, fn = tp + len(b_ref & b_got), fp + len(b_got - b_ref), fn + len(b_ref - b_got)
        if b_ref != b_got and len(shown) < examples:
            shown.append({"parser": [para[a:b] for a, b in ref], "rules": [para[a:b] for a, b in got]})
    n_sentences = sum(map(len, parsed))
    return {
        "paragraphs": len(paras),
        "parser_sentences": n_sentences,
        "rule_sentences": sum(map(len, ruled)),
        "boundary_precision": round(tp / max(tp + fp, 1), 4),
        "boundary_recall": round(tp / max(tp + fn, 1), 4),
        "parser_sentences_per_s": round(n_sentences / parser_s, 1),
        "rules_sentences_per_s": round(n_sentences / rules_s, 1),
        "examples": shown,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", default=None, help="datasets folder (default ../shared/datasets)")
    parser.add_argument("--paragraphs", type=int, default=1500, help="paragraphs sampled")
    parser.add_argument("--examples", type=int, default=8, help="disagreements printed")
    parser.add_argument("--json", default=None, help="also write the metrics to this JSON file")
    args = parser.parse_args(argv)
    r = evaluate(args.datasets, n=args.paragraphs, examples=args.examples)
    print(f"{r['paragraphs']} paragraphs: parser {r['parser_sentences']} sentences, rules {r['rule_sentences']}")
    print(f"boundary precision {r['boundary_precision']}, recall {r['boundary_recall']} (parser = reference)")
    print(f"speed: parser (no NER) {r['parser_sentences_per_s']:.0f} sentences/s, "
          f"rules {r['rules_sentences_per_s']:.0f} sentences/s (one core)")
    for ex in r["examples"]:
        print("\n  parser:", ex["parser"], "\n  rules: ", ex["rules"])
    if args.json:
        Path(args.json).write_text(json.dumps({k: v for k, v in r.items() if k != "examples"}, indent=2))


if __name__ == "__main__":
    main()
