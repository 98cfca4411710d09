"""The HTML report's sources section: an inline-SVG chart of quotes by speaker affiliation per
outlet, a table of who speaks (and who is quoted elsewhere but not here), and every quote."""

from __future__ import annotations

from biascmp.report.html_parts import AFF_COLOURS, Page, fmt, muted, table
from biascmp.report.html_safe import esc

LABEL_W, BAR_W, ROW_H = 190, 560, 26


def chart(profiles: dict) -> str:
    """One stacked horizontal bar per outlet, a segment per affiliation, and a legend. Colours
    come from CSS classes (no style attributes, so the page's CSP needs no 'unsafe-inline')."""
    affs = sorted({a for prof in profiles.values() for a in prof["affiliations"]})
    colour = {a: f"aff-{i % AFF_COLOURS}" for i, a in enumerate(affs)}
    top = max((prof["quotes"] for prof in profiles.values()), default=0) or 1
    width, height = LABEL_W + BAR_W + 60, ROW_H * len(profiles) + 8
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{height}" role="img" aria-label="quotes by affiliation per outlet">'
    ]
    for i, (outlet, prof) in enumerate(profiles.items()):
        y = 4 + i * ROW_H
        label = outlet if len(outlet) <= 30 else outlet[:29] + "…"
        parts.append(f'<text x="{LABEL_W - 8}" y="{y + 16}" text-anchor="end">{esc(label)}</text>')
        x = float(LABEL_W)
        for aff in affs:
            n = prof["affiliations"].get(aff, 0)
            if n:
                w = BAR_W * n / top
                parts.append(
                    f'<rect class="{colour[aff]}" x="{x:.1f}" y="{y}" width="{w:.1f}" '
                    f'height="{ROW_H - 6}"><title>{esc(outlet)}: {esc(aff)} {n}</title></rect>'
                )
                x += w
        parts.append(f'<text x="{x + 6:.1f}" y="{y + 16}">{prof["quotes"]}</text>')
    parts.append("</svg>")
    legend = "".join(f'<span class="sw {colour[a]}"></span>{esc(a)}' for a in affs)
    return "".join(parts) + f'<div class="legend">{legend}</div>'


def _who(p: Page, prof: dict) -> str:
    return ", ".join(
        f"{esc(sp['speaker'])} ×{sp['n']} {p.ref((sp['sentence_ids'] or [None])[0], '→')}"
        for sp in prof["speakers"][:8]
    )


def _quote(p: Page, q: dict) -> str:
    role = f", {esc(q['role'])}" if q["role"] else ""
    how = muted(f"({esc(q['affiliation'])}{role}; {esc(q['type'])}, “{esc(q['cue'])}”)")
    return (
        f'<div class="quote"><b>{esc(q["speaker"])}</b> {how}: '
        f"{esc(q['text'])} {p.ref(q['sentence_id'])}</div>"
    )


def sources(p: Page) -> str:
    src = p.report["sources"]
    profiles = src["outlets"]
    head = '<section id="sources"><h2>Quoted sources</h2>'
    if not src["quotes"]:
        return head + f"<p>{muted('No attributed statements found.')}</p></section>"
    rows = [
        f'<tr><th>{esc(outlet)}</th><td class="num">{prof["quotes"]}</td>'
        f'<td class="num">{fmt(prof["direct_share"], ".0%")}</td>'
        f'<td class="num">{prof["distinct_speakers"]}</td><td>{_who(p, prof)}</td>'
        f"<td>{', '.join(esc(m['speaker']) for m in prof['not_quoted'][:8])}</td></tr>"
        for outlet, prof in profiles.items()
    ]
    header = ["outlet", "quotes", "direct", "speakers", "who speaks", "quoted elsewhere, not here"]
    lists = []
    for outlet in profiles:
        mine = [q for q in src["quotes"] if q["outlet"] == outlet]
        if mine:
            items = "".join(_quote(p, q) for q in mine)
            summary = f"{esc(outlet)}: {len(mine)} quote(s)"
            lists.append(f"<details><summary>{summary}</summary>{items}</details>")
    return head + chart(profiles) + table(header, rows) + "".join(lists) + "</section>"
