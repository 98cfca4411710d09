"""Labels for the same referent: "full-scale invasion" / "conflict" / "special operation".

Data-driven, no hand list of phrases. Two outlets that report the same statement write
sentences that are close in embedding space; where such a cross-outlet pair puts two different
short noun phrases in the same slot, the two phrases likely name the same thing. So:

1. align sentences across outlets (cosine similarity of their embeddings >= ``min_similarity``,
   at most ``neighbours`` partners per sentence);
2. diff the lemma sequences of each pair; a short replaced span with shared words on both
   sides (the same slot of the same statement) is a candidate pair of labels; both sides must
   be noun phrases (POS from the same spaCy tagger as the text stage, run on the aligned
   sentences only), must not be numbers (those are factual differences, not labels), and the
   two phrases must themselves be close in embedding space (``min_phrase_similarity``), which
   drops different things that merely fill the same slot; for near-identical sentences
   (``close_pair_overlap``) the slot is evidence enough and only a low floor applies, since
   euphemisms are far apart out of context;
3. join label pairs into referents (connected components, capped in size so unrelated labels
   do not chain together); a referent is named after its most widely used label;
4. count every label's uses in all the event's sentences, so each variant lists every outlet
   that uses it, with evidence sentence ids.

Only referents whose labels split the outlets (some outlet that names the referent never uses
some label) are reported: a pair that every outlet uses is not a framing difference.
"""

from __future__ import annotations

import difflib
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np
from pydantic import BaseModel, Field

from biascmp.compare.referents import REFERENT_HEADS, head_class_labels
from biascmp.compare.terms import STOP_WORDS, clause_breaks, entity_runs
from biascmp.records import EventDocs, Sentence

NOUN_POS = {"NOUN", "PROPN"}
#: parts of speech that make a span a clause rather than a name for something
NOT_IN_NOUN_PHRASE = {"VERB", "AUX", "PRON", "SCONJ"}
#: entity types that are times and amounts, not referents
NOT_REFERENTS = {"DATE", "TIME", "CARDINAL", "ORDINAL", "PERCENT", "MONEY", "QUANTITY"}


def _span_ok(runs: list[tuple[int, int, str]], lo: int, hi: int) -> bool:
    """A label may not cut a named entity in half ("United [States]") nor be a date/amount."""
    for start, end, label in runs:
        if start < hi and end > lo:
            if label in NOT_REFERENTS:
                return False
            if not (lo <= start and end <= hi):
                return False
    return True


class LabelSettings(BaseModel):
    """Settings of the label-variant analysis."""

    min_similarity: float = Field(
        0.55, description="Cosine similarity above which two sentences of different outlets "
        "may report the same statement (the slot and phrase tests below are the strict filters)."
    )
    neighbours: int = Field(8, description="Aligned partners kept per sentence (most similar).")
    max_label_tokens: int = Field(5, description="Longest label (in lemmas) after trimming.")
    min_phrase_similarity: float = Field(
        0.45,
        description="Cosine similarity the two differing phrases must have themselves (MiniLM): "
        "keeps 'Kiev'/'Ukraine' and 'conflict'/'Russian aggression', drops slot fillers that "
        "merely occupy the same place ('General Assembly'/'full-scale invasion').",
    )
    close_pair_overlap: float = Field(
        0.6,
        description="When two aligned sentences share at least this share of their lemmas, "
        "the slot alone is evidence enough and the phrase test is relaxed to "
        "``close_pair_phrase_similarity`` (euphemisms such as 'special military operation' "
        "vs 'full-scale invasion' are far apart out of context).",
    )
    close_pair_phrase_similarity: float = Field(
        0.2, description="Phrase similarity floor for pairs of near-identical sentences."
    )
    max_concept_labels: int = Field(
        8, description="Largest referent (labels); bigger components are cut at weak links."
    )
    max_evidence: int = Field(5, description="Sentence ids kept per variant as evidence.")
    max_concepts: int = Field(30, description="Referents reported per event, most outlets first.")
    referent_heads: dict[str, list[str]] = Field(
        default_factory=lambda: {k: list(v) for k, v in REFERENT_HEADS.items()},
        description="Classes of general news head nouns that name one kind of referent (see "
        "``referents.py``); noun phrases headed by them are labels for that referent. Empty: "
        "only aligned-sentence diffs are used.",
    )
    max_class_variants: int = Field(
        30, description="Variants kept per head-noun referent, most outlets first."
    )


