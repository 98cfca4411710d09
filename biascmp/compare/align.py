"""Cross-outlet statement alignment: does sentence B state the same information as A?

Used by the omissions analysis (facts = groups of aligned sentences), by checklist coverage
(a user's fact against every sentence of an article) and reusable by framing (the same fact
told differently). Two steps, both cheap:

1. *Candidates*: cosine similarities from one matrix product over the event's L2-normalised
   sentence embeddings, top-k per sentence per other article, above a floor.
2. *Decision*: a logistic score over a few interpretable pair features, because cosine alone
   mixes up "same topic" with "same information": shared named entities, agreeing or clashing
   numbers and dates, lexical overlap of content lemmas and a negation mismatch.

Everything that is a threshold or a weight lives in ``AlignSettings``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from pydantic import BaseModel, Field

from biascmp.records import EventDocs, Sentence

#: spaCy labels whose entities are quantities, dates or times; compared as numbers/dates,
#: not as names.
NUMERIC_LABELS = frozenset(
    {"CARDINAL", "ORDINAL", "QUANTITY", "PERCENT", "MONEY", "DATE", "TIME"}
)
NEGATION_LEMMAS = frozenset({"not", "n't", "never", "no", "neither", "nor", "without"})
_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for m in names
}
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DAY_MONTH_RE = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH_RE})\b\.?", re.I)
_MONTH_DAY_RE = re.compile(rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b", re.I)
_ISO_RE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
          "eight": 8, "nine": 9}
_COMPOUND_RE = re.compile(
    rf"\b({'|'.join(_TENS)})[-\s]({'|'.join(_UNITS)})\b", re.IGNORECASE
)
_ENTITY_STRIP_RE = re.compile(r"^(the|a|an)\s+|'s$|’s$", re.I)


class AlignSettings(BaseModel):
    """Candidate generation and the same-information decision for a pair of statements."""

    top_k: int = Field(3, ge=1)
    """Candidates kept per sentence and per other article (highest cosine first)."""
    min_cosine: float = 0.42
    """Cosine floor for a candidate pair; below it two sentences are never the same fact."""
    bias: float = -7.0
    """Intercept of the logistic decision score."""
    w_cosine: float = 9.0
    """Weight of the MiniLM cosine similarity."""
    w_lexical: float = 3.0
    """Weight of content-lemma overlap (share of the query's content lemmas found)."""
    w_entity: float = 1.0
    """Weight of the share of the query's names (people, places, organisations) that the
    other statement names too."""
    w_entity_missing: float = -1.0
    """Weight of the share of the query's names the other statement lacks (0 when the
    query names nobody)."""
    w_number_agree: float = 1.0
    """Weight of the share of the query's numbers that the other statement states too."""
    w_number_missing: float = -1.0
    """Weight of the share of the query's numbers the other statement does not state."""
    w_number_conflict: float = -1.5
    """Weight when the other statement gives numbers the query lacks while missing some of
    the query's (a different figure: another fact, or a contradiction)."""
    w_date_agree: float = 0.5
    """Weight of the share of the query's calendar days the other statement names too."""
    w_date_conflict: float = -1.0
    """Weight when both name calendar days and none is shared."""
    w_negation: float = -1.0
    """Weight when exactly one of the two statements is negated."""
    threshold: float = 0.5
    """Score (0..1) from which two statements count as the same information."""


#: Order of the pair features (and of the weights).
FEATURES = (
    "cosine", "lexical", "entity", "entity_missing", "number_agree", "number_missing",
    "number_conflict", "date_agree", "date_conflict", "negation",
)
#: Features that encode a disagreement: left out of the "same statement apart from the
#: clash" score used to find contradictions.
CONFLICT_FEATURES = ("number_missing", "number_conflict", "date_conflict", "negation",
                     "entity_missing")
_KEEP_AGREEMENT = tuple(0.0 if name in CONFLICT_FEATURES else 1.0 for name in FEATURES)


@dataclass
class StatementFeatures:
    """What the decision looks at in one statement, computed once per sentence."""

    content: frozenset[str]
    entities: frozenset[str]
    entity_tokens: frozenset[str]
    #: each name with its tokens, for partial matches
    entity_parts: tuple[tuple[str, frozenset[str]], ...]
    numbers: frozenset[str]
    dates: frozenset[str]
    negated: bool


#: English function words and reporting filler left out of lexical overlap (our own short
#: list, so the analysis does not need to import spaCy when sentences come from the store).
FUNCTION_WORDS = frozenset(
    """a about above after again all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each either else
    ever every few for from further had has have having he her here hers herself him himself
    his how i if in into is it its itself just let may me might more most much must my myself
    of off on once only or other our ours ourselves out over own per same shall she should
    since so some such than that the their theirs them themselves then there these they this
    those though through thus to too under until up upon us very was we were what when where
    whether which while who whom whose why will with within would yet you your yours yourself
    yourselves 's 've 'll 'd 're 'm one say said tell told""".split()
)


def _stop_words() -> frozenset[str]:
    return FUNCTION_WORDS - NEGATION_LEMMAS


def _norm_entity(text: str) -> str:
    text = " ".join(text.lower().replace("’", "'").split())
    return _ENTITY_STRIP_RE.sub("", text).strip()


def normalise_dates(text: str, published: date | None = None) -> set[str]:
    """Calendar days and weekdays a text names, as ``"m-d"`` / ``"weekday"`` strings. With
    the article's publication date, weekdays, "today" and "yesterday" become calendar days
    (a weekday is read as the latest such day on or before publication, as news uses it)."""
    days: set[str] = set()
    for m in _DAY_MONTH_RE.finditer(text):
        days.add(f"{_MONTHS[m.group(2).lower().rstrip('.')]}-{int(m.group(1))}")
    for m in _MONTH_DAY_RE.finditer(text):
        days.add(f"{_MONTHS[m.group(1).lower().rstrip('.')]}-{int(m.group(2))}")
    for m in _ISO_RE.finditer(text):
        days.add(f"{int(m.group(2))}-{int(m.group(3))}")
    low = text.lower()
    for n, wd in enumerate(_WEEKDAYS):
        if re.search(rf"\b{wd}\b", low):
            if published is None:
                days.add(wd)
            else:
                day = published - timedelta(days=(published.weekday() - n) % 7)
                days.add(f"{day.month}-{day.day}")
    if published is not None:
        if re.search(r"\btoday\b", low):
            days.add(f"{published.month}-{published.day}")
        if re.search(r"\byesterday\b", low):
            day = published - timedelta(days=1)
            days.add(f"{day.month}-{day.day}")
    return days


def sentence_numbers(sentence: Sentence) -> list[str]:
    """The sentence's numbers, with compound number words ("ninety-three") read as one
    number rather than as "90" and "3"."""
    from biascmp.text import extract_numbers

    if not _COMPOUND_RE.search(sentence.text):
        return list(sentence.numbers)
    text = _COMPOUND_RE.sub(
        lambda m: str(_TENS[m.group(1).lower()] + _UNITS[m.group(2).lower()]), sentence.text
    )
    return extract_numbers(text)


def statement_features(sentence: Sentence, published: date | None = None) -> StatementFeatures:
    """Content lemmas, names, numbers (outside date expressions), days and negation;
    ``published`` (the article's date) resolves relative days."""
    from biascmp.text import extract_numbers

    stop = _stop_words()
    content = frozenset(
        lem for lem in sentence.lemmas if lem not in stop and any(c.isalnum() for c in lem)
    )
    names = [e for e in sentence.entities if e.label not in NUMERIC_LABELS]
    entities = frozenset(_norm_entity(e.text) for e in names if _norm_entity(e.text))
    entity_tokens = frozenset(
        tok for ent in entities for tok in ent.split() if tok not in stop and len(tok) > 1
    )
    date_text = " ".join(e.text for e in sentence.entities if e.label in ("DATE", "TIME"))
    date_numbers = set(extract_numbers(date_text)) if date_text else set()
    numbers = frozenset(n for n in sentence_numbers(sentence) if n not in date_numbers)
    return StatementFeatures(
        content=content,
        entities=entities,
        entity_tokens=entity_tokens,
        entity_parts=tuple((e, frozenset(e.split())) for e in sorted(entities)),
        numbers=numbers,
        dates=frozenset(normalise_dates(date_text, published) if date_text else ()),
        negated=any(lem in NEGATION_LEMMAS for lem in sentence.lemmas),
    )


def merge_features(parts: list[StatementFeatures]) -> StatementFeatures:
    """Features of several adjacent sentences read as one statement."""
    return StatementFeatures(
        content=frozenset().union(*(p.content for p in parts)),
        entities=frozenset().union(*(p.entities for p in parts)),
        entity_tokens=frozenset().union(*(p.entity_tokens for p in parts)),
        entity_parts=tuple(sorted(set().union(*(p.entity_parts for p in parts)))),
        numbers=frozenset().union(*(p.numbers for p in parts)),
        dates=frozenset().union(*(p.dates for p in parts)),
        negated=any(p.negated for p in parts),
    )


def _share(query: frozenset, other: frozenset) -> float:
    return len(query & other) / len(query) if query else 0.0


def _entity_share(q: StatementFeatures, c: StatementFeatures) -> float:
    """Share of q's names found in c; a name counts as found when one of its tokens is
    ("Peskov" vs "Dmitry Peskov")."""
    if not q.entities:
        return 0.0
    found = 0
    for name, tokens in q.entity_parts:
        if name in c.entities or not tokens.isdisjoint(c.entity_tokens):
            found += 1
    return found / len(q.entity_parts)


def _directed(cosine: float, q: StatementFeatures, c: StatementFeatures) -> list[float]:
    ent = _entity_share(q, c)
    num = _share(q.numbers, c.numbers)
    days = {d for d in q.dates if "-" in d}
    cdays = {d for d in c.dates if "-" in d}
    return [
        float(cosine),
        _share(q.content, c.content),
        ent,
        (1.0 - ent) if q.entities else 0.0,
        num,
        (1.0 - num) if q.numbers else 0.0,
        1.0 if (q.numbers - c.numbers and c.numbers - q.numbers) else 0.0,
        len(days & cdays) / len(days) if days else 0.0,
        1.0 if (days and cdays and not (days & cdays)) else 0.0,
        1.0 if q.negated != c.negated else 0.0,
    ]


def pair_vector(cosine: float, q: StatementFeatures, c: StatementFeatures, symmetric: bool):
    """The decision's inputs (in ``FEATURES`` order) for query ``q`` against candidate ``c``.
    Directed (a short fact vs a long sentence): shares of the query found in the candidate.
    ``symmetric`` (sentence vs sentence): the mean of both directions."""
    forward = _directed(cosine, q, c)
    if not symmetric:
        return forward
    backward = _directed(cosine, c, q)
    return [(x + y) / 2 for x, y in zip(forward, backward)]


def weights(settings: AlignSettings) -> np.ndarray:
    return np.array([getattr(settings, "w_" + name) for name in FEATURES], dtype=np.float64)


def decision_score(vector, settings: AlignSettings, w: tuple[float, ...] | None = None) -> float:
    """Logistic same-information score in 0..1 for one pair vector (``w``: the settings'
    weights in ``FEATURES`` order, passed in by hot loops to save the lookups)."""
    w = w or tuple(getattr(settings, "w_" + name) for name in FEATURES)
    z = settings.bias + sum(a * b for a, b in zip(w, vector))
    return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))


