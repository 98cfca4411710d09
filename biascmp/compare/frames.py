"""Frame dimensions: which of the 15 Media Frames Corpus dimensions each sentence evokes.

The classifier is a logistic regression on MiniLM sentence embeddings, trained on
``biascmp/data/frames_train.jsonl``: short news sentences on many topics that we wrote
ourselves (25+ per frame), so the shipped model carries no third-party license. It is rebuilt
deterministically on first use and cached as ``.npz`` (see ``trained.py``).

A sentence whose best frame has probability below ``min_confidence`` counts as "other". An
outlet's frame profile is the share of its sentences in each frame.

The 15 dimensions follow the Media Frames Corpus codebook (Boydstun et al. 2014); ``FRAMES``
maps their numbers to our keys.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

import numpy as np
from pydantic import BaseModel, Field

from biascmp.compare.trained import DATA_DIR, LinearModel, cached_model
from biascmp.records import EventDocs

#: MFC number -> our frame key
FRAMES: dict[int, str] = {
    1: "economic",
    2: "capacity_resources",
    3: "morality",
    4: "fairness_equality",
    5: "legality",
    6: "policy_prescription",
    7: "crime_punishment",
    8: "security_defense",
    9: "health_safety",
    10: "quality_of_life",
    11: "cultural_identity",
    12: "public_opinion",
    13: "political",
    14: "external_regulation",
    15: "other",
}
FRAME_KEYS = list(FRAMES.values())
TRAIN_FILE = DATA_DIR / "frames_train.jsonl"


class FrameSettings(BaseModel):
    """Settings of the frame classifier."""

    C: float = Field(0.5, description="Inverse L2 strength of the logistic regression.")
    min_confidence: float = Field(
        0.0,
        description="Sentences whose top frame probability is below this count as 'other'. "
        "0 keeps every argmax (15 classes: chance is 0.067).",
    )


@lru_cache(maxsize=4)
def _model(C: float, model_id: str) -> LinearModel:
    from biascmp.embed import get_embedder

    return cached_model("frames", TRAIN_FILE, get_embedder(), C, label_key="frame")


def frame_model(settings: FrameSettings | None = None) -> LinearModel:
    """The trained frame classifier (cached per process and on disk)."""
    from biascmp.embed import get_embedder

    settings = settings or FrameSettings()
    return _model(settings.C, get_embedder().model_id)


def classify_frames(
    embeddings: np.ndarray, settings: FrameSettings | None = None
) -> tuple[list[str], np.ndarray]:
    """Frame key and confidence of each sentence embedding."""
    settings = settings or FrameSettings()
    if len(embeddings) == 0:
        return [], np.zeros(0)
    model = frame_model(settings)
    proba = model.proba(np.asarray(embeddings))
    best = proba.argmax(axis=1)
    conf = proba[np.arange(len(best)), best]
    labels = [
        model.classes[b] if c >= settings.min_confidence else "other"
        for b, c in zip(best, conf)
    ]
    return labels, conf


def frame_shares(
    docs: EventDocs, settings: FrameSettings | None = None
) -> tuple[dict[str, dict[str, float]], list[tuple[str, str, float]]]:
    """``({outlet: {frame: share}}, [(sentence_id, frame, confidence), ...])``. Every frame
    key is present in each outlet's dict (0.0 when unused), in MFC order."""
    labels, conf = classify_frames(np.asarray(docs.embeddings), settings)
    outlet_of = {a.article_id: a.outlet for a in docs.articles}
    per_outlet: dict[str, Counter] = {}
    rows = []
    for sent, label, c in zip(docs.sentences, labels, conf):
        per_outlet.setdefault(outlet_of[sent.article_id], Counter())[label] += 1
        rows.append((sent.sentence_id, label, float(c)))
    shares = {}
    for outlet in sorted(per_outlet):
        total = sum(per_outlet[outlet].values())
        shares[outlet] = {k: round(per_outlet[outlet][k] / total, 4) for k in FRAME_KEYS}
    return shares, rows
