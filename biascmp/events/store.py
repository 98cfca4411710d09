"""Event grouping against the DuckDB store: read features, regroup, save, correct, resolve.

Tables (migration ``m002_events``, documented in ``docs/schema.md``): ``events``,
``event_articles`` (rewritten by each ``regroup``) and ``event_corrections`` (the user's
``assign`` / ``merge`` corrections; applied as pins by every regroup, so they survive it).
"""

from __future__ import annotations

from datetime import datetime, timezone

import duckdb
import numpy as np
import pyarrow as pa

from biascmp.errors import NotFound
from biascmp.events.cluster import group_articles
from biascmp.events.features import EventInput, article_vector, features_from_sentences
from biascmp.events.label import Event, build_events
from biascmp.events.settings import EventSettings
from biascmp.records import Sentence
from biascmp.store.db import transaction
from biascmp.store.reads import vectors_from_arrow
from biascmp.store.writes import insert_arrow, query_arrow

#: articles whose sentences are fetched per query when reading features
READ_BATCH = 2_000


def current_pins(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """``article_id -> event_id`` for pinned articles: the latest correction, else the record's
    ``event`` field (``articles.event_hint``)."""
    rows = con.execute(
        "SELECT a.article_id, coalesce(c.event_id, a.event_hint) FROM articles a "
        "LEFT JOIN (SELECT article_id, arg_max(event_id, seq) AS event_id "
        "           FROM event_corrections GROUP BY article_id) c USING (article_id) "
        "WHERE coalesce(c.event_id, a.event_hint) IS NOT NULL"
    ).fetchall()
    return dict(rows)


def _has_vectors(con: duckdb.DuckDBPyConnection) -> bool:
    cols = con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'articles'"
    ).fetchall()
    return any(c == "embedding" for (c,) in cols)


def load_event_inputs(
    con: duckdb.DuckDBPyConnection, settings: EventSettings | None = None
) -> list[EventInput]:
    """Every stored article's grouping features, read in batches through Arrow (memory stays
    bounded by ``READ_BATCH`` articles' sentences). Articles without an article vector get
    one derived from their sentence vectors."""
    pins = current_pins(con)
    with_vectors = _has_vectors(con)
    arts = con.execute(
        "SELECT article_id, outlet, title, published FROM articles ORDER BY article_id"
    ).fetchall()
    out: list[EventInput] = []
    for start in range(0, len(arts), READ_BATCH):
        batch = arts[start : start + READ_BATCH]
        out.extend(_read_batch(con, batch, pins, with_vectors, settings))
    return out


def _read_batch(con, batch, pins, with_vectors, settings=None) -> list[EventInput]:
    """Features of one batch of ``(article_id, outlet, title, published)`` rows: sentence
    texts and numbers (what the rule-based ingest stores; spaCy's entities and lemmas are
    not needed, so grouping works on a database nothing has annotated)."""
    ids = pa.table({"article_id": pa.array([a[0] for a in batch], pa.string())})
    sents = query_arrow(
        con,
        "SELECT s.sentence_id, s.article_id, s.position, s.paragraph, s.text, s.numbers "
        "FROM sentences s JOIN _arrow USING (article_id) "
        "WHERE NOT s.is_boilerplate ORDER BY s.article_id, s.position",
        ids,
    ).fetchall()
    art_vecs = _vectors_by_article(
        con, "SELECT a.article_id, a.embedding FROM articles a JOIN _arrow USING (article_id) "
        "WHERE a.embedding IS NOT NULL ORDER BY a.article_id", ids,
    ) if with_vectors else {}
    sent_vecs = _vectors_by_article(
        con, "SELECT s.article_id, s.embedding FROM sentences s JOIN _arrow USING (article_id) "
        "WHERE NOT s.is_boilerplate AND s.embedding IS NOT NULL ORDER BY s.article_id, s.position", ids,
    ) if with_vectors else {}
    sentences_of: dict[str, list[Sentence]] = {}
    for sid, aid, position, paragraph, text, numbers in sents:
        sentences_of.setdefault(aid, []).append(
            Sentence(sid, aid, position, paragraph, text, numbers=list(numbers or []))
        )
    out = []
    for article_id, outlet, title, published in batch:
        vecs = sent_vecs.get(article_id)
        vector = art_vecs.get(article_id)
        if vector is None:  # stored before article vectors existed: derive it the same way
            vector = article_vector(None, vecs) if vecs is not None else np.zeros(1, np.float32)
        else:
            vector = vector[0]
        out.append(
            features_from_sentences(
                article_id, sentences_of.get(article_id, []), vector, vecs,
                outlet=outlet, title=title, published=published, pinned=pins.get(article_id),
                settings=settings,
            )
        )
    return out


def _vectors_by_article(con, sql: str, ids: pa.Table) -> dict[str, np.ndarray]:
    """``article_id -> (rows, dim)`` vectors from a query of ``(article_id, embedding)``
    ordered by article, reading the ids as ``_arrow``."""
    tab = query_arrow(con, sql, ids).to_arrow_table()
    if tab.num_rows == 0:
        return {}
    vecs = vectors_from_arrow(tab.column("embedding"))
    ids = np.asarray(tab.column("article_id").to_pylist(), dtype=object)
    cuts = np.flatnonzero(ids[1:] != ids[:-1]) + 1
    starts = np.r_[0, cuts]
    return {ids[s]: part for s, part in zip(starts, np.split(vecs, cuts))}


