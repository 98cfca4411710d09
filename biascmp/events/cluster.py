"""Grouping articles into events: ``group_articles(items, settings) -> list[EventAssignment]``.

Pure over a batch of ``EventInput`` records. Steps:

1. **Signals** per article: the article vector (title and lead sentences), mean sentence
   vector, IDF-weighted name and lead-number sets, TF-IDF of the title and of the content-word
   stems, the date, the pin (``features.EventInput``; no spaCy, no model).
2. **Candidates**: nearest neighbours by article vector, blocked by date window
   (``neighbours.candidate_pairs``); no all-pairs matrix over the corpus.
3. **Links**: each candidate pair gets a combined similarity (weighted mean of the signals the
   two articles both have, date proximity included when both are dated); pairs at or above
   ``threshold`` link.
   Articles pinned to the same event always link. Each score is blended
   (``weight_shared_neighbours``) with the fraction of the two articles' best-scoring
   candidates they share (shared nearest neighbours), computed from the candidate pairs only,
   then locally scaled (``local_scaling``): the amount by which the two articles' hub levels
   (``hub_levels``: mean of each one's best candidate scores) exceed the median is partly
   taken off, so an article that resembles many stories of one running topic links less easily.
4. **Clusters**: each linked group (bounded by ``max_component``) is clustered by
   scikit-learn's average-linkage agglomerative clustering on its dense combined distances,
   cut at ``1 - threshold``. Average linkage needs every merge to hold on average over all
   pairs, so one shared name or a similar lead cannot chain two look-alike events together.
   Pairs further apart than ``window_days`` and articles pinned to different events cannot
   link.

Every average-linkage cluster lies inside one linked group (a merge at mean similarity >= t
needs at least one pair >= t), so clustering groups separately loses nothing but the pairs the
neighbour search skipped.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

import numpy as np
from scipy import sparse

from biascmp.events.features import EventInput, title_terms
from biascmp.events.neighbours import candidate_pairs
from biascmp.events.settings import EventSettings

#: combined similarity given to pairs that must not share an event
CANNOT_LINK = -1e6
#: edges scored per vectorised step
EDGE_CHUNK = 50_000
#: linked groups are clustered together in packs of about this many articles (one
#: scikit-learn call per pack; cost grows with pack size squared, so packs stay small)
PACK = 512


@dataclass
class EventAssignment:
    """One article's event. ``score``: the article's mean combined similarity to the other
    members (1.0 for an event of one)."""

    article_id: str
    event_id: str
    score: float


@dataclass
class Signals:
    """The batch's article features as matrices (row i = article i)."""

    lead: np.ndarray  # (n, d) unit rows
    body: np.ndarray  # (n, d) unit rows
    sparse: dict  # name -> csr matrix with L2-normalised rows
    has: dict  # name -> bool array: the article has this signal
    days: np.ndarray  # int day number or -1
    pins: np.ndarray  # int code of the pinned event, -1 when not pinned


def _idf_rows(rows: list[dict[str, float]], sublinear: bool) -> tuple[sparse.csr_matrix, np.ndarray]:
    """TF-IDF (smooth idf over the batch) with L2-normalised rows from term->count dicts."""
    from sklearn.feature_extraction.text import TfidfTransformer

    vocab: dict[str, int] = {}
    for row in rows:
        for term in row:
            vocab.setdefault(term, len(vocab))
    indptr, indices, data = [0], [], []
    for row in rows:
        for term, count in sorted(row.items()):
            indices.append(vocab[term])
            data.append(float(count))
        indptr.append(len(indices))
    counts = sparse.csr_matrix(
        (np.asarray(data, np.float64), np.asarray(indices, np.int64), np.asarray(indptr)),
        shape=(len(rows), max(len(vocab), 1)),
    )
    has = np.diff(counts.indptr) > 0
    if not len(vocab):
        return counts, has
    matrix = TfidfTransformer(sublinear_tf=sublinear).fit_transform(counts)
    return sparse.csr_matrix(matrix, dtype=np.float32), has


