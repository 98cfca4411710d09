"""Labels for the same referent found through the head noun: "special military operation",
"full-scale invasion" and "the conflict" all name the war; "the Russophobic text" and "a
European-backed resolution" both name the text voted on.

Aligned-sentence diffs (``labels.py``) only find a label where two outlets wrote the same
statement. Many labels sit in sentences no other outlet wrote, so a second route: every noun
phrase (spaCy noun chunk, extended by an "of" phrase: "war of aggression") whose head lemma
belongs to a class of general news nouns that name one kind of referent is a label for that
referent. ``REFERENT_HEADS`` is that short, documented list; it is general news vocabulary
(wars and crises; texts put to a vote), not drawn from any corpus, and can be replaced in
``LabelSettings.referent_heads``. Within an event, outlets covering the same story mostly mean
the same war and the same resolution by these words, which is what makes the class a
referent; variants are reported with the outlets that use them and evidence sentences.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from biascmp.compare.terms import STOP_WORDS
from biascmp.records import EventDocs

#: General news nouns that name a kind of referent, by class. The class name is only a
#: fallback; a concept is named after its most widely used label.
REFERENT_HEADS: dict[str, list[str]] = {
    "the armed conflict": [
        "war", "conflict", "operation", "crisis", "invasion", "aggression", "fighting",
        "hostility", "offensive", "occupation", "incursion", "escalation",
    ],
    "the text voted on": [
        "resolution", "text", "draft", "measure", "document", "motion", "proposal", "bill",
    ],
}

#: parts of speech dropped at the edges of a label (determiners, numbers, pronouns)
_EDGE_POS = {"DET", "NUM", "PRON", "PART", "ADP", "CCONJ", "PUNCT", "SPACE"}


def _label_tokens(chunk, max_tokens: int):
    """The chunk's tokens, extended by a following "of"-phrase of its head ("war of
    aggression"), edge function words, numbers and punctuation trimmed; ``None`` when the
    result is too long or holds a number."""
    doc = chunk.doc
    start, end = chunk.start, chunk.end
    root = chunk.root
    for child in root.rights:
        if child.dep_ == "prep" and child.lower_ == "of" and child.i == end:
            objs = [c for c in child.children if c.dep_ == "pobj"]
            if objs:
                end = max(t.i for t in objs[0].subtree) + 1
            break
    toks = [t for t in doc[start:end] if not (t.is_punct or t.is_space)]
    while toks and (toks[0].pos_ in _EDGE_POS or toks[0].lemma_.lower() in STOP_WORDS):
        toks.pop(0)
    while toks and (toks[-1].pos_ in _EDGE_POS or toks[-1].lemma_.lower() in STOP_WORDS):
        toks.pop()
    if not toks or len(toks) > max_tokens or any(t.like_num or t.pos_ == "NUM" for t in toks):
        return None
    return toks


def head_class_labels(docs: EventDocs, heads: dict[str, list[str]], max_tokens: int,
                      max_evidence: int) -> list[dict]:
    """Per referent class: ``{"class", "variants": {key: (surface counts, outlets, count,
    sentence_ids)}}`` for every noun phrase headed by one of the class's nouns."""
    from biascmp.annotate import load_nlp

    head_class = {h: name for name, hs in heads.items() for h in hs}
    outlet_of = {a.article_id: a.outlet for a in docs.articles}
    sents = [s for s in docs.sentences if head_class.keys() & set(s.lemmas)]
    if not sents:
        return []
    nlp = load_nlp()
    wanted = [p for p in ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer")
              if p in nlp.pipe_names]
    found: dict[str, dict[str, list]] = defaultdict(dict)
    with nlp.select_pipes(enable=wanted):
        for sent, doc in zip(sents, nlp.pipe([s.text for s in sents], batch_size=256)):
            for chunk in doc.noun_chunks:
                cls = head_class.get(chunk.root.lemma_.lower())
                if cls is None:
                    continue
                toks = _label_tokens(chunk, max_tokens)
                if not toks:
                    continue
                key = " ".join(t.lemma_.lower() for t in toks)
                surface = doc.text[toks[0].idx : toks[-1].idx + len(toks[-1].text)]
                entry = found[cls].setdefault(key, [Counter(), set(), 0, []])
                entry[0][surface] += 1
                entry[1].add(outlet_of[sent.article_id])
                entry[2] += 1
                if len(entry[3]) < max_evidence and sent.sentence_id not in entry[3]:
                    entry[3].append(sent.sentence_id)
    return [{"class": cls, "variants": found[cls]} for cls in sorted(found)]


__all__ = ["REFERENT_HEADS", "head_class_labels"]
