"""Text stage of the ingest: sentences and the numbers they state, with rules only.

``segment_articles`` is a function over a batch of articles whose paragraphs are already
cleaned; it fills each article's ``sentences`` with their text and numbers. It runs no model:
sentence boundaries come from ``split_sentences`` (a rule over full stops, abbreviations and
quotes; on news paragraphs 99.9% of its boundaries are also spaCy's parser's and it finds
98.2% of the parser's, hundreds of times faster: ``evaluation/eval_sentences.py``), so the
ingest stays bound by the embedding model. Named entities and lemmas
come later, from spaCy, for the articles an analysis reads (``biascmp.annotate``).
"""

from __future__ import annotations

import re
from typing import Iterable

from biascmp.gated import GatedPattern
from biascmp.records import Article, Paragraph, Sentence

#: longest piece of a paragraph segmented in one go (characters); longer ones are cut at
#: whitespace so a 10 MB single-line "article" stays cheap and within spaCy's limits later.
MAX_CHUNK = 20_000

#: words that end in a full stop without ending the sentence: titles before names and
#: company, address and month abbreviations (general English usage)
ABBREVIATIONS = frozenset(
    """
    mr mrs ms mx dr prof sr jr st sen sens rep reps gen gens gov govs lt col capt cpt sgt maj
    adm cmdr cdr rev hon pres amb supt insp cpl pvt brig fr mt ft messrs mme mlle no nos vs
    inc corp co ltd llc plc bros dept est approx fig vol jan feb mar apr jun jul aug sep sept
    oct nov dec
    """.split()
)
_CLOSERS = "\"'\u201d\u2019\u00bb)]"
_OPENERS = "\"'\u201c\u2018\u00ab(["
#: a candidate boundary: ., ! or ? (with any closing quotes or brackets), whitespace, then
#: what can start a sentence: an opening quote or bracket, a capital letter or a digit
_BOUNDARY = re.compile(
    r"(?<=[.!?])[" + re.escape(_CLOSERS) + r"]*(?=\s+[" + re.escape(_OPENERS)
    + r"]*[A-Z0-9\u00c0-\u00de\u0400-\u042f])"
)
_LAST_WORD = re.compile(r"(\S+)$")

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
#: every number word holds one of these ("thir" for thirteen and thirty, "fif" for fifteen and
#: fifty); a sentence without any skips the word pattern
_NUMBER_WORD_NEEDLES = (
    "zero", "one", "two", "three", "thir", "four", "forty", "five", "fif", "six", "seven",
    "eight", "nine", "ten", "eleven", "twelve", "twenty", "hundred", "dozen",
)
#: "ninety-three" is one number (93), tried before the single words
_WORD_RE = GatedPattern(re.compile(
    r"\b(?:(" + "|".join(_TENS) + r")[-\s](" + "|".join(_UNITS) + r")|("
    + "|".join(_NUMBER_WORDS) + r"))\b",
    re.IGNORECASE,
), _NUMBER_WORD_NEEDLES)


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


def _is_abbreviation(word: str) -> bool:
    """``word`` (ending in a full stop, with no closing quote after it) does not end a
    sentence: a listed abbreviation, an initial ("J."), a dotted acronym ("U.S.", "p.m.")."""
    stem = word.lstrip(_OPENERS)[:-1]
    return stem.lower() in ABBREVIATIONS or (len(stem) == 1 and stem.isalpha()) or "." in stem


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans ``(start, end)`` of the sentences of one paragraph, whitespace trimmed.

    A sentence ends at ``.``, ``!`` or ``?`` (closing quotes and brackets stay with it) when
    whitespace and a capital letter, digit or opening quote follow, unless the full stop
    belongs to an abbreviation or initial, or splits a number ("8. 7" in tokenised text)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        end = m.end()
        word = _LAST_WORD.search(text, start, end)
        word = word.group(1) if word else ""
        if word.endswith(".") and _is_abbreviation(word):
            continue
        if word[:-1].isdigit() and text[end:].lstrip()[:1].isdigit() and word.endswith("."):
            continue
        spans.append((start, end))
        start = end
    spans.append((start, len(text)))
    out = []
    for a, b in spans:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            out.append((a, b))
    return out


def segment_articles(articles: list[Article]) -> list[Article]:
    """Split every paragraph of every article into ``Sentence`` records (text and numbers).

    Boilerplate paragraphs are split too (their sentences are stored, flagged), so that a user
    can see what was dropped. Returns the same articles with ``sentences`` filled; ids are
    ``"<article_id>:<position>"`` with positions counted over the whole article."""
    for art in articles:
        art.sentences = []
        for para in art.paragraphs:
            for piece in _chunks(para.text):
                for a, b in split_sentences(piece):
                    text = piece[a:b]
                    art.sentences.append(
                        Sentence(
                            sentence_id=f"{art.article_id}:{len(art.sentences)}",
                            article_id=art.article_id,
                            position=len(art.sentences),
                            paragraph=para.position,
                            text=text,
                            is_boilerplate=para.is_boilerplate,
                            numbers=extract_numbers(text),
                        )
                    )
    return articles


def segment_text(text: str, article_id: str = "doc", nlp=None, annotate: bool = True) -> list[Sentence]:
    """Sentences of a free text (blank lines separate paragraphs), with entities and lemmas
    unless ``annotate`` is false; a notebook helper and the way tests and evaluations turn
    gold texts into sentences without a database."""
    paras = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    art = Article(
        article_id=article_id,
        outlet="",
        text=text,
        clean_text=text,
        content_hash="",
        paragraphs=[Paragraph(position=i, text=p) for i, p in enumerate(paras)],
    )
    sentences = segment_articles([art])[0].sentences
    if annotate:
        from biascmp.annotate import annotate_sentences

        annotate_sentences(sentences, nlp=nlp)
    return sentences
