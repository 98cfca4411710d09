"""Readers for the event-grouping evaluation sets: ECB+, BiasLab and the demo corpus.

Each reader returns ``items``: dicts with ``article_id``, ``outlet``, ``title``, ``published``,
``text`` and ``gold`` (the gold event key, never handed to the grouping). The texts are read from
the dataset folders at run time; nothing from them is stored in the repository.
"""

from __future__ import annotations

import csv
import hashlib
import html
import json
import os
import re
import xml.etree.ElementTree as ET
from dataclasses import asdict
from pathlib import Path

import numpy as np

from biascmp.records import Entity, Sentence

REPO = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("BIASCMP_CACHE", "/tmp/biascmp-cache"))


def datasets_root() -> Path:
    """``$BIASCMP_DATASETS``, else ``../shared/datasets`` next to the repository."""
    return Path(os.environ.get("BIASCMP_DATASETS") or REPO.parent / "shared" / "datasets")


_DETOK = [
    (re.compile(r"``\s*|\s*''"), '"'),
    (re.compile(r"\s+([,.;:!?%)\]}])"), r"\1"),
    (re.compile(r"([(\[{$])\s+"), r"\1"),
    (re.compile(r"\s+(n't|'s|'re|'ve|'m|'ll|'d)\b", re.IGNORECASE), r"\1"),
    (re.compile(r"\s+-\s+"), "-"),
]


def detokenize(tokens: list[str]) -> str:
    """ECB+ stores one token per element; rebuild readable text."""
    text = " ".join(t for t in tokens if t)
    for pattern, repl in _DETOK:
        text = pattern.sub(repl, text)
    return text.strip()


def load_ecbplus(path: str | os.PathLike) -> list[dict]:
    """982 ECB+ documents; gold = topic + sub-corpus (``ecb`` / ``ecbplus``): 86 events in
    look-alike pairs. In ``ecbplus`` files sentence 0 is the source URL (metadata, dropped) and
    sentence 1 the headline (used as the title); ``ecb`` files have no headline."""
    root = Path(path) / "ECB+" if (Path(path) / "ECB+").is_dir() else Path(path)
    items = []
    for file in sorted(root.glob("*/*.xml")):
        doc = ET.parse(file).getroot()
        sentences: dict[int, list[str]] = {}
        for tok in doc.iter("token"):
            sentences.setdefault(int(tok.get("sentence")), []).append(tok.text or "")
        texts = [detokenize(sentences[k]) for k in sorted(sentences)]
        plus = file.name.endswith("ecbplus.xml")
        title = None
        if plus:
            texts = texts[1:]  # the URL
            title, texts = (texts[0], texts[1:]) if texts else (None, texts)
        topic = file.name.split("_", 1)[0]
        items.append(
            {
                "article_id": file.stem,
                "outlet": "",
                "title": title,
                "published": None,
                "text": "\n\n".join(t for t in texts if t),
                "gold": f"{topic}-{'ecbplus' if plus else 'ecb'}",
            }
        )
    return items


def _html_paragraphs(markup: str) -> str:
    parts = re.split(r"(?i)</?p[^>]*>|<br\s*/?>", markup)
    paras = [html.unescape(re.sub(r"<[^>]+>", " ", p)) for p in parts]
    paras = [re.sub(r"\s+", " ", p).strip() for p in paras]
    return "\n\n".join(p for p in paras if p)


