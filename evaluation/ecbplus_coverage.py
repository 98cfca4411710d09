"""An honest proxy for checklist coverage built from ECB+ cross-document event coreference.

ECB+ (Cybulska & Vossen 2014) has 43 topics; each holds news articles about two similar but
different seminal events (the ``ecb`` and ``ecbplus`` halves, e.g. two celebrities entering
rehab). Annotators linked every mention of the same real-world action across documents, in
the sentences listed in ``ECBplus_coreference_sentences.csv``.

Proxy: one "event" per topic made of the annotated sentences of its documents (both halves,
so the look-alike half supplies hard negatives). A *fact* is a cross-document action
instance (``ACTION_OCCURRENCE``) mentioned in at least ``min_docs`` documents; its text is
the annotated sentence of the first such document (by name) that mentions no other
cross-document action instance, so the sentence states that one action. Gold: a document
other than the source covers the fact iff one of its annotated sentences mentions the
instance. Nothing is copied into the repository; texts are read at run time.

Caveats (stated in the evaluation output): a fact sentence also carries participants, time
and place; a document mentioning the same action with different details still counts as
covered; and the gold is only as complete as the coreference annotation.
"""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path


def _doc_sentences(path: Path, keep: set[int]):
    root = ET.parse(path).getroot()
    tokens: dict[str, tuple[int, str]] = {}
    for tok in root.iter("token"):
        tokens[tok.get("t_id")] = (int(tok.get("sentence")), tok.text or "")
    by_sentence: dict[int, list[str]] = defaultdict(list)
    for sent, text in tokens.values():
        if sent in keep:
            by_sentence[sent].append(text)
    mention_sentences: dict[str, set[int]] = {}
    mention_kind: dict[str, str] = {}
    markables = root.find("Markables")
    for m in markables if markables is not None else []:
        anchors = [a.get("t_id") for a in m.findall("token_anchor")]
        if anchors:
            mention_sentences[m.get("m_id")] = {tokens[a][0] for a in anchors if a in tokens}
            mention_kind[m.get("m_id")] = m.tag
    instances: dict[str, set[int]] = defaultdict(set)  # action instance -> sentences
    relations = root.find("Relations")
    for rel in relations.iter("CROSS_DOC_COREF") if relations is not None else []:
        inst = rel.get("note") or ""
        for src in rel.findall("source"):
            mid = src.get("m_id")
            if mention_kind.get(mid) == "ACTION_OCCURRENCE":
                instances[inst] |= mention_sentences.get(mid, set()) & keep
    text = {s: _detok(ws) for s, ws in by_sentence.items()}
    return text, {k: v for k, v in instances.items() if v}


def _detok(words: list[str]) -> str:
    out = ""
    for w in words:
        if out and not (w in {".", ",", ";", ":", "!", "?", "'s", "n't", ")", "%", "''"}
                        or out.endswith(("(", "``", "$"))):
            out += " "
        out += w
    return out.replace("``", '"').replace("''", '"').replace(" - ", "-")


def load_topics(root: str | Path, min_docs: int = 3, max_facts_per_topic: int = 4,
                topics: list[int] | None = None) -> list[dict]:
    """``[{"topic", "items": [{article_id, outlet, title, published, text}],
    "facts": [{"fact_id", "text", "source"}], "gold": {fact_id: set(article_ids)}}]``."""
    root = Path(root)
    keep: dict[str, set[int]] = defaultdict(set)
    with open(root / "ECBplus_coreference_sentences.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            keep[f"{row['Topic']}_{row['File']}"].add(int(row["Sentence Number"]))
    out = []
    topic_dirs = sorted((p for p in (root / "ECB+").iterdir() if p.is_dir()), key=lambda p: int(p.name))
    for tdir in topic_dirs:
        if topics and int(tdir.name) not in topics:
            continue
        items, inst_docs, inst_text = [], defaultdict(set), {}
        for path in sorted(tdir.glob("*.xml")):
            doc_id = path.stem
            sents, instances = _doc_sentences(path, keep.get(doc_id, set()))
            if not sents:
                continue
            items.append({
                "article_id": doc_id,
                "outlet": doc_id,  # every document is its own outlet
                "title": None,
                "published": None,
                "text": "\n\n".join(sents[s] for s in sorted(sents)),
            })
            sentence_instances: dict[int, set[str]] = defaultdict(set)
            for inst, ss in instances.items():
                inst_docs[inst].add(doc_id)
                for s in ss:
                    sentence_instances[s].add(inst)
            for inst, ss in sorted(instances.items()):
                if inst in inst_text:
                    continue
                for s in sorted(ss):
                    if sentence_instances[s] == {inst} and len(sents[s].split()) >= 5:
                        inst_text[inst] = (doc_id, sents[s])
                        break
        facts, gold = [], {}
        ranked = sorted(
            (i for i in inst_docs if len(inst_docs[i]) >= min_docs and i in inst_text),
            key=lambda i: (-len(inst_docs[i]), i),
        )
        for inst in ranked[:max_facts_per_topic]:
            src, text = inst_text[inst]
            fid = f"T{tdir.name}-{inst}"
            facts.append({"fact_id": fid, "text": text, "source": src})
            gold[fid] = set(inst_docs[inst]) - {src}
        if facts:
            out.append({"topic": int(tdir.name), "items": items, "facts": facts, "gold": gold})
    return out
