"""Bounded memory of a large ingest (issue 8, streaming): the writer's DuckDB memory limit and
spill folder, and per-batch Arrow tables released inside the one long ingest transaction.

benchmarks/memory.py measures the whole thing at 100 MB and 1 GB; these tests fail fast if
one of the protections is removed.
"""

from __future__ import annotations

import gc
import weakref

import duckdb
import numpy as np
import pyarrow as pa
import pytest

from biascmp.errors import ConfigError
from biascmp.store.db import MEMORY_LIMIT_ENV, StoreSettings, ensure_embedding_columns, open_store, transaction
from biascmp.store.writes import (
    cache_vectors,
    cached_vectors,
    stored_hashes,
    delete_articles,
    existing_hashes,
    insert_arrow,
    text_hash,
    vector_array,
)


def _setting(con: duckdb.DuckDBPyConnection, name: str) -> str:
    return con.execute(f"SELECT current_setting('{name}')").fetchone()[0]


def _as_duckdb_reports(limit: str) -> str:
    """How DuckDB spells ``limit`` back (e.g. "1GB" -> "953.6 MiB")."""
    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{limit}'")
    return _setting(con, "memory_limit")


def test_writer_has_memory_limit_and_spills_beside_the_database(tmp_path, monkeypatch):
    monkeypatch.delenv(MEMORY_LIMIT_ENV, raising=False)
    with open_store(tmp_path / "m.duckdb") as store:
        assert _setting(store.con, "memory_limit") == _as_duckdb_reports(StoreSettings().memory_limit)
        assert _setting(store.con, "temp_directory") == str(tmp_path / "m.duckdb") + ".tmp"
    # the default is far below DuckDB's own (80% of RAM), which let an ingest's peak grow
    assert _as_duckdb_reports(StoreSettings().memory_limit) != duckdb.connect().execute(
        "SELECT current_setting('memory_limit')").fetchone()[0]


def test_writer_appends_small_row_groups_and_buffers_one(tmp_path):
    """A full default row group of ``articles`` (122,880 rows of texts and vectors) is held in
    memory until written: the writer's row groups are ``StoreSettings.row_group_size``."""
    settings = StoreSettings(row_group_size=4096)
    with open_store(tmp_path / "r.duckdb", settings=settings) as store:
        assert _setting(store.con, "write_buffer_row_group_count") == 1
        store.con.execute("CREATE TABLE t AS SELECT range AS i FROM range(10000)")
        store.con.execute("CHECKPOINT")
        groups = store.con.execute(
            "SELECT count(DISTINCT row_group_id) FROM pragma_storage_info('t')").fetchone()[0]
    assert groups == 3
    with open_store(tmp_path / "r.duckdb", read_only=True) as store:  # a plain file to readers
        assert store.con.execute("SELECT count(*) FROM t").fetchone()[0] == 10000


def test_memory_limit_from_environment_and_settings(tmp_path, monkeypatch):
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "300MB")
    with open_store(tmp_path / "a.duckdb") as store:
        assert _setting(store.con, "memory_limit") == _as_duckdb_reports("300MB")
    spill = tmp_path / "spill"
    settings = StoreSettings(memory_limit="200MB", temp_directory=str(spill))
    with open_store(tmp_path / "b.duckdb", settings=settings) as store:
        assert _setting(store.con, "memory_limit") == _as_duckdb_reports("200MB")
        assert _setting(store.con, "temp_directory") == str(spill)


def test_bad_memory_limit_is_a_config_error_and_leaves_no_lock(tmp_path, monkeypatch):
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "lots")
    with pytest.raises(ConfigError, match="BIASCMP_MEMORY_LIMIT"):
        open_store(tmp_path / "c.duckdb")
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "64MB")
    open_store(tmp_path / "c.duckdb").close()  # not "in use": no lock was left behind


