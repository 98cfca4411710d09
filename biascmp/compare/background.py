"""General-English word frequencies: the background against which word choice is judged.

An outlet's word is a *choice* when the outlet uses it more often than both the other outlets
covering the same event and English in general do. The general-English rate comes from the
``wordfreq`` package (Speer et al., frequencies pooled over web text, news, subtitles, books
and Wikipedia), looked up by lemma. An n-gram's rate is estimated the way ``wordfreq`` itself
combines the words of a phrase (``1/f = sum(1/f_i)``: about as frequent as its rarest word),
which over-estimates how often the exact phrase occurs and so errs toward "not distinctive".
Words that are part of a named entity are left out of the estimate: a rare name makes a
phrase topical, not loaded.
"""

from __future__ import annotations

from functools import lru_cache

#: Frequency given to a word ``wordfreq`` does not list (below its smallest listed value, so
#: an unknown word counts as rare but not as impossible).
UNKNOWN_FREQUENCY = 1e-8


@lru_cache(maxsize=200_000)
def word_frequency(lemma: str) -> float:
    """Share of English running words that are ``lemma`` (0..1), ``UNKNOWN_FREQUENCY`` when
    unlisted."""
    from wordfreq import word_frequency as wf

    return max(wf(lemma, "en"), UNKNOWN_FREQUENCY)


def phrase_frequency(words: list[str], skip: frozenset[str] | set[str] = frozenset()) -> float:
    """Background rate of a phrase of lemmas: ``1 / sum(1 / f(w))`` over its words not in
    ``skip`` (entity words); 1.0 when every word is skipped (nothing to judge)."""
    inv = sum(1.0 / word_frequency(w) for w in words if w not in skip)
    return 1.0 / inv if inv else 1.0


__all__ = ["UNKNOWN_FREQUENCY", "phrase_frequency", "word_frequency"]
