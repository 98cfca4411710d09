"""OpenVINO backend: the cached IR export run by the OpenVINO runtime on the CPU.

Texts are tokenised with the model's own fast tokenizer (``tokenizers``), sorted by length,
padded per batch only to the batch's longest text, and run on one inference request per
OpenVINO stream in turn (while one batch runs, the next is padded and started), then
mean-pooled and normalised in numpy exactly like sentence-transformers. On CPUs with bf16
units the runtime computes in bf16; every construction measures the agreement with the fp32
PyTorch vectors stored with the export (``.agreement``, mean cosine), so a bad export or
runtime is caught before use.

Requests are waited on from Python rather than through ``AsyncInferQueue`` callbacks: a
Python callback queue deadlocked here when the compiled model was freed.
"""

from __future__ import annotations

import os
import threading
from collections import deque
from typing import TYPE_CHECKING

import numpy as np

from biascmp.embed_backends.batching import length_sorted_batches, mean_pool_normalise, pad_batch
from biascmp.embed_backends.hardware import cpu_supports_bf16
from biascmp.embed_backends.ov_export import CHECK_SENTENCES, ensure_exported

if TYPE_CHECKING:
    from biascmp.embed import EmbedSettings


def compile_config(settings: EmbedSettings) -> dict:
    """OpenVINO CPU properties from the settings (threads, precision, hint, streams)."""
    precision = settings.openvino_precision
    if precision == "auto":
        precision = "bf16" if cpu_supports_bf16() else "f32"
    config: dict = {
        "PERFORMANCE_HINT": settings.openvino_performance_hint,
        "INFERENCE_PRECISION_HINT": precision,
        "INFERENCE_NUM_THREADS": settings.threads or len(os.sched_getaffinity(0)),
    }
    if settings.openvino_num_streams:
        config["NUM_STREAMS"] = settings.openvino_num_streams
    return config


#: inference requests kept in flight per request OpenVINO asks for (one per stream): with two,
#: a stream that finishes a batch starts the next one queued for it at once instead of idling
#: until the calling thread gets the interpreter lock back to collect and start another;
#: that wait cost the model about a tenth of its time while an ingest's other threads ran
#: Python (``benchmarks/ingest.py``)
REQUESTS_PER_STREAM = 2


class OpenVINOEmbedder:
    """Sentence vectors from an OpenVINO export of a local BERT-like sentence-transformers
    model (Transformer + mean Pooling [+ Normalize]). ``encode`` may be called from several
    threads; calls run one at a time."""

    backend = "openvino"

    def __init__(self, model_path: str, model_id: str, settings: EmbedSettings):
        import openvino as ov
        from tokenizers import Tokenizer

        self.model_id = model_id
        self.model_path = model_path
        self.batch_size = settings.batch_size
        self.export = ensure_exported(model_path, settings.cache_dir)
        meta = self.export.meta
        self.dim = int(meta["dim"])
        self.max_seq_length = int(meta["max_seq_length"])
        self._inputs = list(meta["inputs"])
        self._pad_id = int(meta["pad_id"])
        self.compile_config = compile_config(settings)
        self._compiled = ov.Core().compile_model(str(self.export.xml), "CPU", self.compile_config)
        optimal = max(1, int(self._compiled.get_property("OPTIMAL_NUMBER_OF_INFER_REQUESTS")))
        self.n_requests = REQUESTS_PER_STREAM * optimal
        self._requests = [self._compiled.create_infer_request() for _ in range(self.n_requests)]
        self._lock = threading.Lock()
        self._tokenizer = Tokenizer.from_file(str(self.export.tokenizer_json))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(self.max_seq_length)
        reference = self.export.reference_vectors()
        #: mean cosine between this runtime's vectors and fp32 PyTorch on CHECK_SENTENCES
        self.agreement = float(np.mean(np.sum(self.encode(CHECK_SENTENCES) * reference, axis=1)))

    def encode(self, texts: list[str]) -> np.ndarray:
        """Float32 (len(texts), dim) L2-normalised rows, in the order of ``texts``."""
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        token_ids = [e.ids for e in self._tokenizer.encode_batch(list(texts))]
        batches = length_sorted_batches([len(ids) for ids in token_ids], self.batch_size)
        with self._lock:
            free = list(self._requests)
            running: deque = deque()
            try:
                for rows in batches:
                    if not free:
                        free.append(self._collect(running.popleft(), out))
                    input_ids, mask = pad_batch([token_ids[i] for i in rows], self._pad_id)
                    feed = {"input_ids": input_ids, "attention_mask": mask}
                    if "token_type_ids" in self._inputs:
                        feed["token_type_ids"] = np.zeros_like(input_ids)
                    request = free.pop()
                    request.start_async(feed)
                    running.append((request, rows, mask))
                while running:
                    self._collect(running.popleft(), out)
            finally:  # after an error, leave no request running into the next call
                for request, _, _ in running:
                    request.wait()
        return out

    @staticmethod
    def _collect(running: tuple, out: np.ndarray):
        """Wait for one request and pool its token vectors into ``out``; returns the request."""
        request, rows, mask = running
        request.wait()
        out[rows] = mean_pool_normalise(request.get_output_tensor(0).data, mask)
        return request