def build_signals(items: list[EventInput]) -> Signals:
    lead = np.stack([np.asarray(i.embedding, np.float32) for i in items])
    body = np.stack(
        [np.asarray(i.body_embedding if i.body_embedding is not None else i.embedding, np.float32) for i in items]
    )
    mats, has = {}, {}
    for name, rows, sub in (
        ("entities", [dict.fromkeys(i.entities, 1) for i in items], False),
        ("numbers", [dict.fromkeys(i.numbers, 1) for i in items], False),
        ("title", [title_terms(i.title) for i in items], True),
        ("terms", [i.terms for i in items], True),
    ):
        mats[name], has[name] = _idf_rows(rows, sub)
    days = np.array([i.published.toordinal() if i.published else -1 for i in items], np.int64)
    codes: dict[str, int] = {}
    pins = np.array([codes.setdefault(i.pinned, len(codes)) if i.pinned else -1 for i in items], np.int64)
    return Signals(lead, body, mats, has, days, pins)


def _weights(settings: EventSettings) -> dict[str, float]:
    return {
        "lead": settings.weight_lead,
        "body": settings.weight_body,
        "entities": settings.weight_entities,
        "numbers": settings.weight_numbers,
        "title": settings.weight_title,
        "terms": settings.weight_terms,
        "date": settings.weight_date,
    }


def _combine(parts: dict, both: dict, day_i, day_j, pin_i, pin_j, settings: EventSettings):
    """Weighted mean of the signals both articles have (date proximity among them when both
    are dated); the date window and pins override. Works elementwise on aligned arrays (edge
    lists or matrices)."""
    dated = (day_i >= 0) & (day_j >= 0)
    gap = np.abs(day_i - day_j)
    window = max(settings.window_days, 1)
    parts = {**parts, "date": np.clip(1.0 - gap / window, 0.0, 1.0)}
    both = {**both, "date": dated.astype(np.float64)}
    num = np.zeros(np.broadcast(day_i, day_j).shape, np.float64)
    den = np.zeros_like(num)
    for name, weight in _weights(settings).items():
        if weight <= 0:
            continue
        avail = both.get(name, 1.0)
        num += weight * avail * parts[name]
        den += weight * avail
    score = np.divide(num, den, out=np.zeros_like(num), where=den > 0)
    score[dated & (gap > settings.window_days)] = CANNOT_LINK
    pinned = (pin_i >= 0) & (pin_j >= 0)
    if pinned.any():
        score = np.where(pinned & (pin_i == pin_j), 1.0, score)
        score = np.where(pinned & (pin_i != pin_j), CANNOT_LINK, score)
    return score


def edge_scores(sig: Signals, i: np.ndarray, j: np.ndarray, settings: EventSettings) -> np.ndarray:
    """Combined similarity of the pairs ``(i[e], j[e])``."""
    out = np.empty(len(i), np.float64)
    for s in range(0, len(i), EDGE_CHUNK):
        a, b = i[s : s + EDGE_CHUNK], j[s : s + EDGE_CHUNK]
        parts = {
            "lead": np.einsum("ij,ij->i", sig.lead[a], sig.lead[b]),
            "body": np.einsum("ij,ij->i", sig.body[a], sig.body[b]),
        }
        both = {}
        for name, mat in sig.sparse.items():
            parts[name] = np.asarray(mat[a].multiply(mat[b]).sum(axis=1)).ravel()
            both[name] = (sig.has[name][a] & sig.has[name][b]).astype(np.float64)
        out[s : s + EDGE_CHUNK] = _combine(
            parts, both, sig.days[a], sig.days[b], sig.pins[a], sig.pins[b], settings
        )
    return out


