"""Distinctive terms: which words does each outlet choose that the others do not?

Weighted log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008,
"Fightin' Words", section 3.5) over lemmatised 1-3-grams, each outlet against all the other
outlets pooled. The prior is the pooled counts of the batch itself (scaled by
``prior_weight``), which shrinks rare n-grams toward "no difference" so that a word used once
does not top the list. Each term gets a z-score; terms with ``z >= min_z`` are kept.

So that the list reads as word choices rather than topic words:
- n-grams made only of named-entity tokens are dropped (every outlet names Russia; that is
  topic, not framing); mixed n-grams such as "kiev regime" are kept;
- n-grams may not start or end with a stop word (except a hyphenated compound such as
  "so-called", whose parts the lemmatiser splits) and may not contain numbers;
- a shorter n-gram is dropped when a longer kept n-gram containing it has almost the same
  count for the outlet (it is the same choice, reported once).

A pure function over a list of ``EventArticle``: call it with one event's articles, or with
every article of a corpus to get each outlet's habits across events. Deterministic: ties are
broken by term text.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from pydantic import BaseModel, Field

from biascmp.records import EventArticle, Sentence

_TOKEN_RE = re.compile(r"[\w']+")
_HYPHEN_RE = re.compile(r"\b(\w+)-(\w+)\b")
_HAS_DIGIT = re.compile(r"\d")
#: spaCy-like word tokens of a sentence, to find where punctuation cut it into clauses
_SURFACE_RE = re.compile(
    r"\w+(?=n't)|n't|['’](?:s|re|ve|ll|d|m)\b|\w+(?:\.\w+)+\.?|\w+|[^\w\s]"
)
_BREAK_PUNCT = set(",;:()[]\"“”«»!?.–—…")


class TermSettings(BaseModel):
    """Settings of the distinctive-terms analysis."""

    max_n: int = Field(3, description="Longest n-gram (in lemmas) counted.")
    prior_weight: float = Field(
        0.1,
        description="Dirichlet prior strength: alpha_w = prior_weight * pooled count of w, so "
        "the prior holds this share of the data (0.1: a tenth). Higher is more conservative "
        "for rare n-grams; at 0.1 a term only one outlet uses twice reaches z ~ 2.",
    )
    min_z: float = Field(1.96, description="Significance cut on the z-score (two-sided 5%).")
    min_count: int = Field(2, description="An outlet must use a term at least this often.")
    top_n: int = Field(30, description="Terms kept per outlet, highest z first.")
    drop_entity_ngrams: bool = Field(
        True, description="Drop n-grams made only of named-entity tokens (topic, not framing)."
    )
    subsume_ratio: float = Field(
        0.8,
        description="Drop an n-gram when a kept longer n-gram containing it has at least this "
        "share of its count for the outlet.",
    )
    max_evidence: int = Field(5, description="Sentence ids kept per term as evidence.")


@dataclass
class Term:
    """One distinctive term of one outlet."""

    term: str  # lemma n-gram, hyphenated compounds joined by "-"
    z: float
    count: int  # uses by the outlet
    other_count: int  # uses by all the other outlets together
    sentence_ids: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "term": self.term,
            "z": round(self.z, 3),
            "count": self.count,
            "sentence_ids": list(self.sentence_ids),
        }


#: English function words (determiners, pronouns, prepositions, conjunctions, auxiliaries,
#: particles). Deliberately short: spaCy's stop list also holds content words ("call",
#: "back", "full", "serious") that are real word choices in news framing.
STOP_WORDS = frozenset(
    """
    a an the this that these those some any each every either neither no all both few many
    much more most other another such what which whose who whom whoever whatever whichever
    i me my mine myself we us our ours ourselves you your yours yourself yourselves he him
    his himself she her hers herself it its itself they them their theirs themselves one
    be am is are was were been being have has had having do does did doing will would shall
    should can could may might must ought 's ' ’s ’ not n't no nor
    of in on at by for with about against between into through during before after above
    below to from up down out off over under again further than then once via per upon
    within without toward towards among amid across along around behind beyond near onto
    and or but if because as until while although though whether so yet also too very just
    only even there here when where why how now ever
    """.split()
)


def entity_runs(sentence: Sentence) -> list[tuple[int, int, str]]:
    """``(start, end, label)`` lemma ranges of the sentence's named entities.

    Entities carry character offsets and lemmas do not, so an entity's lower-cased word
    tokens are matched as a run in the lemma list (proper nouns keep their form when
    lemmatised)."""
    lemmas = sentence.lemmas
    runs = []
    for ent in sentence.entities:
        toks = [t.lower() for t in _TOKEN_RE.findall(ent.text) if t not in ("'s", "’s")]
        if not toks:
            continue
        k = len(toks)
        for i in range(len(lemmas) - k + 1):
            if lemmas[i : i + k] == toks:
                runs.append((i, i + k, ent.label))
    return runs


def entity_mask(sentence: Sentence) -> list[bool]:
    """True for each lemma position that lies inside a named entity of the sentence."""
    mask = [False] * len(sentence.lemmas)
    for start, end, _ in entity_runs(sentence):
        for j in range(start, end):
            mask[j] = True
    return mask


def clause_breaks(sentence: Sentence) -> set[int]:
    """Lemma positions ``i`` followed by clause punctuation (comma, colon, quote mark, dash),
    so that no n-gram runs across it. Lemmas carry no punctuation, so the sentence text is
    re-tokenised spaCy-style; when the word counts do not agree no breaks are known."""
    breaks: set[int] = set()
    words = 0
    for tok in _SURFACE_RE.findall(sentence.text):
        if len(tok) == 1 and not (tok.isalnum() or tok == "_"):
            if tok in _BREAK_PUNCT and words:
                breaks.add(words - 1)
            continue
        words += 1
    return breaks if words == len(sentence.lemmas) else set()


def hyphen_links(sentence: Sentence) -> set[int]:
    """Positions ``i`` where lemmas ``i`` and ``i+1`` come from one hyphenated word
    ("so-called" -> "so", "call"), so the pair can be shown and kept as one compound."""
    lemmas = sentence.lemmas
    links: set[int] = set()
    for m in _HYPHEN_RE.finditer(sentence.text):
        a, b = m.group(1).lower(), m.group(2).lower()
        for i in range(len(lemmas) - 1):
            if lemmas[i] == a and lemmas[i + 1][:3] == b[:3]:
                links.add(i)
    return links


def sentence_ngrams(sentence: Sentence, settings: TermSettings) -> list[str]:
    """The countable n-grams of one sentence (lemma form, compounds hyphenated)."""
    lemmas = sentence.lemmas
    ents = entity_mask(sentence) if settings.drop_entity_ngrams else [False] * len(lemmas)
    links = hyphen_links(sentence)
    breaks = clause_breaks(sentence)
    out: list[str] = []
    for n in range(1, settings.max_n + 1):
        for i in range(len(lemmas) - n + 1):
            gram = lemmas[i : i + n]
            if any(_HAS_DIGIT.search(t) or not _TOKEN_RE.fullmatch(t) for t in gram):
                continue
            if any(j in breaks for j in range(i, i + n - 1)):
                continue
            if all(ents[i : i + n]):
                continue
            if all(t in STOP_WORDS for t in gram):
                continue
            # a compound may not be cut in half
            if (i - 1) in links or (i + n - 1) in links:
                continue
            first_ok = gram[0] not in STOP_WORDS or i in links
            last_ok = gram[-1] not in STOP_WORDS or (i + n - 2) in links and n > 1
            if not (first_ok and last_ok):
                continue
            parts = [gram[0]]
            for j in range(1, n):
                parts.append(("-" if (i + j - 1) in links else " ") + gram[j])
            out.append("".join(parts))
    return out


def _log_odds_z(y_i: float, n_i: float, y_j: float, n_j: float, a_w: float, a_0: float) -> float:
    """z-score of the log-odds difference of word w in group i vs group j (Monroe et al. eq. 22)."""
    d = math.log((y_i + a_w) / (n_i + a_0 - y_i - a_w)) - math.log(
        (y_j + a_w) / (n_j + a_0 - y_j - a_w)
    )
    var = 1.0 / (y_i + a_w) + 1.0 / (y_j + a_w)
    return d / math.sqrt(var)


def distinctive_terms(
    articles: list[EventArticle], settings: TermSettings | None = None
) -> dict[str, list[Term]]:
    """Each outlet's over-used terms against the other outlets: ``{outlet: [Term, ...]}``,
    highest z first, at most ``top_n``, only ``z >= min_z``. Outlets with no other outlet to
    compare against get an empty list."""
    settings = settings or TermSettings()
    counts: dict[str, Counter] = defaultdict(Counter)
    evidence: dict[tuple[str, str], list[str]] = defaultdict(list)
    for art in articles:
        for sent in art.sentences:
            grams = sentence_ngrams(sent, settings)
            counts[art.outlet].update(grams)
            for g in dict.fromkeys(grams):
                ev = evidence[(art.outlet, g)]
                if len(ev) < settings.max_evidence:
                    ev.append(sent.sentence_id)
    outlets = sorted(counts)
    pooled: Counter = Counter()
    for c in counts.values():
        pooled.update(c)
    total = sum(pooled.values())
    result: dict[str, list[Term]] = {o: [] for o in outlets}
    if len(outlets) < 2 or total == 0:
        return result
    a_0 = settings.prior_weight * total
    for outlet in outlets:
        mine = counts[outlet]
        n_i = sum(mine.values())
        n_j = total - n_i
        scored: list[Term] = []
        for gram, y_i in mine.items():
            if y_i < settings.min_count:
                continue
            y_j = pooled[gram] - y_i
            a_w = settings.prior_weight * pooled[gram]
            z = _log_odds_z(y_i, n_i, y_j, n_j, a_w, a_0)
            if z >= settings.min_z:
                scored.append(Term(gram, z, y_i, y_j, evidence[(outlet, gram)]))
        scored.sort(key=lambda t: (-t.z, t.term))
        result[outlet] = _drop_subsumed(scored, settings)[: settings.top_n]
    return result


def _drop_subsumed(terms: list[Term], settings: TermSettings) -> list[Term]:
    """Drop a term contained in a longer kept term that accounts for most of its uses."""
    norm = {t.term: " " + t.term.replace("-", " ") + " " for t in terms}
    longer_first = sorted(terms, key=lambda t: (-len(norm[t.term]), -t.z, t.term))
    dropped: set[str] = set()
    for short in longer_first:
        for long in longer_first:
            if len(norm[long.term]) <= len(norm[short.term]):
                break
            if long.term in dropped:
                continue
            if norm[short.term] in norm[long.term] and long.count >= settings.subsume_ratio * short.count:
                dropped.add(short.term)
                break
    # a longer term whose extra words add nothing (its count is a small share of a kept
    # shorter term's) stays: both are reported, each with its own z
    return [t for t in terms if t.term not in dropped]
