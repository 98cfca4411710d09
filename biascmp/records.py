"""The small records passed between pipeline stages.

ingest -> text -> embed -> store -> events -> compare -> report

Every stage is a function over a batch (a list) of these records, so the same code can later
run as a map over batches on a distributed engine. Records are plain dataclasses: no database
handles, no models, nothing that cannot be pickled.

Identifiers are strings a person can read and type:
- ``article_id``: the input record's ``id`` when given, else ``a-`` + 16 hex chars of the
  sha256 of the article's outlet, title and text.
- ``sentence_id``: ``f"{article_id}:{position}"`` where ``position`` counts every sentence of
  the article (boilerplate included) from 0 in reading order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass
class RawArticle:
    """What a reader produced from one input record, before cleaning and parsing."""

    source_path: str
    text: str
    article_id: str | None = None
    outlet: str | None = None
    title: str | None = None
    published: date | None = None
    url: str | None = None
    event: str | None = None
    #: fields the reader saw but biascmp has no column for (kept as JSON in the store)
    extra: dict = field(default_factory=dict)
    #: ``"text" | "markdown" | "html" | "json" | "jsonl" | "csv"``
    source_format: str = "text"


@dataclass
class Paragraph:
    position: int
    text: str
    is_boilerplate: bool = False
    #: why the cleaner dropped it, e.g. ``"donation"``, ``"newsletter"``, ``"read-more"``,
    #: ``"caption"``, ``"tags"``, ``"banner"``, ``"share"``, ``"cookie"``, ``"repeated"``
    boilerplate_reason: str | None = None
    #: the cleaner's repetition key (``biascmp.ingest.repeated_paragraph_keys``), kept so the
    #: store does not hash the text again
    key: str | None = None


@dataclass
class Entity:
    text: str
    label: str  # spaCy label: PERSON, ORG, GPE, NORP, DATE, CARDINAL, ...
    start: int  # character offsets within the sentence text
    end: int


@dataclass
class Sentence:
    sentence_id: str
    article_id: str
    position: int
    paragraph: int
    text: str
    is_boilerplate: bool = False
    entities: list[Entity] = field(default_factory=list)
    #: numbers the sentence states, normalised ("93", "18", "65", "1.5", "2025-02-24")
    numbers: list[str] = field(default_factory=list)
    #: lemmatised lower-case tokens, punctuation dropped (for lexical overlap and log-odds)
    lemmas: list[str] = field(default_factory=list)


@dataclass
class Article:
    article_id: str
    outlet: str
    text: str  # the full text as read (boilerplate included)
    clean_text: str  # the analysed text: kept paragraphs joined by blank lines
    content_hash: str
    title: str | None = None
    published: date | None = None
    url: str | None = None
    event_hint: str | None = None  # the record's ``event`` field: pins the article to an event
    source_path: str | None = None
    source_format: str = "text"
    paragraphs: list[Paragraph] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    extra: dict = field(default_factory=dict)


@dataclass
class EventArticle:
    """One article of an event as the analyses see it (read from the store)."""

    article_id: str
    outlet: str
    title: str | None
    published: date | None
    url: str | None
    sentences: list[Sentence]  # non-boilerplate sentences only, in reading order


@dataclass
class EventDocs:
    """Everything an analysis needs about one event, read from the store in one go.

    ``embeddings[i]`` is the L2-normalised vector of ``sentences[i]`` where ``sentences`` is the
    flat list of every article's non-boilerplate sentences in article order.
    """

    event_id: str
    label: str
    articles: list[EventArticle]
    embeddings: "object"  # numpy.ndarray, float32, shape (n_sentences, dim)

    @property
    def sentences(self) -> list[Sentence]:
        return [s for a in self.articles for s in a.sentences]

    @property
    def outlets(self) -> list[str]:
        return sorted({a.outlet for a in self.articles})
