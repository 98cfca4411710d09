"""PyTorch backends through sentence-transformers: fp32 (the reference) and bf16 autocast."""

from __future__ import annotations

import contextlib
import os
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from biascmp.embed import EmbedSettings


def load_sentence_transformer(model_path: str, threads: int | None = None):
    """A sentence-transformers model on the CPU from a local folder, with hub access off."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import torch
    from sentence_transformers import SentenceTransformer

    if threads:
        torch.set_num_threads(threads)
    model = SentenceTransformer(model_path, device="cpu")
    model.eval()
    return model


def embedding_dimension(model) -> int:
    """The vector size of a sentence-transformers model (the method was renamed in 6.x)."""
    getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    return int(getter())


class TorchEmbedder:
    """PyTorch fp32 through sentence-transformers: the reference every other backend is
    compared with. Works with any local sentence-transformers model."""

    backend = "torch"

    def __init__(self, model_path: str, model_id: str, settings: EmbedSettings):
        self.model_id = model_id
        self.model_path = model_path
        self.batch_size = settings.torch_batch_size
        self._model = load_sentence_transformer(model_path, settings.threads)
        self.dim = embedding_dimension(self._model)
        self.max_seq_length = int(self._model.max_seq_length)

    def _precision(self):
        return contextlib.nullcontext()

    def encode(self, texts: list[str]) -> np.ndarray:
        """Float32 (len(texts), dim) L2-normalised rows, in the order of ``texts``
        (sentence-transformers sorts by length internally and restores the order)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        import torch

        with torch.inference_mode(), self._precision():
            vecs = self._model.encode(
                list(texts),
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=False,
                convert_to_tensor=True,
                show_progress_bar=False,
            )
        return vecs.float().numpy().astype(np.float32, copy=False)


class TorchBf16Embedder(TorchEmbedder):
    """The fp32 model run under ``torch.autocast(bfloat16)``: matrix products in bf16 while
    layer norms and softmax stay fp32, so vectors stay close to the reference. Fast only on
    CPUs with bf16 units; the fallback when OpenVINO is unavailable."""

    backend = "torch-bf16"

    def _precision(self):
        import torch

        return torch.autocast("cpu", dtype=torch.bfloat16)