def neighbour_sets(
    n: int, i: np.ndarray, j: np.ndarray, scores: np.ndarray, k: int, min_score: float = -1.0
) -> sparse.csr_matrix:
    """(n, n) 0/1 matrix: row a marks a's ``k`` best-scoring candidates that score at least
    ``min_score`` (ties by index; pairs that cannot link are never neighbours). Linear in the
    candidate pairs."""
    ok = (scores > CANNOT_LINK / 2) & (scores >= min_score)
    rows = np.r_[i[ok], j[ok]]
    cols = np.r_[j[ok], i[ok]]
    vals = np.r_[scores[ok], scores[ok]]
    order = np.lexsort((cols, -vals, rows))
    rows, cols = rows[order], cols[order]
    starts = np.searchsorted(rows, rows, side="left")
    keep = (np.arange(len(rows)) - starts) < k
    return sparse.csr_matrix(
        (np.ones(int(keep.sum()), np.float32), (rows[keep], cols[keep])), shape=(n, n)
    )


def mix_shared(scores: np.ndarray, shared: np.ndarray, settings: EventSettings) -> np.ndarray:
    """Blend the shared-neighbour fraction into combined scores; cannot-link pairs stay so
    and pinned-together pairs stay 1."""
    share = settings.weight_shared_neighbours
    if share <= 0:
        return scores
    mixed = (1.0 - share) * scores + share * shared / settings.shared_k
    mixed = np.where(scores <= CANNOT_LINK / 2, scores, mixed)
    return np.where(scores >= 1.0, np.maximum(scores, mixed), mixed)


def _forced(scores: np.ndarray) -> np.ndarray:
    """Pairs whose score a pin or the date window fixed: cannot-link, or pinned together."""
    return (scores <= CANNOT_LINK / 2) | (scores >= 1.0)


def hub_levels(n: int, i: np.ndarray, j: np.ndarray, scores: np.ndarray, k: int) -> np.ndarray:
    """Each article's mean of its ``k`` best candidate scores (0 without candidates); forced
    pairs (``_forced``) are left out."""
    ok = ~_forced(scores)
    ends = np.concatenate([i[ok], j[ok]])
    vals = np.concatenate([scores[ok], scores[ok]])
    order = np.lexsort((-vals, ends))
    ends, vals = ends[order], vals[order]
    rank = np.arange(len(ends)) - np.searchsorted(ends, ends)
    top = rank < k
    sums = np.bincount(ends[top], vals[top], minlength=n)
    counts = np.bincount(ends[top], minlength=n)
    return np.divide(sums, counts, out=np.zeros(n), where=counts > 0)


def scale_locally(scores: np.ndarray, hub_a, hub_b, centre: float, settings: EventSettings) -> np.ndarray:
    """Take the pair's hub level above the median off its score (``local_scaling``);
    cannot-link and pinned-together pairs stay as they are."""
    adjusted = scores - settings.local_scaling * ((hub_a + hub_b) / 2.0 - centre)
    return np.where(_forced(scores), scores, adjusted)


def dense_scores(
    sig: Signals, idx: np.ndarray, settings: EventSettings, near: sparse.csr_matrix | None = None,
    hub: np.ndarray | None = None, centre: float = 0.0,
) -> np.ndarray:
    """Combined similarity matrix of the articles ``idx`` (a linked group); ``near``: the
    neighbour sets when the shared-neighbour signal is on; ``hub`` and ``centre``: the hub
    levels and their median when local scaling is on (``candidate_scores``)."""
    parts = {"lead": sig.lead[idx] @ sig.lead[idx].T, "body": sig.body[idx] @ sig.body[idx].T}
    both = {}
    for name, mat in sig.sparse.items():
        sub = mat[idx]
        parts[name] = (sub @ sub.T).toarray()
        has = sig.has[name][idx].astype(np.float64)
        both[name] = np.outer(has, has)
    d = sig.days[idx]
    p = sig.pins[idx]
    scores = _combine(parts, both, d[:, None], d[None, :], p[:, None], p[None, :], settings)
    if near is not None:
        sub = near[idx]
        scores = mix_shared(scores, (sub @ sub.T).toarray(), settings)
    if hub is not None:
        scores = scale_locally(scores, hub[idx][:, None], hub[idx][None, :], centre, settings)
    return scores


