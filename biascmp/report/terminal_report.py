"""The Report as rich tables for a terminal, narrow enough for 80 columns.

Article-derived text is passed to rich as ``Text`` objects, never as markup strings, so a
sentence holding ``[bold]`` or ``[/x]`` is printed as it is (a markup string would be styled,
or raise ``MarkupError``). Tables have at most four columns and fold long cells, so they fit
80 columns; every finding carries its sentence ids in brackets.
"""

from __future__ import annotations

from rich.console import Console
from rich.rule import Rule
from rich.table import Table
from rich.text import Text


def _t(value, style: str | None = None) -> Text:
    """Plain text (no markup, no emoji codes), whitespace collapsed."""
    return Text(" ".join(("" if value is None else str(value)).split()), style=style or "")


def _cut(value, n: int) -> str:
    text = " ".join(("" if value is None else str(value)).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _ids(ids) -> str:
    ids = [str(i) for i in ids or [] if i]
    return f" [{', '.join(ids)}]" if ids else ""


def _pct(value) -> str:
    return f"{value:.0%}" if isinstance(value, (int, float)) else "–"


def _num(value, spec: str = ".2f") -> str:
    return format(value, spec) if isinstance(value, (int, float)) else "–"


def _table(title: str, columns: list[str]) -> Table:
    table = Table(
        title=Text(title, style="bold"), title_justify="left", expand=False, show_lines=True
    )
    for column in columns:
        table.add_column(Text(column), overflow="fold")
    return table


def _summary(report: dict) -> list:
    tables = []
    for outlet, s in report["summary"].items():
        table = Table(
            title=_t(f"{outlet} ({s['articles']} article(s))", "bold"),
            title_justify="left",
            show_header=False,
            show_lines=True,
            expand=False,
        )
        table.add_column("aspect", style="bold", no_wrap=True)
        table.add_column("what", overflow="fold")
        terms = ", ".join(t["term"] for t in s["stresses"]["terms"]) or "–"
        frames = (
            ", ".join(f"{f['frame']} {_pct(f['share'])}" for f in s["stresses"]["frames"]) or "–"
        )
        left = s["leaves_out"]
        omitted = "\n".join(f"- {_cut(f['text'], 110)} [{f['fact_id']}]" for f in left["facts"])
        q = s["quotes"]
        speakers = ", ".join(f"{sp['speaker']} ×{sp['n']}" for sp in q["top_speakers"]) or "nobody"
        mix = ", ".join(f"{k} {v}" for k, v in q["affiliations"].items())
        tone = (
            ", ".join(f"{t['actor']} {_num(t['score'], '+.2f')} (n={t['n']})" for t in s["tone"])
            or "–"
        )
        table.add_row(Text("stresses"), _t(f"{terms}; frames: {frames}"))
        table.add_row(
            Text("leaves out"),
            Text(
                f"omission rate {_pct(left['omission_rate'])}\n"
                + (omitted or "nothing the others report")
            ),
        )
        table.add_row(
            Text("quotes"),
            _t(
                f"{q['quotes']} (direct {_pct(q['direct_share'])}): {speakers}"
                + (f"; {mix}" if mix else "")
            ),
        )
        if report["framing"]["main_actors"]:
            table.add_row(Text("tone"), _t(tone))
        tables.append(table)
    return tables


def _framing(report: dict) -> list:
    fr = report["framing"]
    out = []
    terms = _table("Distinctive terms", ["outlet", "terms (z) [sentence ids]"])
    for outlet, items in fr["terms"].items():
        text = "; ".join(
            f"{t['term']} ({_num(t['z'], '.1f')})"
            + _ids([e["sentence_id"] for e in t["evidence"][:1]])
            for t in items[:8]
        )
        terms.add_row(_t(outlet), _t(text or "–"))
    out.append(terms)
    if fr["labels"]:
        labels = _table(
            "Labels for the same referent", ["referent", "outlet", "label [sentence ids]"]
        )
        for c in fr["labels"]:
            for v in c["variants"]:
                labels.add_row(
                    _t(c["concept"]),
                    _t(", ".join(v["outlets"])),
                    _t(v["label"] + _ids([e["sentence_id"] for e in v["evidence"]])),
                )
        out.append(labels)
    if fr["frames"]:
        frames = _table("Frames (share of sentences)", ["outlet", "frames"])
        for outlet, shares in fr["frames"].items():
            frames.add_row(
                _t(outlet), _t(", ".join(f"{k} {_pct(v)}" for k, v in shares.items() if v) or "–")
            )
        out.append(frames)
    if fr["main_actors"]:
        tone = _table(
            "Tone toward the main actors (-1 harsh .. +1 favourable)",
            ["actor", "outlet", "tone (n)"],
        )
        for actor in fr["main_actors"]:
            for outlet in report["event"]["outlets"]:
                t = fr["tone"].get(outlet, {}).get(actor)
                if t:
                    tone.add_row(
                        _t(actor), _t(outlet), _t(f"{_num(t['score'], '+.2f')} ({t['n']})")
                    )
        out.append(tone)
    if fr["loaded"]:
        loaded = _table("Loaded language", ["outlet", "score", "sentence [id]"])
        for e in fr["loaded"]:
            loaded.add_row(
                _t(e["outlet"]),
                _t(_num(e["score"])),
                _t(_cut(e["sentence"], 200) + _ids([e["sentence_id"]])),
            )
        out.append(loaded)
    return out


def _omissions(report: dict) -> list:
    facts = report["omissions"]["facts"]
    if not facts:
        return [Text("No facts aligned across outlets.")]
    table = _table("Facts and omissions", ["fact", "reported by [sentence ids]", "omitted by"])
    for f in facts:
        reported = ", ".join(
            f"{o}{_ids([f['coverage'][o]['sentence_id']])}"
            if f["coverage"].get(o, {}).get("sentence_id")
            else o
            for o in f["reported_by"]
        )
        table.add_row(
            _t(f"{f['fact_id']}: {_cut(f['text'], 160)}"),
            _t(reported),
            _t(", ".join(f["omitted_by"]) or "–"),
        )
    rates = _table("Omission rate per outlet", ["outlet", "rate"])
    for outlet, r in report["omissions"]["outlets"].items():
        rates.add_row(_t(outlet), _t(_pct(r["omission_rate"])))
    return [table, rates]


def _contradictions(report: dict) -> list:
    items = report["contradictions"]
    if not items:
        return [Text("No contradicting statements found.")]
    table = _table("Contradictions", ["kind", "one outlet says", "another says"])
    for c in items:
        sides = [
            _t(f"{c[k]['outlet']}: {_cut(c[k]['sentence'], 200)}{_ids([c[k]['sentence_id']])}")
            for k in ("a", "b")
        ]
        table.add_row(
            _t(c["kind"] + (f": {c['detail']}" if c.get("detail") else ""), "bold red"), *sides
        )
    return [table]


def _sources(report: dict) -> list:
    src = report["sources"]
    if not src["quotes"]:
        return [Text("No attributed statements found.")]
    table = _table("Quoted sources", ["outlet", "who speaks [first sentence id]", "affiliations"])
    for outlet, p in src["outlets"].items():
        table.add_row(
            Text(
                f"{' '.join(outlet.split())}\n"
                f"{p['quotes']} quotes, {_pct(p['direct_share'])} direct"
            ),
            _t(
                ", ".join(
                    f"{sp['speaker']} ×{sp['n']}{_ids(sp['sentence_ids'][:1])}"
                    for sp in p["speakers"][:6]
                )
                or "–"
            ),
            _t(", ".join(f"{k} {v}" for k, v in p["affiliations"].items()) or "–"),
        )
    return [table]


def _articles(report: dict) -> list:
    table = _table("Articles", ["outlet", "published", "title [article id]"])
    for a in report["articles"]:
        table.add_row(
            _t(a["outlet"]),
            _t(a.get("published") or "–"),
            _t(f"{a.get('title') or ''} [{a['article_id']}]"),
        )
    return [table]


def render_terminal(report: dict, console: Console) -> None:
    """Print the report to ``console`` (any width; laid out for 80 columns and up)."""
    ev = report["event"]
    console.print(_t(ev["label"], "bold"))
    console.print(
        _t(
            f"event {ev['event_id']}: {ev['articles']} articles from {len(ev['outlets'])} outlets: "
            + ", ".join(ev["outlets"])
        )
    )
    sections = [
        ("Per-outlet summary", _summary),
        ("Framing", _framing),
        ("Facts and omissions", _omissions),
        ("Contradictions", _contradictions),
        ("Quoted sources", _sources),
        ("Articles", _articles),
    ]
    for title, build in sections:
        console.print(Rule(Text(title, style="bold")))
        for renderable in build(report):
            console.print(renderable)
