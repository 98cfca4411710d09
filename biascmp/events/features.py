"""Per-article features for event grouping, built from records the earlier stages produce.

An ``EventInput`` is everything ``group_articles`` needs about one article: its vectors, the
named entities and numbers it mentions, its content words, its date and an optional pin. The
same builder serves the store (``regroup``) and plain texts (tests, evaluations), so both
paths group identically.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import numpy as np

from biascmp.records import Sentence

#: spaCy entity labels that name *who/where/what* an event is about (dates and quantities are
#: handled by the numbers signal).
ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "EVENT", "LOC", "FAC", "LAW"})

_SPACE = re.compile(r"\s+")
_EDGE_PUNCT = re.compile(r"^[\W_]+|[\W_]+$")
_WORD = re.compile(r"^[a-z][a-z\-]+$")
_TITLE_WORD = re.compile(r"[a-z][a-z\-']+|\d+")


@dataclass
class EventInput:
    """One article as event grouping sees it."""

    article_id: str
    outlet: str
    title: str | None
    published: date | None
    #: unit vector of the whole article (title + clean text, truncated by the model)
    embedding: np.ndarray
    #: unit vector of the mean of the article's sentence vectors (None: use ``embedding``)
    body_embedding: np.ndarray | None
    #: normalised names (lower case, no leading "the", no possessive); persons also add surname
    entities: frozenset[str]
    #: numbers the article states (``Sentence.numbers``), small integers dropped
    numbers: frozenset[str]
    #: content lemma -> count (stop words, numbers and punctuation dropped)
    terms: dict[str, int] = field(default_factory=dict)
    #: the record's ``event`` field or a user's correction: forces the article into that event
    pinned: str | None = None
    #: normalised entity -> most frequent surface form (for readable labels)
    display: dict[str, str] = field(default_factory=dict)


def normalise_entity(text: str) -> str:
    """``"the United Nations'"`` -> ``"united nations"``: case, width, articles, possessives
    and tokens with digits (``"Westbrook United 5-4"`` -> ``"westbrook united"``)."""
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").lower()
    text = _SPACE.sub(" ", text).strip()
    for suffix in ("'s", "'"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
    if text.startswith("the "):
        text = text[4:]
    text = " ".join(t for t in text.split() if not any(c.isdigit() for c in t))
    return _EDGE_PUNCT.sub("", text)


def keep_number(value: str) -> bool:
    """Numbers specific enough to tell events apart: not the ubiquitous 0-9."""
    digits = re.sub(r"\D", "", value)
    return len(digits) >= 2 or "." in value or "%" in value


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """English stop words (scikit-learn's list: grouping must not import spaCy or torch)."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


def content_terms(sentences: list[Sentence], max_terms: int = 300) -> dict[str, int]:
    """Counts of content lemmas (alphabetic, 3+ letters, not stop words); the ``max_terms``
    most frequent are kept (ties by term) so that a very long article stays small."""
    stop = stop_words()
    counts = Counter(
        lemma
        for s in sentences
        for lemma in s.lemmas
        if len(lemma) >= 3 and lemma not in stop and _WORD.match(lemma)
    )
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:max_terms]
    return dict(top)


def title_terms(title: str | None) -> dict[str, int]:
    """Lower-case words and numbers of a title, stop words dropped, with counts."""
    out: dict[str, int] = {}
    for word in _TITLE_WORD.findall((title or "").lower()):
        word = word.strip("'-")
        if len(word) >= 2 and word not in stop_words():
            out[word] = out.get(word, 0) + 1
    return out


def entity_features(sentences: list[Sentence]) -> tuple[frozenset[str], dict[str, str]]:
    """Normalised entity set and display names from the sentences' spaCy entities."""
    keys: set[str] = set()
    surfaces: dict[str, Counter] = {}
    for sent in sentences:
        for ent in sent.entities:
            if ent.label not in ENTITY_LABELS:
                continue
            key = normalise_entity(ent.text)
            if len(key) < 2:
                continue
            keys.add(key)
            surface = _SPACE.sub(" ", ent.text).strip()
            surface = re.sub(r"^[Tt]he ", "", surface).removesuffix("'s").removesuffix("\u2019s")
            surfaces.setdefault(key, Counter())[surface] += 1
            if ent.label == "PERSON" and " " in key:
                surname = key.rsplit(" ", 1)[1]
                if len(surname) >= 3:
                    keys.add(surname)
    display = {k: sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] for k, c in surfaces.items()}
    return frozenset(keys), display


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
) -> EventInput:
    """Build an ``EventInput`` from an article's non-boilerplate sentences and vectors."""
    entities, display = entity_features(sentences)
    numbers = frozenset(n for s in sentences for n in s.numbers if keep_number(n))
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
        terms=content_terms(sentences),
        pinned=pinned,
        display=display,
    )


def article_text(title: str | None, clean_text: str) -> str:
    """The text whose vector stands for the whole article (the ingest pipeline stores its
    vector as ``articles.embedding``): title and clean text; the model truncates, so the title
    and lead dominate."""
    return f"{title or ''}\n{clean_text}".strip()


def segment_and_embed(items: list[dict], embedder=None, nlp=None):
    """The expensive half of ``event_inputs_from_texts``: spaCy sentences of every item, the
    article vectors and the sentence vectors. Returns ``(segmented, lead_vecs, sentence_vecs)``
    where ``sentence_vecs`` rows follow the flattened ``segmented`` lists."""
    from biascmp.embed import get_embedder
    from biascmp.text import segment_text

    embedder = embedder or get_embedder()
    segmented = [segment_text(item["text"], item["article_id"], nlp=nlp) for item in items]
    lead_vecs = embedder.encode([article_text(i.get("title"), i["text"]) for i in items])
    flat = [s.text for sents in segmented for s in sents]
    sent_vecs = embedder.encode(flat) if flat else np.zeros((0, lead_vecs.shape[1]), np.float32)
    return segmented, lead_vecs, sent_vecs


def assemble_inputs(items: list[dict], segmented, lead_vecs, sent_vecs) -> list[EventInput]:
    """The cheap half: ``EventInput`` records from the output of ``segment_and_embed``."""
    out, offset = [], 0
    for item, sents, lead_vec in zip(items, segmented, lead_vecs):
        published = item.get("published")
        if isinstance(published, str):
            published = date.fromisoformat(published)
        out.append(
            features_from_sentences(
                item["article_id"],
                sents,
                lead_vec,
                sent_vecs[offset : offset + len(sents)],
                outlet=item.get("outlet") or "",
                title=item.get("title"),
                published=published,
                pinned=item.get("event"),
            )
        )
        offset += len(sents)
    return out


def event_inputs_from_texts(items: list[dict], embedder=None, nlp=None) -> list[EventInput]:
    """``items``: dicts with ``article_id``, ``text`` and optionally ``outlet``, ``title``,
    ``published`` (date or ISO string), ``event`` (a pin). Segments with spaCy, embeds the
    article and every sentence, and returns one ``EventInput`` per item, in order."""
    return assemble_inputs(items, *segment_and_embed(items, embedder=embedder, nlp=nlp))
