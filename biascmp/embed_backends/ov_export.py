"""One-time export of a local sentence-transformers model to OpenVINO IR, cached on disk.

The export runs offline on first use (it imports torch and sentence-transformers, a few
seconds) and writes, under ``<cache>/openvino/<key>/``:

- ``model.xml`` / ``model.bin``: the transformer (token ids -> token vectors), fp32 weights;
- ``tokenizer.json``: the model's fast tokenizer exactly as sentence-transformers sets it up
  (lower-casing included);
- ``reference.npy``: fp32 sentence-transformers vectors of ``CHECK_SENTENCES``, so each
  runtime can measure its agreement with the PyTorch path without importing torch;
- ``meta.json``: input names, dimension, max sequence length, versions.

The key hashes the model folder path, the digest of its files and the OpenVINO version, so a
changed model or runtime gets a fresh export. The export is built in a temporary folder and
renamed into place, so concurrent first uses never see (or leave) a half-written model.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

#: bump when the exported files or their meaning change
EXPORT_VERSION = 1

#: files in a model folder that do not affect its vectors
_IGNORED_FILES = {"README.md", ".gitattributes"}

#: written for this module; they span short to long sentences (one past 256 word pieces, to
#: cover truncation), quotes, numbers and names
CHECK_SENTENCES = [
    "Rain.",
    "The council approved the budget on Tuesday.",
    '"We are not going anywhere," the union leader told a crowd of about 3,000 workers.',
    "Prices rose 4.2% in March, the fastest pace since 1991, according to the statistics office.",
    "Police said two men were arrested near the station after a car was set on fire overnight.",
    "The minister denied the report, calling it a politically motivated attack on the government.",
    "Residents of the flooded valley say help arrived days late and that warnings were ignored "
    "by officials who had been told about the risk months earlier.",
    "Shares in the company fell sharply after it cut its profit forecast for the year.",
    "Doctors warned that hospitals in the region were running short of beds and staff.",
    "The agreement, signed in Geneva, commits both sides to a ceasefire and a prisoner exchange.",
    "Opposition lawmakers walked out of the chamber in protest.",
    "A spokeswoman for the ministry did not respond to requests for comment.",
    "Turnout was lower than expected, with many voters staying home because of the storm.",
    "The court ruled that the ban on public gatherings had been unlawful from the start.",
    "Scientists said the findings, published in a peer-reviewed journal, need to be confirmed.",
    " ".join(["The committee heard evidence from farmers, traders and local officials about "
              "the effects of the drought on food prices and water supplies."] * 12),
]


class UnsupportedModel(RuntimeError):
    """The model cannot be run by the OpenVINO backend (e.g. pooling other than mean, extra
    modules); the torch backend still can."""


@dataclass
class ExportedModel:
    """A cached export: file paths plus the metadata the runtime needs."""

    directory: Path
    meta: dict

    @property
    def xml(self) -> Path:
        return self.directory / "model.xml"

    @property
    def tokenizer_json(self) -> Path:
        return self.directory / "tokenizer.json"

    def reference_vectors(self) -> np.ndarray:
        return np.load(self.directory / "reference.npy")


def cache_root(cache_dir: str | None = None) -> Path:
    """``cache_dir`` if given, else ``$BIASCMP_CACHE``, else ``~/.cache/biascmp``."""
    root = cache_dir or os.environ.get("BIASCMP_CACHE") or os.path.join("~", ".cache", "biascmp")
    return Path(root).expanduser()


def model_digest(model_dir: str | Path, root: Path) -> str:
    """sha256 over the relative names and contents of the model folder's files. Each file's
    digest is remembered in ``<root>/digests.json`` under its path, size and mtime, so later
    startups do not re-read 90 MB of weights."""
    model_dir = Path(model_dir).resolve()
    memo_path = root / "digests.json"
    try:
        memo = json.loads(memo_path.read_text())
    except (OSError, ValueError):
        memo = {}
    changed = False
    total = hashlib.sha256()
    for path in sorted(p for p in model_dir.rglob("*") if p.is_file()):
        if path.name in _IGNORED_FILES:
            continue
        stat = path.stat()
        memo_key = f"{path}|{stat.st_size}|{stat.st_mtime_ns}"
        digest = memo.get(memo_key)
        if digest is None:
            with open(path, "rb") as fh:
                digest = hashlib.file_digest(fh, "sha256").hexdigest()
            memo[memo_key] = digest
            changed = True
        total.update(f"{path.relative_to(model_dir).as_posix()}\0{digest}\n".encode())
    if changed:
        _write_atomic(memo_path, json.dumps(memo, sort_keys=True, indent=0))
    return total.hexdigest()


def export_key(model_dir: str | Path, digest: str, openvino_version: str) -> str:
    blob = f"{EXPORT_VERSION}\0{Path(model_dir).resolve()}\0{digest}\0{openvino_version}"
    return hashlib.sha256(blob.encode()).hexdigest()[:24]


def ensure_exported(model_dir: str, cache_dir: str | None = None) -> ExportedModel:
    """The cached export of ``model_dir``, made now if missing (see the module docstring)."""
    import openvino as ov

    root = cache_root(cache_dir)
    base = root / "openvino"
    base.mkdir(parents=True, exist_ok=True)
    key = export_key(model_dir, model_digest(model_dir, root), ov.get_version())
    final = base / key
    if not (final / "meta.json").is_file():
        _remove_stale_temporaries(base, key)
        tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{key}-", dir=base))
        try:
            _export(model_dir, tmp)
            tmp.chmod(0o755)  # mkdtemp makes it private; the cache may be shared
            try:
                os.rename(tmp, final)
            except OSError:
                if not (final / "meta.json").is_file():
                    raise
                # another process finished first: use its export
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return ExportedModel(final, json.loads((final / "meta.json").read_text()))


def _export(model_dir: str, out: Path) -> None:
    """Write the files of an export of ``model_dir`` into the empty folder ``out``."""
    import openvino as ov
    import torch
    from transformers.utils import logging as hf_logging

    from biascmp.embed_backends.torch_st import embedding_dimension, load_sentence_transformer

    log.info("exporting %s to OpenVINO IR (once; cached)", model_dir)
    verbosity = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()  # no weight-loading progress bars for a cache fill
    hf_logging.disable_progress_bar()
    try:
        st = load_sentence_transformer(model_dir)
    finally:
        hf_logging.set_verbosity(verbosity)
        hf_logging.enable_progress_bar()
    transformer = _check_modules(st)
    hf_model = transformer.auto_model.float().eval()
    tokenizer = transformer.tokenizer
    if not getattr(tokenizer, "is_fast", False):
        raise UnsupportedModel("the model has no fast (Rust) tokenizer")
    names = [n for n in ("input_ids", "attention_mask", "token_type_ids")
             if n in tokenizer.model_input_names]
    if names[:2] != ["input_ids", "attention_mask"]:
        raise UnsupportedModel(f"unexpected model inputs {tokenizer.model_input_names}")

    class LastHiddenState(torch.nn.Module):
        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids=None):
            kwargs = {"input_ids": input_ids, "attention_mask": attention_mask}
            if token_type_ids is not None:
                kwargs["token_type_ids"] = token_type_ids
            return self.model(**kwargs).last_hidden_state

    example = {n: torch.ones((2, 16), dtype=torch.long) for n in names}
    if "token_type_ids" in example:
        example["token_type_ids"] = torch.zeros((2, 16), dtype=torch.long)
    with warnings.catch_warnings(), torch.inference_mode():
        warnings.simplefilter("ignore")
        ov_model = ov.convert_model(
            LastHiddenState(hf_model),
            example_input=example,
            input=[(n, [-1, -1], ov.Type.i64) for n in names],
        )
    ov.save_model(ov_model, str(out / "model.xml"), compress_to_fp16=False)

    tokenizer.backend_tokenizer.save(str(out / "tokenizer.json"))
    reference = st.encode(CHECK_SENTENCES, normalize_embeddings=True, convert_to_numpy=True,
                          show_progress_bar=False, batch_size=len(CHECK_SENTENCES))
    np.save(out / "reference.npy", np.asarray(reference, dtype=np.float32))
    meta = {
        "export_version": EXPORT_VERSION,
        "model_dir": str(Path(model_dir).resolve()),
        "openvino_version": ov.get_version(),
        "inputs": names,
        "dim": embedding_dimension(st),
        "max_seq_length": int(st.max_seq_length),
        "pad_id": int(tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0),
    }
    (out / "meta.json").write_text(json.dumps(meta, indent=2, sort_keys=True))


def _remove_stale_temporaries(base: Path, key: str, max_age_s: float = 3600) -> None:
    """Delete half-written exports of ``key`` left by processes that died over an hour ago
    (a running export takes well under a minute)."""
    now = time.time()
    for tmp in base.glob(f".tmp-{key}-*"):
        try:
            if now - tmp.stat().st_mtime > max_age_s:
                shutil.rmtree(tmp, ignore_errors=True)
        except OSError:
            continue


def _check_modules(st):
    """The Transformer module of ``st`` when the rest is mean pooling and optional Normalize:
    the only shapes the numpy pooling reproduces exactly."""
    modules = list(st)
    kinds = [type(m).__name__ for m in modules]
    if len(modules) < 2 or kinds[0] != "Transformer" or kinds[1] != "Pooling":
        raise UnsupportedModel(f"modules {kinds}: need Transformer, Pooling[, Normalize]")
    if kinds[2:] not in ([], ["Normalize"]):
        raise UnsupportedModel(f"modules {kinds}: extra modules after pooling")
    mode = getattr(modules[1], "pooling_mode", None)
    modes = (mode,) if isinstance(mode, str) else tuple(mode or ())
    if modes != ("mean",) and not getattr(modules[1], "pooling_mode_mean_tokens", False):
        raise UnsupportedModel(f"pooling {mode!r}: only mean pooling is supported")
    if not hasattr(modules[0], "auto_model"):
        raise UnsupportedModel("the Transformer module has no Hugging Face model")
    return modules[0]


def _write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
