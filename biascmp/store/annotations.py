"""Entities and lemmas on demand: annotate the stored articles an analysis reads, once.

``ensure_annotated`` finds which of the given articles are not annotated yet, runs
``biascmp.annotate.annotate_sentences`` over their analysed (non-boilerplate) sentences in
batches, and stores the result (``entities`` rows, ``sentences.lemmas``, ``articles.annotated``)
inside the caller's transaction or its own.
"""

from __future__ import annotations

from typing import Callable

import duckdb
import pyarrow as pa

from biascmp.records import Sentence
from biascmp.store.db import transaction
from biascmp.store.writes import query_arrow, write_entities

#: articles annotated per spaCy batch (and per progress step)
BATCH_ARTICLES = 64


def unannotated(con: duckdb.DuckDBPyConnection, article_ids: list[str]) -> list[str]:
    """Those of ``article_ids`` whose sentences lack entities and lemmas, sorted."""
    if not article_ids:
        return []
    ids = pa.table({"article_id": pa.array(sorted(set(article_ids)), pa.string())})
    rows = query_arrow(
        con,
        "SELECT a.article_id FROM articles a JOIN _arrow USING (article_id) "
        "WHERE NOT a.annotated ORDER BY a.article_id",
        ids,
    ).fetchall()
    return [r[0] for r in rows]


def _sentences(con: duckdb.DuckDBPyConnection, article_ids: list[str]) -> list[Sentence]:
    rows = query_arrow(
        con,
        "SELECT s.sentence_id, s.article_id, s.position, s.paragraph, s.text FROM sentences s "
        "JOIN _arrow USING (article_id) WHERE NOT s.is_boilerplate ORDER BY s.article_id, s.position",
        pa.table({"article_id": pa.array(article_ids, pa.string())}),
    ).fetchall()
    return [Sentence(sid, aid, pos, para, text) for sid, aid, pos, para, text in rows]


def write_annotations(con: duckdb.DuckDBPyConnection, article_ids: list[str], sentences: list[Sentence]) -> None:
    """Store the sentences' entities and lemmas and mark the articles annotated."""
    lemmas = pa.table(
        {
            "sentence_id": [s.sentence_id for s in sentences],
            "lemmas": pa.array([s.lemmas for s in sentences], pa.list_(pa.string())),
        }
    )
    query_arrow(
        con,
        "UPDATE sentences SET lemmas = l.lemmas FROM _arrow l WHERE sentences.sentence_id = l.sentence_id",
        lemmas,
    )
    write_entities(con, sentences)
    query_arrow(
        con,
        "UPDATE articles SET annotated = TRUE FROM _arrow i WHERE articles.article_id = i.article_id",
        pa.table({"article_id": pa.array(article_ids, pa.string())}),
    )


def ensure_annotated(
    con: duckdb.DuckDBPyConnection,
    article_ids: list[str],
    *,
    nlp=None,
    progress: Callable[[int, int], None] | None = None,
    own_transaction: bool = True,
) -> int:
    """Annotate those of ``article_ids`` not annotated yet; returns how many were.

    ``progress(done, total)`` is called after each batch. spaCy loads only when there is work.
    With ``own_transaction`` the writes are one transaction (a failure leaves nothing half
    annotated); without it they join the caller's."""
    todo = unannotated(con, article_ids)
    if not todo:
        return 0
    from biascmp.annotate import annotate_sentences, load_nlp

    nlp = nlp or load_nlp()

    def run():
        for k in range(0, len(todo), BATCH_ARTICLES):
            batch = todo[k : k + BATCH_ARTICLES]
            sentences = annotate_sentences(_sentences(con, batch), nlp=nlp)
            write_annotations(con, batch, sentences)
            if progress:
                progress(min(k + BATCH_ARTICLES, len(todo)), len(todo))

    if own_transaction:
        with transaction(con):
            run()
    else:
        run()
    return len(todo)
