"""The ingest pipeline: read -> clean -> text -> embed -> store, over batches of articles.

Each stage is a function over a list of records, so a distributed engine could map them over
batches. Here they run in one process; an ingest commits and re-attaches the file as it goes
(DuckDB holds an attached file's metadata in memory) but undoes itself as a whole
(``biascmp.store.undo``), so a failed or killed ingest leaves the database as it was. No
stage but the embedding runs a model: sentences are split by rules (``biascmp.text``) and
spaCy's entities and lemmas are added later, for the articles an analysis reads
(``biascmp.annotate``).
"""

from __future__ import annotations

import hashlib
import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

import numpy as np
import pyarrow as pa

from biascmp.records import Article, RawArticle
from biascmp.store import undo
from biascmp.store.db import Store, StoreSettings, open_store, set_meta
from biascmp.store.writes import (
    cache_vectors,
    cached_vectors,
    delete_articles,
    existing_hashes,
    query_arrow,
    stored_hashes,
    text_hash,
    write_articles,
)

#: batches handed to the model and not yet written (memory: one batch's texts and vectors each)
QUEUED = 2
#: articles in an ingest's first batch: the model waits for it, so it is kept small
FIRST_BATCH = 16


@dataclass
class IngestReport:
    db: str
    read: int = 0
    new: int = 0
    replaced: int = 0
    unchanged: int = 0
    duplicates: int = 0
    sentences: int = 0
    boilerplate_paragraphs: int = 0
    embedded: int = 0
    from_cache: int = 0
    commits: int = 0  # before the last one (``biascmp.store.undo.Commits``)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return {
            "db": self.db,
            "read": self.read,
            "new": self.new,
            "replaced": self.replaced,
            "unchanged": self.unchanged,
            "duplicates": self.duplicates,
            "sentences": self.sentences,
            "boilerplate_paragraphs": self.boilerplate_paragraphs,
            "embedded": self.embedded,
            "from_cache": self.from_cache,
            "commits": self.commits,
            "skipped": [{"path": p, "reason": r} for p, r in self.skipped],
            "seconds": round(self.seconds, 3),
        }


def batched(items: Iterable, size: int, first: int | None = None) -> Iterator[list]:
    """Lists of ``size`` items (the last may be shorter); the first holds ``first`` items
    when that is given and smaller."""
    batch, limit = [], min(size, first or size)
    for item in items:
        batch.append(item)
        if len(batch) >= limit:
            yield batch
            batch, limit = [], size
    if batch:
        yield batch


class RecentVectors:
    """The vectors of the texts an ingest embedded or found most recently (at most ``size``):
    a repeated sentence (wire copy, a quote several outlets carry) is usually repeated within
    the same stretch of input, and finding it here spares a lookup in the store
    (``stored_hashes``), whose cost grows with the store. Bounded, so memory does not grow
    with the input. It also tells a batch which texts an earlier batch of the same ingest
    has just written (``new_cache_rows``)."""

    def __init__(self, size: int = 20_000):
        from collections import OrderedDict

        self.size = size
        self._items: OrderedDict[str, np.ndarray] = OrderedDict()

    def get(self, key: str) -> np.ndarray | None:
        vector = self._items.get(key)
        if vector is not None:
            self._items.move_to_end(key)
        return vector

    def put(self, key: str, vector: np.ndarray) -> None:
        self._items[key] = vector
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)


