"""The HTML report's finding sections: per-outlet summary, framing, the facts x outlets
coverage heat map and contradictions. Each takes the rendering ``Page`` and returns HTML."""

from __future__ import annotations

from biascmp.report.html_parts import Page, fmt, heat, muted, short, table, tone_class
from biascmp.report.html_safe import anchor, esc


def _chip(body: str, cls: str = "") -> str:
    return f'<span class="chip {cls}">{body}</span>' if cls else f'<span class="chip">{body}</span>'


def _card(p: Page, outlet: str, s: dict) -> str:
    """One outlet's summary: what it stresses, leaves out, whom it quotes, its tone."""
    terms = "".join(
        _chip(f"{esc(t['term'])} {p.ref((t['sentence_ids'] or [None])[0], '→')}")
        for t in s["stresses"]["terms"]
    )
    frames = ", ".join(
        f"{esc(f['frame'])} ({fmt(f['share'], '.0%')})" for f in s["stresses"]["frames"]
    )
    left = s["leaves_out"]
    items = []
    for f in left["facts"]:
        link = f'<a href="#{esc(anchor(f["fact_id"], "f"))}">{short(f["text"], 110)}</a>'
        items.append(f"<li>{link} {muted('(reported by %d)' % f['reported_by'])}</li>")
    omitted = f"<ul>{''.join(items)}</ul>" if items else muted("nothing the others report")
    q = s["quotes"]
    speakers = ", ".join(f"{esc(sp['speaker'])} ×{sp['n']}" for sp in q["top_speakers"])
    mix = ", ".join(f"{esc(k)} {v}" for k, v in q["affiliations"].items())
    parts = [
        f'<div class="card"><h3>{esc(outlet)}</h3>',
        muted(f"{s['articles']} article(s)"),
        f"<dl><dt>Stresses</dt><dd>{terms or muted('no distinctive terms')}",
        f"<div>{frames}</div></dd>",
        f"<dt>Leaves out · omission rate {fmt(left['omission_rate'], '.0%')}</dt>",
        f"<dd>{omitted}</dd>",
        f"<dt>Quotes ({q['quotes']})</dt><dd>{speakers or 'nobody'}<div>{muted(mix)}</div></dd>",
    ]
    if p.report["framing"]["main_actors"]:
        tone = "".join(
            _chip(
                f"{esc(t['actor'])} {fmt(t['score'], '+.2f')} {muted('n=%d' % t['n'])}",
                tone_class(t["score"]),
            )
            for t in s["tone"]
        )
        parts.append(f"<dt>Tone toward main actors</dt><dd>{tone or muted('–')}</dd>")
    return "".join(parts) + "</dl></div>"


def summary(p: Page) -> str:
    cards = "".join(_card(p, outlet, s) for outlet, s in p.report["summary"].items())
    head = '<section id="summary"><h2>Per-outlet summary</h2>'
    return f'{head}<div class="cards">{cards}</div></section>'


def _terms(p: Page, fr: dict) -> str:
    cards = []
    for outlet, terms in fr["terms"].items():
        rows = [
            f'<tr><td>{esc(t["term"])}</td><td class="num">{fmt(t["z"])}</td>'
            f'<td class="num">{esc(t["count"])}</td>'
            f"<td>{' '.join(p.ref(e['sentence_id'], '→') for e in t['evidence'])}</td></tr>"
            for t in terms
        ]
        body = (
            table(["term", "z", "n", "evidence"], rows, scroll=False)
            if rows
            else muted("No term stands out against the other outlets.")
        )
        cards.append(f'<div class="card"><h3>{esc(outlet)}</h3>{body}</div>')
    return (
        "<h3>Distinctive terms per outlet</h3>"
        '<p class="note">Weighted log-odds z against the other outlets; → opens the sentence.</p>'
        f'<div class="cards">{"".join(cards)}</div>'
    )


def _labels(p: Page, fr: dict) -> str:
    out = "<h3>Labels for the same referent</h3>"
    if not fr["labels"]:
        return out + f"<p>{muted('No referent named differently by several outlets.')}</p>"
    rows = []
    for c in fr["labels"]:
        cells = []
        for outlet in p.outlets:
            bits = []
            for v in c["variants"]:
                if outlet in v["outlets"]:
                    mine = [e for e in v["evidence"] if e["outlet"] == outlet] or v["evidence"]
                    link = p.ref(mine[0]["sentence_id"], "→") if mine else ""
                    bits.append(f"{esc(v['label'])} {link}")
            cells.append(f"<td>{'<br>'.join(bits) or muted('–')}</td>")
        rows.append(f"<tr><th>{esc(c['concept'])}</th>{''.join(cells)}</tr>")
    return out + table(["referent"] + [esc(o) for o in p.outlets], rows)


