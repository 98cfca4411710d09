"""Embedding backends: agreement with the PyTorch fp32 reference, order, edge cases, the
export cache and cheap imports. Uses the real packaged model and the real runtimes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from biascmp.embed import EmbedSettings, build_embedder, get_embedder, resolve_model
from biascmp.embed_backends.batching import length_sorted_batches, mean_pool_normalise, pad_batch
from biascmp.embed_backends.hardware import cpu_supports_bf16
from biascmp.errors import ConfigError, ModelNotFound

REPO = Path(__file__).resolve().parents[1]

_SUBJECTS = ["The mayor", "Protesters", "The central bank", "A hospital spokesperson",
             "Two ministers", "Local farmers", "The airline", "Police"]
_CLAIMS = ["cut interest rates by half a point", "blocked the main road for six hours",
           "said the report was wrong", "warned of shortages before winter",
           "denied any link to the company", "asked the court to delay the ruling",
           "reported 312 new cases on Friday"]


def sentences(n: int) -> list[str]:
    """``n`` distinct sentences of varied length (some long enough to be truncated)."""
    out = []
    for i in range(n):
        text = f"{_SUBJECTS[i % len(_SUBJECTS)]} {_CLAIMS[(i * 3) % len(_CLAIMS)]}."
        if i % 5 == 0:
            text += f" Officials said {_CLAIMS[(i + 1) % len(_CLAIMS)]} in {1990 + i}."
        if i % 17 == 0:
            text = " ".join([text] * 30)  # beyond the 256 word pieces the model reads
        out.append(text)
    return out


@pytest.fixture(scope="module")
def reference():
    """The PyTorch fp32 path through sentence-transformers."""
    return get_embedder(backend="torch")


@pytest.mark.slow
def test_default_backend_agrees_with_torch_fp32(embedder, reference):
    texts = sentences(50)
    got, want = embedder.encode(texts), reference.encode(texts)
    assert got.shape == want.shape == (50, 384) and got.dtype == np.float32
    cosines = np.sum(got * want, axis=1)
    assert cosines.mean() >= 0.999
    assert cosines.min() >= 0.99
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)


@pytest.mark.slow
def test_default_is_openvino_where_cpu_has_bf16(embedder):
    pytest.importorskip("openvino")
    if not cpu_supports_bf16():
        pytest.skip("this CPU has no bf16 units: the default is torch")
    assert embedder.backend == "openvino"
    assert embedder.agreement >= EmbedSettings().min_agreement


@pytest.mark.slow
def test_output_order_matches_input_with_mixed_lengths(embedder):
    texts = sentences(40)
    texts = texts[::-1][:20] + texts[:20]  # long and short texts interleaved
    batch = embedder.encode(texts)
    one_by_one = np.vstack([embedder.encode([t]) for t in texts])
    cosines = np.sum(batch * one_by_one, axis=1)
    assert cosines.min() >= 0.999
    # each row is closest to its own text among all others
    nearest = np.argmax(batch @ one_by_one.T, axis=1)
    assert [texts[i] for i in nearest] == texts


@pytest.mark.slow
def test_same_input_same_output(embedder):
    texts = sentences(12)
    np.testing.assert_array_equal(embedder.encode(texts), embedder.encode(texts))


@pytest.mark.slow
def test_empty_list(embedder, reference):
    for emb in (embedder, reference):
        out = emb.encode([])
        assert out.shape == (0, emb.dim) and out.dtype == np.float32


def test_missing_model_path_is_a_clear_error(tmp_path):
    missing = tmp_path / "no-such-model"
    with pytest.raises(ModelNotFound, match="no such folder"):
        get_embedder(model=str(missing))


def test_model_name_not_available_locally_is_a_clear_error():
    with pytest.raises(ModelNotFound, match="does not download"):
        resolve_model("biascmp-test/not-a-real-model-name")


def test_unknown_backend_is_a_config_error():
    with pytest.raises(ConfigError, match="backend"):
        get_embedder(backend="tensorflow")


@pytest.mark.slow
def test_export_cache_is_reused(tmp_path):
    pytest.importorskip("openvino")
    from biascmp.embed_backends.openvino_runtime import OpenVINOEmbedder

    settings = EmbedSettings(backend="openvino", cache_dir=str(tmp_path))
    first = OpenVINOEmbedder(resolve_model(None), "m", settings)
    xml = first.export.xml
    mtime = xml.stat().st_mtime_ns
    second = build_embedder(settings)
    assert second.export.xml == xml and xml.stat().st_mtime_ns == mtime
    leftovers = [p.name for p in (tmp_path / "openvino").iterdir() if p.name.startswith(".tmp")]
    assert leftovers == []
    np.testing.assert_array_equal(first.encode(sentences(5)), second.encode(sentences(5)))


@pytest.mark.slow
def test_torch_bf16_agrees_with_fp32(reference):
    bf16 = get_embedder(backend="torch-bf16")
    texts = sentences(20)
    assert np.sum(bf16.encode(texts) * reference.encode(texts), axis=1).mean() >= 0.999


def test_importing_embed_loads_no_runtime():
    code = ("import sys, biascmp.embed; "
            "print(sorted(m for m in ('torch', 'openvino', 'sentence_transformers', "
            "'transformers') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=REPO, env=dict(os.environ, PYTHONPATH=str(REPO)), check=True)
    assert out.stdout.strip() == "[]"


def test_length_sorted_batches_cover_every_index_once():
    lengths = [5, 1, 9, 3, 3, 7, 2]
    batches = list(length_sorted_batches(lengths, 3))
    assert [len(b) for b in batches] == [3, 3, 1]
    flat = np.concatenate(batches)
    assert sorted(flat.tolist()) == list(range(len(lengths)))
    assert [lengths[i] for i in flat] == sorted(lengths)
    assert flat.tolist()[2:4] == [3, 4]  # ties keep input order


def test_mean_pool_ignores_padding_and_normalises():
    hidden = np.zeros((2, 3, 2), dtype=np.float32)
    hidden[0] = [[1, 0], [3, 4], [100, 100]]  # third token is padding
    hidden[1] = [[0, 2], [0, 0], [0, 0]]
    ids, mask = pad_batch([[7, 8], [9]])
    assert ids.tolist() == [[7, 8], [9, 0]] and mask.tolist() == [[1, 1], [1, 0]]
    mask3 = np.array([[1, 1, 0], [1, 0, 0]])
    pooled = mean_pool_normalise(hidden, mask3)
    np.testing.assert_allclose(pooled[0], np.array([2, 2]) / np.sqrt(8), rtol=1e-6)
    np.testing.assert_allclose(pooled[1], [0, 1], rtol=1e-6)