def _linked_groups(n: int, i, j, linked, max_size: int, settings) -> list[np.ndarray]:
    """Connected components of the linked pairs, each split (by raising its link threshold)
    until it holds at most ``max_size`` articles."""
    from scipy.sparse.csgraph import connected_components

    def components(nodes: np.ndarray, ei, ej) -> list[np.ndarray]:
        li = np.searchsorted(nodes, ei)  # nodes are sorted ascending
        lj = np.searchsorted(nodes, ej)
        graph = sparse.coo_matrix((np.ones(len(li)), (li, lj)), shape=(len(nodes), len(nodes)))
        _, labels = connected_components(graph, directed=False)
        order = np.argsort(labels, kind="stable")
        cuts = np.flatnonzero(np.diff(labels[order])) + 1
        return [np.sort(nodes[g]) for g in np.split(order, cuts)]

    scores_all = linked
    strong = scores_all >= settings.threshold
    groups = components(np.arange(n), i[strong], j[strong])
    out, todo = [], [(g, settings.threshold) for g in groups]
    while todo:
        nodes, level = todo.pop()
        if len(nodes) <= max_size:
            out.append(nodes)
            continue
        member = np.zeros(n, bool)
        member[nodes] = True
        level = level + 0.02
        keep = member[i] & member[j] & (scores_all >= level)
        todo.extend((np.sort(g), level) for g in components(nodes, i[keep], j[keep]))
    return sorted(out, key=lambda g: int(g.min()))


def _cluster_pack(scores: np.ndarray, threshold: float) -> np.ndarray:
    """Average-linkage labels (scikit-learn) from a combined similarity matrix."""
    from sklearn.cluster import AgglomerativeClustering

    if len(scores) == 1:
        return np.zeros(1, np.int64)
    distance = 1.0 - scores
    np.fill_diagonal(distance, 0.0)
    model = AgglomerativeClustering(
        n_clusters=None,
        metric="precomputed",
        linkage="average",
        distance_threshold=1.0 - threshold,
    )
    return model.fit_predict(distance)


def _packs(groups: list[np.ndarray], size: int) -> list[list[np.ndarray]]:
    """Consecutive linked groups packed into batches of at most ``size`` articles, so that
    many small groups are clustered in one call (pairs across groups cannot link)."""
    packs, current, count = [], [], 0
    for g in groups:
        if current and count + len(g) > size:
            packs.append(current)
            current, count = [], 0
        current.append(g)
        count += len(g)
    if current:
        packs.append(current)
    return packs


def event_id_for(members: list[EventInput]) -> str:
    """A pinned event keeps its pin; otherwise ``ev-`` + 12 hex of the hash of the earliest
    member's id (earliest date, then id), so an event keeps its id while its first article
    stays in it."""
    pins = sorted({m.pinned for m in members if m.pinned})
    if pins:
        return pins[0]
    anchor = min(members, key=lambda m: (m.published or date.max, m.article_id))
    return "ev-" + hashlib.sha256(anchor.article_id.encode("utf-8")).hexdigest()[:12]


@dataclass
class CandidateScores:
    """Steps 1-3 over a batch: the candidate pairs ``(i[e], j[e])`` (indexes into the batch as
    given), their combined score before (``combined``) and after (``linked``) the
    shared-neighbour blend and the local scaling, the neighbour sets (None when that blend is
    off), and the hub levels with their median (None and 0 when the scaling is off)."""

    signals: Signals
    i: np.ndarray
    j: np.ndarray
    combined: np.ndarray
    linked: np.ndarray
    near: sparse.csr_matrix | None
    hub: np.ndarray | None = None
    centre: float = 0.0