class SeenIds:
    """The article ids an ingest has met, in 16 bytes each: a sorted array of their BLAKE2b
    digests, plus a set of the latest ones merged into it every ``pending`` ids. A ``set`` of
    the id strings took about 100 bytes per article (44 MiB for a 1 GB input); a chance
    collision of two 128-bit digests is out of reach at any corpus size."""

    def __init__(self, pending: int = 65_536):
        self.pending = pending
        self._sorted = np.zeros(0, "S16")
        self._latest: set[bytes] = set()

    @staticmethod
    def _digest(article_id: str) -> bytes:
        return hashlib.blake2b(article_id.encode("utf-8"), digest_size=16).digest()

    def __contains__(self, article_id: str) -> bool:
        return self._holds(self._digest(article_id))

    def _holds(self, key: bytes) -> bool:
        if key in self._latest:
            return True
        # both bounds, so that numpy compares (its bytes scalars drop trailing NULs)
        probe = np.array([key], "S16")
        left, right = (np.searchsorted(self._sorted, probe, side)[0] for side in ("left", "right"))
        return bool(right > left)

    def add(self, article_id: str) -> bool:
        """Remember ``article_id``; False when it was already there (one digest, one lookup)."""
        key = self._digest(article_id)
        if self._holds(key):
            return False
        self._latest.add(key)
        if len(self._latest) >= self.pending:
            self._sorted = np.union1d(self._sorted, np.array(list(self._latest), "S16"))
            self._latest.clear()
        return True

    def update(self, article_ids: Iterable[str]) -> None:
        """Remember many ids at once (one merge into the sorted array)."""
        keys = np.array([self._digest(a) for a in article_ids], "S16")
        if len(keys):
            self._sorted = np.union1d(self._sorted, keys)

    def __len__(self) -> int:
        return len(self._sorted) + len(self._latest)


#: rows per fetch when an ingest reads what the store holds
FETCH_ROWS = 65_536
#: batches an ingest answers by asking the store (a join over a whole table per batch) before
#: it reads the store once into memory and asks only when the answer can matter
#: (``StoredIds``, ``StoredParagraphs``). Reading a store of 1M articles and 8M paragraphs
#: took about 12 s here, some 60 of those joins (0.2 s each; more inside a long ingest), so
#: an ingest of up to 8,192 articles (at the default batch size) never pays it
SCAN_BATCHES = 64


def stored_article_ids(store: Store) -> SeenIds:
    """The ids of the articles stored, 16 bytes each."""
    ids = SeenIds()
    result = store.con.execute("SELECT article_id FROM articles")
    while rows := result.fetchmany(FETCH_ROWS):
        ids.update(a for (a,) in rows)
    return ids


class _ScanThenLoad:
    """An ingest's view of what the store holds: the first ``SCAN_BATCHES`` batches ask the
    store, then ``_load`` reads what is needed from it once and later batches are answered
    from memory."""

    def __init__(self) -> None:
        self.loaded = False
        self.scans_left = SCAN_BATCHES

    def _load(self, store: Store) -> None:
        raise NotImplementedError

    def _scanning(self, store: Store) -> bool:
        """Whether this batch still asks the store; loads once when the scans run out."""
        if not self.loaded:
            if self.scans_left > 0:
                self.scans_left -= 1
                return True
            self._load(store)
            self.loaded = True
        return False


