"""Per-article features for event grouping, built from records the earlier stages produce.

An ``EventInput`` is everything ``group_articles`` needs about one article: its vectors, the
names and numbers it mentions, its content words, its date and an optional pin. Everything
comes from sentence *texts* and vectors the ingest stores: names by capitalisation rules
(``names.py``), content words by stemming (``terms.py``), no spaCy and no model at grouping
time. The same builder serves the store (``regroup``) and plain texts (tests, evaluations),
so both paths group identically.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from biascmp.events.names import article_names
from biascmp.events.settings import ArticleVectorSettings, EventSettings
from biascmp.events.terms import article_terms, stop_words
from biascmp.records import Sentence

_TITLE_WORD = re.compile(r"[a-z][a-z\-']+|\d+")


@dataclass
class EventInput:
    """One article as event grouping sees it."""

    article_id: str
    outlet: str
    title: str | None
    published: date | None
    #: unit article vector (``article_vector``: title and lead sentences)
    embedding: np.ndarray
    #: unit vector of the mean of the article's sentence vectors (None: use ``embedding``)
    body_embedding: np.ndarray | None
    #: normalised names found by capitalisation rules (``biascmp.events.names``)
    entities: frozenset[str]
    #: numbers the article's lead states (``Sentence.numbers``), small integers dropped
    numbers: frozenset[str]
    #: content word stem -> count (stop words, numbers and punctuation dropped)
    terms: dict[str, int] = field(default_factory=dict)
    #: the record's ``event`` field or a user's correction: forces the article into that event
    pinned: str | None = None
    #: normalised name -> most frequent surface form (for readable labels)
    display: dict[str, str] = field(default_factory=dict)


def keep_number(value: str) -> bool:
    """Numbers specific enough to tell events apart: not the ubiquitous 0-9."""
    digits = re.sub(r"\D", "", value)
    return len(digits) >= 2 or "." in value or "%" in value


def title_terms(title: str | None) -> dict[str, int]:
    """Lower-case words and numbers of a title, stop words dropped, with counts."""
    out: dict[str, int] = {}
    for word in _TITLE_WORD.findall((title or "").lower()):
        word = word.strip("'-")
        if len(word) >= 2 and word not in stop_words():
            out[word] = out.get(word, 0) + 1
    return out


def unit(vector: np.ndarray) -> np.ndarray:
    vector = np.asarray(vector, dtype=np.float32)
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector


def features_from_sentences(
    article_id: str,
    sentences: list[Sentence],
    embedding: np.ndarray,
    sentence_embeddings: np.ndarray | None = None,
    *,
    outlet: str = "",
    title: str | None = None,
    published: date | None = None,
    pinned: str | None = None,
    settings: EventSettings | None = None,
) -> EventInput:
    """Build an ``EventInput`` from an article's non-boilerplate sentences (reading order) and
    vectors: names and content words from the sentence texts, numbers from the lead
    (``settings.number_sentences``)."""
    settings = settings or EventSettings()
    texts = [s.text for s in sentences]
    entities, display = article_names(texts)
    numbers = frozenset(
        n for s in sentences[: settings.number_sentences] for n in s.numbers if keep_number(n)
    )
    body = None
    if sentence_embeddings is not None and len(sentence_embeddings):
        body = unit(np.asarray(sentence_embeddings, dtype=np.float32).mean(axis=0))
    return EventInput(
        article_id=article_id,
        outlet=outlet or "",
        title=title,
        published=published,
        embedding=unit(embedding),
        body_embedding=body,
        entities=entities,
        numbers=numbers,
        terms=article_terms(texts, settings.max_terms),
        pinned=pinned,
        display=display,
    )


def article_text(title: str | None, clean_text: str) -> str:
    """Title and whole clean text: the input of the *whole-article* vector that the
    evaluation's MiniLM baseline clusters (the model truncates it at 256 word pieces). Ingest
    no longer embeds it: ``article_vector`` costs a title instead of a second pass over the
    text."""
    return f"{title or ''}\n{clean_text}".strip()


def article_vector(
    title_vector: np.ndarray | None,
    sentence_vectors: np.ndarray,
    settings: ArticleVectorSettings | None = None,
) -> np.ndarray:
    """The article's unit vector from vectors the ingest already has: the title's (None when
    the article has no title) and its kept sentences' in reading order. A lead-weighted mean
    of the sentences (weight ``lead_decay ** k``) blended with the title
    (``title_weight``). With neither, a zero vector of the sentences' width."""
    settings = settings or ArticleVectorSettings()
    sentence_vectors = np.asarray(sentence_vectors, dtype=np.float32)
    body = None
    if sentence_vectors.ndim == 2 and len(sentence_vectors):
        lead = sentence_vectors[: settings.max_sentences]
        weights = settings.lead_decay ** np.arange(len(lead), dtype=np.float32)
        body = unit(weights @ lead)
    if title_vector is None:
        if body is None:
            width = sentence_vectors.shape[-1] if sentence_vectors.ndim == 2 else 0
            return np.zeros(width, np.float32)
        return body
    title_vector = unit(title_vector)
    if body is None:
        return title_vector
    return unit(settings.title_weight * title_vector + (1.0 - settings.title_weight) * body)


