"""Small shipped classifiers: logistic regression on sentence embeddings (plus optional extra
features), trained from a jsonl file of labelled sentences that we wrote ourselves.

The model is rebuilt deterministically from the jsonl on first use (a few seconds) and its
coefficients are cached as a ``.npz`` (never a pickle) under the cache directory, keyed by the
sha256 of the training file, the embedding model id and the training settings, so a changed
file or model retrains by itself. Prediction is plain numpy.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def cache_dir() -> Path:
    """``$BIASCMP_CACHE``, else ``$XDG_CACHE_HOME/biascmp``, else ``~/.cache/biascmp``."""
    base = os.environ.get("BIASCMP_CACHE")
    if base:
        return Path(base)
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "biascmp"


def read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


@dataclass
class LinearModel:
    """Multinomial (or binary) logistic regression, standardised inputs."""

    classes: list[str]
    coef: np.ndarray  # (n_classes or 1, n_features)
    intercept: np.ndarray
    mean: np.ndarray
    scale: np.ndarray

    def proba(self, X: np.ndarray) -> np.ndarray:
        """Class probabilities, columns in ``classes`` order."""
        Z = (np.asarray(X, dtype=np.float64) - self.mean) / self.scale
        logits = Z @ self.coef.T + self.intercept
        if len(self.classes) == 2 and logits.shape[1] == 1:
            p1 = 1.0 / (1.0 + np.exp(-logits[:, 0]))
            return np.stack([1.0 - p1, p1], axis=1)
        logits = logits - logits.max(axis=1, keepdims=True)
        e = np.exp(logits)
        return e / e.sum(axis=1, keepdims=True)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npz")
        np.savez(tmp, classes=np.array(self.classes), coef=self.coef, intercept=self.intercept,
                 mean=self.mean, scale=self.scale)
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> "LinearModel":
        with np.load(path, allow_pickle=False) as z:
            return cls([str(c) for c in z["classes"]], z["coef"], z["intercept"], z["mean"],
                       z["scale"])


def fit_linear(X: np.ndarray, y: list[str], C: float) -> LinearModel:
    """Fit a deterministic L2 logistic regression (lbfgs, fixed iterations, balanced weights)."""
    from sklearn.linear_model import LogisticRegression

    X = np.asarray(X, dtype=np.float64)
    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    scale[scale < 1e-9] = 1.0
    clf = LogisticRegression(C=C, max_iter=2000, class_weight="balanced")
    clf.fit((X - mean) / scale, y)
    return LinearModel([str(c) for c in clf.classes_], clf.coef_.astype(np.float64),
                       clf.intercept_.astype(np.float64), mean, scale)


def cached_model(
    name: str,
    train_file: Path,
    embedder,
    C: float,
    features: Callable[[list[str], np.ndarray], np.ndarray] | None = None,
    label_key: str = "label",
    version: str = "v1",
) -> LinearModel:
    """The model trained on ``train_file`` (``{"text", label_key}`` per line), from the cache
    when its key matches, else trained now and cached. ``features(texts, embeddings)`` builds
    the input matrix (default: the embeddings)."""
    raw = Path(train_file).read_bytes()
    key = hashlib.sha256(
        raw + f"|{embedder.model_id}|C={C}|{version}".encode()
    ).hexdigest()[:16]
    path = cache_dir() / f"{name}-{key}.npz"
    if path.exists():
        try:
            return LinearModel.load(path)
        except (OSError, ValueError, KeyError):
            pass  # a broken cache file is rebuilt
    rows = read_jsonl(Path(train_file))
    texts = [r["text"] for r in rows]
    emb = embedder.encode(texts)
    X = features(texts, emb) if features else emb
    model = fit_linear(X, [str(r[label_key]) for r in rows], C)
    model.save(path)
    return model
