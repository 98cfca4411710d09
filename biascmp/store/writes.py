"""Bulk writes of ingested articles: Arrow tables inserted in one statement each.

Row-by-row ``executemany`` runs at about 2k rows/s here; an Arrow insert with a
``FixedSizeList`` vector column built from numpy runs at tens of thousands of rows/s.
The caller wraps these in a transaction.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone

import duckdb
import numpy as np
import pyarrow as pa

from biascmp.records import Article, Sentence

#: the tables holding an article's rows (``delete_articles`` empties them in this order)
ARTICLE_TABLES = ("entities", "sentences", "paragraphs", "articles")


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def vector_array(vectors: np.ndarray, missing: np.ndarray | None = None) -> pa.FixedSizeListArray:
    """numpy (n, dim) float32 -> Arrow FixedSizeList, which DuckDB reads as FLOAT[dim].
    Rows where ``missing`` is true become NULL."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    dim = vectors.shape[1] if vectors.ndim == 2 else 0
    mask = pa.array(missing, pa.bool_()) if missing is not None else None
    return pa.FixedSizeListArray.from_arrays(pa.array(vectors.reshape(-1)), dim, mask=mask)


def query_arrow(
    con: duckdb.DuckDBPyConnection, sql: str, table: pa.Table, params: list | None = None
) -> duckdb.DuckDBPyConnection:
    """Run ``sql`` with the Arrow ``table`` readable in it as ``_arrow``.

    DuckDB finds ``_arrow`` by its replacement scan (a Python variable of the calling frame),
    so no view is created. ``con.register`` + ``unregister`` would not do inside a long
    transaction: the dropped view, and with it the Arrow table and the numpy buffers under
    it, stays alive until COMMIT (DuckDB keeps dropped catalog entries for a rollback), so a
    one-transaction ingest held every batch it wrote in memory (about 55 KB per article).
    """
    _arrow = table  # noqa: F841 (read by DuckDB's replacement scan)
    return con.execute(sql, params or [])


def existing_hashes(con: duckdb.DuckDBPyConnection, article_ids: list[str]) -> dict[str, str]:
    """``article_id -> content_hash`` for the given ids already stored."""
    if not article_ids:
        return {}
    table = pa.table({"article_id": pa.array(article_ids, pa.string())})
    rows = query_arrow(
        con, "SELECT a.article_id, a.content_hash FROM articles a JOIN _arrow USING (article_id)", table
    ).fetchall()
    return dict(rows)


def delete_articles(con: duckdb.DuckDBPyConnection, article_ids: list[str]) -> None:
    """Remove articles and every row derived from them (before re-inserting changed ones)."""
    if not article_ids:
        return
    table = pa.table({"article_id": pa.array(article_ids, pa.string())})
    for name in ARTICLE_TABLES:
        query_arrow(con, f"DELETE FROM {name} WHERE article_id IN (SELECT article_id FROM _arrow)", table)


def insert_arrow(con: duckdb.DuckDBPyConnection, table_name: str, table: pa.Table) -> None:
    """Insert an Arrow table's columns into the same-named columns, in one statement."""
    if table.num_rows == 0:
        return
    cols = ", ".join(table.column_names)
    query_arrow(con, f"INSERT INTO {table_name} ({cols}) SELECT {cols} FROM _arrow", table)


def insert_rows(con: duckdb.DuckDBPyConnection, table_name: str, rows: list) -> None:
    """Insert rows given in the table's column order, through Arrow (``executemany`` costs
    milliseconds per row in DuckDB)."""
    if not rows:
        return
    columns = [r[0] for r in con.execute(f"DESCRIBE {table_name}").fetchall()]
    insert_arrow(con, table_name, pa.table({c: [row[i] for row in rows] for i, c in enumerate(columns)}))


