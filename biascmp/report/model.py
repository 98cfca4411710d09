"""Build the per-event comparison Report: one JSON-ready dict combining the framing, omission
and source analyses of one event, with every finding traced to the sentences it rests on.

The Report is the single object every renderer (terminal, JSON, Markdown, HTML) reads, so the
renderers never re-run or re-rank an analysis. ``build_report`` is pure: the same inputs give
the same dict, key for key and in the same order (no clock, no randomness; ties sorted by
name). The analyses' ``to_dict()`` shapes are read tolerantly: optional keys may be missing,
and evidence sentences missing from a finding are filled in from the event's articles.
The schema is documented field by field in ``docs/report.md``.
"""

from __future__ import annotations

from collections import Counter

from pydantic import BaseModel, ConfigDict, Field

from biascmp.records import EventDocs
from biascmp.report import framing_findings, omission_findings, source_findings
from biascmp.report.evidence import SentenceIndex, article_records

SCHEMA = "biascmp.report/1"


class ReportSettings(BaseModel):
    """How much of each analysis the report keeps (the analyses decide what is significant;
    these only bound how many findings are shown)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    summary_terms: int = Field(6, ge=0, description="Distinctive terms per outlet in the summary.")
    summary_frames: int = Field(3, ge=0, description="Dominant frames per outlet in the summary.")
    summary_omitted: int = Field(
        3, ge=0, description="Most notable omitted facts per outlet in the summary."
    )
    summary_speakers: int = Field(
        5, ge=0, description="Most quoted speakers per outlet in the summary."
    )
    main_actors: int = Field(
        5, ge=0, description="Actors (most mentioned across outlets) whose tone the summary shows."
    )
    terms_per_outlet: int = Field(
        15, ge=0, description="Distinctive terms per outlet in the framing section."
    )
    evidence_per_finding: int = Field(
        3, ge=1, description="Evidence sentences kept per term or label variant."
    )
    max_facts: int = Field(
        200, ge=0, description="Facts kept in the omissions section, in the analysis' rank order."
    )
    max_loaded: int = Field(
        30, ge=0, description="Loaded-language sentences kept, highest score first."
    )
    decimals: int = Field(
        3,
        ge=1,
        le=8,
        description="Scores are rounded to this many decimals so JSON is byte-stable.",
    )


def _summary(outlets, docs, terms, frames, facts, rates, profiles, tone, main_actors, s) -> dict:
    n_articles = Counter(a.outlet for a in docs.articles)
    summary = {}
    for outlet in outlets:
        # the most notable omissions: facts most other outlets report (the analysis' rank
        # order breaks ties)
        omitted = [f for f in facts if outlet in f["omitted_by"]]
        omitted = sorted(enumerate(omitted), key=lambda kv: (-len(kv[1]["reported_by"]), kv[0]))
        prof = profiles[outlet]
        summary[outlet] = {
            "articles": n_articles.get(outlet, 0),
            "stresses": {
                "terms": [
                    {
                        "term": t["term"],
                        "z": t["z"],
                        "sentence_ids": [e["sentence_id"] for e in t["evidence"]],
                    }
                    for t in terms[outlet][: s.summary_terms]
                ],
                "frames": [
                    {"frame": k, "share": v}
                    for k, v in list(frames[outlet].items())[: s.summary_frames]
                    if v
                ],
            },
            "leaves_out": {
                "omission_rate": rates[outlet]["omission_rate"],
                "facts": [
                    {
                        "fact_id": f["fact_id"],
                        "text": f["text"],
                        "reported_by": len(f["reported_by"]),
                    }
                    for _, f in omitted[: s.summary_omitted]
                ],
            },
            "quotes": {
                "quotes": prof["quotes"],
                "direct_share": prof["direct_share"],
                "top_speakers": [
                    {
                        "speaker_id": sp["speaker_id"],
                        "speaker": sp["speaker"],
                        "affiliation": sp["affiliation"],
                        "n": sp["n"],
                    }
                    for sp in prof["speakers"][: s.summary_speakers]
                ],
                "affiliations": prof["affiliations"],
            },
            "tone": [{"actor": a, **tone[outlet][a]} for a in main_actors if a in tone[outlet]],
        }
    return summary


def build_report(
    docs: EventDocs,
    omissions: dict,
    sources: dict,
    framing: dict,
    *,
    meta: dict | None = None,
    settings: ReportSettings | None = None,
) -> dict:
    """Combine the three analyses of one event into the Report (see ``docs/report.md``).

    ``omissions``, ``sources`` and ``framing`` are the analyses' ``to_dict()`` results (empty
    dicts are fine: their sections come out empty). ``meta`` (run id, settings, a timestamp)
    is copied as given; nothing else in the report depends on when or where it was built.
    """
    s = settings or ReportSettings()
    omissions, sources, framing = omissions or {}, sources or {}, framing or {}
    index = SentenceIndex(docs)
    outlets = docs.outlets
    facts = omission_findings.facts(omissions, outlets, index, s)
    rates = omission_findings.omission_rates(omissions, facts, outlets, s)
    terms = framing_findings.terms(framing, outlets, index, s)
    frames = framing_findings.frames(framing, outlets, s)
    tone, main_actors = framing_findings.tone(framing, outlets, s)
    quotes = source_findings.quotes(sources, index, s)
    profiles = source_findings.source_profiles(quotes, outlets, s)
    summary = _summary(outlets, docs, terms, frames, facts, rates, profiles, tone, main_actors, s)
    return {
        "schema": SCHEMA,
        "event": {
            "event_id": docs.event_id,
            "label": docs.label,
            "outlets": outlets,
            "articles": len(docs.articles),
            "sentences": sum(len(a.sentences) for a in docs.articles),
        },
        "meta": dict(meta) if meta else {},
        "summary": summary,
        "framing": {
            "terms": terms,
            "labels": framing_findings.labels(framing, outlets, index, s),
            "frames": frames,
            "tone": tone,
            "main_actors": main_actors,
            "loaded": framing_findings.loaded(framing, index, s),
        },
        "omissions": {"facts": facts, "outlets": rates},
        "contradictions": omission_findings.contradictions(omissions, facts, index, s),
        "sources": {"outlets": profiles, "quotes": quotes},
        "articles": article_records(docs),
    }