def test_batch_tables_are_freed_inside_one_transaction(tmp_path):
    """Every write/lookup helper the ingest calls per batch must let go of its Arrow table
    (and the numpy buffers under it) before COMMIT. A ``con.register`` + ``unregister`` view
    is kept by DuckDB until the transaction ends, which made a one-transaction ingest hold
    every batch it wrote: about 55 KB per article."""
    dim = 8
    with open_store(tmp_path / "t.duckdb") as store:
        con = store.con
        ensure_embedding_columns(store, "m", dim)  # the real embedding_cache table
        con.execute("CREATE TABLE vecs(id VARCHAR, embedding FLOAT[8])")
        alive: list[weakref.ref] = []
        with transaction(con):
            for batch in range(12):
                texts = [f"sentence {batch}-{i}" for i in range(50)]
                hashes = [text_hash(t) for t in texts]
                vectors = np.random.default_rng(batch).random((50, dim), dtype=np.float32)
                alive.append(weakref.ref(vectors))
                cache_vectors(con, "m", hashes, vectors)
                insert_arrow(con, "vecs", pa.table({"id": texts, "embedding": vector_array(vectors)}))
                assert set(cached_vectors(con, "m", stored_hashes(con, "m", hashes))) == set(hashes)
                assert existing_hashes(con, [f"a{batch}"]) == {}
                delete_articles(con, [f"a{batch}"])
                del vectors
            gc.collect()
            held = sum(ref() is not None for ref in alive)
            stored = con.execute("SELECT count(*) FROM vecs").fetchone()[0]
        assert stored == 12 * 50
        assert held == 0, f"{held} of 12 batches' vectors are still held before COMMIT"


def _articles(n: int):
    from biascmp.records import RawArticle

    for i in range(n):
        text = "\n\n".join(
            f"Paragraph {p} of report {i}: the council counted {i * 7 + p} new homes in district {p}."
            for p in range(3)
        )
        yield RawArticle(source_path="mem.jsonl", text=text, article_id=f"r{i}",
                         outlet=f"Outlet {i % 3}", title=f"Report {i}", source_format="jsonl")


def test_ingest_holds_no_arrow_memory_per_batch(tmp_path, embedder):
    """Arrow memory in use at each batch boundary of one ingest stays flat: nothing a batch
    built is kept for the rest of the transaction."""
    from biascmp.pipeline import ingest_records

    samples: list[int] = []
    with open_store(tmp_path / "i.duckdb") as store:
        report = ingest_records(store, _articles(60), embedder=embedder, batch_size=4,
                                progress=lambda n: samples.append(pa.total_allocated_bytes()))
    assert report.new == 60
    half = len(samples) // 2
    assert samples[-1] <= samples[half], f"Arrow bytes grew from {samples[half]} to {samples[-1]}"


def test_recent_vectors_stay_bounded_and_keep_the_latest():
    import numpy as np

    from biascmp.pipeline import RecentVectors

    recent = RecentVectors(size=3)
    for k in range(5):
        recent.put(f"h{k}", np.full(2, k, np.float32))
    assert recent.get("h0") is None and recent.get("h1") is None
    assert recent.get("h2") is not None  # touched: now the most recent
    recent.put("h5", np.zeros(2, np.float32))
    assert recent.get("h3") is None and recent.get("h2") is not None and recent.get("h5") is not None


def test_few_hits_in_a_large_cache_are_embedded_again(tmp_path):
    """Reading cached vectors scans the whole vector column, so a handful of hits in a big
    cache is left to the model (``rows_per_hit``); enough hits are read, exactly."""
    dim = 4
    hashes = [text_hash(f"sentence {i}") for i in range(1000)]
    vectors = np.random.default_rng(0).random((1000, dim), dtype=np.float32)
    with open_store(tmp_path / "c.duckdb") as store:
        ensure_embedding_columns(store, "m", dim)
        with transaction(store.con):
            cache_vectors(store.con, "m", hashes, vectors)
        wanted = stored_hashes(store.con, "m", hashes[:10] + [text_hash("not cached")])
        assert wanted == set(hashes[:10])
        assert cached_vectors(store.con, "m", wanted, rows_per_hit=50) == {}  # 10 x 50 < 1000 rows
        found = cached_vectors(store.con, "m", wanted, rows_per_hit=100)  # 10 x 100 >= 1000
        assert set(found) == set(hashes[:10])
        for i in range(10):
            np.testing.assert_array_equal(found[hashes[i]], vectors[i])


def _harbour(i: int, *lines: str, title: str = "Harbour board approves the dredging budget"):
    from biascmp.records import RawArticle

    text = "\n\n".join([*lines, f"Report {i} counted {i * 3} ships in the outer basin."])
    # one outlet per article: a line shared by an outlet's articles would be boilerplate
    return RawArticle(source_path="c.jsonl", text=text, article_id=f"c{i}", outlet=f"Outlet {i}",
                      title=title, source_format="jsonl")


