"""Terminal tables for the single-analysis commands (``events``, ``omissions``, ``coverage``,
``sources``, ``framing``), built from each result's ``to_dict()``. The full per-event report
has its own renderer (``terminal_report``)."""

from __future__ import annotations

from rich.console import Console

from biascmp.report.terminal import rows_table


def print_events(console: Console, events: list[dict]) -> None:
    rows = [
        (e["event_id"], e["label"], e["n_articles"], e["n_outlets"],
         e.get("first_published") or "", "yes" if e.get("pinned") else "")
        for e in events
    ]
    console.print(rows_table(["event", "label", "articles", "outlets", "from", "pinned"], rows,
                             title=f"{len(events)} events", max_len=70))


def print_omissions(console: Console, data: dict, limit: int = 15) -> None:
    facts = data.get("facts", [])
    rows = [
        (f["fact_id"], f"{f['n_reporting']}/{f['n_outlets']}", f["text"],
         ", ".join(f["omitting"]) or "-")
        for f in facts[:limit]
    ]
    console.print(rows_table(["fact", "outlets", "statement (first evidence)", "left out by"], rows,
                             title=f"Facts of {data['event_id']} (most reported, then fewest omitters)"))
    rows = [
        (o["outlet"], f"{o['omission_rate']:.0%}", o["n_omitted"],
         "; ".join(n["fact_id"] for n in o["notable_omissions"]))
        for o in data.get("outlet_omissions", [])
    ]
    console.print(rows_table(["outlet", "omission rate", "omitted", "notable omissions"], rows,
                             title="Omissions per outlet"))
    rows = [
        (c["kind"], f"{c['a']['outlet']}: {c['a']['sentence']} [{c['a']['sentence_id']}]",
         f"{c['b']['outlet']}: {c['b']['sentence']} [{c['b']['sentence_id']}]")
        for c in data.get("contradictions", [])
    ]
    console.print(rows_table(["kind", "one outlet says", "another says"], rows,
                             title=f"{len(rows)} contradictions", max_len=140))


def print_coverage(console: Console, data: dict) -> None:
    outlets = []
    for fact in data.get("facts", []):
        for c in fact["coverage"]:
            if c["article_id"] not in outlets:
                outlets.append(c["article_id"])
    rows = []
    for fact in data.get("facts", []):
        marks = {c["article_id"]: ("✓" if c["covered"] else "·") for c in fact["coverage"]}
        rows.append((fact["fact_id"], fact["text"], "".join(marks.get(a, " ") for a in outlets),
                     sum(c["covered"] for c in fact["coverage"])))
    console.print(rows_table(["fact", "text", "articles", "covered"], rows,
                             title=f"Checklist coverage in {data['event_id']} ({len(outlets)} articles)"))
    for i, article_id in enumerate(outlets):
        console.print(f"  column {i + 1}: {article_id}")


def print_sources(console: Console, data: dict, limit: int = 25) -> None:
    rows = [
        (q["outlet"], q["type"], q["speaker"] or "?", q["affiliation"], q["text"], q["sentence_id"])
        for q in data.get("quotes", [])[:limit]
    ]
    console.print(rows_table(["outlet", "type", "speaker", "affiliation", "statement", "sentence"], rows,
                             title=f"{len(data.get('quotes', []))} attributed statements in {data['event_id']}"))
    rows = []
    for outlet, p in sorted(data.get("outlets", {}).items()):
        top = sorted(p["by_speaker"].items(), key=lambda kv: (-kv[1], kv[0]))[:3]
        rows.append((outlet, p["n_quotes"], f"{p['direct_share']:.0%}", f"{p['diversity']:.2f}",
                     ", ".join(f"{s} ({n})" for s, n in top),
                     ", ".join(m.get("speaker", str(m)) if isinstance(m, dict) else str(m)
                               for m in p["missing_sources"][:3])))
    console.print(rows_table(["outlet", "quotes", "direct", "diversity", "top sources", "not quoted here"],
                             rows, title="Sources per outlet"))


def print_framing(console: Console, data: dict, per_outlet: int = 8) -> None:
    rows = [
        (outlet, ", ".join(f"{t['term']} ({t['z']:.1f})" for t in terms[:per_outlet]))
        for outlet, terms in sorted(data.get("terms", {}).items())
    ]
    console.print(rows_table(["outlet", "distinctive terms (z)"], rows,
                             title=f"Word choice in {data['event_id']}", max_len=200))
    rows = [
        (c["concept"], "; ".join(f"{v['label']}: {', '.join(v['outlets'])}" for v in c["variants"]))
        for c in data.get("labels", [])
    ]
    console.print(rows_table(["referent", "labels: outlets"], rows, title="Labels for the same referent",
                             max_len=300))
    rows = []
    for outlet, shares in sorted(data.get("frames", {}).items()):
        top = sorted(shares.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
        rows.append((outlet, ", ".join(f"{f} {s:.0%}" for f, s in top)))
    console.print(rows_table(["outlet", "main frames"], rows, title="Frame dimensions"))
    rows = []
    for outlet, actors in sorted(data.get("tone", {}).items()):
        top = sorted(actors.items(), key=lambda kv: (-kv[1]["n"], kv[0]))[:4]
        rows.append((outlet, ", ".join(f"{a} {t['score']:+.2f} (n={t['n']})" for a, t in top)))
    console.print(rows_table(["outlet", "tone toward main actors"], rows, title="Tone", max_len=200))
