"""Settings of event grouping: one set of defaults for every corpus (no per-dataset tuning).

The defaults were chosen on ECB+, BiasLab, the demo corpus and the look-alike tests of
``tests/test_events.py`` together, by sweeping weights, the threshold and the neighbourhood
settings (``evaluation/eval_events.py --set NAME=VALUE``; docs/events.md); the same values
serve every corpus."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class EventSettings(BaseModel):
    """How articles are grouped into events."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    threshold: float = Field(0.25, ge=-1.0, le=1.0)
    """Average-linkage cut: two groups merge while the mean combined similarity of their
    article pairs is at least this. Higher -> smaller, purer events."""

    window_days: int = Field(7, ge=0)
    """Dated articles further apart than this are never in one event (look-alike events a
    month or a year apart separate); candidates are searched only within this window."""

    weight_date: float = Field(0.75, ge=0.0)
    """Weight of date proximity, ``1 - days apart / window_days``, a signal only when both
    articles are dated (undated corpora simply lack it): same-topic articles published within
    days of each other are likely one event."""

    weight_lead: float = Field(0.5, ge=0.0)
    """Weight of the cosine of the article vectors (title and lead sentences,
    ``features.article_vector``). Half the weight of each lexical signal: the vector says
    what kind of story it is, the names, numbers and words say which one."""

    weight_body: float = Field(0.0, ge=0.0)
    """Weight of the cosine of the mean sentence vectors (off by default: it blurs look-alike
    events more than the whole-article vector does on ECB+ and BiasLab)."""

    weight_entities: float = Field(1.0, ge=0.0)
    """Weight of the IDF-weighted cosine of the name sets (names found by capitalisation
    rules, ``names.py``)."""

    weight_numbers: float = Field(1.0, ge=0.0)
    """Weight of the IDF-weighted cosine of the number sets of the articles' leads (tolls,
    vote counts, magnitudes; ``number_sentences``)."""

    weight_title: float = Field(0.0, ge=0.0)
    """Weight of the TF-IDF cosine of the titles (off by default: titles are short and the
    article vector already reads them)."""

    weight_terms: float = Field(1.0, ge=0.0)
    """Weight of the TF-IDF cosine of the content-word stems (``terms.py``)."""

    weight_shared_neighbours: float = Field(0.3, ge=0.0, le=1.0)
    """Share of the shared-nearest-neighbour signal in the final pair score:
    ``(1 - share) * combined + share * |N(a) & N(b)| / shared_k``, where ``N(x)`` is x's
    ``shared_k`` best-scoring candidates. Two articles that the same other articles resemble
    most are likely one story even when their own texts overlap little (long, opinionated
    coverage); look-alike events keep separate neighbourhoods. 0 switches it off."""

    shared_k: int = Field(6, ge=1)
    """Size of each article's neighbourhood for ``weight_shared_neighbours``."""

    local_scaling: float = Field(0.5, ge=0.0, le=1.0)
    """How much of each article's hub level is taken off its pair scores: ``score -
    local_scaling * ((h(a) + h(b)) / 2 - median h)``, where ``h(x)`` is the mean of x's
    ``local_k`` best candidate scores. An article in a crowded stretch of one running topic
    resembles many articles of other stories; this asks more of its links. 0 switches it off."""

    local_k: int = Field(20, ge=1)
    """Candidates averaged into an article's hub level (``local_scaling``)."""

    shared_min_score: float = Field(0.2, ge=-1.0, le=1.0)
    """A candidate scoring below this is never in a neighbourhood: in a small corpus an
    article's ``shared_k`` nearest would otherwise reach into a look-alike event."""

    number_sentences: int = Field(3, ge=1)
    """Only numbers stated in this many leading sentences count for the numbers signal: the
    numbers that identify an event (toll, vote count, magnitude) are in the lead; later ones
    are background (past years, polls, ages) that two reports of one event rarely share."""

    max_terms: int = Field(300, ge=1)
    """Content-word stems kept per article (the most frequent), so a very long article stays
    small."""

    neighbours: int = Field(30, ge=1)
    """Candidate neighbours searched per article (by lead vector) before scoring pairs."""

    exact_search_max: int = Field(20_000, ge=100)
    """Blocks up to this many articles get exact neighbour search (chunked, never a full
    matrix); larger blocks use an inverted-file approximate search."""

    max_component: int = Field(2_000, ge=10)
    """Largest linked group clustered with a dense pair matrix; a larger one is split by
    raising its link threshold until every piece fits (memory stays bounded)."""

    seed: int = 0
    """Seed of the approximate search's k-means (results are deterministic)."""


class ArticleVectorSettings(BaseModel):
    """How an article's vector is derived from vectors the ingest computes anyway: the title's
    and the kept sentences' (``biascmp.events.features.article_vector``). The ingest stores it
    as ``articles.embedding`` (the candidate search and the ``lead`` signal of grouping read
    it): one short title per article on top of the sentences, instead of a second pass of the
    model over the whole text (+78% model work)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title_weight: float = Field(0.4, ge=0.0, le=1.0)
    """Share of the title vector in the article vector; the rest is the lead-weighted mean of
    the sentence vectors. Hard-pair AUC on ECB+ and BiasLab is flat between 0.3 and 0.5."""

    lead_decay: float = Field(0.7, gt=0.0, le=1.0)
    """Weight of sentence k in that mean is ``lead_decay ** k`` (reading order): news states
    the event first, so the lead counts most. 1.0 is the plain mean, which blurs look-alike
    events (the body drifts into background)."""

    max_sentences: int = Field(24, ge=1)
    """Sentences the article vector reads (``0.7 ** 24`` < 0.0002: later ones would not
    count anyway)."""
