"""Typed reads: what the analyses need, fetched through Arrow in a few queries."""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa

from biascmp.errors import NotFound
from biascmp.records import Entity, EventArticle, EventDocs, Sentence
from biascmp.store.writes import query_arrow


def vectors_from_arrow(column) -> np.ndarray:
    """An Arrow FLOAT[dim] column -> float32 numpy (n, dim)."""
    arr = column.combine_chunks() if hasattr(column, "combine_chunks") else column
    if len(arr) == 0:
        return np.zeros((0, 0), dtype=np.float32)
    dim = arr.type.list_size
    return arr.values.to_numpy(zero_copy_only=False).astype(np.float32).reshape(-1, dim)


def load_articles_docs(
    con: duckdb.DuckDBPyConnection, article_ids: list[str], event_id: str = "", label: str = ""
) -> EventDocs:
    """The given articles with their non-boilerplate sentences, entities and sentence vectors.

    Articles come in (published, outlet, article_id) order; sentences in reading order.
    """
    ids = pa.table({"article_id": pa.array(list(article_ids), pa.string())})
    arts = query_arrow(
        con,
        "SELECT a.article_id, a.outlet, a.title, a.published, a.url FROM articles a "
        "JOIN _arrow USING (article_id) ORDER BY a.published NULLS LAST, a.outlet, a.article_id",
        ids,
    ).fetchall()
    sents = query_arrow(
        con,
        "SELECT s.sentence_id, s.article_id, s.position, s.paragraph, s.text, s.numbers, "
        "s.lemmas, s.embedding FROM sentences s JOIN _arrow USING (article_id) "
        "WHERE NOT s.is_boilerplate ORDER BY s.article_id, s.position",
        ids,
    ).to_arrow_table()
    ents = query_arrow(
        con,
        "SELECT e.sentence_id, e.text, e.label, e.start_char, e.end_char FROM entities e "
        "JOIN _arrow USING (article_id) ORDER BY e.sentence_id, e.idx",
        ids,
    ).fetchall()
    by_sentence: dict[str, list[Entity]] = {}
    for sid, ent_text, ent_label, start, end in ents:
        by_sentence.setdefault(sid, []).append(Entity(ent_text, ent_label, start, end))
    vectors = vectors_from_arrow(sents.column("embedding"))
    per_article: dict[str, list[tuple[Sentence, int]]] = {}
    cols = {name: sents.column(name).to_pylist() for name in sents.column_names if name != "embedding"}
    for i, sid in enumerate(cols["sentence_id"]):
        sentence = Sentence(
            sentence_id=sid,
            article_id=cols["article_id"][i],
            position=cols["position"][i],
            paragraph=cols["paragraph"][i],
            text=cols["text"][i],
            entities=by_sentence.get(sid, []),
            numbers=list(cols["numbers"][i] or []),
            lemmas=list(cols["lemmas"][i] or []),
        )
        per_article.setdefault(sentence.article_id, []).append((sentence, i))
    articles, order = [], []
    for article_id, outlet, title, published, url in arts:
        rows = per_article.get(article_id, [])
        articles.append(
            EventArticle(article_id, outlet, title, published, url, [s for s, _ in rows])
        )
        order.extend(i for _, i in rows)
    embeddings = vectors[order] if len(order) else np.zeros((0, vectors.shape[1] if vectors.ndim == 2 else 0), np.float32)
    return EventDocs(event_id=event_id, label=label, articles=articles, embeddings=embeddings)


def event_article_ids(con: duckdb.DuckDBPyConnection, event_id: str) -> tuple[str, list[str]]:
    """The event's label and member article ids."""
    row = con.execute("SELECT label FROM events WHERE event_id = ?", [event_id]).fetchone()
    if row is None:
        raise NotFound(f"no event {event_id!r} (see `biascmp events`)")
    ids = [
        r[0]
        for r in con.execute(
            "SELECT article_id FROM event_articles WHERE event_id = ? ORDER BY article_id",
            [event_id],
        ).fetchall()
    ]
    return row[0], ids


def load_event_docs(con: duckdb.DuckDBPyConnection, event_id: str) -> EventDocs:
    """Everything an analysis needs about one stored event."""
    label, ids = event_article_ids(con, event_id)
    return load_articles_docs(con, ids, event_id=event_id, label=label)


def corpus_docs(con: duckdb.DuckDBPyConnection) -> EventDocs:
    """Every stored article (for corpus-wide comparisons such as distinctive terms)."""
    ids = [r[0] for r in con.execute("SELECT article_id FROM articles ORDER BY article_id").fetchall()]
    return load_articles_docs(con, ids, event_id="*", label="whole corpus")
