"""Framing of one event, compared across outlets: word choice, labels for the same referent,
frame dimensions, tone toward actors and loaded language.

``analyse_framing(docs, settings)`` is a pure function over one ``EventDocs``; it combines
``terms.py`` (distinctive terms, log-odds), ``labels.py`` (label variants through aligned
sentences), ``frames.py`` (15 MFC frame dimensions), ``tone.py`` (VADER tone toward actors)
and ``loaded.py`` (loaded-language scores). ``save_framing(con, result)`` writes the tables
of migration ``m005_framing`` (documented in ``docs/schema.md``). Every finding keeps
the ``sentence_id``s it rests on.

Speed (measured 2026-11-28, 2 shared CPU cores, models already loaded): a 50-article event of
984 sentences takes 4-6 s (``evaluation/eval_framing.py``, "speed" row); most of it is the
spaCy passes (tagger on aligned sentences, parser on sentences with a referent head noun) and
phrase embeddings of the label search.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from pydantic import BaseModel, Field

from biascmp.compare.frames import FrameSettings, frame_shares
from biascmp.compare.labels import Concept, LabelSettings, find_label_variants
from biascmp.compare.loaded import LoadedSettings, loaded_scores
from biascmp.compare.terms import Term, TermSettings, distinctive_terms
from biascmp.compare.tone import ActorTone, ToneSettings, actor_tone
from biascmp.records import EventArticle, EventDocs
from biascmp.store.writes import insert_arrow


class FramingSettings(BaseModel):
    """Settings of the framing analysis, one block per part."""

    terms: TermSettings = Field(default_factory=TermSettings, description="Distinctive terms.")
    labels: LabelSettings = Field(default_factory=LabelSettings, description="Label variants.")
    frames: FrameSettings = Field(default_factory=FrameSettings, description="Frame classifier.")
    tone: ToneSettings = Field(default_factory=ToneSettings, description="Tone toward actors.")
    loaded: LoadedSettings = Field(default_factory=LoadedSettings, description="Loaded language.")


@dataclass
class LoadedSentence:
    sentence_id: str
    outlet: str
    score: float
    text: str

    def to_dict(self) -> dict:
        return {
            "sentence_id": self.sentence_id,
            "outlet": self.outlet,
            "score": round(self.score, 4),
            "text": self.text,
        }


@dataclass
class FramingResult:
    event_id: str
    terms: dict[str, list[Term]]
    labels: list[Concept]
    frames: dict[str, dict[str, float]]
    tone: dict[str, dict[str, ActorTone]]
    loaded: list[LoadedSentence]
    #: share of each outlet's sentences scored as loaded
    loaded_share: dict[str, float] = field(default_factory=dict)
    #: (sentence_id, frame, confidence) for every sentence: what the frame shares rest on
    sentence_frames: list[tuple[str, str, float]] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "event_id": self.event_id,
            "terms": {o: [t.to_dict() for t in ts] for o, ts in self.terms.items()},
            "labels": [c.to_dict() for c in self.labels],
            "frames": {o: dict(f) for o, f in self.frames.items()},
            "tone": {o: {a: t.to_dict() for a, t in row.items()} for o, row in self.tone.items()},
            "loaded": [s.to_dict() for s in self.loaded],
            "loaded_share": dict(self.loaded_share),
        }


def outlet_terms(
    articles: list[EventArticle], settings: TermSettings | None = None
) -> dict[str, list[Term]]:
    """Each outlet's distinctive terms across a whole corpus (all events' articles)."""
    return distinctive_terms(articles, settings)


def analyse_framing(docs: EventDocs, settings: FramingSettings | None = None) -> FramingResult:
    """Word choice, labels, frames, tone and loaded language of one event, per outlet."""
    settings = settings or FramingSettings()
    sents = docs.sentences
    outlet_of = {a.article_id: a.outlet for a in docs.articles}
    scores = loaded_scores([s.text for s in sents], np.asarray(docs.embeddings), settings.loaded)
    by_id = {s.sentence_id: float(v) for s, v in zip(sents, scores)}
    terms = distinctive_terms(docs.articles, settings.terms, sentence_scores=by_id)
    labels = find_label_variants(docs, settings.labels)
    frames, sentence_frames = frame_shares(docs, settings.frames)
    tone = actor_tone(docs, settings.tone)

    flagged: Counter = Counter()
    totals: Counter = Counter()
    loaded = []
    for sent, score in zip(sents, scores):
        outlet = outlet_of[sent.article_id]
        totals[outlet] += 1
        if score >= settings.loaded.threshold:
            flagged[outlet] += 1
            loaded.append(LoadedSentence(sent.sentence_id, outlet, float(score), sent.text))
    loaded.sort(key=lambda s: (-s.score, s.sentence_id))
    share = {o: round(flagged[o] / totals[o], 4) for o in sorted(totals)}
    return FramingResult(
        event_id=docs.event_id,
        terms=terms,
        labels=labels,
        frames=frames,
        tone=tone,
        loaded=loaded[: settings.loaded.top_n],
        loaded_share=share,
        sentence_frames=sentence_frames,
    )


_TABLES = (
    "framing_terms",
    "framing_labels",
    "framing_frames",
    "framing_sentence_frames",
    "framing_tone",
    "framing_loaded",
)


def _insert_columns(con, table: str, columns: list[str], rows: list[tuple]) -> None:
    """Bulk insert through Arrow (one statement, whatever the row count)."""
    import pyarrow as pa

    insert_arrow(con, table, pa.table({c: [r[i] for r in rows] for i, c in enumerate(columns)}))


def save_framing(con, result: FramingResult) -> None:
    """Replace the event's rows in the framing tables (migration ``m005_framing``). The caller
    wraps this in a transaction."""
    eid = result.event_id
    for table in _TABLES:
        con.execute(f"DELETE FROM {table} WHERE event_id = ?", [eid])
    _insert_columns(con, "framing_terms",
            ["event_id", "outlet", "rank", "term", "z", "count", "other_count", "sentence_ids"],
            [(eid, outlet, rank, t.term, float(t.z), t.count, t.other_count, list(t.sentence_ids))
             for outlet, ts in result.terms.items() for rank, t in enumerate(ts, start=1)])
    _insert_columns(con, "framing_labels",
            ["event_id", "concept_rank", "concept", "label", "label_key", "outlets", "count",
             "sentence_ids"],
            [(eid, ci, c.concept, v.label, v.key, list(v.outlets), v.count, list(v.sentence_ids))
             for ci, c in enumerate(result.labels, start=1) for v in c.variants])
    _insert_columns(con, "framing_frames", ["event_id", "outlet", "frame", "share"],
            [(eid, o, f, float(s)) for o, fs in result.frames.items() for f, s in fs.items()])
    _insert_columns(con, "framing_sentence_frames", ["event_id", "sentence_id", "frame", "confidence"],
            [(eid, sid, f, float(c)) for sid, f, c in result.sentence_frames])
    _insert_columns(con, "framing_tone",
            ["event_id", "outlet", "actor", "score", "n", "ci_low", "ci_high", "sentence_ids"],
            [(eid, o, actor, float(t.score), t.n, float(t.ci[0]), float(t.ci[1]),
              list(t.sentence_ids))
             for o, row in result.tone.items() for actor, t in row.items()])
    _insert_columns(con, "framing_loaded", ["event_id", "sentence_id", "outlet", "score", "text"],
            [(eid, s.sentence_id, s.outlet, float(s.score), s.text) for s in result.loaded])
