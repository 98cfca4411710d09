"""Loaded language: sentences whose wording is subjective or loaded, scored 0..1.

Two signals, averaged:
- a logistic regression on MiniLM sentence embeddings, trained on
  ``biascmp/data/loaded_train.jsonl`` (loaded and neutral news sentences on many topics that
  we wrote ourselves; no third-party training data is shipped);
- lexicon features: the VADER lexicon's word valences (vaderSentiment, MIT licence; the
  strongest word, the density of emotive words, the sentence's |compound|) and a short, general
  list of English loaded-language cues written for biascmp (``CUES``: intensifiers,
  distancing markers such as "so-called", pejorative nouns and combative verbs), fed to a
  second logistic regression trained on the same file.

A sentence is *loaded* when its score is at least ``threshold``. Evaluated on BABE (expert
labels) by ``evaluation/eval_framing.py``; BABE is never used for training what ships.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

import numpy as np
from pydantic import BaseModel, Field

from biascmp.compare.trained import DATA_DIR, LinearModel, cached_model

TRAIN_FILE = DATA_DIR / "loaded_train.jsonl"
_WORD_RE = re.compile(r"[a-z]+(?:-[a-z]+)*")

#: General English loaded-language cues (not drawn from any evaluation corpus): intensifiers
#: and evaluative adverbs, distancing markers, pejorative labels for people and groups, and
#: combative reporting verbs. Matched on lower-case word forms and simple inflections.
CUES = frozenset(
    """
    utterly totally completely extremely absurdly blatantly shamelessly desperately truly
    outright sheer mere merely notorious infamous so-called self-styled self-proclaimed
    regime thugs thug mob clique cabal puppet puppets zealot zealots fanatic fanatics elites
    agenda propaganda hysteria hysterical stunt scam sham farce tirade rant smear
    slam slams slammed blast blasts blasted lash lashed trample trampled cave caved ram rammed
    hijack hijacked spew spewed gut gutted crush crushed brazen blatant shameful disgraceful
    outrageous radical extremist extremists reckless ridiculous absurd pathetic vile evil
    barbaric heroic brutal brutally draconian grotesque obscene
    """.split()
)


class LoadedSettings(BaseModel):
    """Settings of the loaded-language scorer."""

    C: float = Field(0.5, description="Inverse L2 strength of both logistic regressions.")
    embedding_weight: float = Field(
        0.5, description="Weight of the embedding model in the score; the lexicon model gets the rest."
    )
    threshold: float = Field(0.5, description="Score at or above which a sentence is loaded.")
    top_n: int = Field(50, description="Loaded sentences reported per event, highest score first.")


@lru_cache(maxsize=1)
def _vader():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def lexicon_features(texts: list[str]) -> np.ndarray:
    """Per sentence: strongest VADER word valence, density of emotive words, |compound|,
    density of loaded cues, and whether it has "!" (all roughly in 0..1)."""
    vader = _vader()
    lex = vader.lexicon
    rows = []
    for text in texts:
        words = _WORD_RE.findall(text.lower())
        n = max(len(words), 1)
        vals = [abs(lex[w]) for w in words if w in lex]
        strongest = max(vals, default=0.0) / 4.0
        emotive = sum(v >= 1.5 for v in vals) / math.sqrt(n)
        compound = abs(vader.polarity_scores(text)["compound"])
        cues = sum(w in CUES or w.rstrip("s") in CUES for w in words) / math.sqrt(n)
        rows.append([strongest, emotive, compound, cues, float("!" in text)])
    return np.asarray(rows, dtype=np.float64)


def _lexicon_only(texts: list[str], emb: np.ndarray) -> np.ndarray:
    return lexicon_features(texts)


@lru_cache(maxsize=4)
def _models(C: float, model_id: str) -> tuple[LinearModel, LinearModel]:
    from biascmp.embed import get_embedder

    emb = get_embedder()
    return (
        cached_model("loaded-emb", TRAIN_FILE, emb, C),
        cached_model("loaded-lex", TRAIN_FILE, emb, C, features=_lexicon_only, version="lex1"),
    )


def loaded_scores(
    texts: list[str], embeddings: np.ndarray, settings: LoadedSettings | None = None
) -> np.ndarray:
    """Loaded-language score in 0..1 of each sentence (``embeddings`` row-aligned)."""
    from biascmp.embed import get_embedder

    settings = settings or LoadedSettings()
    if not texts:
        return np.zeros(0)
    emb_model, lex_model = _models(settings.C, get_embedder().model_id)
    col_e = emb_model.classes.index("loaded")
    col_l = lex_model.classes.index("loaded")
    p_emb = emb_model.proba(np.asarray(embeddings))[:, col_e]
    p_lex = lex_model.proba(lexicon_features(texts))[:, col_l]
    w = settings.embedding_weight
    return w * p_emb + (1.0 - w) * p_lex
