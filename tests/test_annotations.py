"""Annotation on demand: spaCy entities and lemmas stored once per article, all or nothing."""

import pytest

from biascmp.pipeline import ingest_records
from biascmp.records import RawArticle
from biascmp.store import annotations
from biascmp.store.annotations import ensure_annotated, unannotated
from biascmp.store.db import open_store
from biascmp.store.reads import load_articles_docs
from biascmp.text import segment_text

TEXTS = {
    "a1": "Mayor Ines Koval opened the new bridge in Lisbon on Monday. It cost 12 million euros.",
    "a2": "The European Commission praised the bridge. Critics in Porto called it a waste.",
    "a3": "Engineers from Siemens inspected the cables.\n\nThey found no faults, Koval said.",
}


@pytest.fixture()
def store(tmp_path, embedder):
    with open_store(tmp_path / "ann.duckdb") as store:
        raws = [RawArticle(article_id=k, outlet=f"Outlet {k}", text=t, source_path="mem")
                for k, t in TEXTS.items()]
        ingest_records(store, raws, embedder=embedder)
        yield store


def entity_rows(con):
    return con.execute("SELECT sentence_id, text, label FROM entities ORDER BY sentence_id, idx").fetchall()


def test_annotation_matches_the_text_helper_and_runs_once(store, nlp):
    assert unannotated(store.con, list(TEXTS)) == ["a1", "a2", "a3"]
    assert entity_rows(store.con) == []
    assert ensure_annotated(store.con, ["a1", "a3"], nlp=nlp) == 2
    assert unannotated(store.con, list(TEXTS)) == ["a2"]
    assert ensure_annotated(store.con, ["a1", "a3"], nlp=nlp) == 0
    docs = load_articles_docs(store.con, ["a1", "a3"])
    for art in docs.articles:
        expected = segment_text(TEXTS[art.article_id], art.article_id, nlp=nlp)
        assert [(s.sentence_id, s.text) for s in art.sentences] == [(s.sentence_id, s.text) for s in expected]
        assert [s.lemmas for s in art.sentences] == [s.lemmas for s in expected]
        assert [[(e.text, e.label, e.start, e.end) for e in s.entities] for s in art.sentences] == [
            [(e.text, e.label, e.start, e.end) for e in s.entities] for s in expected
        ]
    assert ("a1:0", "Ines Koval", "PERSON") in entity_rows(store.con)


class FailingSecondBatch:
    """The real pipeline, failing on its second batch (a crash half-way through annotation)."""

    def __init__(self, nlp):
        self.nlp, self.calls = nlp, 0
        self.pipe_names = nlp.pipe_names

    def pipe(self, texts, **kwargs):
        self.calls += 1
        if self.calls == 2:
            raise RuntimeError("annotation failed half-way")
        return self.nlp.pipe(texts, **kwargs)


def test_failed_annotation_leaves_nothing_half_done(store, nlp, monkeypatch):
    monkeypatch.setattr(annotations, "BATCH_ARTICLES", 1)
    lemmas_before = store.con.execute("SELECT sentence_id, lemmas FROM sentences ORDER BY 1").fetchall()
    with pytest.raises(RuntimeError, match="half-way"):
        ensure_annotated(store.con, list(TEXTS), nlp=FailingSecondBatch(nlp))
    assert unannotated(store.con, list(TEXTS)) == ["a1", "a2", "a3"]
    assert entity_rows(store.con) == []
    assert store.con.execute("SELECT sentence_id, lemmas FROM sentences ORDER BY 1").fetchall() == lemmas_before
    assert ensure_annotated(store.con, list(TEXTS), nlp=nlp) == 3
