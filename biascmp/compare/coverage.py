"""Checklist mode: for a user's list of key facts, which articles of an event cover each one?

For every fact and every article: the best evidence unit (a sentence, or two adjacent
sentences read together, since a fact such as "adopted 93-18-65" is often split over two
sentences) by the alignment decision score of ``align.py`` (cosine + lexical, entity and
number agreement, negation), and ``covered`` when that score reaches the threshold.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from pydantic import BaseModel, Field

from biascmp.compare.align import (
    AlignSettings,
    StatementFeatures,
    decision_score,
    merge_features,
    weights,
    pair_vector,
    statement_features,
)
from biascmp.errors import BadInput
from biascmp.records import EventDocs, Sentence


def _coverage_align_defaults() -> AlignSettings:
    """Weights fitted by logistic regression on real cross-document coverage decisions (the
    ECB+ proxy: ``evaluation/eval_omissions.py --fit``, 2,707 fact x document pairs from 42
    topics, leave-topics-out CV); the demo gold is not used for fitting. The threshold is the
    model's own 0.5 (more likely covered than not), not tuned on any gold."""
    return AlignSettings(
        bias=-2.241,
        w_cosine=1.960,
        w_lexical=2.486,
        w_entity=0.040,
        w_entity_missing=-0.254,
        w_number_agree=0.980,
        w_number_missing=-0.347,
        w_number_conflict=0.218,
        w_date_agree=0.694,
        w_date_conflict=0.087,
        w_negation=-0.102,
        threshold=0.5,
    )


class CoverageSettings(BaseModel):
    """How a fact is matched against an article."""

    align: AlignSettings = Field(default_factory=_coverage_align_defaults)
    """Decision weights and threshold for fact (query) vs sentence (candidate)."""
    use_sentence_pairs: bool = True
    """Also try two adjacent sentences of the same paragraph read as one statement."""
    pair_penalty: float = 0.02
    """Subtracted from the cosine of a two-sentence unit so a single sentence wins ties."""


@dataclass
class FactCoverage:
    article_id: str
    outlet: str
    covered: bool
    score: float
    sentence_id: str | None
    sentence: str | None

    def to_dict(self) -> dict:
        return {
            "article_id": self.article_id,
            "outlet": self.outlet,
            "covered": self.covered,
            "score": round(self.score, 4),
            "sentence_id": self.sentence_id,
            "sentence": self.sentence,
        }


@dataclass
class CheckedFact:
    fact_id: str
    text: str
    coverage: list[FactCoverage] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "fact_id": self.fact_id,
            "text": self.text,
            "coverage": [c.to_dict() for c in self.coverage],
        }


@dataclass
class CoverageResult:
    event_id: str
    facts: list[CheckedFact]

    def to_dict(self) -> dict:
        return {"event_id": self.event_id, "facts": [f.to_dict() for f in self.facts]}