def candidate_scores(items: list[EventInput], settings: EventSettings) -> CandidateScores:
    """Signals, candidate pairs and their scores: what ``group_articles`` clusters, exposed
    so an evaluation can ask where the grouping loses (search, scores or clustering)."""
    sig = build_signals(items)
    i, j = candidate_pairs(
        sig.lead, sig.days, settings.window_days, settings.neighbours,
        settings.exact_search_max, settings.seed,
    )
    i, j = _add_pin_pairs(sig.pins, i, j)
    combined = edge_scores(sig, i, j, settings)
    linked, near = combined, None
    if settings.weight_shared_neighbours > 0:
        near = neighbour_sets(len(items), i, j, combined, settings.shared_k, settings.shared_min_score)
        shared = np.asarray(near[i].multiply(near[j]).sum(axis=1)).ravel()
        linked = mix_shared(combined, shared, settings)
    hub, centre = None, 0.0
    if settings.local_scaling > 0:
        hub = hub_levels(len(items), i, j, linked, settings.local_k)
        centre = float(np.median(hub))
        linked = scale_locally(linked, hub[i], hub[j], centre, settings)
    return CandidateScores(sig, i, j, combined, linked, near, hub, centre)


def group_articles(
    items: list[EventInput], settings: EventSettings | None = None
) -> list[EventAssignment]:
    """Group a batch of articles into events. Returns one assignment per article, sorted by
    event id then article id; the same input and settings give the same output."""
    settings = settings or EventSettings()
    if not items:
        return []
    items = sorted(items, key=lambda it: it.article_id)
    n = len(items)
    cand = candidate_scores(items, settings)
    sig, i, j, scores, near = cand.signals, cand.i, cand.j, cand.linked, cand.near
    groups = _linked_groups(n, i, j, scores, settings.max_component, settings)
    pinned_ids = {it.pinned for it in items if it.pinned}
    out: list[EventAssignment] = []
    for pack in _packs(groups, PACK):
        nodes = np.concatenate(pack)
        owner = np.repeat(np.arange(len(pack)), [len(g) for g in pack])
        if len(nodes) == 1:
            matrix, labels = np.ones((1, 1)), np.zeros(1, np.int64)
        else:
            matrix = dense_scores(sig, nodes, settings, near, cand.hub, cand.centre)
            matrix[owner[:, None] != owner[None, :]] = CANNOT_LINK
            labels = _cluster_pack(matrix, settings.threshold)
        for label in np.unique(labels):
            local = np.flatnonzero(labels == label)
            members = [items[k] for k in nodes[local]]
            event_id = event_id_for(members)
            if event_id in pinned_ids and not any(m.pinned for m in members):
                event_id += "-new"  # a user's pin named like this computed id holds it
            sub = np.clip(matrix[np.ix_(local, local)], -1.0, 1.0)
            for row, member in enumerate(members):
                score = 1.0 if len(local) == 1 else float(np.delete(sub[row], row).mean())
                out.append(EventAssignment(member.article_id, event_id, round(score, 6)))
    return sorted(out, key=lambda a: (a.event_id, a.article_id))


def _add_pin_pairs(pins: np.ndarray, i: np.ndarray, j: np.ndarray):
    """Chain the articles of each pinned event so they land in one linked group."""
    by_pin: dict[int, list[int]] = {}
    for k, pin in enumerate(pins.tolist()):
        if pin >= 0:
            by_pin.setdefault(pin, []).append(k)
    extra_i, extra_j = [], []
    for members in by_pin.values():
        extra_i.extend(members[:-1])
        extra_j.extend(members[1:])
    if not extra_i:
        return i, j
    pairs = np.unique(
        np.stack([np.r_[i, extra_i], np.r_[j, extra_j]], axis=1).astype(np.int64), axis=0
    )
    return pairs[:, 0], pairs[:, 1]
