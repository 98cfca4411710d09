"""Repeated-paragraph flags without a store scan per batch: the Bloom filter in front of
``stored_repeat_counts`` changes no flag, and an ingest asks the store only about pairs it may
hold (issue 8: the per-batch scans slowed a large ingest and left DuckDB bookkeeping behind)."""

from __future__ import annotations

import numpy as np

from biascmp.membership import BloomFilter
from biascmp.records import RawArticle
from biascmp.store.db import open_store

FOOTER = "The {outlet} team thanks the volunteers who walked every district with our counters."
TWICE = "The {outlet} earlier reported that the bridge had been closed for repairs since spring."
THRICE = "Work on the {outlet} district's new school is expected to resume after the winter break."


def _article(i: int, outlet: str, extra: list[str]) -> RawArticle:
    body = [
        f"Story {i}: the district council in {outlet} counted {i * 13 % 97} new homes this month.",
        f"Residents of street {i} said the count of {i * 5 % 41} flats was far below the plan.",
        *extra,
    ]
    return RawArticle(source_path="repeats.jsonl", text="\n\n".join(body), article_id=f"{outlet}-{i}",
                      outlet=outlet, title=f"Housing report {i}", source_format="jsonl")


def _corpus(start: int, n: int) -> list[RawArticle]:
    """Articles of three outlets: each carries its outlet's footer (a repeat in every article);
    articles 6 and 30 (both the Herald's) also a paragraph printed in those two only, and
    articles 20, 26 and 38 (the Gazette's) one printed in those three."""
    out = []
    for i in range(start, start + n):
        outlet = ("Herald", "Courier", "Gazette")[i % 3]
        extra = [FOOTER.format(outlet=outlet)]
        if i in (6, 30):
            extra.insert(0, TWICE.format(outlet=outlet))
        if i in (20, 26, 38):  # the Gazette's, all written after the filters are loaded
            extra.insert(0, THRICE.format(outlet=outlet))
        out.append(_article(i, outlet, extra))
    return out


def _flags(db) -> list[tuple]:
    with open_store(db, read_only=True) as store:
        return store.con.execute(
            "SELECT article_id, position, is_boilerplate, boilerplate_reason FROM paragraphs "
            "ORDER BY article_id, position").fetchall()


def _ingest_twice(db, embedder) -> None:
    """A first ingest over several batches, then a second one into the filled store."""
    from biascmp.pipeline import ingest_records

    with open_store(db) as store:
        ingest_records(store, _corpus(0, 40), embedder=embedder, batch_size=4)
    with open_store(db) as store:
        ingest_records(store, _corpus(40, 12) + [_article(99, "Herald", [TWICE.format(outlet="Herald")])],
                       embedder=embedder, batch_size=4)


def test_bloom_filter_never_forgets_and_rarely_guesses():
    bloom = BloomFilter(bits=2**16)
    added = [f"pair-{i}".encode() for i in range(2000)]
    bloom.add(added)
    assert bloom.may_hold(added).all()
    others = bloom.may_hold([f"other-{i}".encode() for i in range(20000)])
    assert others.mean() < 3 * bloom.false_maybe_rate() + 0.002
    assert not BloomFilter(bits=2**16).may_hold(added).any()
    assert bloom.bits == 2**16 and BloomFilter(bits=1000).bits == 1024


def test_repeat_flags_match_asking_the_store_about_every_pair(tmp_path, embedder, monkeypatch):
    """The filters, loaded after 2 batches of each ingest, give the flags of asking the store
    about every pair (never loading them); so does a 64-bit filter, where every pair is a
    "maybe" and the store is asked about all but those the batch alone decides."""
    import biascmp.membership as membership
    import biascmp.pipeline as pipeline

    monkeypatch.setattr(pipeline, "SCAN_BATCHES", 2)
    _ingest_twice(tmp_path / "filtered.duckdb", embedder)
    monkeypatch.setattr(membership, "DEFAULT_BITS", 64)
    _ingest_twice(tmp_path / "saturated.duckdb", embedder)
    monkeypatch.setattr(pipeline, "SCAN_BATCHES", 10**9)
    _ingest_twice(tmp_path / "scanned.duckdb", embedder)
    filtered, scanned = _flags(tmp_path / "filtered.duckdb"), _flags(tmp_path / "scanned.duckdb")
    assert filtered == scanned == _flags(tmp_path / "saturated.duckdb")
    reasons = {(aid, pos): reason for aid, pos, _, reason in filtered}
    # footers are flagged once enough earlier articles of the outlet are stored; the
    # paragraph printed twice is not; the second ingest sees the first one's footers
    assert reasons[("Herald-51", 2)] == "repeated" and reasons[("Herald-39", 2)] == "repeated"
    assert reasons[("Herald-6", 2)] is None and reasons[("Herald-30", 2)] is None
    assert reasons[("Herald-99", 2)] == "repeated"  # two stored, and itself
    assert reasons[("Gazette-20", 2)] is None and reasons[("Gazette-38", 2)] == "repeated"
    assert sum(r == "repeated" for r in reasons.values()) > 30


