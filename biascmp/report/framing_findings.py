"""The report's framing section: distinctive terms, label variants, frame shares, tone toward
actors and loaded language, read from the framing analysis' ``to_dict()`` with evidence
sentences filled in from the articles."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from biascmp.report.evidence import SentenceIndex, num

if TYPE_CHECKING:
    from biascmp.report.model import ReportSettings


def terms(framing: dict, outlets: list[str], index: SentenceIndex, s: ReportSettings) -> dict:
    """Per outlet, its top distinctive terms with z, count and evidence sentences."""
    given = framing.get("terms") or {}
    terms = {}
    for outlet in outlets:
        rows = []
        for t in (given.get(outlet) or [])[: s.terms_per_outlet]:
            ids = [str(x) for x in t.get("sentence_ids") or []][: s.evidence_per_finding]
            rows.append(
                {
                    "term": str(t.get("term")),
                    "z": num(t.get("z"), s.decimals),
                    "count": t.get("count"),
                    "evidence": [index.evidence(i, decimals=s.decimals) for i in ids],
                }
            )
        terms[outlet] = rows
    return terms


def labels(
    framing: dict, outlets: list[str], index: SentenceIndex, s: ReportSettings
) -> list[dict]:
    """Referents the outlets name differently: each variant with its outlets and evidence,
    and per outlet the variants it uses (the side-by-side table)."""
    concepts = []
    for c in framing.get("labels") or []:
        variants = []
        for v in c.get("variants") or []:
            ids = [str(x) for x in v.get("sentence_ids") or []][: s.evidence_per_finding]
            variants.append(
                {
                    "label": str(v.get("label")),
                    "outlets": sorted(str(o) for o in v.get("outlets") or []),
                    "count": v.get("count"),
                    "evidence": [index.evidence(i, decimals=s.decimals) for i in ids],
                }
            )
        by_outlet = {o: [v["label"] for v in variants if o in v["outlets"]] for o in outlets}
        concepts.append(
            {"concept": str(c.get("concept")), "variants": variants, "by_outlet": by_outlet}
        )
    return concepts


def _share_of(value) -> float | None:
    if isinstance(value, dict):
        value = value.get("share")
    return value


def frames(framing: dict, outlets: list[str], s: ReportSettings) -> dict:
    """Per outlet, {frame: share of its sentences}, largest share first."""
    given = framing.get("frames") or {}
    out = {}
    for outlet in outlets:
        shares = {
            str(k): num(_share_of(v), s.decimals) for k, v in (given.get(outlet) or {}).items()
        }
        out[outlet] = dict(sorted(shares.items(), key=lambda kv: (-(kv[1] or 0.0), kv[0])))
    return out


def tone(framing: dict, outlets: list[str], s: ReportSettings) -> tuple[dict, list[str]]:
    """Per outlet {actor: {score, n}}, and the main actors: most mentioned across outlets."""
    given = framing.get("tone") or {}
    tone = {}
    mentions: Counter = Counter()
    for outlet in outlets:
        actors = {}
        for actor, v in sorted((given.get(outlet) or {}).items()):
            v = v if isinstance(v, dict) else {"score": v}
            n = int(v.get("n") or 0)
            actors[str(actor)] = {"score": num(v.get("score"), s.decimals), "n": n}
            mentions[str(actor)] += n
        tone[outlet] = actors
    main = [a for a, _ in sorted(mentions.items(), key=lambda kv: (-kv[1], kv[0]))][: s.main_actors]
    return tone, main


def loaded(framing: dict, index: SentenceIndex, s: ReportSettings) -> list[dict]:
    """Loaded-language sentences as evidence with their score, highest first."""
    items = []
    for item in framing.get("loaded") or []:
        if not isinstance(item, dict) or not item.get("sentence_id"):
            continue
        ev = index.evidence(
            item.get("sentence_id"),
            item.get("outlet"),
            item.get("article_id"),
            item.get("sentence") or item.get("text"),
            item.get("score"),
            s.decimals,
        )
        ev["score"] = num(item.get("score"), s.decimals)
        items.append(ev)
    items.sort(key=lambda e: (-(e["score"] or 0.0), e["sentence_id"]))
    return items[: s.max_loaded]
