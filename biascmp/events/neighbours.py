"""Candidate pairs for event grouping without an all-pairs matrix.

Dated articles are blocked by date: the queries of one ``window``-day bucket search only the
articles of that bucket and its two neighbours, so the work grows with the number of articles
times the articles per window, not with the square of the corpus. Undated articles search
everything. A search set larger than ``exact_max`` uses an inverted-file index (k-means cells,
``probe`` nearest cells searched), so even a corpus with no dates stays sub-quadratic. Exact
searches run in chunks of queries, so memory stays ``chunk x block``.
"""

from __future__ import annotations

import numpy as np

#: queries per matrix product in exact search
CHUNK = 1024
#: k-means cells visited per query in the approximate search
PROBE = 8


def _top_k_rows(sims: np.ndarray, k: int) -> np.ndarray:
    """Column indices of each row's ``k`` largest values (order irrelevant)."""
    if sims.shape[1] <= k:
        return np.broadcast_to(np.arange(sims.shape[1]), sims.shape).copy()
    return np.argpartition(-sims, k - 1, axis=1)[:, :k]


def exact_knn(vectors: np.ndarray, queries: np.ndarray, pool: np.ndarray, k: int):
    """For each index in ``queries``, its ``k`` most similar indices in ``pool`` (itself
    excluded). Returns ``(query_idx, neighbour_idx)`` arrays of global indices."""
    rows, cols = [], []
    base = vectors[pool]
    for start in range(0, len(queries), CHUNK):
        q = queries[start : start + CHUNK]
        sims = vectors[q] @ base.T
        sims[pool[None, :] == q[:, None]] = -np.inf
        top = _top_k_rows(sims, min(k, len(pool)))
        rows.append(np.repeat(q, top.shape[1]))
        cols.append(pool[top].ravel())
    if not rows:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(rows), np.concatenate(cols)


def ivf_knn(vectors: np.ndarray, queries: np.ndarray, pool: np.ndarray, k: int, seed: int = 0):
    """Approximate ``exact_knn``: k-means cells over ``pool`` (about sqrt(n) cells), each query
    searches its ``PROBE`` nearest cells. Deterministic for a fixed ``seed``."""
    from sklearn.cluster import MiniBatchKMeans

    n_cells = max(2, int(np.sqrt(len(pool))))
    sample = pool if len(pool) <= 50_000 else pool[np.linspace(0, len(pool) - 1, 50_000).astype(int)]
    km = MiniBatchKMeans(n_clusters=n_cells, random_state=seed, n_init=1, batch_size=4096)
    km.fit(vectors[sample])
    centres = km.cluster_centers_.astype(np.float32)
    cell_of = np.concatenate(
        [np.argmax(vectors[pool[s : s + 8192]] @ centres.T, axis=1) for s in range(0, len(pool), 8192)]
    )
    probe = min(PROBE, n_cells)
    probes = np.concatenate(
        [_top_k_rows(vectors[queries[s : s + 8192]] @ centres.T, probe) for s in range(0, len(queries), 8192)]
    )
    q_all, n_all, s_all = [], [], []
    for cell in range(n_cells):
        members = pool[cell_of == cell]
        asking = queries[(probes == cell).any(axis=1)]
        if len(members) == 0 or len(asking) == 0:
            continue
        for start in range(0, len(asking), CHUNK):
            q = asking[start : start + CHUNK]
            sims = vectors[q] @ vectors[members].T
            sims[members[None, :] == q[:, None]] = -np.inf
            top = _top_k_rows(sims, min(k, len(members)))
            q_all.append(np.repeat(q, top.shape[1]))
            n_all.append(members[top].ravel())
            s_all.append(np.take_along_axis(sims, top, axis=1).ravel())
    if not q_all:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    q_arr, n_arr, s_arr = np.concatenate(q_all), np.concatenate(n_all), np.concatenate(s_all)
    order = np.lexsort((n_arr, -s_arr, q_arr))  # by query, best first, ties by index
    q_arr, n_arr = q_arr[order], n_arr[order]
    first = np.r_[0, np.flatnonzero(np.diff(q_arr)) + 1]
    rank = np.arange(len(q_arr)) - np.repeat(first, np.diff(np.r_[first, len(q_arr)]))
    keep = rank < k
    return q_arr[keep], n_arr[keep]


def knn(vectors, queries, pool, k, exact_max, seed):
    if len(queries) == 0 or len(pool) < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    if len(pool) <= exact_max:
        return exact_knn(vectors, queries, pool, k)
    return ivf_knn(vectors, queries, pool, k, seed)


def candidate_pairs(
    vectors: np.ndarray,
    days: np.ndarray,
    window: int,
    k: int,
    exact_max: int,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Unique pairs ``(i, j)``, ``i < j``, worth scoring. ``days`` holds each article's date
    as an integer day number, or -1 when undated."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    n = len(vectors)
    everyone = np.arange(n)
    dated = days >= 0
    rows, cols = [], []
    undated = everyone[~dated]
    if len(undated):
        r, c = knn(vectors, undated, everyone, k, exact_max, seed)
        rows.append(r)
        cols.append(c)
    if dated.any():
        width = max(int(window), 1)
        bucket = np.where(dated, days // width, -1)
        idx = everyone[dated]
        for b in np.unique(bucket[dated]):
            queries = idx[bucket[idx] == b]
            pool = idx[(bucket[idx] >= b - 1) & (bucket[idx] <= b + 1)]
            r, c = knn(vectors, queries, pool, k, exact_max, seed)
            near = np.abs(days[r] - days[c]) <= window
            rows.append(r[near])
            cols.append(c[near])
    if not rows:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    r, c = np.concatenate(rows), np.concatenate(cols)
    i, j = np.minimum(r, c), np.maximum(r, c)
    keep = i != j
    pairs = np.unique(np.stack([i[keep], j[keep]], axis=1), axis=0)
    return pairs[:, 0], pairs[:, 1]
