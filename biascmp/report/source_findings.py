"""The report's sources section: every attributed statement with its canonical speaker, and
per-outlet profiles (speakers, affiliation mix, direct share, named voices quoted elsewhere but
not here) computed from the statements so the schema does not depend on the analysis'
profile fields."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING

from biascmp.report.evidence import SentenceIndex, num, text_or_none

if TYPE_CHECKING:
    from biascmp.report.model import ReportSettings


def _speaker_key(q: dict) -> tuple[str, str]:
    """(speaker id, display name); unnamed speakers are grouped by their affiliation."""
    name = q.get("speaker")
    sid = q.get("speaker_id") or name
    if not name:
        aff = q.get("affiliation") or "unattributed"
        return f"({aff})", f"({aff})"
    return str(sid), str(name)


def quotes(sources: dict, index: SentenceIndex, s: ReportSettings) -> list[dict]:
    """Every attributed statement with its evidence sentence and canonical speaker name."""
    canonical = {
        sp.get("speaker_id"): sp.get("name")
        for sp in sources.get("speakers") or []
        if isinstance(sp, dict) and sp.get("speaker_id") and sp.get("name")
    }
    out = []
    for q in sources.get("quotes") or []:
        ev = index.evidence(
            q.get("sentence_id"), q.get("outlet"), q.get("article_id"), decimals=s.decimals
        )
        if q.get("speaker_id") in canonical:
            q = {**q, "speaker": canonical[q["speaker_id"]]}
        sid, name = _speaker_key(q)
        out.append(
            {
                "quote_id": text_or_none(q.get("quote_id")),
                "outlet": ev["outlet"],
                "article_id": ev["article_id"],
                "sentence_id": ev["sentence_id"],
                "sentence_ids": [str(x) for x in q.get("sentence_ids") or [ev["sentence_id"]] if x],
                "sentence": ev["sentence"],
                "type": text_or_none(q.get("type")),
                "text": text_or_none(q.get("text")),
                "cue": text_or_none(q.get("cue")),
                "speaker": name,
                "speaker_id": sid,
                "role": text_or_none(q.get("role")),
                "affiliation": text_or_none(q.get("affiliation")) or "other",
                "country": text_or_none(q.get("country")),
            }
        )
    return out


def source_profiles(quotes: list[dict], outlets: list[str], s: ReportSettings) -> dict:
    """Per outlet: counts by type and affiliation, speakers (most quoted first) and the
    named speakers other outlets quote but this one does not."""
    by_outlet: dict[str, list[dict]] = defaultdict(list)
    for q in quotes:
        by_outlet[q["outlet"]].append(q)
    quoted_by: dict[str, set[str]] = defaultdict(set)
    names: dict[str, str] = {}
    named: set[str] = set()  # speakers with a name: anonymous sources are not "missing" voices
    for q in quotes:
        if q["outlet"]:
            quoted_by[q["speaker_id"]].add(q["outlet"])
        names.setdefault(q["speaker_id"], q["speaker"])
        if q["affiliation"] != "anonymous" and not q["speaker_id"].startswith("("):
            named.add(q["speaker_id"])
    profiles = {}
    for outlet in outlets:
        mine = by_outlet.get(outlet, [])
        speakers: dict[str, dict] = {}
        for q in mine:
            sp = speakers.setdefault(
                q["speaker_id"],
                {
                    "speaker_id": q["speaker_id"],
                    "speaker": q["speaker"],
                    "affiliation": q["affiliation"],
                    "country": q["country"],
                    "n": 0,
                    "sentence_ids": [],
                },
            )
            sp["n"] += 1
            if q["sentence_id"] and q["sentence_id"] not in sp["sentence_ids"]:
                sp["sentence_ids"].append(q["sentence_id"])
        ranked = sorted(speakers.values(), key=lambda sp: (-sp["n"], sp["speaker"]))
        affiliations = Counter(q["affiliation"] for q in mine)
        types = Counter(q["type"] for q in mine)
        n = len(mine)
        unquoted = sorted(
            (sid for sid, who in quoted_by.items() if outlet not in who and sid in named),
            key=lambda sid: (-len(quoted_by[sid]), names[sid]),
        )
        profiles[outlet] = {
            "quotes": n,
            "direct": types.get("direct", 0),
            "indirect": types.get("indirect", 0),
            "direct_share": num(types.get("direct", 0) / n, s.decimals) if n else None,
            "distinct_speakers": len(speakers),
            "affiliations": dict(sorted(affiliations.items(), key=lambda kv: (-kv[1], kv[0]))),
            "speakers": ranked,
            "not_quoted": [
                {"speaker_id": sid, "speaker": names[sid], "quoted_by": sorted(quoted_by[sid])}
                for sid in unquoted
            ],
        }
    return profiles
