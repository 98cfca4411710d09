"""Distinctive terms: which words does each outlet choose that the others do not?

Lemmatised 1-3-grams, each outlet against the other outlets of the batch *and* general
English. Monroe, Colaresi & Quinn (2008, "Fightin' Words") recommend an informative Dirichlet
prior from a large background corpus; here the background is general-English word frequency
(``background.py``, the ``wordfreq`` package). Each n-gram gets a reference rate, the larger of
(a) the other outlets' rate, shrunk toward the background by the prior and scaled by the share
of other outlets that use it, and (b) the background rate itself. ``z`` is the exact Poisson
tail of the outlet's count against that rate (one-sided, as a normal quantile); terms with
``z >= min_z`` are marked ``significant``. Monroe's two-group z cannot make a word one outlet
uses once significant (its variance is dominated by the other group's zero count), yet with one
article per outlet most loaded words occur once; a rate backed by a large background corpus
can (a word about once per million English words, used once in an 800-word article, is
surprising). ``log_odds`` keeps Monroe's prior-smoothed log-odds ratio as the effect size.

The list is ranked for reading as word choice: ``z`` times ``loaded_base + loadedness``, where
loadedness (0..1) blends the term's VADER valence / loaded-language cues with the loaded-
language scores of the sentences it occurs in (when the caller passes them). And so that it
reads as word choices rather than topic words:
- n-grams made only of named-entity tokens are dropped (every outlet names Russia; that is
  topic, not framing); mixed n-grams such as "kiev regime" are kept, and entity words do not
  count toward a phrase's rarity;
- n-grams may not start or end with a stop word (except a hyphenated compound such as
  "so-called", whose parts the lemmatiser splits), may not contain numbers nor cross clause
  punctuation; n-grams made only of the outlet's own name (bylines) are dropped;
- a phrase used once by one outlet only is kept only when its words are over-used by the
  outlet themselves (``_cohesive``), so "historic betrayal" counts and "said Tuesday" does not;
- a shorter n-gram is dropped when a longer kept n-gram containing it has almost the same
  count for the outlet, and of overlapping n-grams resting on the same sentences only the
  best-ranked stays (one phrase, reported once).

A pure function over a list of ``EventArticle``: call it with one event's articles, or with
every article of a corpus to get each outlet's habits across events. Deterministic: ties are
broken by term text.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np
from pydantic import BaseModel, Field

from biascmp.compare.background import phrase_frequency
from biascmp.records import EventArticle, Sentence

_TOKEN_RE = re.compile(r"[\w']+")
_HYPHEN_RE = re.compile(r"\b(\w+)-(\w+)\b")
_HAS_DIGIT = re.compile(r"\d")
_SPLIT_RE = re.compile(r"[ -]")
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
        description="Strength of the informative Dirichlet prior as a share of the other "
        "outlets' n-gram count (a_0 = prior_weight * n_j): their counts get a_0 * (general-"
        "English rate) added, so a word they never used still has a small, word-specific "
        "expected rate, while their own usage dominates at any corpus size.",
    )
    min_z: float = Field(
        1.96,
        description="Significance cut on z (the outlet's count against its reference rate, "
        "exact Poisson upper tail as a one-sided normal quantile; 1.96: p < 0.025).",
    )
    min_count: int = Field(1, description="An outlet must use a term at least this often.")
    top_n: int = Field(30, description="Terms kept per outlet, best-ranked first.")
    significant_only: bool = Field(
        False,
        description="Keep only terms with z >= min_z. Off by default: with one article per "
        "outlet few terms can pass, so the top terms are reported with ``significant`` set.",
    )
    drop_entity_ngrams: bool = Field(
        True, description="Drop n-grams made only of named-entity tokens (topic, not framing)."
    )
    loaded_base: float = Field(
        0.5,
        description="Rank score = z * (loaded_base + loadedness), loadedness in 0..1: the "
        "higher this base, the less loaded wording reorders terms of equal z.",
    )
    loaded_sentence_weight: float = Field(
        0.5,
        description="Share of loadedness taken from the loaded-language scores of the "
        "sentences the term occurs in (when given); the rest is its words' lexicon weight.",
    )
    subsume_ratio: float = Field(
        0.8,
        description="Drop an n-gram when a kept longer n-gram containing it has at least this "
        "share of its count for the outlet.",
    )
    pool_factor: int = Field(
        8, description="Candidates per outlet (times top_n) considered by the de-duplication."
    )
    max_evidence: int = Field(5, description="Sentence ids kept per term as evidence.")


@dataclass
class Term:
    """One distinctive term of one outlet."""

    term: str  # lemma n-gram, hyphenated compounds joined by "-"
    z: float  # significance of the outlet's count against its reference rate
    count: int  # uses by the outlet
    other_count: int  # uses by all the other outlets together
    sentence_ids: list[str] = field(default_factory=list)
    log_odds: float = 0.0  # Monroe et al.'s prior-smoothed log-odds ratio vs the reference
    loadedness: float = 0.0  # 0..1, how loaded its words and sentences read
    score: float = 0.0  # rank score: z weighted by loadedness
    significant: bool = False  # z >= min_z

    def to_dict(self) -> dict:
        return {
            "term": self.term,
            "z": round(self.z, 3),
            "count": self.count,
            "sentence_ids": list(self.sentence_ids),
            "significant": self.significant,
            "other_count": self.other_count,
            "log_odds": round(self.log_odds, 3),
            "loadedness": round(self.loadedness, 3),
            "score": round(self.score, 3),
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
    return [g for g, _ in _sentence_ngrams(sentence, settings)]


def _sentence_ngrams(sentence: Sentence, settings: TermSettings) -> list[tuple[str, tuple[bool, ...]]]:
    """``(n-gram, entity flag per word)`` for each countable n-gram of the sentence."""
    lemmas = sentence.lemmas
    ents = entity_mask(sentence)
    links = hyphen_links(sentence)
    breaks = clause_breaks(sentence)
    out: list[tuple[str, tuple[bool, ...]]] = []
    for n in range(1, settings.max_n + 1):
        for i in range(len(lemmas) - n + 1):
            gram = lemmas[i : i + n]
            if any(_HAS_DIGIT.search(t) or not _TOKEN_RE.fullmatch(t) for t in gram):
                continue
            if any(j in breaks for j in range(i, i + n - 1)):
                continue
            if settings.drop_entity_ngrams and all(ents[i : i + n]):
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
            out.append(("".join(parts), tuple(ents[i : i + n])))
    return out


def _poisson_z(count: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """One-sided z of observing at least ``count`` uses where ``expected`` are expected:
    the exact Poisson upper tail ``P(X >= count) = P(count, expected)`` (regularised lower
    incomplete gamma) as a standard-normal quantile, capped at +-40."""
    from scipy.special import gammainc, ndtri

    p = np.clip(gammainc(count, expected), 1e-300, 1.0)
    return np.clip(-ndtri(p), -40.0, 40.0)


def term_lexicon_weight(words: list[str]) -> float:
    """0..1: how loaded a term's words are on their own, the larger of the strongest VADER
    valence among them (scaled by VADER's maximum of 4) and 1 for a loaded-language cue."""
    from biascmp.compare.loaded import CUES, _vader

    lex = _vader().lexicon
    best = max((abs(lex.get(w, 0.0)) / 4.0 for w in words), default=0.0)
    if any(w in CUES for w in words) or "-".join(words) in CUES:
        best = 1.0
    return min(best, 1.0)


def distinctive_terms(
    articles: list[EventArticle],
    settings: TermSettings | None = None,
    sentence_scores: dict[str, float] | None = None,
) -> dict[str, list[Term]]:
    """Each outlet's word choices against the other outlets: ``{outlet: [Term, ...]}``, best
    first, at most ``top_n``. Outlets with no other outlet to compare against get an empty list.

    Reference rate of term w for outlet i: the larger of the other outlets' rate, smoothed with
    an informative Dirichlet prior from general English (``(s_w y_j + a_0 p_w) / (n_j + a_0)``,
    Monroe et al. 2008 with a background prior) and the general-English rate ``p_w`` itself.
    ``s_w`` is the share of the other outlets that use w at all (a dispersion-adjusted
    frequency, as in corpus linguistics): a label that one or two like-minded outlets share
    still divides the coverage, while a topic word every outlet uses is expected. So is a
    common English word; a rare word only this outlet (or few outlets) uses is not, even when
    it is used once. ``z`` is the exact Poisson tail of
    the outlet's count against ``n_i * rate``; terms are ranked by ``z`` weighted by how loaded
    the term reads (its words' lexicon valence and, when ``sentence_scores`` maps sentence ids
    to loaded-language scores, the sentences it occurs in)."""
    settings = settings or TermSettings()
    counts: dict[str, Counter] = defaultdict(Counter)
    where: dict[tuple[str, str], list[str]] = defaultdict(list)
    ent_words: dict[str, set[int]] = {}
    for art in articles:
        for sent in art.sentences:
            grams = _sentence_ngrams(sent, settings)
            counts[art.outlet].update(g for g, _ in grams)
            for g, flags in dict(grams).items():
                where[(art.outlet, g)].append(sent.sentence_id)
                ent_words.setdefault(g, set()).update(k for k, f in enumerate(flags) if f)
    outlets = sorted(counts)
    pooled: Counter = Counter()
    for c in counts.values():
        pooled.update(c)
    total = sum(pooled.values())
    result: dict[str, list[Term]] = {o: [] for o in outlets}
    if len(outlets) < 2 or total == 0:
        return result
    spread: Counter = Counter()  # outlets using each term
    for c in counts.values():
        spread.update(c.keys())
    background: dict[str, float] = {}
    for g in pooled:
        words = _SPLIT_RE.split(g)
        skip = ent_words.get(g, set())
        background[g] = phrase_frequency([w for k, w in enumerate(words) if k not in skip])
    for outlet in outlets:
        mine = counts[outlet]
        n_i = sum(mine.values())
        n_j = total - n_i
        a_0 = settings.prior_weight * n_j
        grams = sorted(g for g, y in mine.items() if y >= settings.min_count)
        if not grams:
            continue
        y_i = np.array([mine[g] for g in grams], dtype=np.float64)
        y_j = np.array([pooled[g] - mine[g] for g in grams], dtype=np.float64)
        users = np.array([spread[g] - 1 for g in grams], dtype=np.float64)
        share = users / (len(outlets) - 1)
        p_w = np.array([background[g] for g in grams])
        rate = np.maximum((share * y_j + a_0 * p_w) / (n_j + a_0), p_w)
        rate = np.minimum(rate, 0.5)
        z = _poisson_z(y_i, n_i * rate)
        a_w = a_0 * rate
        log_odds = np.log((y_i + a_w) / (n_i + a_0 - y_i - a_w)) - np.log(rate / (1.0 - rate))
        words_of_name = _name_words(outlet)
        over = (y_i / n_i > rate) & (z > 0)
        distinct = {g for k, g in enumerate(grams) if " " not in g and z[k] >= settings.min_z}
        overused = {g for k, g in enumerate(grams) if " " not in g and over[k]}
        pool: list[Term] = []
        for k in np.flatnonzero(over):
            g = grams[k]
            if settings.significant_only and z[k] < settings.min_z:
                continue
            if set(_SPLIT_RE.split(g)) <= words_of_name | STOP_WORDS:
                continue  # the outlet naming itself (bylines, newsletter plugs)
            if " " in g and y_i[k] < 2 and spread[g] < 2 and not _cohesive(g, ent_words.get(g, set()), distinct, overused):
                continue
            pool.append(Term(g, float(z[k]), int(y_i[k]), int(y_j[k]), where[(outlet, g)],
                             float(log_odds[k]), significant=bool(z[k] >= settings.min_z)))
        # cheap pre-ranking by z, then loadedness only for the pool
        pool.sort(key=lambda t: (-t.z, t.term))
        pool = pool[: settings.top_n * settings.pool_factor]
        for t in pool:
            t.loadedness = _loadedness(t, ent_words.get(t.term, set()), sentence_scores, settings)
            t.score = t.z * (settings.loaded_base + t.loadedness)
        pool.sort(key=lambda t: (-t.score, -len(_SPLIT_RE.split(t.term)), t.term))
        kept = _drop_overlapping(_drop_subsumed(pool, settings), ent_words)[: settings.top_n]
        for t in kept:
            t.sentence_ids = t.sentence_ids[: settings.max_evidence]
        result[outlet] = kept
    return result


def _name_words(outlet: str) -> set[str]:
    """Lower-case words of an outlet's name."""
    return {w.lower() for w in _TOKEN_RE.findall(outlet)}


def _cohesive(gram: str, ent_pos: set[int], distinct: set[str], overused: set[str]) -> bool:
    """A phrase the outlet uses once, and no other outlet uses (a phrase that recurs is a
    unit), is worth reporting as one unit of word choice, rather than an accident of
    adjacency ("said Tuesday"), when each of its words (hyphenated compounds as one
    word) is a stop word, part of a named entity ("kiev regime") or over-used by the outlet
    ("historic betrayal"), and at least one is a significant word of the outlet."""
    pos = 0
    has_choice = False
    for word in gram.split(" "):
        n = len(_SPLIT_RE.split(word))
        is_ent = all(k in ent_pos for k in range(pos, pos + n))
        pos += n
        if word in STOP_WORDS or is_ent:
            continue
        if word not in overused:
            return False
        has_choice = has_choice or word in distinct
    return has_choice


def _loadedness(term: Term, ent_pos: set[int], sentence_scores: dict[str, float] | None,
                settings: TermSettings) -> float:
    """0..1: lexicon weight of the term's non-entity words, blended with the mean
    loaded-language score of the sentences it occurs in (when known)."""
    words = [w for k, w in enumerate(_SPLIT_RE.split(term.term)) if k not in ent_pos]
    lex = term_lexicon_weight(words)
    if not sentence_scores:
        return lex
    vals = [sentence_scores[s] for s in term.sentence_ids if s in sentence_scores]
    if not vals:
        return lex
    w = settings.loaded_sentence_weight
    return w * (sum(vals) / len(vals)) + (1.0 - w) * lex


def _drop_overlapping(terms: list[Term], ent_words: dict[str, set[int]]) -> list[Term]:
    """Among terms that rest on exactly the same sentences and share a content word (the
    overlapping n-grams of one phrase: "historic betrayal", "betrayal by washington"), keep
    the best-ranked one only, so one phrase does not fill several places of the list."""
    kept: list[Term] = []
    for t in terms:
        mine = _content_words(t.term, ent_words.get(t.term, set()))
        if any(k.sentence_ids == t.sentence_ids and mine & _content_words(k.term, ent_words.get(k.term, set()))
               for k in kept):
            continue
        kept.append(t)
    return kept


def _content_words(term: str, ent_pos: set[int]) -> set[str]:
    return {w for k, w in enumerate(_SPLIT_RE.split(term)) if w not in STOP_WORDS and k not in ent_pos}


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