def test_each_vector_is_stored_once(tmp_path, embedder):
    """A kept sentence's vector lives in ``sentences`` only and a title's in the cache, once:
    the cache has no key (migration m008), so the ingest itself must not write a text twice,
    not when batches in flight together embed the same title and not when a later ingest
    recomputes a text the store holds (one hit is too few to read in a large store)."""
    from biascmp.pipeline import ingest_records

    shared = "The harbour board approved the dredging budget on Tuesday."
    with open_store(tmp_path / "c.duckdb") as store:
        def cache_rows():
            return store.con.execute("SELECT count(*), count(DISTINCT text_hash) FROM embedding_cache").fetchone()

        first = ingest_records(store, (_harbour(i, shared) for i in range(150)), embedder=embedder, batch_size=2)
        assert cache_rows() == (1, 1)  # the title
        # 150 reports, the shared line and the title, plus the few embedded again by batches
        # in flight together
        assert 152 <= first.embedded < 160
        both = store.con.execute(
            "SELECT count(*) FROM embedding_cache JOIN sentences USING (text_hash)").fetchone()[0]
        assert both == 0
        # a new ingest finds the shared line among the sentences and the title in the cache
        # (2 hits x 400 >= 301 stored rows: read)
        again = ingest_records(store, [_harbour(1000, shared)], embedder=embedder)
        assert (again.embedded, again.from_cache) == (1, 2)
        assert cache_rows() == (1, 1)
        ingest_records(store, (_harbour(i, shared) for i in range(2000, 2100)), embedder=embedder, batch_size=50)
        # one hit (the title) among 500 stored rows is recomputed, and not cached a second time
        late = ingest_records(store, [_harbour(5000)], embedder=embedder)
        assert (late.embedded, late.from_cache) == (2, 0)
        assert cache_rows() == (1, 1)


def test_a_replaced_article_lends_its_vectors_to_its_new_version(tmp_path, embedder):
    """A changed article is deleted only when its new version is written, so the batch's
    lookup still finds the vectors of the sentences it keeps."""
    from biascmp.pipeline import ingest_records

    kept = "The port authority signed the lease with the ferry operator last week."
    with open_store(tmp_path / "r.duckdb") as store:
        ingest_records(store, [_harbour(1, kept)], embedder=embedder)
        changed = ingest_records(store, [_harbour(1, kept, "A correction was appended on Friday.")],
                                 embedder=embedder)
        assert changed.replaced == 1
        assert (changed.embedded, changed.from_cache) == (1, 3)  # the correction; kept, report, title
        rows = store.con.execute("SELECT count(*) FROM sentences WHERE article_id = 'c1'").fetchone()[0]
        assert rows == 3


def test_batches_start_small_then_keep_their_size():
    from biascmp.pipeline import batched

    assert [len(b) for b in batched(range(40), 16, first=4)] == [4, 16, 16, 4]
    assert [len(b) for b in batched(range(5), 2)] == [2, 2, 1]
    assert [len(b) for b in batched(range(5), 2, first=8)] == [2, 2, 1]
    assert [x for b in batched(range(40), 16, first=4) for x in b] == list(range(40))


def test_seen_ids_remember_every_id_in_sixteen_bytes():
    """The ids an ingest has met, across merges of the pending set into the sorted array; a
    digest ending in NUL bytes (numpy's bytes scalars drop them) is found as well."""
    from biascmp.pipeline import SeenIds

    seen = SeenIds(pending=100)
    added = [f"outlet-{i}/article-{i * 7}" for i in range(1_050)]
    assert all(seen.add(article_id) for article_id in added)
    assert not any(seen.add(article_id) for article_id in added[::50])  # met before: not added again
    assert len(seen) == 1_050 and seen._sorted.nbytes == 16 * 1_000
    assert all(a in seen for a in added)
    assert not any(f"outlet-{i}/article-{i * 7 + 1}" in seen for i in range(1_050))
    # an id whose digest ends in a NUL byte (found by search), stored in the sorted array
    nul = next(f"n{i}" for i in range(100_000) if SeenIds._digest(f"n{i}").endswith(b"\0"))
    merged = SeenIds(pending=1)
    merged.add(nul)
    assert nul in merged and len(merged._latest) == 0
