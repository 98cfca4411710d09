"""Check the demo corpus gold (``corpora/demo/gold.json``) against the article files.

The gold is the contract the evaluations read, so every quoted span, label, loaded term and
contradiction sentence must really occur in its article, every article file must have an
entry, and the event/outlet counts the analyses rely on must hold. The files are parsed here
with the standard library only, independently of ``biascmp.ingest``, so a reader bug cannot
hide a gold error (or the other way round).
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from pathlib import Path

import pytest

DEMO = Path(__file__).resolve().parents[1] / "corpora" / "demo"
ARTICLES = DEMO / "articles"
GOLD = json.loads((DEMO / "gold.json").read_text(encoding="utf-8"))

AFFILIATIONS = {"government", "intergovernmental", "expert", "media", "civil_society", "anonymous", "other"}
CONTRADICTION_KINDS = {"number", "date", "polarity", "name"}


def _norm(text: str) -> str:
    """Collapse every run of whitespace to one space (the comparison the gold promises)."""
    return re.sub(r"\s+", " ", text).strip()


def _html_text(page: str) -> str:
    """Visible-ish text of an HTML page: tags removed, entities decoded."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def _header_fields(text: str) -> dict[str, str]:
    """``key: value`` lines before the first blank line (.txt) or inside front matter (.md)."""
    if text.startswith("---\n"):
        block = text[4 : text.index("\n---", 4)]
    else:
        block = text.split("\n\n", 1)[0]
    fields = {}
    for line in block.splitlines():
        key, sep, value = line.partition(":")
        if sep and re.fullmatch(r"[a-z_]+", key.strip()):
            fields[key.strip()] = value.strip().strip('"')
    return fields


def _meta(page: str, attr: str, name: str) -> str | None:
    m = re.search(rf'<meta\s+{attr}="{re.escape(name)}"\s+content="([^"]*)"', page)
    return html.unescape(m.group(1)) if m else None


def _records() -> dict[str, dict]:
    """Every article in the corpus folder: id -> {file, outlet, text} (text whitespace-normalised)."""
    found: dict[str, dict] = {}

    def add(article_id, rel, outlet, text):
        assert article_id, f"{rel}: an article without an explicit id"
        assert article_id not in found, f"duplicate article id {article_id}"
        found[article_id] = {"file": rel, "outlet": outlet, "text": _norm(text)}

    for path in sorted(ARTICLES.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(DEMO).as_posix()
        raw = path.read_text(encoding="utf-8")
        if path.suffix in {".txt", ".md"}:
            fields = _header_fields(raw)
            add(fields.get("id"), rel, fields.get("outlet"), raw)
        elif path.suffix == ".html":
            add(_meta(raw, "name", "biascmp:id"), rel, _meta(raw, "property", "og:site_name"), _html_text(raw))
        elif path.suffix == ".jsonl":
            for line in raw.splitlines():
                if line.strip():
                    rec = json.loads(line)
                    body = rec["text"] if "text" in rec else _html_text(rec["html"])
                    add(rec.get("id"), rel, rec.get("outlet"), body)
        else:
            pytest.fail(f"unexpected file in the demo corpus: {rel}")
    return found


RECORDS = _records()


def test_every_article_file_has_a_gold_entry_and_back():
    assert set(RECORDS) == set(GOLD["articles"])


@pytest.mark.parametrize("article_id", sorted(GOLD["articles"]))
def test_article_entry_matches_its_file(article_id):
    entry, rec = GOLD["articles"][article_id], RECORDS[article_id]
    assert entry["file"] == rec["file"]
    assert entry["outlet"] == rec["outlet"]
    assert article_id in GOLD["events"][entry["event"]]


@pytest.mark.parametrize("article_id", sorted(GOLD["articles"]))
def test_quotes_labels_and_terms_occur_in_the_article(article_id):
    entry, text = GOLD["articles"][article_id], RECORDS[article_id]["text"]
    for quote in entry["quotes"]:
        assert _norm(quote["text"]) in text, f"{article_id}: quote not found: {quote['text']!r}"
        assert quote["type"] in {"direct", "indirect"}
        assert quote["affiliation"] in AFFILIATIONS
        assert quote["speaker"] and quote["cue"]
        assert quote["country"] is None or re.fullmatch(r"[A-Z]{2}", quote["country"])
    for label in entry["labels"]:
        assert _norm(label["label"]).lower() in text.lower(), f"{article_id}: label not found: {label}"
    for term in entry["loaded_terms"]:
        assert term == term.lower() and term in text.lower(), f"{article_id}: loaded term not found: {term!r}"


def test_fact_ids_exist_and_are_unique():
    ids = [f["fact_id"] for f in GOLD["facts"]]
    assert len(ids) == len(set(ids))
    assert all(f["event"] in GOLD["events"] for f in GOLD["facts"])
    for article_id, entry in GOLD["articles"].items():
        assert set(entry["facts"]) <= set(ids), article_id
        assert len(entry["facts"]) == len(set(entry["facts"])), article_id


def test_events_are_a_partition_with_enough_articles():
    assigned = Counter(a for members in GOLD["events"].values() for a in members)
    assert set(assigned) == set(GOLD["articles"]) and max(assigned.values()) == 1
    assert all(len(members) >= 3 for members in GOLD["events"].values())
    main = GOLD["events"][GOLD["main_event"]]
    assert len({GOLD["articles"][a]["outlet"] for a in main}) >= 8


def test_main_event_articles_quote_sources_and_report_facts():
    for article_id in GOLD["events"][GOLD["main_event"]]:
        entry = GOLD["articles"][article_id]
        assert len({q["speaker"] for q in entry["quotes"]}) >= 2, article_id
        assert entry["facts"], article_id
        words = len(RECORDS[article_id]["text"].split())
        assert 250 <= words <= 900, f"{article_id}: {words} words"


def test_contradictions_occur_in_both_articles():
    assert len(GOLD["contradictions"]) >= 4
    fact_ids = {f["fact_id"] for f in GOLD["facts"]}
    for c in GOLD["contradictions"]:
        assert c["fact_id"] in fact_ids and c["kind"] in CONTRADICTION_KINDS
        a, b = c["articles"]
        assert a != b and GOLD["articles"][a]["event"] == GOLD["articles"][b]["event"]
        assert _norm(c["a"]) in RECORDS[a]["text"], c["a"]
        assert _norm(c["b"]) in RECORDS[b]["text"], c["b"]


def test_facts_txt_lists_the_main_event_facts():
    lines = [l for l in (DEMO / "facts.txt").read_text(encoding="utf-8").splitlines() if l.strip()]
    assert lines == [f["text"] for f in GOLD["facts"] if f["event"] == GOLD["main_event"]]
