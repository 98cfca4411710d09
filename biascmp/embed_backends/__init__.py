"""Embedding backends: one small module per way of running a sentence-transformers model.

- ``torch``: PyTorch fp32 through sentence-transformers, the reference; always selectable.
- ``torch-bf16``: the same model under bfloat16 autocast (faster on CPUs with bf16 units).
- ``openvino``: the model exported once to OpenVINO IR (cached), run by the OpenVINO runtime
  with ``tokenizers`` and numpy pooling; bf16 on CPUs that support it.

Modules here import torch / sentence-transformers / openvino only inside constructors, so that
importing ``biascmp.embed`` stays cheap.
"""

from __future__ import annotations

import importlib

#: backend name -> "module:class" (imported only when the backend is built)
BACKENDS: dict[str, str] = {
    "openvino": "biascmp.embed_backends.openvino_runtime:OpenVINOEmbedder",
    "torch-bf16": "biascmp.embed_backends.torch_st:TorchBf16Embedder",
    "torch": "biascmp.embed_backends.torch_st:TorchEmbedder",
}


def backend_class(name: str) -> type:
    """The embedder class registered under ``name`` (imports its module)."""
    module_name, _, class_name = BACKENDS[name].partition(":")
    return getattr(importlib.import_module(module_name), class_name)