def write_articles(
    con: duckdb.DuckDBPyConnection,
    articles: list[Article],
    article_vectors: np.ndarray,
    sentence_vectors: dict[str, np.ndarray],
    paragraph_key,
) -> None:
    """Insert articles with their paragraphs, sentences (with vectors) and entities.

    ``sentence_vectors`` maps ``sentence_id`` to its vector (boilerplate sentences have none
    and get NULL); ``paragraph_key`` turns the text of a paragraph without a ``key`` into the
    key used to spot paragraphs repeated across an outlet's articles.
    """
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    insert_arrow(
        con,
        "articles",
        pa.table(
            {
                "article_id": [a.article_id for a in articles],
                "outlet": [a.outlet for a in articles],
                "title": [a.title for a in articles],
                "published": pa.array([a.published for a in articles], pa.date32()),
                "url": [a.url for a in articles],
                "text": [a.text for a in articles],
                "clean_text": [a.clean_text for a in articles],
                "content_hash": [a.content_hash for a in articles],
                "event_hint": [a.event_hint for a in articles],
                "source_path": [a.source_path for a in articles],
                "source_format": [a.source_format for a in articles],
                "extra": [json.dumps(a.extra, sort_keys=True, default=str) for a in articles],
                "n_sentences": pa.array(
                    [sum(not s.is_boilerplate for s in a.sentences) for a in articles], pa.int32()
                ),
                "n_boilerplate": pa.array(
                    [sum(s.is_boilerplate for s in a.sentences) for a in articles], pa.int32()
                ),
                "ingested_at": pa.array([now] * len(articles), pa.timestamp("us")),
                "embedding": vector_array(article_vectors),
            }
        ),
    )
    paras = [(a.article_id, p) for a in articles for p in a.paragraphs]
    insert_arrow(
        con,
        "paragraphs",
        pa.table(
            {
                "article_id": [aid for aid, _ in paras],
                "position": pa.array([p.position for _, p in paras], pa.int32()),
                "text": [p.text for _, p in paras],
                "is_boilerplate": [p.is_boilerplate for _, p in paras],
                "boilerplate_reason": pa.array([p.boilerplate_reason for _, p in paras], pa.string()),
                "key": [p.key or paragraph_key(p.text) for _, p in paras],
            }
        ),
    )
    sents = [s for a in articles for s in a.sentences]
    dim = article_vectors.shape[1]
    missing = np.array([s.sentence_id not in sentence_vectors for s in sents], dtype=bool)
    zero = np.zeros(dim, np.float32)
    vecs = (
        np.stack([sentence_vectors.get(s.sentence_id, zero) for s in sents])
        if sents
        else np.zeros((0, dim), np.float32)
    )
    insert_arrow(
        con,
        "sentences",
        pa.table(
            {
                "sentence_id": [s.sentence_id for s in sents],
                "article_id": [s.article_id for s in sents],
                "position": pa.array([s.position for s in sents], pa.int32()),
                "paragraph": pa.array([s.paragraph for s in sents], pa.int32()),
                "text": [s.text for s in sents],
                "is_boilerplate": [s.is_boilerplate for s in sents],
                "numbers": pa.array([s.numbers for s in sents], pa.list_(pa.string())),
                "lemmas": pa.array([s.lemmas for s in sents], pa.list_(pa.string())),
                "text_hash": [text_hash(s.text) for s in sents],
                "embedding": vector_array(vecs, missing),
            }
        ),
    )
    write_entities(con, sents)


def write_entities(con: duckdb.DuckDBPyConnection, sentences: list[Sentence]) -> None:
    """Insert the sentences' entities (``idx`` = order in the sentence)."""
    ents = [(s, i, e) for s in sentences for i, e in enumerate(s.entities)]
    insert_arrow(
        con,
        "entities",
        pa.table(
            {
                "sentence_id": [s.sentence_id for s, _, _ in ents],
                "article_id": [s.article_id for s, _, _ in ents],
                "idx": pa.array([i for _, i, _ in ents], pa.int32()),
                "text": [e.text for _, _, e in ents],
                "label": [e.label for _, _, e in ents],
                "start_char": pa.array([e.start for _, _, e in ents], pa.int32()),
                "end_char": pa.array([e.end for _, _, e in ents], pa.int32()),
            }
        ),
    )


