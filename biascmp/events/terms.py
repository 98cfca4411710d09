"""Content words of an article for the term signal of event grouping, by rules (no model).

Terms are the lower-case alphabetic words of the sentence texts, stop words dropped, reduced
to their Snowball (Porter 2) stem so that ``"killed"``, ``"killing"`` and ``"kills"`` count as
one term. Stems are memoised per word: a corpus has far fewer distinct words than tokens.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

#: shortest word counted
MIN_LETTERS = 3

_WORD = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """English stop words (scikit-learn's list: grouping must not import spaCy or torch)."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


@lru_cache(maxsize=1)
def _stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=500_000)
def stem(word: str) -> str:
    """Snowball English stem of a lower-case word (memoised)."""
    return _stemmer().stemWord(word)


def article_terms(texts: list[str], max_terms: int | None = None) -> dict[str, int]:
    """Stem -> count over one article's sentence ``texts``: lower-cased words of at least
    ``MIN_LETTERS`` letters that are not stop words; the ``max_terms`` most frequent kept
    (ties by stem; None keeps all)."""
    stop = stop_words()
    counts: Counter = Counter()
    for text in texts:
        for word in _WORD.findall(text.lower()):
            if len(word) >= MIN_LETTERS and word not in stop:
                counts[stem(word)] += 1
    if max_terms is not None and len(counts) > max_terms:
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:max_terms])
    return dict(counts)
