"""The Report as one self-contained HTML page that works offline and runs no code.

No external resource of any kind (no CDN, font, image or script); the stylesheet is inlined
and allowed by its sha256 hash in a Content-Security-Policy that forbids everything else
(scripts included: the page needs none, colours come from CSS classes, the chart is inline
SVG). Every article-derived value is escaped (``html_safe.esc``); outside links are made only
from http(s) URLs. Each sentence of the articles is an element ``id="s-..."`` that the
findings link to, so every claim can be checked against its sentence.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from pathlib import Path

from biascmp.report import html_sections as sections
from biascmp.report.html_parts import Page, muted
from biascmp.report.html_safe import anchor, esc, safe_url
from biascmp.report.html_sources import sources

CSS_PATH = Path(__file__).with_name("report.css")
NAV = (
    ("summary", "Summary"),
    ("framing", "Framing"),
    ("omissions", "Omissions"),
    ("contradictions", "Contradictions"),
    ("sources", "Sources"),
    ("articles", "Articles"),
)


@lru_cache(maxsize=1)
def stylesheet() -> str:
    return CSS_PATH.read_text(encoding="utf-8")


def content_security_policy(css: str) -> str:
    """Allow only the inline stylesheet (by hash) and data: images; nothing else loads or runs."""
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    return (
        f"default-src 'none'; style-src 'sha256-{digest}'; img-src data:; "
        "base-uri 'none'; form-action 'none'"
    )


def evidence_ids(report: dict) -> set[str]:
    """Sentence ids the findings rest on (highlighted in the article texts). Distinctive terms
    are word counts, not claims: their sentences are linked but not highlighted."""
    ids: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "sentence_id" and isinstance(v, str):
                    ids.add(v)
                elif k == "sentence_ids" and isinstance(v, list):
                    ids.update(x for x in v if isinstance(x, str))
                else:
                    walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk({k: v for k, v in report.items() if k not in ("articles", "summary", "framing")})
    walk({k: v for k, v in report.get("framing", {}).items() if k != "terms"})
    return ids


def _article(a: dict, evidence: set[str]) -> str:
    url = safe_url(a.get("url"))
    if url:
        link = f'<a href="{url}" rel="noopener noreferrer nofollow">{esc(a["url"])}</a>'
    else:
        link = esc(a.get("url") or "")
    paragraphs: dict = {}
    for s in a["sentences"]:
        cls = "s ev" if s["sentence_id"] in evidence else "s"
        sid = esc(s["sentence_id"])
        paragraphs.setdefault(s.get("paragraph"), []).append(
            f'<span class="{cls}" id="{esc(anchor(s["sentence_id"]))}" title="{sid}">'
            f"{esc(s['text'])}</span>"
        )
    body = "".join(f"<p>{' '.join(spans)}</p>" for spans in paragraphs.values())
    byline = " · ".join(
        [
            f'<span class="outlet">{esc(a["outlet"])}</span>',
            esc(a.get("published") or ""),
            esc(a["article_id"]),
            link,
        ]
    )
    return (
        f'<article class="doc"><h3>{esc(a.get("title") or a["article_id"])}</h3>'
        f'<div class="byline">{byline}</div>{body}</article>'
    )


def articles(p: Page) -> str:
    evidence = evidence_ids(p.report)
    note = '<p class="note">Highlighted sentences are evidence for a finding above.</p>'
    docs = "".join(_article(a, evidence) for a in p.report["articles"])
    return f'<section id="articles"><h2>Articles</h2>{note}{docs}</section>'


def _header(report: dict) -> str:
    ev = report["event"]
    meta = report.get("meta") or {}
    facts = [
        f"event {esc(ev['event_id'])}",
        f"{ev['articles']} articles from {len(ev['outlets'])} outlets: "
        + ", ".join(esc(o) for o in ev["outlets"]),
    ]
    facts += [f"{esc(k)}: {esc(v)}" for k, v in meta.items() if not isinstance(v, (dict, list))]
    nav = "".join(f'<a href="#{sid}">{name}</a>' for sid, name in NAV)
    return (
        f'<header class="top"><h1>{esc(ev["label"])}</h1><p>{" · ".join(facts)}</p></header>'
        f"<nav>{nav}</nav>"
    )


def render_html(report: dict) -> str:
    """The whole report page as a string (UTF-8 text, no external references, no script)."""
    css = stylesheet()
    p = Page(report)
    body = (
        sections.summary(p)
        + sections.framing(p)
        + sections.omissions(p)
        + sections.contradictions(p)
        + sources(p)
        + articles(p)
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{content_security_policy(css)}">'
        '<meta name="referrer" content="no-referrer">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>biascmp · {esc(report['event']['label'])}</title><style>{css}</style></head>"
        f"<body>{_header(report)}<main>{body or muted('empty report')}</main></body></html>\n"
    )
