"""Helpers shared by the benchmark scripts: seeded news-like sentences, timing, peak memory
and plain-table printing.

The sentences are generated from small hand-written word lists so that benchmarks need no
dataset and give the same workload on every machine: same seed -> same sentences.
"""

from __future__ import annotations

import gc
import os
import random
import resource
import statistics
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

_PEOPLE = [
    "the prime minister", "the mayor", "a senior official", "the finance minister",
    "the opposition leader", "a police spokesperson", "the health secretary", "the governor",
    "a union representative", "the company's chief executive", "an army commander",
    "the foreign minister", "a local resident", "the court's chief judge", "an economist",
]
_NAMES = [
    "Maria Keller", "John Okafor", "Ana Duarte", "Lukas Brandt", "Priya Raman", "Tomas Novak",
    "Helen Ward", "Kenji Sato", "Fatima Haddad", "Oliver Grant", "Sofia Lindqvist",
    "Daniel Mensah", "Irene Costa", "Victor Hale",
]
_PLACES = [
    "the capital", "the northern province", "the coastal city", "the border region",
    "the industrial district", "parliament", "the central bank", "the harbour",
    "the university campus", "the eastern suburbs", "the river valley", "the airport",
]
_VERBS = [
    "announced", "rejected", "defended", "criticised", "confirmed", "denied", "proposed",
    "postponed", "approved", "questioned", "welcomed", "condemned", "investigated",
]
_OBJECTS = [
    "a new budget plan", "the proposed tax increase", "an emergency housing package",
    "the planned cuts to public transport", "a ceasefire agreement", "the trade deal",
    "new rules on migrant workers", "a pay rise for nurses", "the pension reform",
    "an inquiry into the fire", "the contract for the bridge", "stricter emission limits",
    "the closure of two hospitals", "a ban on street protests",
]
_TAILS = [
    "after weeks of negotiations", "despite strong protests from residents",
    "according to documents seen by reporters", "in a statement released on Tuesday",
    "citing rising costs and falling revenue", "following a vote late on Thursday",
    "amid growing concern about inflation", "as thousands gathered outside",
    "in response to the flooding last month", "before the election in the spring",
    "while critics called the move premature", "without giving further details",
]
_NUMBERS = [
    "{n} people", "{n} million dollars", "{n} percent", "{n} workers", "{n} homes",
    "{n} billion euros", "{n} families", "{n} schools",
]
_FRAMES = [
    "{who} {verb} {obj} {tail}.",
    "On Monday, {who} {verb} {obj}, saying it would affect {num}.",
    '"We will not accept this," {name} told reporters in {place} {tail}.',
    "{name}, a spokesperson for {place}, said {who} had {verb} {obj}.",
    "The decision, which affects {num} in {place}, was {verb} by {who} {tail}.",
    "Officials in {place} {verb} {obj}, while {name} warned that {num} could lose support.",
    "Critics say {obj} will hurt {num}, but {who} {verb} it {tail}.",
    "According to {name}, {who} {verb} {obj} because {num} were at risk in {place}.",
]


def news_sentences(n: int, seed: int = 0) -> list[str]:
    """``n`` generated news-like English sentences (about 25 word pieces on average, from
    roughly 12 to 45), the same for the same ``seed``."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        frame = rng.choice(_FRAMES)
        sentence = frame.format(
            who=rng.choice(_PEOPLE),
            name=rng.choice(_NAMES),
            place=rng.choice(_PLACES),
            verb=rng.choice(_VERBS),
            obj=rng.choice(_OBJECTS),
            tail=rng.choice(_TAILS),
            num=rng.choice(_NUMBERS).format(n=rng.randint(2, 9000)),
        )
        if rng.random() < 0.2:  # some longer sentences, as in real coverage
            sentence = sentence[:-1] + ", " + rng.choice(_TAILS) + "."
        out.append(sentence[0].upper() + sentence[1:])
    return out


def set_threads(threads: int) -> None:
    """Ask the numeric libraries for ``threads`` threads (call before they are imported)."""
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[var] = str(threads)
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far, in MiB (``ru_maxrss``: KiB on Linux)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


class PeakMemory:
    """Context manager that samples the resident memory of this process (psutil) every
    ``interval`` seconds and reports the peak in MiB as ``.peak_mib``; unlike ``ru_maxrss``
    it measures one section of a run rather than the whole process lifetime."""

    def __init__(self, interval: float = 0.02):
        self.interval = interval
        self.peak_mib = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _sample(self) -> None:
        import psutil

        proc = psutil.Process()
        while True:
            self.peak_mib = max(self.peak_mib, proc.memory_info().rss / 2**20)
            if self._stop.wait(self.interval):
                break

    def __enter__(self) -> PeakMemory:
        gc.collect()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        import psutil

        self.peak_mib = max(self.peak_mib, psutil.Process().memory_info().rss / 2**20)


@dataclass
class Timing:
    """Wall-clock and process CPU seconds (all threads) of repeated runs of one function. On a
    shared machine the CPU seconds vary less than the wall-clock ones."""

    seconds: list[float]
    cpu_seconds: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu_seconds)


def time_runs(fn: Callable[[], object], runs: int, warmup: int = 1) -> Timing:
    """Call ``fn`` ``warmup`` times untimed, then ``runs`` times timed."""
    for _ in range(warmup):
        fn()
    seconds, cpu_seconds = [], []
    for _ in range(runs):
        start, cpu_start = time.perf_counter(), time.process_time()
        fn()
        seconds.append(time.perf_counter() - start)
        cpu_seconds.append(time.process_time() - cpu_start)
    return Timing(seconds, cpu_seconds)


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """Print ``rows`` as a plain left-aligned text table with a header rule."""
    cells = [[_fmt(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h)
              for i, h in enumerate(headers)]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths)))
    print("  ".join("-" * w for w in widths))
    for row in cells:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths)))


def _fmt(value: object) -> str:
    if isinstance(value, float):
        if abs(value) >= 100:
            return f"{value:,.0f}"
        if abs(value) >= 1:
            return f"{value:.2f}"
        return f"{value:.5f}"
    return str(value)