def segment_and_embed(items: list[dict], embedder=None):
    """The expensive half of ``event_inputs_from_texts``: rule-based sentences of every item
    (no spaCy), the title vectors and the sentence vectors. Returns ``(segmented,
    title_vecs, sentence_vecs)``: ``title_vecs[k]`` is None for an item without a title and
    ``sentence_vecs`` rows follow the flattened ``segmented`` lists."""
    from biascmp.embed import get_embedder
    from biascmp.text import segment_text

    embedder = embedder or get_embedder()
    segmented = [segment_text(item["text"], item["article_id"], annotate=False) for item in items]
    titles = [(item.get("title") or "").strip() for item in items]
    titled = [k for k, t in enumerate(titles) if t]
    vecs = embedder.encode([titles[k] for k in titled]) if titled else []
    title_vecs: list[np.ndarray | None] = [None] * len(items)
    for k, v in zip(titled, vecs):
        title_vecs[k] = v
    flat = [s.text for sents in segmented for s in sents]
    sent_vecs = embedder.encode(flat) if flat else np.zeros((0, embedder.dim), np.float32)
    return segmented, title_vecs, sent_vecs


def assemble_inputs(
    items: list[dict], segmented, title_vecs, sent_vecs, settings: EventSettings | None = None
) -> list[EventInput]:
    """The cheap half: ``EventInput`` records from the output of ``segment_and_embed``
    (article vectors by ``article_vector``, as the ingest stores them)."""
    out, offset = [], 0
    for item, sents, title_vec in zip(items, segmented, title_vecs):
        published = item.get("published")
        if isinstance(published, str):
            published = date.fromisoformat(published)
        vecs = sent_vecs[offset : offset + len(sents)]
        out.append(
            features_from_sentences(
                item["article_id"],
                sents,
                article_vector(title_vec, vecs),
                vecs,
                outlet=item.get("outlet") or "",
                title=item.get("title"),
                published=published,
                pinned=item.get("event"),
                settings=settings,
            )
        )
        offset += len(sents)
    return out


def event_inputs_from_texts(
    items: list[dict], embedder=None, settings: EventSettings | None = None
) -> list[EventInput]:
    """``items``: dicts with ``article_id``, ``text`` and optionally ``outlet``, ``title``,
    ``published`` (date or ISO string), ``event`` (a pin). Splits sentences by rules, embeds
    titles and sentences, and returns one ``EventInput`` per item, in order: the same features
    ``regroup`` reads from a store the ingest filled."""
    return assemble_inputs(items, *segment_and_embed(items, embedder=embedder), settings=settings)
