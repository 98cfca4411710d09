"""The Report as Markdown: for pasting into an issue, a wiki or a notebook.

Article-derived text is escaped so that it stays text in any Markdown renderer: HTML
special characters become entities (no raw HTML reaches the page) and Markdown punctuation
is backslash-escaped (no emphasis, links, headings or table breaks come from article text).
Links are made only from http(s) URLs. Sentence ids are given with every finding.
"""

from __future__ import annotations

import html
import re

from biascmp.report.html_safe import safe_url

#: characters that start Markdown syntax mid-line (emphasis, code, links, tables, strike);
#: ``<``, ``>`` and ``&`` are turned into HTML entities first
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()|~])")


def md(value) -> str:
    """Escape text for Markdown (inline or inside a table cell); newlines become spaces."""
    text = " ".join(("" if value is None else str(value)).split())
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def _ids(ids) -> str:
    ids = [i for i in ids or [] if i]
    return "[" + ", ".join(md(i) for i in ids) + "]" if ids else ""


def _pct(value) -> str:
    return f"{value:.0%}" if isinstance(value, (int, float)) else "–"


def _num(value, spec: str = ".2f") -> str:
    return format(value, spec) if isinstance(value, (int, float)) else "–"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines + [""]


def _evidence(e: dict) -> str:
    score = f" (score {_num(e.get('score'))})" if e.get("score") is not None else ""
    sentence = f"“{md(e.get('sentence'))}”"
    return f"**{md(e.get('outlet'))}**: {sentence}{score} {_ids([e.get('sentence_id')])}"


def _summary(report: dict) -> list[str]:
    out = ["## Per-outlet summary", ""]
    for outlet, s in report["summary"].items():
        terms = ", ".join(md(t["term"]) for t in s["stresses"]["terms"]) or "–"
        frames = (
            ", ".join(f"{md(f['frame'])} {_pct(f['share'])}" for f in s["stresses"]["frames"])
            or "–"
        )
        left = s["leaves_out"]
        omitted = (
            "; ".join(f"{md(f['text'])} {_ids([f['fact_id']])}" for f in left["facts"])
            or "nothing the others report"
        )
        q = s["quotes"]
        speakers = (
            ", ".join(f"{md(sp['speaker'])} ×{sp['n']}" for sp in q["top_speakers"]) or "nobody"
        )
        mix = ", ".join(f"{md(k)} {v}" for k, v in q["affiliations"].items())
        tone = (
            ", ".join(
                f"{md(t['actor'])} {_num(t['score'], '+.2f')} (n={t['n']})" for t in s["tone"]
            )
            or "–"
        )
        out += [
            f"### {md(outlet)} ({s['articles']} article(s))",
            "",
            f"- **Stresses:** {terms}; frames: {frames}",
            f"- **Leaves out** (omission rate {_pct(left['omission_rate'])}): {omitted}",
            f"- **Quotes** ({q['quotes']}, direct {_pct(q['direct_share'])}): {speakers}"
            + (f" — {mix}" if mix else ""),
        ]
        if report["framing"]["main_actors"]:
            out.append(f"- **Tone toward main actors:** {tone}")
        out.append("")
    return out


def _framing(report: dict) -> list[str]:
    fr = report["framing"]
    out = ["## Framing", "", "### Distinctive terms per outlet", ""]
    for outlet, terms in fr["terms"].items():
        items = "; ".join(
            f"{md(t['term'])} (z {_num(t['z'])}) {_ids([e['sentence_id'] for e in t['evidence']])}"
            for t in terms
        )
        out.append(f"- **{md(outlet)}**: {items or '–'}")
    out += ["", "### Labels for the same referent", ""]
    outlets = report["event"]["outlets"]
    if fr["labels"]:
        rows = [
            [md(c["concept"])]
            + [", ".join(md(x) for x in c["by_outlet"].get(o, [])) or "–" for o in outlets]
            for c in fr["labels"]
        ]
        out += _table(["referent"] + [md(o) for o in outlets], rows)
        for c in fr["labels"]:
            for v in c["variants"]:
                out += [
                    f"- {md(c['concept'])} → *{md(v['label'])}*: "
                    + "; ".join(_evidence(e) for e in v["evidence"])
                ]
        out.append("")
    else:
        out += ["No referent named differently by several outlets.", ""]
    frames = sorted({f for shares in fr["frames"].values() for f in shares})
    if frames:
        out += ["### Frame dimensions (share of sentences)", ""]
        out += _table(
            ["outlet"] + [md(f) for f in frames],
            [[md(o)] + [_pct(shares.get(f)) for f in frames] for o, shares in fr["frames"].items()],
        )
    if fr["main_actors"]:
        out += ["### Tone toward the main actors (−1 harsh … +1 favourable)", ""]
        rows = []
        for actor in fr["main_actors"]:
            cells = []
            for o in outlets:
                t = fr["tone"].get(o, {}).get(actor)
                cells.append(f"{_num(t['score'], '+.2f')} (n={t['n']})" if t else "–")
            rows.append([md(actor)] + cells)
        out += _table(["actor"] + [md(o) for o in outlets], rows)
    if fr["loaded"]:
        out += ["### Loaded language", ""] + [f"- {_evidence(e)}" for e in fr["loaded"]] + [""]
    return out


