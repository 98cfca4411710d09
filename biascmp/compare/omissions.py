"""Facts, omissions and contradictions across the outlets covering one event.

1. Align statements across outlets (``align.py``: cosine candidates + a decision over
   entities, numbers, lexical overlap and negation).
2. Group aligned statements into *facts* with complete-ish linkage: two groups merge only
   when most of their cross-outlet sentence pairs are aligned, so one loose pair cannot chain
   two different facts together.
3. For every fact told by at least ``min_outlets`` outlets: the reporting outlets with their
   best evidence sentence and score, and the outlets that leave it out. Facts most outlets
   report but a few omit rank first. Per outlet: its omission rate and the most notable facts
   it left out.
4. Contradictions: cross-outlet pairs that look like the same statement apart from the one
   thing that differs (the decision score without the number-clash and negation terms), whose
   numbers, calendar days, people named or polarity disagree.

Pure functions over ``EventDocs``; ``save_omissions`` writes the tables of migration m003.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from pydantic import BaseModel, Field

from biascmp.compare.align import (
    AlignedPair,
    FEATURES,
    AlignSettings,
    StatementFeatures,
    agreement_score,
    align_event,
    pair_vector,
)
from biascmp.records import EventDocs, Sentence
from biascmp.store.writes import insert_rows

_DEFAULT_OPPOSED = [
    ("approve", "reject"), ("support", "oppose"), ("abstain", "against"),
    ("accept", "reject"), ("confirm", "deny"), ("win", "lose"), ("rise", "fall"),
    ("increase", "decrease"), ("pass", "fail"), ("guilty", "innocent"), ("acquit", "convict"),
    ("allow", "ban"), ("agree", "refuse"), ("open", "close"), ("raise", "cut"),
]


class OmissionSettings(BaseModel):
    """Settings of the omissions analysis (facts, omissions, contradictions)."""

    align: AlignSettings = Field(default_factory=AlignSettings)
    """Sentence-vs-sentence alignment decision (candidates, weights, threshold)."""
    link_ratio: float = Field(0.5, ge=0.0, le=1.0)
    """Two groups of statements merge into one fact only when at least this share of their
    cross-outlet sentence pairs is aligned (1.0 = complete linkage, 0 = single linkage)."""
    min_outlets: int = Field(2, ge=1)
    """A fact must be told by at least this many outlets to be reported (a statement only
    one outlet makes is exclusive content, not something the others omitted)."""
    recover: bool = True
    """Second look for outlets missing from a fact: a pair scoring at least
    ``recover_threshold`` between one of their sentences and any sentence of the fact makes
    them reporting outlets (that sentence is their evidence)."""
    recover_threshold: float = 0.5
    """Score for the second look; lower than ``align.threshold`` it credits outlets that
    state the fact in looser words, since the fact itself is already established."""
    notable_per_outlet: int = Field(5, ge=0)
    """How many left-out facts to list per outlet (the most widely reported first)."""
    contradiction_threshold: float = 0.45
    """Minimum 'same statement apart from the clash' score (0..1) for a date, polarity or
    name contradiction (the pair must also name a common person, place or organisation)."""
    polarity_threshold: float = 0.8
    """Polarity (negation, opposite outcome words) is noisier: it needs this higher score."""
    polarity_min_lexical: float = 0.5
    """... and at least this content-lemma overlap between the two sentences."""
    negation_min_lexical: float = 0.7
    """A negation on one side only is a polarity contradiction only when the two sentences
    otherwise share at least this much wording (paraphrases often add a "not" elsewhere)."""
    contradiction_min_cosine: float = 0.35
    """Number contradictions: minimum cosine of two sentences giving different counts of the
    same thing."""
    number_ratio: float = Field(0.75, gt=0.0, le=1.0)
    """Two differing numbers clash only when the smaller is at least this share of the larger
    (93 vs 89 clash; 93 vs 141 are more likely different quantities than a disagreement)."""
    name_min_lexical: float = 0.5
    """For a name contradiction, the content-lemma overlap the two sentences need besides the
    differing names."""
    opposed_lemmas: list[tuple[str, str]] = Field(default_factory=lambda: list(_DEFAULT_OPPOSED))
    """Pairs of lemmas that state opposite outcomes ("approve"/"reject"): one on each side
    of an aligned pair is a polarity contradiction."""


@dataclass
class Mention:
    """One sentence that states a fact."""

    sentence_id: str
    article_id: str
    outlet: str
    sentence: str
    score: float  # best alignment score with a sentence of another outlet in the fact

    def to_dict(self) -> dict:
        return {
            "sentence_id": self.sentence_id,
            "article_id": self.article_id,
            "outlet": self.outlet,
            "sentence": self.sentence,
            "score": round(self.score, 4),
        }


@dataclass
class Fact:
    fact_id: str
    text: str  # the most central mention's sentence
    sentence_id: str
    mentions: list[Mention]
    reporting: list[Mention]  # best mention per reporting outlet, outlets sorted
    omitting: list[str]  # outlets of the event that do not report it
    n_outlets: int  # outlets in the event

    @property
    def n_reporting(self) -> int:
        return len(self.reporting)

    def to_dict(self) -> dict:
        return {
            "fact_id": self.fact_id,
            "text": self.text,
            "sentence_id": self.sentence_id,
            "n_reporting": self.n_reporting,
            "n_outlets": self.n_outlets,
            "reporting": [m.to_dict() for m in self.reporting],
            "omitting": list(self.omitting),
            "mentions": [m.to_dict() for m in self.mentions],
        }


@dataclass
class OutletOmissions:
    outlet: str
    n_facts: int
    n_omitted: int
    notable: list[Fact] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.n_omitted / self.n_facts if self.n_facts else 0.0

    def to_dict(self) -> dict:
        return {
            "outlet": self.outlet,
            "n_facts": self.n_facts,
            "n_omitted": self.n_omitted,
            "omission_rate": round(self.rate, 4),
            "notable_omissions": [
                {"fact_id": f.fact_id, "text": f.text, "n_reporting": f.n_reporting}
                for f in self.notable
            ],
        }


@dataclass
class Contradiction:
    contradiction_id: str
    fact_id: str | None
    kind: str  # "number" | "date" | "name" | "polarity"
    score: float  # the same-statement score of the pair
    sentence_a: Mention
    sentence_b: Mention
    values_a: list[str]
    values_b: list[str]

    def to_dict(self) -> dict:
        return {
            "contradiction_id": self.contradiction_id,
            "fact_id": self.fact_id,
            "kind": self.kind,
            "score": round(self.score, 4),
            "a": {**self.sentence_a.to_dict(), "values": list(self.values_a)},
            "b": {**self.sentence_b.to_dict(), "values": list(self.values_b)},
        }


@dataclass
class OmissionsResult:
    event_id: str
    outlets: list[str]
    n_articles: int
    facts: list[Fact]
    outlet_omissions: list[OutletOmissions]
    contradictions: list[Contradiction]

    def to_dict(self) -> dict:
        return {
            "event_id": self.event_id,
            "n_articles": self.n_articles,
            "outlets": list(self.outlets),
            "facts": [f.to_dict() for f in self.facts],
            "outlet_omissions": [o.to_dict() for o in self.outlet_omissions],
            "contradictions": [c.to_dict() for c in self.contradictions],
        }


# --------------------------------------------------------------------------- grouping


def group_statements(
    n: int, outlet_of: list[str], pairs: list[AlignedPair], settings: OmissionSettings
) -> list[list[int]]:
    """Groups of sentence indices: aligned pairs merged strongest first, a merge allowed
    only when at least ``link_ratio`` of the cross-outlet pairs between the two groups are
    aligned. Returns groups (sorted members) with at least two sentences.

    Link counts between groups and each group's outlet histogram are kept up to date while
    merging, so a merge test costs O(1) and a merge O(neighbour groups): linear in the
    aligned pairs, not in the product of group sizes."""
    threshold = settings.align.threshold
    edges = sorted((p for p in pairs if p.score >= threshold), key=lambda p: (-p.score, p.i, p.j))
    group_of = list(range(n))
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    outlets: dict[int, Counter] = {i: Counter([outlet_of[i]]) for i in range(n)}
    links: dict[int, Counter] = {i: Counter() for i in range(n)}  # group -> group -> aligned pairs
    for p in {(p.i, p.j) for p in edges}:
        i, j = p
        if outlet_of[i] != outlet_of[j]:
            links[i][j] += 1
            links[j][i] += 1
    for p in edges:
        ga, gb = group_of[p.i], group_of[p.j]
        if ga == gb:
            continue
        same_outlet = sum(c * outlets[gb][o] for o, c in outlets[ga].items())
        total = len(members[ga]) * len(members[gb]) - same_outlet
        if total and links[ga][gb] / total < settings.link_ratio:
            continue
        keep, drop = (ga, gb) if len(members[ga]) >= len(members[gb]) else (gb, ga)
        for x in members[drop]:
            group_of[x] = keep
        members[keep] = sorted(members[keep] + members.pop(drop))
        outlets[keep].update(outlets.pop(drop))
        for other, count in links.pop(drop).items():
            del links[other][drop]
            if other != keep:
                links[keep][other] += count
                links[other][keep] += count
        links[keep].pop(drop, None)
    return [m for m in members.values() if len(m) > 1]


def _mention(s: Sentence, outlet: str, score: float) -> Mention:
    return Mention(s.sentence_id, s.article_id, outlet, s.text, score)


def build_facts(docs: EventDocs, pairs: list[AlignedPair], settings: OmissionSettings) -> list[Fact]:
    """Facts told by at least ``min_outlets`` outlets, ranked: facts with omitting outlets
    first, the most widely reported first among them; ids ``F001``... in that order."""
    sentences = docs.sentences
    outlet_of = [a.outlet for a in docs.articles for _ in a.sentences]
    outlets = docs.outlets
    threshold = settings.align.threshold
    score_of = {(p.i, p.j): p.score for p in pairs}

    def pair_score(x: int, y: int) -> float:
        return score_of.get((min(x, y), max(x, y)), 0.0)

    neighbours: dict[int, list[tuple[int, float]]] = {}
    recover_at = min(threshold, settings.recover_threshold)
    for p in pairs:
        if p.score >= recover_at:
            neighbours.setdefault(p.i, []).append((p.j, p.score))
            neighbours.setdefault(p.j, []).append((p.i, p.score))

    drafts = []
    for group in group_statements(len(sentences), outlet_of, pairs, settings):
        member_set = set(group)
        best_with_other = {
            x: max(
                [pair_score(x, y) for y in group if outlet_of[y] != outlet_of[x]] or [0.0]
            )
            for x in group
        }
        if settings.recover:
            group_outlets = {outlet_of[x] for x in group}
            extra: dict[str, tuple[float, int]] = {}
            for x in group:
                for y, sc in neighbours.get(x, []):
                    o = outlet_of[y]
                    if y in member_set or o in group_outlets:
                        continue
                    if o not in extra or (sc, -y) > (extra[o][0], -extra[o][1]):
                        extra[o] = (sc, y)
            for o, (sc, y) in extra.items():
                best_with_other[y] = sc
        all_members = sorted(best_with_other)
        mentions = [
            _mention(sentences[x], outlet_of[x], best_with_other[x]) for x in all_members
        ]
        by_outlet: dict[str, Mention] = {}
        for m in mentions:
            cur = by_outlet.get(m.outlet)
            if cur is None or m.score > cur.score:
                by_outlet[m.outlet] = m
        if len(by_outlet) < settings.min_outlets:
            continue
        # most central original member: highest summed score to the rest, then earliest
        centre = max(group, key=lambda x: (sum(pair_score(x, y) for y in group if y != x), -x))
        drafts.append(
            Fact(
                fact_id="",
                text=sentences[centre].text,
                sentence_id=sentences[centre].sentence_id,
                mentions=mentions,
                reporting=[by_outlet[o] for o in sorted(by_outlet)],
                omitting=[o for o in outlets if o not in by_outlet],
                n_outlets=len(outlets),
            )
        )
    drafts.sort(
        key=lambda f: (
            0 if f.omitting else 1,
            -f.n_reporting,
            -sum(m.score for m in f.reporting) / max(f.n_reporting, 1),
            f.sentence_id,
        )
    )
    for k, f in enumerate(drafts, start=1):
        f.fact_id = f"F{k:03d}"
    return drafts


def outlet_omissions(outlets: list[str], facts: list[Fact], settings: OmissionSettings):
    """Per outlet: facts it could have reported (all facts), how many it left out, and the
    most widely reported among those (facts are already ranked)."""
    out = []
    for o in outlets:
        omitted = [f for f in facts if o in f.omitting]
        notable = sorted(omitted, key=lambda f: (-f.n_reporting, f.fact_id))
        out.append(OutletOmissions(o, len(facts), len(omitted), notable[: settings.notable_per_outlet]))
    return out


# --------------------------------------------------------------------------- contradictions


def _is_year(value: str) -> bool:
    return value.isdigit() and len(value) == 4 and value[:2] in ("19", "20")


def _to_float(value: str) -> float | None:
    try:
        return float(value.rstrip("%"))
    except ValueError:
        return None


def number_clash(a: frozenset[str], b: frozenset[str], ratio: float) -> tuple[list[str], list[str]] | None:
    """Differing numbers of comparable size on both sides (years compared as dates)."""
    a = frozenset(x for x in a if not _is_year(x))
    b = frozenset(x for x in b if not _is_year(x))
    only_a, only_b = sorted(a - b), sorted(b - a)
    if not only_a or not only_b:
        return None
    for x in only_a:
        fx = _to_float(x)
        for y in only_b:
            fy = _to_float(y)
            if fx is None or fy is None or x.endswith("%") != y.endswith("%"):
                continue
            lo, hi = sorted((abs(fx), abs(fy)))
            if hi > 0 and lo / hi >= ratio:
                return only_a, only_b
    return None


def date_clash(a: frozenset[str], b: frozenset[str]) -> tuple[list[str], list[str]] | None:
    """Different calendar days (or different weekdays) for what is otherwise the same."""
    for weekday in (False, True):
        da = {d for d in a if ("-" not in d) == weekday}
        db = {d for d in b if ("-" not in d) == weekday}
        if da and db and not (da & db):
            return sorted(da), sorted(db)
    return None


_NUMBER_WORDS = {
    "zero": "0", "none": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
    "six": "6", "seven": "7", "eight": "8", "nine": "9", "ten": "10", "eleven": "11",
    "twelve": "12", "thirteen": "13", "fourteen": "14", "fifteen": "15", "sixteen": "16",
    "seventeen": "17", "eighteen": "18", "nineteen": "19", "twenty": "20", "thirty": "30",
    "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70", "eighty": "80", "ninety": "90",
}


def _as_number(lemma: str) -> str | None:
    value = lemma.replace(",", "")
    if value.replace(".", "", 1).isdigit():
        return value
    return _NUMBER_WORDS.get(lemma)


def number_contexts(sentence: Sentence, window: int = 2) -> dict[str, set[str]]:
    """Each number the sentence states -> the content lemmas right after it (what it counts:
    "65 abstentions", "12,600 civilians"), up to ``window`` of them, skipping other numbers."""
    from biascmp.compare.align import FUNCTION_WORDS

    lemmas = list(sentence.lemmas)
    # "ninety three" (the hyphen is dropped from lemmas) -> "93"
    for k in range(len(lemmas) - 1):
        a, b = _NUMBER_WORDS.get(lemmas[k]), _NUMBER_WORDS.get(lemmas[k + 1])
        if a and b and int(a) >= 20 and int(a) % 10 == 0 and 0 < int(b) < 10:
            lemmas[k], lemmas[k + 1] = str(int(a) + int(b)), "-"
    out: dict[str, set[str]] = {}
    for k, lem in enumerate(lemmas):
        value = _as_number(lem)
        if value is None or _is_year(value):
            continue
        ctx: set[str] = set()
        for nxt in lemmas[k + 1 :]:
            if len(ctx) >= window:
                break
            if _as_number(nxt) is not None or nxt in FUNCTION_WORDS or nxt in ("-", "to"):
                continue
            ctx.add(nxt)
        out.setdefault(value, set()).update(ctx)
    return out


def counted_number_clash(
    a: dict[str, set[str]], b: dict[str, set[str]], ratio: float
) -> tuple[list[str], list[str]] | None:
    """Two statements give different counts of the same thing: no number in common, and a
    number on each side of comparable size followed by the same word (70 vs 65
    abstentions; 10 vs 93 votes are not comparable, so they are two different counts)."""
    if not a or not b or set(a) & set(b):
        return None
    matched = set()
    for x in sorted(a):
        for y in sorted(b):
            fx, fy = _to_float(x), _to_float(y)
            if fx is None or fy is None or not (a[x] & b[y]):
                continue
            lo, hi = sorted((abs(fx), abs(fy)))
            if hi > 0 and lo / hi >= ratio:
                matched.add(x)
    if matched:
        return sorted(a), sorted(b)
    return None


def find_contradictions(
    docs: EventDocs,
    pairs: list[AlignedPair],
    feats: list[StatementFeatures],
    facts: list[Fact],
    settings: OmissionSettings,
) -> list[Contradiction]:
    """Cross-outlet sentence pairs about the same thing that disagree:

    * number: different counts of the same thing (see ``counted_number_clash``), for any
      pair of sentences from different outlets with cosine >= ``contradiction_min_cosine``;
    * date / polarity / name: aligned candidate pairs that name a common person, place or
      organisation and look like the same statement apart from the disagreement
      (``agreement_score`` >= ``contradiction_threshold``; polarity needs
      ``polarity_threshold``): different calendar days; opposite outcome words or a negation
      on one side only; different people where the rest of the wording is the same.
    """
    import numpy as np

    sentences = docs.sentences
    outlet_of = [a.outlet for a in docs.articles for _ in a.sentences]
    fact_of: dict[str, str] = {}
    for f in facts:
        for m in f.mentions:
            fact_of.setdefault(m.sentence_id, f.fact_id)
    found: dict[tuple[int, int], tuple[str, float, tuple[list[str], list[str]]]] = {}

    # numbers: every cross-outlet pair of number-bearing sentences
    contexts = {i: number_contexts(s) for i, s in enumerate(sentences) if s.numbers}
    idx = sorted(contexts)
    if idx:
        emb = np.asarray(docs.embeddings, dtype=np.float32)[idx]
        sims = emb @ emb.T
        for r, i in enumerate(idx):
            for c in range(r + 1, len(idx)):
                j = idx[c]
                if outlet_of[i] == outlet_of[j] or sims[r, c] < settings.contradiction_min_cosine:
                    continue
                clash = counted_number_clash(contexts[i], contexts[j], settings.number_ratio)
                if clash:
                    found[(i, j)] = ("number", float(sims[r, c]), clash)

    lemma_sets = [frozenset(s.lemmas) for s in sentences]
    persons = [
        frozenset(e.text.lower() for e in s.entities if e.label == "PERSON") for s in sentences
    ]
    for p in pairs:
        if (p.i, p.j) in found:
            continue
        a, b = feats[p.i], feats[p.j]
        vec = p.vector or tuple(pair_vector(p.cosine, a, b, symmetric=True))
        same = agreement_score(vec, settings.align)
        shares_name = vec[FEATURES.index("entity")] > 0
        if same < settings.contradiction_threshold or not shares_name:
            continue
        kind = values = None
        clash = date_clash(a.dates, b.dates)
        if clash:
            kind, values = "date", clash
        lexical = vec[FEATURES.index("lexical")]
        if kind is None and same >= settings.polarity_threshold and lexical >= settings.polarity_min_lexical:
            la, lb = lemma_sets[p.i], lemma_sets[p.j]
            for x, y in settings.opposed_lemmas:
                if (x in la and y in lb and y not in la and x not in lb) or (
                    y in la and x in lb and x not in la and y not in lb
                ):
                    kind = "polarity"
                    values = ([x] if x in la else [y], [y] if y in lb else [x])
                    break
            if kind is None and a.negated != b.negated and lexical >= settings.negation_min_lexical:
                kind = "polarity"
                values = (["negated"] if a.negated else [], ["negated"] if b.negated else [])
        if kind is None and persons[p.i] and persons[p.j]:
            pa, pb = persons[p.i], persons[p.j]
            tok_a = {t for n in pa for t in n.split()}
            tok_b = {t for n in pb for t in n.split()}
            if not (tok_a & tok_b):
                rest_a, rest_b = a.content - tok_a, b.content - tok_b
                if rest_a and rest_b:
                    lex = 2 * len(rest_a & rest_b) / (len(rest_a) + len(rest_b))
                    if lex >= settings.name_min_lexical:
                        kind, values = "name", (sorted(pa), sorted(pb))
        if kind is not None:
            found[(p.i, p.j)] = (kind, same, values)

    out = []
    for (i, j), (kind, score, values) in found.items():
        sa, sb = sentences[i], sentences[j]
        out.append(
            Contradiction(
                contradiction_id="",
                fact_id=fact_of.get(sa.sentence_id) or fact_of.get(sb.sentence_id),
                kind=kind,
                score=score,
                sentence_a=_mention(sa, outlet_of[i], score),
                sentence_b=_mention(sb, outlet_of[j], score),
                values_a=list(values[0]),
                values_b=list(values[1]),
            )
        )
    out.sort(key=lambda c: (-c.score, c.sentence_a.sentence_id, c.sentence_b.sentence_id))
    for k, c in enumerate(out, start=1):
        c.contradiction_id = f"C{k:03d}"
    return out


# --------------------------------------------------------------------------- entry point


def analyse_omissions(docs: EventDocs, settings: OmissionSettings | None = None) -> OmissionsResult:
    """Facts with their reporting and omitting outlets, per-outlet omission rates and
    contradictions for one event. Deterministic: same docs + settings -> same result."""
    settings = settings or OmissionSettings()
    pairs, feats = align_event(docs, settings.align)
    facts = build_facts(docs, pairs, settings)
    return OmissionsResult(
        event_id=docs.event_id,
        outlets=docs.outlets,
        n_articles=len(docs.articles),
        facts=facts,
        outlet_omissions=outlet_omissions(docs.outlets, facts, settings),
        contradictions=find_contradictions(docs, pairs, feats, facts, settings),
    )


def save_omissions(con, result: OmissionsResult) -> None:
    """Replace the event's rows in ``facts``, ``fact_mentions``, ``omissions`` and
    ``contradictions`` (the caller wraps this in a transaction)."""
    eid = result.event_id
    for table in ("facts", "fact_mentions", "omissions", "contradictions"):
        con.execute(f"DELETE FROM {table} WHERE event_id = ?", [eid])
    insert_rows(con, "facts", [
        [eid, f.fact_id, rank, f.text, f.sentence_id, f.n_reporting, f.n_outlets]
        for rank, f in enumerate(result.facts, start=1)
    ])
    best = {(f.fact_id, m.sentence_id) for f in result.facts for m in f.reporting}
    insert_rows(con, "fact_mentions", [
        [eid, f.fact_id, m.sentence_id, m.article_id, m.outlet, m.score,
         (f.fact_id, m.sentence_id) in best]
        for f in result.facts
        for m in f.mentions
    ])
    insert_rows(con, "omissions", [[eid, f.fact_id, o] for f in result.facts for o in f.omitting])
    insert_rows(con, "contradictions", [
        [
            eid, c.contradiction_id, c.fact_id, c.kind, c.score,
            c.sentence_a.sentence_id, c.sentence_a.article_id, c.sentence_a.outlet, c.values_a,
            c.sentence_b.sentence_id, c.sentence_b.article_id, c.sentence_b.outlet, c.values_b,
        ]
        for c in result.contradictions
    ])