def agreement_score(vector, settings: AlignSettings) -> float:
    """The decision score with the disagreement features zeroed: how much two statements
    look like the same statement apart from what they disagree on."""
    return decision_score([x * k for x, k in zip(vector, _KEEP_AGREEMENT)], settings)


@dataclass(frozen=True)
class AlignedPair:
    """Two sentences of different outlets judged (or considered) to state the same thing."""

    i: int  # index into ``EventDocs.sentences``
    j: int
    cosine: float
    score: float
    vector: tuple[float, ...] = ()  # symmetric pair features, ``FEATURES`` order


def align_event(docs: EventDocs, settings: AlignSettings | None = None):
    """Every candidate pair across outlets with its decision score.

    Returns ``(pairs, features)``: ``pairs`` sorted by ``(i, j)`` with ``i < j``, all
    candidates (the caller keeps those with ``score >= threshold``); ``features`` the
    per-sentence ``StatementFeatures`` (reused for contradictions).
    """
    settings = settings or AlignSettings()
    sentences = docs.sentences
    feats = [statement_features(s, a.published) for a in docs.articles for s in a.sentences]
    n = len(sentences)
    if n == 0:
        return [], feats
    emb = np.asarray(docs.embeddings, dtype=np.float32)
    sims = emb @ emb.T
    outlet_of = []
    article_of = []
    for ai, art in enumerate(docs.articles):
        outlet_of += [art.outlet] * len(art.sentences)
        article_of += [ai] * len(art.sentences)
    outlet_arr = np.array(outlet_of, dtype=object)
    article_arr = np.array(article_of)
    starts = np.searchsorted(article_arr, np.arange(len(docs.articles)))
    ends = np.searchsorted(article_arr, np.arange(len(docs.articles)), side="right")
    candidates: set[tuple[int, int]] = set()
    k = settings.top_k
    for ai in range(len(docs.articles)):
        lo, hi = starts[ai], ends[ai]
        if lo == hi:
            continue
        for bi in range(len(docs.articles)):
            blo, bhi = starts[bi], ends[bi]
            if bi == ai or blo == bhi or outlet_arr[lo] == outlet_arr[blo]:
                continue
            block = sims[lo:hi, blo:bhi]
            kk = min(k, bhi - blo)
            # top-k per row, ties broken by position (argsort is stable on -values)
            top = np.argsort(-block, axis=1, kind="stable")[:, :kk]
            for r in range(hi - lo):
                for c in top[r]:
                    if block[r, c] >= settings.min_cosine:
                        a, b = lo + r, blo + int(c)
                        candidates.add((a, b) if a < b else (b, a))
    pairs = []
    w = tuple(weights(settings))
    for a, b in sorted(candidates):
        cos = float(sims[a, b])
        vec = tuple(pair_vector(cos, feats[a], feats[b], symmetric=True))
        pairs.append(AlignedPair(i=a, j=b, cosine=cos, score=decision_score(vec, settings, w), vector=vec))
    return pairs, feats