def _omissions(report: dict) -> list[str]:
    outlets = report["event"]["outlets"]
    facts = report["omissions"]["facts"]
    out = ["## Facts and omissions", ""]
    if not facts:
        return out + ["No facts aligned across outlets.", ""]
    rows = []
    for f in facts:
        cells = []
        for o in outlets:
            c = f["coverage"].get(o) or {}
            cells.append(
                f"{_num(c.get('score'))} {_ids([c.get('sentence_id')])}"
                if c.get("covered")
                else "**omitted**"
            )
        rows.append([md(f["fact_id"]), md(f["text"])] + cells)
    rates = ["", "**omission rate**"] + [
        _pct(report["omissions"]["outlets"][o]["omission_rate"]) for o in outlets
    ]
    return out + _table(["id", "fact"] + [md(o) for o in outlets], rows + [rates])


def _contradictions(report: dict) -> list[str]:
    out = ["## Contradictions", ""]
    if not report["contradictions"]:
        return out + ["No contradicting statements found.", ""]
    for c in report["contradictions"]:
        detail = f" ({md(c['detail'])})" if c.get("detail") else ""
        out += [
            f"- **{md(c['kind'])}**{detail}",
            f"  - {_evidence(c['a'])}",
            f"  - {_evidence(c['b'])}",
        ]
    return out + [""]


def _sources(report: dict) -> list[str]:
    src = report["sources"]
    out = ["## Quoted sources", ""]
    if not src["quotes"]:
        return out + ["No attributed statements found.", ""]
    rows = []
    for outlet, p in src["outlets"].items():
        rows.append(
            [
                md(outlet),
                str(p["quotes"]),
                _pct(p["direct_share"]),
                ", ".join(f"{md(k)} {v}" for k, v in p["affiliations"].items()),
                ", ".join(f"{md(sp['speaker'])} ×{sp['n']}" for sp in p["speakers"][:8]),
                ", ".join(md(m["speaker"]) for m in p["not_quoted"][:8]) or "–",
            ]
        )
    out += _table(
        ["outlet", "quotes", "direct", "affiliations", "who speaks", "quoted elsewhere, not here"],
        rows,
    )
    for q in src["quotes"]:
        out.append(
            f"- **{md(q['outlet'])}** — {md(q['speaker'])} ({md(q['affiliation'])}, "
            f"{md(q['type'])}, “{md(q['cue'])}”): {md(q['text'])} {_ids([q['sentence_id']])}"
        )
    return out + [""]


def _articles(report: dict) -> list[str]:
    out = ["## Articles", ""]
    for a in report["articles"]:
        url = safe_url(a.get("url"))
        link = f" — <{html.unescape(url)}>" if url and not re.search(r"[<>\s]", a["url"]) else ""
        out += [
            f"### {md(a.get('title') or a['article_id'])}",
            "",
            f"{md(a['outlet'])} · {md(a.get('published') or '')} · {md(a['article_id'])}{link}",
            "",
        ]
        out += [f"- {md(s['sentence_id'])}: {md(s['text'])}" for s in a["sentences"]] + [""]
    return out


def render_markdown(report: dict) -> str:
    """The whole report as Markdown text."""
    ev = report["event"]
    head = [
        f"# {md(ev['label'])}",
        "",
        f"Event {md(ev['event_id'])}: {ev['articles']} articles from {len(ev['outlets'])} outlets "
        f"({', '.join(md(o) for o in ev['outlets'])}). Sentence ids are given in [brackets].",
        "",
    ]
    parts = (
        head + _summary(report) + _framing(report) + _omissions(report) + _contradictions(report)
    )
    parts += _sources(report) + _articles(report)
    return "\n".join(parts).rstrip() + "\n"