def test_a_fresh_ingest_asks_the_store_about_nothing_new(tmp_path, embedder, monkeypatch):
    """Once the filters are loaded (here from the first batch on) an ingest into an empty
    store asks about no article id, and about a paragraph only when earlier batches wrote it
    often enough to change its flag: here the footers, each until the store has counted it in
    ``min_repeats`` articles, and the third copy of the Gazette's paragraph; never the
    paragraphs that appear once, nor the one printed twice (one stored copy plus the batch's
    cannot reach 3)."""
    import biascmp.pipeline as pipeline
    from biascmp.ingest import repeated_paragraph_keys

    monkeypatch.setattr(pipeline, "SCAN_BATCHES", 0)

    asked: list[tuple[str, str]] = []
    ids_asked: list[str] = []
    real_counts, real_hashes = pipeline.stored_repeat_counts, pipeline.existing_hashes
    monkeypatch.setattr(pipeline, "stored_repeat_counts",
                        lambda store, pairs: asked.extend(pairs) or real_counts(store, pairs))
    monkeypatch.setattr(pipeline, "existing_hashes",
                        lambda con, ids: ids_asked.extend(ids) or real_hashes(con, ids))
    with open_store(tmp_path / "fresh.duckdb") as store:
        report = pipeline.ingest_records(store, _corpus(0, 40), embedder=embedder, batch_size=4)
    assert report.new == 40 and ids_asked == []
    footers = {(o, repeated_paragraph_keys(FOOTER.format(outlet=o))) for o in ("Herald", "Courier", "Gazette")}
    thrice = ("Gazette", repeated_paragraph_keys(THRICE.format(outlet="Gazette")))
    assert thrice in asked and set(asked) <= footers | {thrice}
    assert len(asked) <= 2 * len(footers) + 1, asked


def test_a_small_ingest_asks_the_store_and_never_reads_it_whole(tmp_path, embedder, monkeypatch):
    """Fewer batches than ``SCAN_BATCHES``: every id and pair is asked about, the stored ids
    and pairs are never read into memory."""
    import biascmp.pipeline as pipeline

    loaded: list[str] = []
    monkeypatch.setattr(pipeline, "stored_article_ids", lambda store: loaded.append("ids"))
    monkeypatch.setattr(pipeline.StoredParagraphs, "_load", lambda self, store: loaded.append("pairs"))
    with open_store(tmp_path / "small.duckdb") as store:
        report = pipeline.ingest_records(store, _corpus(0, 40), embedder=embedder, batch_size=4)
    assert report.new == 40 and loaded == []


def test_same_text_under_two_titles_counts_twice_as_in_the_cleaner(tmp_path, embedder, monkeypatch):
    """The cleaner counts a batch's articles by content hash, title included: one text under
    two titles is two articles. With one stored copy, that makes three: the store must be
    asked even though the batch holds only one distinct text."""
    import biascmp.pipeline as pipeline

    monkeypatch.setattr(pipeline, "SCAN_BATCHES", 0)
    shared = TWICE.format(outlet="Herald")
    with open_store(tmp_path / "titles.duckdb") as store:
        pipeline.ingest_records(store, [_article(1, "Herald", [shared])], embedder=embedder)
    twin = _article(2, "Herald", [shared])
    retitled = RawArticle(source_path="repeats.jsonl", text=twin.text, article_id="Herald-2b",
                          outlet="Herald", title="Another headline", source_format="jsonl")
    with open_store(tmp_path / "titles.duckdb") as store:
        pipeline.ingest_records(store, [twin, retitled], embedder=embedder)
    reasons = {(aid, pos): reason for aid, pos, _, reason in _flags(tmp_path / "titles.duckdb")}
    assert reasons[("Herald-1", 2)] is None
    assert reasons[("Herald-2", 2)] == reasons[("Herald-2b", 2)] == "repeated"
