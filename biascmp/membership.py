"""Fixed-memory set membership for the ingest: a Bloom filter over byte-string keys.

The ingest asks, for every paragraph of every batch, "may the store hold this (outlet,
paragraph) pair in k articles or more?" (``pipeline.StoredParagraphs``). Asking DuckDB meant
a scan of the whole ``paragraphs`` table per batch: the ingest slowed as the store grew, and
each of those join queries left DuckDB bookkeeping behind in the C heap. A Bloom filter
answers in memory and in fixed space. It never says "no" for a key that was added, so a
caller that asks the store only about the "maybe" keys gets exactly the store's answer; the
rare false "maybe" costs one query, not a wrong result.
"""

from __future__ import annotations

import hashlib
import math

import numpy as np

#: default size: 2**26 bits (8 MiB) hold about 7 million keys at a 1% false-"maybe" rate, or
#: the 3.5 million (outlet, paragraph) pairs of a 1 GB input at about 0.1%
DEFAULT_BITS = 2**26
HASHES = 4


class BloomFilter:
    """``add`` keys, then ``may_hold`` tells which of some keys might have been added: never a
    false "no". ``bits`` is rounded up to a power of two; memory is ``bits / 8`` bytes, fixed.
    Deterministic (BLAKE2b of each key, no per-process seed)."""

    def __init__(self, bits: int = DEFAULT_BITS, hashes: int = HASHES):
        if not 64 <= bits <= 2**32 or not 1 <= hashes <= 8:
            raise ValueError("a Bloom filter takes 64 to 2**32 bits and 1 to 8 hashes")
        self.bits = 1 << math.ceil(math.log2(bits))
        self.hashes = hashes
        self._words = np.zeros(self.bits // 64, np.uint64)
        self.added = 0

    def _positions(self, keys: list[bytes]) -> np.ndarray:
        """(len(keys), hashes) bit positions: 32-bit slices of each key's BLAKE2b digest."""
        if not keys:
            return np.zeros((0, self.hashes), np.uint64)
        raw = b"".join(hashlib.blake2b(k, digest_size=4 * self.hashes).digest() for k in keys)
        words = np.frombuffer(raw, "<u4").reshape(len(keys), self.hashes).astype(np.uint64)
        return words & np.uint64(self.bits - 1)

    def add(self, keys: list[bytes]) -> None:
        pos = self._positions(keys).ravel()
        np.bitwise_or.at(self._words, pos >> np.uint64(6), np.uint64(1) << (pos & np.uint64(63)))
        self.added += len(keys)

    def may_hold(self, keys: list[bytes]) -> np.ndarray:
        """Bool per key: True when every bit of the key is set (added, or a false "maybe")."""
        pos = self._positions(keys)
        bit = (self._words[pos >> np.uint64(6)] >> (pos & np.uint64(63))) & np.uint64(1)
        return bit.astype(bool).all(axis=1) if len(keys) else np.zeros(0, bool)

    def false_maybe_rate(self) -> float:
        """The expected share of never-added keys answered "maybe" at the current load."""
        return (1.0 - math.exp(-self.hashes * self.added / self.bits)) ** self.hashes
