"""The report's omissions and contradictions sections, read tolerantly from the omission
analysis' ``to_dict()`` (``reporting``/``omitting`` or ``mentions``/``omitted_by``;
``outlet_omissions`` as a list or ``outlets`` as a dict)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from biascmp.report.evidence import SentenceIndex, num, text_or_none

if TYPE_CHECKING:
    from biascmp.report.model import ReportSettings


def _fact_mentions(fact: dict, index: SentenceIndex, s: ReportSettings) -> list[dict]:
    """A fact's evidence: its best mention per reporting outlet (``reporting``) first, then
    every other mention; one entry per sentence."""
    seen: set = set()
    mentions = []
    for m in list(fact.get("reporting") or []) + list(fact.get("mentions") or []):
        if not isinstance(m, dict) or m.get("sentence_id") in seen:
            continue
        seen.add(m.get("sentence_id"))
        mentions.append(
            index.evidence(
                m.get("sentence_id"),
                m.get("outlet"),
                m.get("article_id"),
                m.get("sentence"),
                m.get("score"),
                s.decimals,
            )
        )
    return mentions


def facts(
    omissions: dict, outlets: list[str], index: SentenceIndex, s: ReportSettings
) -> list[dict]:
    """Each fact with the outlets that report and omit it, every evidence sentence, and one
    coverage cell per outlet of the event (the heat map). The analysis' rank order is kept."""
    facts = []
    for fact in (omissions.get("facts") or [])[: s.max_facts]:
        mentions = _fact_mentions(fact, index, s)
        named = fact.get("outlets") if isinstance(fact.get("outlets"), list) else []
        seen = {str(o) for o in named} | {m["outlet"] for m in mentions if m["outlet"]}
        given = fact.get("omitted_by", fact.get("omitting"))
        # an outlet the analysis says omits the fact is not "covered" even if a weak mention
        # of it was kept as context
        omitted = set(map(str, given)) if given is not None else set(outlets) - seen
        reported = sorted(seen - omitted)
        omitted = sorted(omitted)
        cells = {}
        for outlet in outlets:
            # the first mention of an outlet is its best one when the analysis ranked them
            best = next((m for m in mentions if m["outlet"] == outlet), None)
            cells[outlet] = {
                "covered": outlet in reported,
                "score": best.get("score") if best else None,
                "sentence_id": best["sentence_id"] if best else None,
            }
        facts.append(
            {
                "fact_id": str(fact.get("fact_id")),
                "text": text_or_none(fact.get("text"))
                or (mentions[0]["sentence"] if mentions else ""),
                "reported_by": reported,
                "omitted_by": omitted,
                "coverage": cells,
                "mentions": mentions,
            }
        )
    return facts


def _given_outlet_omissions(omissions: dict) -> dict:
    """Per-outlet results keyed by outlet, from ``outlets: {outlet: {...}}`` or
    ``outlet_omissions: [{"outlet": ..., ...}]``."""
    given = omissions.get("outlets")
    if isinstance(given, dict):
        return given
    return {
        str(o.get("outlet")): o
        for o in omissions.get("outlet_omissions") or []
        if isinstance(o, dict)
    }


def omission_rates(
    omissions: dict, facts: list[dict], outlets: list[str], s: ReportSettings
) -> dict:
    """Per outlet: the analysis' omission rate (else omitted / all facts) and omitted fact ids."""
    given = _given_outlet_omissions(omissions)
    rates = {}
    for outlet in outlets:
        mine = given.get(outlet) or {}
        omitted = [f["fact_id"] for f in facts if outlet in f["omitted_by"]]
        rate = mine.get("omission_rate")
        if rate is None and facts:
            rate = len(omitted) / len(facts)
        rates[outlet] = {
            "omission_rate": num(rate, s.decimals),
            "omitted": [str(x) for x in mine.get("omitted", omitted)],
        }
    return rates


def _clash_detail(c: dict) -> str | None:
    """``"93, 8, 73 vs 89, 8, 70"`` from the sides' ``values`` when the analysis gave no detail."""
    if c.get("detail"):
        return str(c["detail"])
    a, b = (c.get(k) or {} for k in ("a", "b"))
    if a.get("values") or b.get("values"):
        sides = [", ".join(map(str, e.get("values") or [])) or "–" for e in (a, b)]
        return f"{sides[0]} vs {sides[1]}"
    return None


def contradictions(
    omissions: dict, facts: list[dict], index: SentenceIndex, s: ReportSettings
) -> list[dict]:
    """Both sides of each contradiction with their sentences and clashing values, in the
    analysis' order."""
    fact_text = {f["fact_id"]: f["text"] for f in facts}
    out = []
    for c in omissions.get("contradictions") or []:
        sides = {}
        for side in ("a", "b"):
            e = c.get(side) or {}
            sides[side] = index.evidence(
                e.get("sentence_id"),
                e.get("outlet"),
                e.get("article_id"),
                e.get("sentence"),
                decimals=s.decimals,
            )
            sides[side]["values"] = [str(v) for v in e.get("values") or []]
        fid = text_or_none(c.get("fact_id"))
        out.append(
            {
                "fact_id": fid,
                "fact": fact_text.get(fid) if fid else None,
                "kind": text_or_none(c.get("kind")) or "disagreement",
                "detail": _clash_detail(c),
                "score": num(c.get("score"), s.decimals),
                "a": sides["a"],
                "b": sides["b"],
            }
        )
    return out