class StoredIds(_ScanThenLoad):
    """Which of a batch's new ids to look up in the store (``existing_hashes``): an id met
    earlier in the same ingest is a duplicate (``select_fresh``), so only ids the store held
    before the ingest can be stored with other content. The first ``SCAN_BATCHES`` batches
    look every id up; then the stored ids are read once (``stored_article_ids``; the ingest's
    own ids among them are never asked about) and only those are looked up."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: SeenIds | None = None

    def _load(self, store: Store) -> None:
        self.ids = stored_article_ids(store)

    def to_ask(self, store: Store, article_ids: list[str]) -> list[str]:
        if self._scanning(store):
            return article_ids
        return [a for a in article_ids if a in self.ids]


def _pair_key(outlet: str, key: str) -> bytes:
    return f"{outlet}\x1f{key}".encode("utf-8")


class StoredParagraphs(_ScanThenLoad):
    """What ``stored_repeat_counts`` would say for a batch's (outlet, paragraph key) pairs, as
    far as the cleaner's flags depend on it, asking the store only when they might.

    The cleaner flags a paragraph held by at least ``min_repeats`` articles of its outlet,
    counting the batch's (by content hash) and the store's. A pair the batch alone repeats
    often enough needs no store count. Otherwise the store must hold it ``need`` times or
    more (``min_repeats`` minus the batch's count, at most) to matter, and
    ``at_least[need - 1]``, a Bloom filter (``biascmp.membership``, fixed memory) of the
    pairs written in ``need`` or more articles, says whether it might: a "no" is certain, so
    the store is asked only on a "maybe". Pairs the store has counted ``min_repeats`` times
    are flagged without asking again. The first ``SCAN_BATCHES`` batches ask the store about
    every pair; then the filters are loaded with what the store holds and count every
    article the ingest writes from there on. Deleted (replaced) articles stay in them, which
    only costs a question. So the cleaner's flags are those the per-batch scan of
    ``paragraphs`` gave, without the scan."""

    def __init__(self, min_repeats: int):
        super().__init__()
        self.min_repeats = min_repeats
        self.at_least: list | None = None
        self.repeated: set[bytes] = set()

    def _load(self, store: Store) -> None:
        """Fill the filters from what the store holds (once, after ``SCAN_BATCHES`` batches)."""
        from biascmp import membership

        self.at_least = [membership.BloomFilter(membership.DEFAULT_BITS) for _ in range(self.min_repeats - 1)]
        result = store.con.execute(
            "SELECT a.outlet, p.key, count(DISTINCT p.article_id) FROM paragraphs p "
            "JOIN articles a USING (article_id) GROUP BY a.outlet, p.key"
        )
        while rows := result.fetchmany(FETCH_ROWS):
            keys = [_pair_key(outlet, key) for outlet, key, _ in rows]
            counts = np.array([n for _, _, n in rows], np.int64)
            self._raise(keys, np.zeros(len(keys), np.int64), counts)

    def _levels(self, keys: list[bytes]) -> np.ndarray:
        """How many ``at_least`` filters in a row (from 1) might hold each key."""
        level = np.zeros(len(keys), np.int64)
        for k, bloom in enumerate(self.at_least):
            on = np.flatnonzero(level == k)
            if not len(on):
                break
            level[on[bloom.may_hold([keys[i] for i in on])]] += 1
        return level

    def _raise(self, keys: list[bytes], before: np.ndarray, after: np.ndarray) -> None:
        """Add each key to the filters of the counts above ``before`` up to ``after``."""
        for k, bloom in enumerate(self.at_least, start=1):
            bloom.add([keys[i] for i in np.flatnonzero((before < k) & (after >= k))])
        self.repeated.update(keys[i] for i in np.flatnonzero(after >= self.min_repeats))

    def counts(self, store: Store, raws: list[RawArticle], splits: list) -> dict[str, dict[str, int]]:
        """outlet -> {paragraph key: stored articles of that outlet holding it} for the pairs of
        the batch (``splits``: ``split_and_key`` of each raw text) whose flag depends on it; a
        pair left out has a store count that cannot change its flag."""
        if self._scanning(store):
            return stored_repeat_counts(store, sorted(
                {(r.outlet, key) for r, (_, keys) in zip(raws, splits) if r.outlet for key in keys}))
        # the cleaner counts the batch's articles by content hash (outlet, title, text): at
        # least the distinct texts holding a pair, at most the articles holding it
        texts_of: dict[tuple[str, str], set] = {}
        holders: dict[tuple[str, str], int] = {}
        for raw, (split, keys) in zip(raws, splits):
            if raw.outlet:
                texts = tuple(t for t, _ in split)
                for key in set(keys):
                    texts_of.setdefault((raw.outlet, key), set()).add(texts)
                    holders[(raw.outlet, key)] = holders.get((raw.outlet, key), 0) + 1
        pairs = sorted(p for p, held in texts_of.items() if len(held) < self.min_repeats)
        keys = [_pair_key(o, k) for o, k in pairs]
        need = np.array([self.min_repeats - holders[p] for p in pairs], np.int64)
        found: dict[str, dict[str, int]] = {}
        ask = []
        for pair, key, enough in zip(pairs, keys, self._levels(keys) >= need):
            if key in self.repeated:
                found.setdefault(pair[0], {})[pair[1]] = self.min_repeats
            elif enough:
                ask.append(pair)
        for outlet, known in stored_repeat_counts(store, ask).items():
            for key, count in known.items():
                found.setdefault(outlet, {})[key] = count
                if count >= self.min_repeats:
                    self.repeated.add(_pair_key(outlet, key))
        return found

    def remember(self, articles: list[Article]) -> None:
        """Count the pairs of articles just written (each article once per pair); nothing to
        do before the filters are loaded (loading reads what is written by then)."""
        from biascmp.ingest import repeated_paragraph_keys

        if not self.loaded:
            return
        written: dict[bytes, int] = {}
        for a in articles:
            for key in {p.key or repeated_paragraph_keys(p.text) for p in a.paragraphs}:
                pair = _pair_key(a.outlet, key)
                written[pair] = written.get(pair, 0) + 1
        keys = list(written)
        before = self._levels(keys)
        self._raise(keys, before, before + np.array([written[k] for k in keys], np.int64))


@dataclass
class EmbedJob:
    """One batch between its cache lookup and its write; the model works on ``future``
    meanwhile (while this thread writes the previous batch)."""

    articles: list[Article]
    replaced: list[str]
    kept: list
    titled: list[int]
    texts: list[str]
    hashes: list[str]
    known: dict[str, np.ndarray]
    stored: set[str]
    todo: list[tuple[str, str]]
    future: Future | None


def batch_texts(articles: list[Article]) -> tuple[list, list[int], list[str]]:
    """What a batch embeds: its kept sentences, then the titles of the titled articles (the
    article vector is built from the title's and the sentences' vectors, not from a second
    pass over the text). Returns ``(kept sentences, indexes of titled articles, texts)``."""
    kept = [s for a in articles for s in a.sentences if not s.is_boilerplate]
    titles = [(a.title or "").strip() for a in articles]
    titled = [k for k, t in enumerate(titles) if t]
    return kept, titled, [s.text for s in kept] + [titles[k] for k in titled]


def start_embedding(
    store: Store, embedder, articles: list[Article], replaced: list[str], recent: RecentVectors, model_pool
) -> EmbedJob:
    """Look the batch's texts up in ``recent`` and the store (``stored_hashes``) and hand the
    rest to the model in ``model_pool``. A text also in a batch still being embedded is embedded
    again (its vector is still stored once: see ``new_cache_rows``)."""
    kept, titled, texts = batch_texts(articles)
    hashes = [text_hash(t) for t in texts]
    known = {h: v for h in set(hashes) if (v := recent.get(h)) is not None}
    stored = stored_hashes(store.con, embedder.model_id, [h for h in hashes if h not in known])
    known.update(cached_vectors(store.con, embedder.model_id, stored))
    todo = sorted({h: t for h, t in zip(hashes, texts) if h not in known}.items())
    future = model_pool.submit(embedder.encode, [t for _, t in todo]) if todo else None
    return EmbedJob(articles, replaced, kept, titled, texts, hashes, known, stored, todo, future)


def new_cache_rows(job: EmbedJob, vectors: np.ndarray, recent: RecentVectors) -> tuple[list[str], np.ndarray]:
    """The hashes (and vectors) of ``job.todo`` to write to ``embedding_cache``: texts that are
    not kept sentences of the batch (those vectors are stored with the sentences: titles), not
    found in the store when the batch was looked up (``stored``: the model may recompute a
    few hits in a large store), and not written since by an earlier batch of this ingest that
    embedded the same text while this one waited (those are in ``recent``, which holds more
    texts than the batches in flight at the default batch size). The cache has no key to
    drop duplicates (migration m008); a duplicate that slips through with very large
    batches only costs space, as reads take one of equal vectors."""
    sentences = set(job.hashes[: len(job.kept)])
    keep = [
        i for i, (h, _) in enumerate(job.todo)
        if h not in sentences and h not in job.stored and recent.get(h) is None
    ]
    return [job.todo[i][0] for i in keep], vectors[keep]


def finish_embedding(store: Store, embedder, job: EmbedJob, report: IngestReport, recent: RecentVectors) -> None:
    """Wait for the batch's vectors, cache those of texts stored nowhere else, and write the
    batch's articles in place of the stored versions it replaces."""
    from biascmp.events.features import article_vector
    from biascmp.ingest import repeated_paragraph_keys

    known = job.known
    if job.future is not None:
        vectors = job.future.result()
        hashes, new_vectors = new_cache_rows(job, vectors, recent)
        cache_vectors(store.con, embedder.model_id, hashes, new_vectors)
        undo.note(store.con, "cache", hashes)
        known.update(zip((h for h, _ in job.todo), vectors))
    for h, vector in known.items():
        recent.put(h, vector)
    report.embedded += len(job.todo)
    report.from_cache += len(job.texts) - len(job.todo)
    articles, kept, titled, dim = job.articles, job.kept, job.titled, embedder.dim
    both = np.stack([known[h] for h in job.hashes]).astype(np.float32) if job.hashes else np.zeros((0, dim), np.float32)
    title_of = dict(zip(titled, both[len(kept) :]))
    by_id = {s.sentence_id: v for s, v in zip(kept, both[: len(kept)])}
    article_vectors = np.stack([
        article_vector(
            title_of.get(k),
            np.array([by_id[s.sentence_id] for s in a.sentences if not s.is_boilerplate],
                     np.float32).reshape(-1, dim),
        )
        for k, a in enumerate(articles)
    ]) if articles else np.zeros((0, dim), np.float32)
    undo.keep_replaced(store.con, job.replaced)
    delete_articles(store.con, job.replaced)
    write_articles(store.con, articles, article_vectors, by_id, repeated_paragraph_keys)
    undo.note(store.con, "article", [a.article_id for a in articles])
    report.sentences += sum(len(a.sentences) for a in articles)
    report.boilerplate_paragraphs += sum(p.is_boilerplate for a in articles for p in a.paragraphs)


def stored_repeat_counts(store: Store, pairs: list[tuple[str, str]]) -> dict[str, dict[str, int]]:
    """For (outlet, paragraph key) pairs: outlet -> {paragraph key: stored articles of that
    outlet holding it} (pairs held nowhere are left out). The cleaner adds the batch's own
    counts to flag repeated boilerplate. Scans the whole ``paragraphs`` table, so the ingest
    asks only about the pairs ``StoredParagraphs`` cannot rule out."""
    found: dict[str, dict[str, int]] = {}
    if not pairs:
        return found
    table = pa.table({"outlet": [o for o, _ in pairs], "key": [k for _, k in pairs]})
    rows = query_arrow(
        store.con,
        "SELECT b.outlet, b.key, count(DISTINCT p.article_id) FROM _arrow b "
        "JOIN paragraphs p ON p.key = b.key JOIN articles a ON a.article_id = p.article_id "
        "AND a.outlet = b.outlet GROUP BY b.outlet, b.key",
        table,
    ).fetchall()
    for outlet, key, count in rows:
        found.setdefault(outlet, {})[key] = count
    return found


def clean_and_segment(raws: list[RawArticle], repeated, clean_settings=None, splits=None) -> list[Article]:
    """The pure half of a batch: boilerplate cleaning and sentence rules (no database, so it
    runs in a worker thread while the previous batch is embedded). ``repeated`` is
    ``stored_repeat_counts`` for the batch, ``splits`` its paragraphs and keys."""
    from biascmp.ingest import clean_articles
    from biascmp.text import segment_articles

    return segment_articles(clean_articles(raws, repeated=repeated, settings=clean_settings, splits=splits))


def select_fresh(
    store: Store, articles: list[Article], report: IngestReport, seen_ids: SeenIds,
    stored_ids: StoredIds | None = None,
) -> tuple[list[Article], list[str]]:
    """Deduplicate one cleaned batch and drop articles stored unchanged. Returns the articles
    to write and the ids among them stored with other content: ``finish_embedding`` deletes
    those just before writing, so the batch's lookup still finds their sentences' vectors.

    Within one ingest the first record with an id wins (``seen_ids`` spans the batches);
    later ones are counted as duplicates. ``stored_ids`` says which ids to look up in the
    store (default: every one)."""
    batch: list[Article] = []
    for article in articles:
        if not seen_ids.add(article.article_id):
            report.duplicates += 1
            continue
        batch.append(article)
    ids = [a.article_id for a in batch]
    stored = existing_hashes(store.con, stored_ids.to_ask(store, ids) if stored_ids else ids)
    fresh, changed = [], []
    for article in batch:
        old = stored.get(article.article_id)
        if old == article.content_hash:
            report.unchanged += 1
        else:
            fresh.append(article)
            if old is not None:
                changed.append(article.article_id)
    report.replaced += len(changed)
    report.new += len(fresh) - len(changed)
    return fresh, changed


def ingest_records(
    store: Store,
    records: Iterable[RawArticle],
    *,
    embedder=None,
    clean_settings=None,
    batch_size: int = 128,
    progress: Callable[[int], None] | None = None,
    report: IngestReport | None = None,
    commit_articles: int | None = None,
) -> IngestReport:
    """Ingest ``RawArticle`` records into an open store, all or nothing: it commits every
    ``commit_articles`` articles written (default: ``StoreSettings.from_env()``) and undoes
    the committed part if it fails (``biascmp.store.undo``).

    Three things overlap: cleaning and sentence rules of the next batch (a worker thread),
    the model embedding the batches queued for it (another thread; the model releases the
    interpreter lock), and this thread's database work (lookups, then the writes of the
    oldest batch). ``QUEUED`` batches wait for the model, so it has the next one at hand
    while this thread writes, cleans and looks up.
    """
    from biascmp.embed import get_embedder
    from biascmp.ingest import CleanSettings, split_and_key

    report = report or IngestReport(db=str(store.path))
    started = time.perf_counter()
    embedder = embedder or get_embedder()
    commit_articles = commit_articles or StoreSettings.from_env().commit_articles
    with undo.undoable_ingest(store, embedder.model_id, embedder.dim, commit_articles) as commits:
        with ThreadPoolExecutor(max_workers=1) as cleaner, ThreadPoolExecutor(max_workers=1) as model:
            jobs: deque[EmbedJob] = deque()
            seen_ids, recent = SeenIds(), RecentVectors()
            stored_ids = StoredIds()
            paragraphs = StoredParagraphs((clean_settings or CleanSettings()).min_repeats)

            def write_oldest() -> None:
                job = jobs.popleft()
                finish_embedding(store, embedder, job, report, recent)
                paragraphs.remember(job.articles)
                commits.written(len(job.articles))
                report.commits = commits.done

            for raws in batched(records, batch_size, FIRST_BATCH):
                report.read += len(raws)
                splits = [split_and_key(r.text, clean_settings) for r in raws]
                repeated = paragraphs.counts(store, raws, splits)
                cleaned = cleaner.submit(clean_and_segment, raws, repeated, clean_settings, splits)
                fresh, replaced = select_fresh(store, cleaned.result(), report, seen_ids, stored_ids)
                if fresh:
                    jobs.append(start_embedding(store, embedder, fresh, replaced, recent, model))
                while len(jobs) > QUEUED:
                    write_oldest()
                if progress:
                    progress(len(raws))
            while jobs:
                write_oldest()
        if report.new or report.replaced:
            set_meta(store.con, "events_stale", "1")  # the next analysis regroups first
    report.seconds = time.perf_counter() - started
    return report


def iter_paths(
    paths: list[str],
    *,
    outlet: str | None = None,
    field_map: dict[str, str] | None = None,
    skipped: list[tuple[str, str]] | None = None,
) -> Iterator[RawArticle]:
    """Stream the records of every file under ``paths``. Without ``skipped`` the first bad file
    or record raises ``BadInput``; with a list, each is appended to it and reading goes on."""
    from biascmp.errors import BadInput
    from biascmp.ingest import iter_records

    for path in paths:
        for record in iter_records(path, outlet=outlet, field_map=field_map, skipped=skipped):
            if not record.outlet:
                err = BadInput(record.source_path, "no outlet: give one with --outlet")
                if skipped is None:
                    raise err
                skipped.append((err.path, err.reason))
                continue
            yield record


def ingest_paths(
    paths: list[str],
    db=None,
    *,
    outlet: str | None = None,
    field_map: dict[str, str] | None = None,
    skip_errors: bool = False,
    model: str | None = None,
    backend: str | None = None,
    embed_settings=None,
    clean_settings=None,
    wait: bool = False,
    batch_size: int = 128,
    progress: Callable[[int], None] | None = None,
) -> IngestReport:
    """Read files/folders and ingest every article into the database at ``db``.

    Bad input raises ``BadInput`` (and nothing is written) unless ``skip_errors``, in which
    case the report lists what was skipped.
    """
    from biascmp.embed import get_embedder

    with open_store(db, wait=wait) as store:  # before the model loads: a busy db fails fast
        embedder = get_embedder(model, backend, embed_settings)
        report = IngestReport(db=str(store.path))
        records = iter_paths(
            paths, outlet=outlet, field_map=field_map,
            skipped=report.skipped if skip_errors else None,
        )
        return ingest_records(
            store, records, embedder=embedder, clean_settings=clean_settings,
            batch_size=batch_size, progress=progress, report=report,
        )