def load_facts(path: str | Path) -> list[dict]:
    """Read a user's checklist: a text file with one fact a line (blank lines and lines
    starting with ``#`` skipped; ids ``F01``, ``F02``, ...), or JSON ``[{"id", "text"}]``
    (``fact_id`` accepted for ``id``; a missing id becomes ``F<n>``).
    Returns ``[{"fact_id", "text"}]``; raises ``BadInput`` naming the problem."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BadInput(str(path), "facts file not found") from None
    except (OSError, UnicodeDecodeError) as err:
        raise BadInput(str(path), f"cannot read facts file ({err})") from None
    stripped = raw.strip()
    if not stripped:
        raise BadInput(str(path), "facts file is empty")
    if path.suffix.lower() == ".json" or stripped[0] in "[{":
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as err:
            raise BadInput(str(path), f"invalid JSON at line {err.lineno}: {err.msg}") from None
        if not isinstance(data, list):
            raise BadInput(str(path), 'expected a JSON list of {"id", "text"} objects')
        facts, seen = [], set()
        for n, item in enumerate(data):
            if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                raise BadInput(str(path), f'item {n}: expected an object with a "text" string')
            if not item["text"].strip():
                raise BadInput(str(path), f"item {n}: empty text")
            given = item.get("id", item.get("fact_id"))
            fid = str(given) if given is not None else f"F{n + 1:02d}"
            if fid in seen:
                raise BadInput(str(path), f"item {n}: duplicate id {fid!r}")
            seen.add(fid)
            facts.append({"fact_id": fid, "text": " ".join(item["text"].split())})
        if not facts:
            raise BadInput(str(path), "no facts in file")
        return facts
    lines = [ln.strip() for ln in raw.splitlines()]
    lines = [ln for ln in lines if ln and not ln.startswith("#")]
    if not lines:
        raise BadInput(str(path), "no facts in file")
    return [{"fact_id": f"F{n + 1:02d}", "text": ln} for n, ln in enumerate(lines)]


def fact_statement(text: str, fact_id: str = "fact") -> Sentence:
    """A fact text as one ``Sentence`` (entities, numbers, lemmas over the whole text)."""
    from biascmp.annotate import annotate_sentences
    from biascmp.text import extract_numbers

    text = " ".join(text.split())
    sentence = Sentence(fact_id, fact_id, 0, 0, text, numbers=extract_numbers(text))
    return annotate_sentences([sentence])[0]


@dataclass
class _Unit:
    """A sentence or two adjacent sentences of one article: what a fact is matched against."""

    article_index: int
    sentence_index: int  # first sentence (its id and text are the evidence)
    length: int
    features: StatementFeatures


def evidence_units(docs: EventDocs, settings: CoverageSettings, feats=None):
    """Units and their (normalised) embeddings: every sentence, plus adjacent same-paragraph
    sentence pairs when enabled (embedding = normalised mean of the two)."""
    feats = feats or [
        statement_features(s, a.published) for a in docs.articles for s in a.sentences
    ]
    emb = np.asarray(docs.embeddings, dtype=np.float32)
    units: list[_Unit] = []
    rows: list[np.ndarray] = []
    offsets = []
    idx = 0
    for ai, art in enumerate(docs.articles):
        offsets.append(idx)
        for k, _ in enumerate(art.sentences):
            units.append(_Unit(ai, idx + k, 1, feats[idx + k]))
            rows.append(emb[idx + k])
        if settings.use_sentence_pairs:
            for k in range(len(art.sentences) - 1):
                a, b = art.sentences[k], art.sentences[k + 1]
                if a.paragraph != b.paragraph:
                    continue
                v = emb[idx + k] + emb[idx + k + 1]
                v = v / max(float(np.linalg.norm(v)), 1e-12)
                units.append(_Unit(ai, idx + k, 2, merge_features([feats[idx + k], feats[idx + k + 1]])))
                rows.append(v.astype(np.float32))
        idx += len(art.sentences)
    matrix = np.vstack(rows) if rows else np.zeros((0, emb.shape[1] if emb.ndim == 2 else 1))
    return units, matrix


def coverage(
    docs: EventDocs,
    facts: list[dict],
    embedder=None,
    settings: CoverageSettings | None = None,
) -> CoverageResult:
    """For every fact (``{"fact_id", "text"}``) and every article: covered or not, the best
    evidence sentence and its score. Articles in ``docs`` order, facts in input order."""
    settings = settings or CoverageSettings()
    if embedder is None:
        from biascmp.embed import get_embedder

        embedder = get_embedder()
    sentences = docs.sentences
    emb = np.asarray(docs.embeddings, dtype=np.float32)
    units, matrix = evidence_units(docs, settings)
    fact_vecs = embedder.encode([f["text"] for f in facts])
    sims = fact_vecs @ matrix.T if len(units) else np.zeros((len(facts), 0))
    penalties = np.array([settings.pair_penalty * (u.length - 1) for u in units])
    by_article: dict[int, list[int]] = {}
    for ui, u in enumerate(units):
        by_article.setdefault(u.article_index, []).append(ui)
    w = tuple(weights(settings.align))
    floor = settings.align.min_cosine - 0.15
    result = []
    for fi, fact in enumerate(facts):
        q = statement_features(fact_statement(fact["text"], fact["fact_id"]))
        checked = CheckedFact(fact_id=fact["fact_id"], text=fact["text"])
        for ai, art in enumerate(docs.articles):
            best = (-1.0, None)
            for ui in by_article.get(ai, []):
                cos = float(sims[fi, ui]) - penalties[ui]
                if cos < floor:
                    continue
                score = decision_score(
                    pair_vector(cos, q, units[ui].features, symmetric=False), settings.align, w
                )
                if score > best[0] + 1e-12:
                    best = (score, ui)
            score, ui = best
            if ui is None:
                checked.coverage.append(
                    FactCoverage(art.article_id, art.outlet, False, 0.0, None, None)
                )
                continue
            unit = units[ui]
            members = list(range(unit.sentence_index, unit.sentence_index + unit.length))
            # evidence id: the unit's sentence closest to the fact; text: the whole unit
            lead = max(members, key=lambda k: (float(fact_vecs[fi] @ emb[k]), -k))
            first = sentences[lead]
            text = " ".join(sentences[k].text for k in members)
            checked.coverage.append(
                FactCoverage(
                    article_id=art.article_id,
                    outlet=art.outlet,
                    covered=score >= settings.align.threshold,
                    score=score,
                    sentence_id=first.sentence_id,
                    sentence=text,
                )
            )
        result.append(checked)
    return CoverageResult(event_id=docs.event_id, facts=result)