def load_biaslab(path: str | os.PathLike) -> list[dict]:
    """The 300 BiasLab articles; gold = the ``event`` description (84 events)."""
    path = Path(path)
    csv_path = path if path.is_file() else path / "gold" / "HIT_inputs" / "mturk_input_300.csv"
    csv.field_size_limit(1 << 24)
    with open(csv_path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return [
        {
            "article_id": row["docid"],
            "outlet": "",
            "title": row["title"].strip() or None,
            "published": None,
            "text": _html_paragraphs(row["fullDoc"]),
            "gold": row["event"].strip(),
        }
        for row in rows
    ]


def load_demo(path: str | os.PathLike) -> list[dict]:
    """The demo corpus: every article named in ``gold.json`` ``events``, read through the
    ingest stage (``biascmp.ingest``) so dates, outlets and titles come from the files."""
    path = Path(path)
    gold = json.loads((path / "gold.json").read_text(encoding="utf-8"))
    event_of = {a: e for e, ids in gold["events"].items() for a in ids}
    files = sorted({path / gold["articles"][a]["file"] for a in event_of})
    from biascmp.ingest import clean_articles, read_paths

    articles = clean_articles(read_paths([str(f) for f in files]).articles)
    items = []
    for art in articles:
        if art.article_id not in event_of:
            continue
        items.append(
            {
                "article_id": art.article_id,
                "outlet": art.outlet,
                "title": art.title,
                "published": art.published,
                "text": art.clean_text,
                "gold": event_of[art.article_id],
            }
        )
    missing = set(event_of) - {i["article_id"] for i in items}
    if missing:
        raise ValueError(f"demo gold names articles the files do not hold: {sorted(missing)[:5]}")
    return sorted(items, key=lambda i: i["article_id"])


#: part of the cache key: how sentences were made (rules, no spaCy) and what is stored
FEATURE_CACHE_VERSION = "rules-titles-v1"


def cached_inputs(name: str, items: list[dict], settings=None):
    """``EventInput`` records for ``items``; the rule-based sentences, the title vectors and
    the sentence vectors are cached under ``$BIASCMP_CACHE`` keyed by the texts and the model
    (``cached_embedding``), the cheap half (article vectors, names, terms, lead numbers for
    ``settings``, an ``EventSettings``) is rebuilt each time, so feature changes take effect
    without re-embedding."""
    from biascmp.events.features import assemble_inputs

    return assemble_inputs(items, *cached_embedding(name, items), settings)


def cached_embedding(name: str, items: list[dict]):
    """``segment_and_embed(items)``, cached: ``(segmented, title_vecs, sentence_vecs)``."""
    from biascmp.embed import DEFAULT_MODEL
    from biascmp.events.features import segment_and_embed

    key = hashlib.sha256(
        json.dumps(
            [[i["article_id"], i.get("title"), i["text"]] for i in items]
            + [DEFAULT_MODEL, FEATURE_CACHE_VERSION]
        ).encode()
    ).hexdigest()[:16]
    sents_file = CACHE / f"events-{name}-{key}.sentences.json"
    vecs_file = CACHE / f"events-{name}-{key}.vectors.npy"
    titles_file = CACHE / f"events-{name}-{key}.titles.npy"
    if sents_file.exists() and vecs_file.exists() and titles_file.exists():
        # plain JSON and numpy arrays (allow_pickle=False): a cache file is data, never code
        segmented = [[_sentence_from_json(s) for s in sents]
                     for sents in json.loads(sents_file.read_text(encoding="utf-8"))]
        sentence_vecs = np.load(vecs_file, allow_pickle=False)
        title_rows = np.load(titles_file, allow_pickle=False)
        title_vecs = [row if (i.get("title") or "").strip() else None
                      for i, row in zip(items, title_rows)]
    else:
        segmented, title_vecs, sentence_vecs = segment_and_embed(items)
        dim = sentence_vecs.shape[1]
        title_rows = np.stack([v if v is not None else np.zeros(dim, np.float32) for v in title_vecs])
        CACHE.mkdir(parents=True, exist_ok=True)
        sents_file.write_text(json.dumps([[asdict(s) for s in sents] for sents in segmented]),
                              encoding="utf-8")
        np.save(vecs_file, sentence_vecs, allow_pickle=False)
        np.save(titles_file, title_rows, allow_pickle=False)
    return segmented, title_vecs, sentence_vecs


def _sentence_from_json(data: dict) -> Sentence:
    data = dict(data)
    data["entities"] = [Entity(**e) for e in data.get("entities", [])]
    return Sentence(**data)


def whole_article_vectors(name: str, items: list[dict]) -> np.ndarray:
    """MiniLM vector of each article's title + whole text (the model truncates long inputs):
    the input of the MiniLM baseline, cached."""
    from biascmp.embed import get_embedder
    from biascmp.events.features import article_text

    texts = [article_text(i.get("title"), i["text"]) for i in items]
    key = hashlib.sha256(json.dumps(texts).encode()).hexdigest()[:16]
    file = CACHE / f"events-whole-{name}-{key}.npy"
    if file.exists():
        return np.load(file, allow_pickle=False)
    vecs = get_embedder().encode(texts)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(file, vecs)
    return vecs