@dataclass
class LabelVariant:
    label: str  # the surface form seen most often
    key: str  # lemma form used for matching
    outlets: list[str]
    count: int
    sentence_ids: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "label": self.label,
            "outlets": list(self.outlets),
            "count": self.count,
            "sentence_ids": list(self.sentence_ids),
        }


@dataclass
class Concept:
    concept: str
    variants: list[LabelVariant]
    #: aligned sentence pairs the labels were found in: (sentence_id, sentence_id)
    pairs: list[tuple[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "concept": self.concept,
            "variants": [v.to_dict() for v in self.variants],
            "pairs": [list(p) for p in self.pairs],
        }


def aligned_pairs(docs: EventDocs, settings: LabelSettings) -> list[tuple[int, int, float]]:
    """Cross-outlet sentence pairs ``(i, j, similarity)`` with ``i < j`` (indices into
    ``docs.sentences``), most similar first."""
    sents = docs.sentences
    if len(sents) < 2:
        return []
    outlet_of = {a.article_id: a.outlet for a in docs.articles}
    outlets = np.array([outlet_of[s.article_id] for s in sents])
    emb = np.asarray(docs.embeddings, dtype=np.float32)
    sim = emb @ emb.T
    sim[outlets[:, None] == outlets[None, :]] = -1.0
    k = min(settings.neighbours, len(sents) - 1)
    found: dict[tuple[int, int], float] = {}
    top = np.argsort(-sim, axis=1, kind="stable")[:, :k]
    for i in range(len(sents)):
        for j in top[i]:
            s = float(sim[i, j])
            if s < settings.min_similarity:
                break
            a, b = (i, int(j)) if i < j else (int(j), i)
            found[(a, b)] = s
    return sorted(((a, b, s) for (a, b), s in found.items()), key=lambda x: (-x[2], x[0], x[1]))


def _trim(lemmas: list[str], lo: int, hi: int) -> tuple[int, int]:
    while lo < hi and lemmas[lo] in STOP_WORDS:
        lo += 1
    while hi > lo and lemmas[hi - 1] in STOP_WORDS:
        hi -= 1
    return lo, hi


def _is_wordy(tokens: list[str]) -> bool:
    return any(t.isalpha() and t not in STOP_WORDS for t in tokens) and not any(
        any(ch.isdigit() for ch in t) for t in tokens
    )


def diff_labels(
    a: Sentence, b: Sentence, settings: LabelSettings
) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Candidate label pairs of two aligned sentences, as lemma index ranges: every replaced
    span that has shared words on both sides (the same slot in the same statement), is short
    after trimming stop words, holds a content word, no number and no clause punctuation."""
    la, lb = a.lemmas, b.lemmas
    ops = difflib.SequenceMatcher(None, la, lb, autojunk=False).get_opcodes()
    breaks_a, breaks_b = clause_breaks(a), clause_breaks(b)
    runs_a, runs_b = entity_runs(a), entity_runs(b)
    out = []
    for k, (tag, i1, i2, j1, j2) in enumerate(ops):
        if tag != "replace" or k == 0 or k == len(ops) - 1:
            continue
        if ops[k - 1][0] != "equal" or ops[k + 1][0] != "equal":
            continue
        i1, i2 = _trim(la, i1, i2)
        j1, j2 = _trim(lb, j1, j2)
        if not (0 < i2 - i1 <= settings.max_label_tokens and 0 < j2 - j1 <= settings.max_label_tokens):
            continue
        if not (_is_wordy(la[i1:i2]) and _is_wordy(lb[j1:j2])) or la[i1:i2] == lb[j1:j2]:
            continue
        if any(x in breaks_a for x in range(i1, i2 - 1)) or any(x in breaks_b for x in range(j1, j2 - 1)):
            continue
        if not (_span_ok(runs_a, i1, i2) and _span_ok(runs_b, j1, j2)):
            continue
        out.append(((i1, i2), (j1, j2)))
    return out


def _key(lemmas: list[str]) -> str:
    return " ".join(lemmas)


class _Tagger:
    """POS tags and surface words per sentence, aligned with ``Sentence.lemmas``: the text
    stage's own spaCy pipeline, without the parser and NER (fast), on the few sentences that
    need it."""

    def __init__(self, sentences: list[Sentence]):
        from biascmp.annotate import load_nlp

        nlp = load_nlp()
        self.info: dict[str, tuple[list[str], list[tuple[int, int]]] | None] = {}
        self.texts: dict[str, str] = {}
        texts = [s.text for s in sentences]
        with nlp.select_pipes(enable=["tok2vec", "tagger", "attribute_ruler", "lemmatizer"]):
            docs = list(nlp.pipe(texts, batch_size=128))
        for sent, doc in zip(sentences, docs):
            toks = [t for t in doc if not (t.is_punct or t.is_space) and t.lemma_.strip()]
            if len(toks) != len(sent.lemmas):
                self.info[sent.sentence_id] = None
                continue
            self.info[sent.sentence_id] = (
                [t.pos_ for t in toks],
                [(t.idx, t.idx + len(t.text)) for t in toks],
            )
            self.texts[sent.sentence_id] = doc.text

    def is_noun_phrase(self, sent: Sentence, lo: int, hi: int) -> bool:
        info = self.info.get(sent.sentence_id)
        if info is None:
            return True  # cannot tell: keep
        pos = info[0][lo:hi]
        if any(p in NOT_IN_NOUN_PHRASE for p in pos):
            return False
        return pos[-1] in NOUN_POS or (pos[-1] == "ADJ" and any(p in NOUN_POS for p in pos))

    def surface(self, sent: Sentence, lo: int, hi: int) -> str:
        info = self.info.get(sent.sentence_id)
        if info is None:
            return " ".join(sent.lemmas[lo:hi])
        offsets = info[1]
        return self.texts[sent.sentence_id][offsets[lo][0] : offsets[hi - 1][1]]


def find_label_variants(docs: EventDocs, settings: LabelSettings | None = None) -> list[Concept]:
    """Referents that the event's outlets name differently, with each label's outlets and
    evidence sentences: labels found in aligned sentences, and noun phrases headed by a
    referent noun class (``referents.py``); a diff referent that shares a label with a head
    class is merged into it."""
    settings = settings or LabelSettings()
    concepts = _class_concepts(docs, settings)
    for c in _diff_concepts(docs, settings):
        keys = {v.key for v in c.variants}
        target = next((k for k in concepts if keys & {v.key for v in k.variants}), None)
        if target is None:
            concepts.append(c)
            continue
        have = {v.key for v in target.variants}
        target.variants.extend(v for v in c.variants if v.key not in have)
        target.variants.sort(key=lambda v: (-len(v.outlets), -v.count, v.key))
        target.pairs = sorted(set(target.pairs) | set(c.pairs))[: settings.max_evidence]
    concepts.sort(key=lambda c: (-len({o for v in c.variants for o in v.outlets}),
                                 -sum(v.count for v in c.variants), c.concept))
    return concepts[: settings.max_concepts]


def _class_concepts(docs: EventDocs, settings: LabelSettings) -> list[Concept]:
    """One referent per head-noun class whose noun phrases split the outlets."""
    out = []
    for found in head_class_labels(docs, settings.referent_heads, settings.max_label_tokens,
                                   settings.max_evidence):
        variants = []
        for key, (surfaces, outlets, count, ids) in found["variants"].items():
            label = sorted(surfaces.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
            variants.append(LabelVariant(label, key, sorted(outlets), count, list(ids)))
        naming = {o for v in variants for o in v.outlets}
        if len(variants) < 2 or len(naming) < 2:
            continue
        if all(len(v.outlets) == len(naming) for v in variants):
            continue
        variants.sort(key=lambda v: (-len(v.outlets), -v.count, v.key))
        variants = variants[: settings.max_class_variants]
        out.append(Concept(variants[0].label, variants, []))
    return out


def _diff_concepts(docs: EventDocs, settings: LabelSettings) -> list[Concept]:
    """Referents found where aligned sentences of two outlets put different noun phrases in
    the same slot."""
    sents = docs.sentences
    outlet_of = {a.article_id: a.outlet for a in docs.articles}
    candidates = []
    for i, j, _ in aligned_pairs(docs, settings):
        for spans in diff_labels(sents[i], sents[j], settings):
            candidates.append((i, j, spans))
    if not candidates:
        return []
    involved = sorted({k for i, j, _ in candidates for k in (i, j)})
    tagger = _Tagger([sents[k] for k in involved])
    nouns = []
    for i, j, ((i1, i2), (j1, j2)) in candidates:
        a, b = sents[i], sents[j]
        if tagger.is_noun_phrase(a, i1, i2) and tagger.is_noun_phrase(b, j1, j2):
            overlap = difflib.SequenceMatcher(None, a.lemmas, b.lemmas, autojunk=False).ratio()
            nouns.append((a, b, tagger.surface(a, i1, i2), tagger.surface(b, j1, j2), (i1, i2),
                          (j1, j2), overlap))
    if not nouns:
        return []
    from biascmp.embed import get_embedder

    phrases = sorted({p for n in nouns for p in (n[2], n[3])})
    vecs = dict(zip(phrases, get_embedder().encode(phrases)))

    edges: Counter = Counter()
    pair_ids: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    surfaces: dict[str, Counter] = defaultdict(Counter)
    for a, b, sa, sb, (i1, i2), (j1, j2), overlap in nouns:
        floor = (settings.close_pair_phrase_similarity if overlap >= settings.close_pair_overlap
                 else settings.min_phrase_similarity)
        if float(vecs[sa] @ vecs[sb]) < floor:
            continue
        ka, kb = _key(a.lemmas[i1:i2]), _key(b.lemmas[j1:j2])
        surfaces[ka][sa] += 1
        surfaces[kb][sb] += 1
        edge = (ka, kb) if ka < kb else (kb, ka)
        edges[edge] += 1
        pair_ids[edge].append((a.sentence_id, b.sentence_id))

    components = _components(edges, settings.max_concept_labels)
    usage = _usage({k for comp in components for k in comp}, docs, outlet_of, settings)
    concepts: list[Concept] = []
    for comp in components:
        variants = []
        for key in sorted(comp):
            outlets, count, ids = usage.get(key, ([], 0, []))
            if not outlets:
                continue
            label = sorted(surfaces[key].items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
            variants.append(LabelVariant(label, key, outlets, count, ids))
        naming = sorted({o for v in variants for o in v.outlets})
        if len(variants) < 2 or len(naming) < 2:
            continue
        if all(len(v.outlets) == len(naming) for v in variants):
            continue  # every outlet uses every label: no difference in framing
        variants.sort(key=lambda v: (-len(v.outlets), -v.count, v.key))
        pairs = sorted({p for e, ps in pair_ids.items() if e[0] in comp for p in ps})
        concepts.append(Concept(variants[0].label, variants, pairs[: settings.max_evidence]))
    concepts.sort(key=lambda c: (-len({o for v in c.variants for o in v.outlets}),
                                 -sum(v.count for v in c.variants), c.concept))
    return concepts[: settings.max_concepts]


def _components(edges: Counter, max_size: int) -> list[set[str]]:
    """Connected components of the label graph, built strongest edge first; an edge that
    would join two components into one larger than ``max_size`` is skipped."""
    parent: dict[str, str] = {}
    size: dict[str, int] = {}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for (a, b), _ in sorted(edges.items(), key=lambda kv: (-kv[1], kv[0])):
        for x in (a, b):
            if x not in parent:
                parent[x], size[x] = x, 1
        ra, rb = find(a), find(b)
        if ra == rb or size[ra] + size[rb] > max_size:
            continue
        if rb < ra:
            ra, rb = rb, ra
        parent[rb] = ra
        size[ra] += size[rb]
    groups: dict[str, set[str]] = defaultdict(set)
    for x in parent:
        groups[find(x)].add(x)
    return sorted(groups.values(), key=lambda g: sorted(g))


def _usage(
    keys: set[str], docs: EventDocs, outlet_of: dict[str, str], settings: LabelSettings
) -> dict[str, tuple[list[str], int, list[str]]]:
    """For each label (lemma key): outlets that use it anywhere in the event, total uses,
    evidence sentence ids. A label is matched as a run of whole lemmas."""
    by_len: dict[int, set[tuple[str, ...]]] = defaultdict(set)
    for k in keys:
        toks = tuple(k.split(" "))
        by_len[len(toks)].add(toks)
    outlets: dict[str, set[str]] = defaultdict(set)
    counts: Counter = Counter()
    ids: dict[str, list[str]] = defaultdict(list)
    for sent in docs.sentences:
        lem = sent.lemmas
        for n, grams in by_len.items():
            for i in range(len(lem) - n + 1):
                g = tuple(lem[i : i + n])
                if g in grams:
                    key = " ".join(g)
                    outlets[key].add(outlet_of[sent.article_id])
                    counts[key] += 1
                    if len(ids[key]) < settings.max_evidence and sent.sentence_id not in ids[key]:
                        ids[key].append(sent.sentence_id)
    return {k: (sorted(outlets[k]), counts[k], ids[k]) for k in outlets}


__all__ = [
    "Concept",
    "LabelSettings",
    "LabelVariant",
    "aligned_pairs",
    "diff_labels",
    "find_label_variants",
]