#: stored rows one hit must stand for before its vector is read from the store rather than
#: computed again: reading vectors scans the whole vector column (DuckDB has no fetch by key
#: for them): about 2.4 microseconds per row here, while the model computes a vector
#: in 1.2-1.6 ms, so the two cost the same at 500-660 rows per hit
#: (``benchmarks/cache_lookup.py``); 400 leans towards reading
ROWS_PER_FETCHED_HIT = 400


def _stored_vectors(columns: str) -> str:
    """SQL over every stored vector of model ``?`` as ``columns`` of ``(text_hash, embedding)``:
    the kept sentences' (one per sentence row) and ``embedding_cache`` (texts stored nowhere
    else: titles)."""
    return (
        f"SELECT {columns} FROM sentences WHERE NOT is_boilerplate "
        f"UNION ALL SELECT {columns} FROM embedding_cache WHERE model = ?"
    )


def stored_hashes(con: duckdb.DuckDBPyConnection, model_id: str, hashes: list[str]) -> set[str]:
    """Those of ``hashes`` whose vector the store holds for this model, as a kept sentence or
    in the cache (a scan of the hash columns only). The sentences' vectors are this model's:
    a database holds one model's (``ensure_embedding_columns``)."""
    if not hashes:
        return set()
    table = pa.table({"text_hash": pa.array(sorted(set(hashes)), pa.string())})
    return {h for (h,) in query_arrow(
        con,
        f"SELECT DISTINCT text_hash FROM ({_stored_vectors('text_hash')}) "
        "WHERE text_hash IN (SELECT text_hash FROM _arrow)",
        table,
        [model_id],
    ).fetchall()}


def cached_vectors(
    con: duckdb.DuckDBPyConnection, model_id: str, stored: set[str],
    rows_per_hit: int = ROWS_PER_FETCHED_HIT,
) -> dict[str, np.ndarray]:
    """The stored vectors of ``stored`` (hashes ``stored_hashes`` found), read only when there
    are enough of them for the size of the tables read (``rows_per_hit``); otherwise nothing
    is returned and the caller embeds the texts again. Reading vectors scans the whole
    vector column, so reading them for every batch made an ingest slow down as the store
    grew."""
    if not stored:
        return {}
    (rows,) = con.execute(
        "SELECT (SELECT count(*) FROM sentences) + (SELECT count(*) FROM embedding_cache)"
    ).fetchone()
    if len(stored) * rows_per_hit < rows:
        return {}
    result = query_arrow(
        con,
        f"SELECT text_hash, any_value(embedding) AS embedding FROM ({_stored_vectors('text_hash, embedding')}) "
        "WHERE text_hash IN (SELECT text_hash FROM _arrow) GROUP BY text_hash",
        pa.table({"text_hash": pa.array(sorted(stored), pa.string())}),
        [model_id],
    ).to_arrow_table()
    if result.num_rows == 0:
        return {}
    emb = result.column("embedding").combine_chunks()
    dim = emb.type.list_size
    flat = emb.values.to_numpy(zero_copy_only=False).astype(np.float32).reshape(-1, dim)
    return dict(zip(result.column("text_hash").to_pylist(), flat))


def cache_vectors(
    con: duckdb.DuckDBPyConnection, model_id: str, hashes: list[str], vectors: np.ndarray
) -> None:
    """Remember the vectors of texts stored nowhere else (titles) for later ingests. The
    table has no key (migration m008): the caller passes only hashes not stored yet."""
    if not hashes:
        return
    table = pa.table(
        {
            "model": [model_id] * len(hashes),
            "text_hash": hashes,
            "embedding": vector_array(vectors),
        }
    )
    query_arrow(
        con,
        "INSERT INTO embedding_cache (model, text_hash, embedding) "
        "SELECT model, text_hash, embedding FROM _arrow",
        table,
    )