def save_events(con: duckdb.DuckDBPyConnection, events: list[Event]) -> None:
    """Replace ``events`` and ``event_articles`` with ``events`` (the caller holds the
    transaction). A regroup covers the whole corpus, so every previous row goes."""
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    con.execute("DELETE FROM event_articles")
    con.execute("DELETE FROM events")
    if not events:
        return
    ev = pa.table(
        {
            "event_id": pa.array([e.event_id for e in events], pa.string()),
            "label": pa.array([e.label for e in events], pa.string()),
            "first_published": pa.array([e.first_published for e in events], pa.date32()),
            "last_published": pa.array([e.last_published for e in events], pa.date32()),
            "n_articles": pa.array([e.n_articles for e in events], pa.int32()),
            "n_outlets": pa.array([e.n_outlets for e in events], pa.int32()),
            "pinned": pa.array([e.pinned for e in events], pa.bool_()),
            "outlets": pa.array([e.outlets for e in events], pa.list_(pa.string())),
            "grouped_at": pa.array([now] * len(events), pa.timestamp("us")),
        }
    )
    members = [(e.event_id, a, e.scores.get(a)) for e in events for a in e.articles]
    ea = pa.table(
        {
            "event_id": pa.array([m[0] for m in members], pa.string()),
            "article_id": pa.array([m[1] for m in members], pa.string()),
            "score": pa.array([m[2] for m in members], pa.float64()),
        }
    )
    insert_arrow(con, "events", ev)
    insert_arrow(con, "event_articles", ea)


def regroup(con: duckdb.DuckDBPyConnection, settings: EventSettings | None = None) -> list[Event]:
    """Group every stored article (pins and corrections applied) and replace the stored events,
    in one transaction of its own. Returns the events, largest first."""
    items = load_event_inputs(con, settings)
    events = build_events(items, group_articles(items, settings))
    with transaction(con):
        save_events(con, events)
    return events


def load_events(con: duckdb.DuckDBPyConnection) -> list[Event]:
    """The stored events (as the last regroup left them), largest first."""
    rows = con.execute(
        "SELECT event_id, label, first_published, last_published, pinned, outlets FROM events"
    ).fetchall()
    members: dict[str, list[tuple]] = {}
    for event_id, article_id, score, published in con.execute(
        "SELECT ea.event_id, ea.article_id, ea.score, a.published FROM event_articles ea "
        "LEFT JOIN articles a USING (article_id)"
    ).fetchall():
        members.setdefault(event_id, []).append((published, article_id, score))
    events = []
    for event_id, label, first, last, pinned, outlets in rows:
        rows_ = sorted(members.get(event_id, []), key=lambda r: (r[0] is None, r[0] or 0, r[1]))
        events.append(
            Event(
                event_id=event_id,
                label=label,
                articles=[r[1] for r in rows_],
                outlets=list(outlets or []),
                first_published=first,
                last_published=last,
                pinned=bool(pinned),
                scores={r[1]: r[2] for r in rows_},
            )
        )
    events.sort(key=lambda e: (-e.n_articles, e.first_published is None, e.first_published or 0, e.event_id))
    return events


def resolve_event(con: duckdb.DuckDBPyConnection, ref: str) -> str:
    """An event id, or an article id meaning that article's event -> the event id."""
    if con.execute("SELECT 1 FROM events WHERE event_id = ?", [ref]).fetchone():
        return ref
    row = con.execute("SELECT event_id FROM event_articles WHERE article_id = ?", [ref]).fetchone()
    if row:
        return row[0]
    if con.execute("SELECT 1 FROM articles WHERE article_id = ?", [ref]).fetchone():
        raise NotFound(f"article {ref!r} is in no event yet (run `biascmp events` to group)")
    raise NotFound(f"no event or article {ref!r} (see `biascmp events`)")


def _record(con, kind: str, article_ids: list[str], event_id: str, merged_from: str | None) -> None:
    (seq,) = con.execute("SELECT coalesce(max(seq), 0) FROM event_corrections").fetchone()
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    con.executemany(
        "INSERT INTO event_corrections VALUES (?, ?, ?, ?, ?, ?)",
        [[seq + k + 1, kind, a, event_id, merged_from, now] for k, a in enumerate(sorted(article_ids))],
    )


def assign(
    con: duckdb.DuckDBPyConnection, article_id: str, event_id: str,
    settings: EventSettings | None = None,
) -> list[Event]:
    """Put an article in an event (an existing one, or a new one named ``event_id``), record
    the correction so every later regroup keeps it, and regroup. Assigning to an existing
    event also pins that event's current members to it."""
    if not con.execute("SELECT 1 FROM articles WHERE article_id = ?", [article_id]).fetchone():
        raise NotFound(f"no article {article_id!r}")
    event_id = event_id.strip()
    if not event_id:
        raise NotFound("an event id is needed")
    members = [
        r[0]
        for r in con.execute(
            "SELECT article_id FROM event_articles WHERE event_id = ?", [event_id]
        ).fetchall()
    ]
    with transaction(con):
        # the event's current members are pinned too, so that the article joins exactly
        # the event the user saw (not just a new event that happens to share its id)
        _record(con, "assign", sorted(set(members) | {article_id}), event_id, None)
    return regroup(con, settings)


def merge(
    con: duckdb.DuckDBPyConnection, target: str, source: str,
    settings: EventSettings | None = None,
) -> list[Event]:
    """Merge event ``source`` into event ``target`` (either given as an event id or as one of
    its articles' ids): every member of both is pinned to ``target``'s id, recorded as a
    correction, and the corpus is regrouped."""
    target_id, source_id = resolve_event(con, target), resolve_event(con, source)
    if target_id == source_id:
        return load_events(con)
    ids = [
        r[0]
        for r in con.execute(
            "SELECT article_id FROM event_articles WHERE event_id IN (?, ?)", [target_id, source_id]
        ).fetchall()
    ]
    with transaction(con):
        _record(con, "merge", ids, target_id, source_id)
    return regroup(con, settings)