def _frames(fr: dict) -> str:
    shares = fr["frames"]
    frames = sorted(
        {f for by_frame in shares.values() for f in by_frame},
        key=lambda f: (-sum(shares[o].get(f) or 0 for o in shares), f),
    )
    if not frames:
        return ""
    top = max((v or 0) for by_frame in shares.values() for v in by_frame.values()) or 1.0
    rows = []
    for outlet, by_frame in shares.items():
        cells = "".join(
            f'<td class="cell {heat(by_frame.get(f), top)}">{fmt(by_frame.get(f), ".0%")}</td>'
            for f in frames
        )
        rows.append(f"<tr><th>{esc(outlet)}</th>{cells}</tr>")
    header = ["outlet"] + [esc(f) for f in frames]
    return "<h3>Frame dimensions (share of sentences)</h3>" + table(header, rows)


def _tone(p: Page, fr: dict) -> str:
    if not fr["main_actors"]:
        return ""
    rows = []
    for actor in fr["main_actors"]:
        cells = ""
        for outlet in p.outlets:
            t = fr["tone"].get(outlet, {}).get(actor)
            if t:
                value = f"{fmt(t['score'], '+.2f')} {muted('n=%d' % t['n'])}"
                cells += f'<td class="cell {tone_class(t["score"])}">{value}</td>'
            else:
                cells += '<td class="cell">–</td>'
        rows.append(f"<tr><th>{esc(actor)}</th>{cells}</tr>")
    return "<h3>Tone toward the main actors (−1 harsh … +1 favourable)</h3>" + table(
        ["actor"] + [esc(o) for o in p.outlets], rows
    )


def framing(p: Page) -> str:
    fr = p.report["framing"]
    loaded = ""
    if fr["loaded"]:
        loaded = "<h3>Loaded language</h3>" + "".join(p.evidence(e) for e in fr["loaded"])
    return (
        '<section id="framing"><h2>Framing</h2>'
        + _terms(p, fr)
        + _labels(p, fr)
        + _frames(fr)
        + _tone(p, fr)
        + loaded
        + "</section>"
    )


def omissions(p: Page) -> str:
    """The facts x outlets heat map: green by alignment score (linked to the evidence
    sentence), red where the outlet omits the fact; omission rates in the last row."""
    om = p.report["omissions"]
    head = '<section id="omissions"><h2>Facts and omissions</h2>'
    if not om["facts"]:
        return head + f"<p>{muted('No facts aligned across outlets.')}</p></section>"
    note = (
        '<p class="note">One row per fact; a green cell gives the alignment score of the '
        "outlet's evidence sentence (and links to it), a red cell marks an omission.</p>"
    )
    rows = []
    for f in om["facts"]:
        cells = []
        for outlet in p.outlets:
            c = f["coverage"].get(outlet) or {}
            if not c.get("covered"):
                cells.append('<td class="cell miss">omitted</td>')
                continue
            label = fmt(c.get("score")) if c.get("score") is not None else "✓"
            link = p.ref(c.get("sentence_id"), label, "plain") or esc(label)
            cells.append(f'<td class="cell {heat(c.get("score"))}">{link}</td>')
        rows.append(
            f'<tr id="{esc(anchor(f["fact_id"], "f"))}"><td class="fact">{esc(f["text"])}</td>'
            f'<td class="num">{len(f["reported_by"])}</td>{"".join(cells)}</tr>'
        )
    rates = "".join(
        f'<td class="cell">{fmt(om["outlets"][o]["omission_rate"], ".0%")}</td>' for o in p.outlets
    )
    rows.append(f"<tr><th>omission rate</th><td></td>{rates}</tr>")
    header = ["fact", "outlets"] + [esc(o) for o in p.outlets]
    return head + note + table(header, rows) + "</section>"


def contradictions(p: Page) -> str:
    out = ['<section id="contradictions"><h2>Contradictions</h2>']
    if not p.report["contradictions"]:
        out.append(f"<p>{muted('No contradicting statements found.')}</p>")
    for c in p.report["contradictions"]:
        sides = "".join(f'<div class="side">{p.evidence(c[k])}</div>' for k in ("a", "b"))
        detail = f" — {esc(c['detail'])}" if c.get("detail") else ""
        fact = ""
        if c.get("fact"):
            fact = f'<div class="muted">fact {esc(c["fact_id"])}: {short(c["fact"])}</div>'
        out.append(
            f'<div class="contra"><span class="kind">{esc(c["kind"])}</span>{detail}{fact}'
            f'<div class="sides">{sides}</div></div>'
        )
    out.append("</section>")
    return "".join(out)
