"""Reproducible experiment runs: ``biascmp run experiments/NAME.toml``.

An experiment file is data only (TOML, validated with pydantic, nothing evaluated or imported
by name). A run resolves every setting, hashes the resolved config, the input files, the
model weights and the code version into a ``run_id``, and writes ``<folder of the file>/runs/<run_id>/``:
``config.json`` (resolved), ``manifest.json`` (hashes, versions, platform, times),
``metrics.json`` and the reports. The same run is recorded in ``<folder>/runs/runs.duckdb``.
Outputs other than the manifest's times are byte-identical when a run is repeated.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import sys
import time
import tomllib
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from biascmp.config import resolve_settings, settings_dict
from biascmp.errors import ConfigError

EXTENSIONS = {"json": "json", "html": "html", "markdown": "md"}
PACKAGES = ("biascmp", "duckdb", "numpy", "scikit-learn", "sentence-transformers", "spacy",
            "torch", "transformers", "openvino", "trafilatura")


class CorpusSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    paths: list[str] = Field(min_length=1, description="files or folders, relative to the experiment file")
    outlet: str | None = None
    fields: dict[str, str] = Field(default_factory=dict, description="field map, as ingest --field")


class OutputSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    formats: list[Literal["json", "html", "markdown"]] = ["json", "html"]
    name: str = "report"

    @field_validator("name")
    @classmethod
    def plain_name(cls, value: str) -> str:
        """Output names are file names inside the run folder: no folders, no '..'."""
        if not value or "/" in value or "\\" in value or value.startswith(".") or "\x00" in value:
            raise ValueError("must be a plain file name (no '/', '\\' or leading '.')")
        return value


class ExperimentSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    description: str = ""
    seed: int = 0
    corpus: CorpusSpec | None = None
    datasets: str | None = Field(None, description="folder holding the evaluation datasets")
    analyses: list[Literal["events", "omissions", "sources", "framing", "compare"]] = []
    event: str | None = Field(None, description="event id or article id; default: the event with most outlets")
    evaluations: list[Literal["events", "omissions", "sources", "framing"]] = []
    settings: dict = Field(default_factory=dict)
    outputs: OutputSpec = OutputSpec()


def load_spec(path: str | Path) -> tuple[ExperimentSpec, Path]:
    """Read and validate an experiment file; a bad file is a ``ConfigError`` naming the key."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(str(path), "no such experiment file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ConfigError(str(path), f"not valid TOML ({err})") from None
    try:
        spec = ExperimentSpec.model_validate(raw)
    except ValidationError as err:
        first = err.errors()[0]
        key = ".".join(str(p) for p in first["loc"]) or "(file)"
        raise ConfigError(str(path), f"{key}: {first['msg']}") from None
    base = path.resolve().parent
    if spec.corpus:
        for entry in spec.corpus.paths:
            if not (base / entry).exists():
                raise ConfigError(str(path), f"corpus.paths: {entry!r} does not exist")
    if spec.evaluations:
        if not spec.datasets:
            raise ConfigError(str(path), "datasets: required when evaluations are listed")
        if not (base / spec.datasets).is_dir():
            raise ConfigError(str(path), f"datasets: {spec.datasets!r} is not a folder")
    if spec.analyses and not spec.corpus:
        raise ConfigError(str(path), "corpus: required when analyses are listed")
    return spec, base


def _file_hashes(paths: list[Path]) -> dict[str, str]:
    from biascmp.ingest import iter_files

    hashes = {}
    for file in iter_files([str(p) for p in paths]):
        hashes[str(file)] = hashlib.sha256(file.read_bytes()).hexdigest()
    return dict(sorted(hashes.items()))


def model_weights_hash(model: str) -> str:
    """sha256 over the model folder's weight files (the packaged default model included)."""
    from biascmp.embed import resolve_model

    folder = Path(resolve_model(model))
    if not folder.exists():
        return "unknown:" + model
    digest = hashlib.sha256()
    for file in sorted(folder.rglob("*")):
        if file.is_file() and file.suffix in {".safetensors", ".bin", ".json", ".txt"}:
            digest.update(file.relative_to(folder).as_posix().encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


def package_versions() -> dict[str, str]:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def resolve(spec: ExperimentSpec, source: str):
    """The resolved experiment (every setting explicit, paths relative to the file) as a
    dict, and the settings object it holds."""
    settings = resolve_settings(spec.settings, source=source)
    data = json.loads(spec.model_dump_json())
    data["settings"] = settings_dict(settings)
    return data, settings


def compute_run_id(resolved: dict, input_hashes: dict, weights_hash: str, versions: dict) -> str:
    blob = json.dumps(
        {"config": resolved, "inputs": input_hashes, "weights": weights_hash, "code": versions["biascmp"]},
        sort_keys=True,
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _dump(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False, default=str) + "\n"


def run_experiment(path: str | Path, *, force: bool = False, progress=None) -> dict:
    """Run an experiment file; returns ``{"run_id", "folder", "reused", "metrics"}``."""
    from biascmp import api
    from biascmp.experiment_store import record_run

    say = progress or (lambda message: None)
    spec, base = load_spec(path)
    resolved, settings = resolve(spec, str(path))
    inputs = _file_hashes([base / p for p in spec.corpus.paths]) if spec.corpus else {}
    # paths as the experiment file names them (relative to its folder): the run id does not
    # depend on where the checkout lives
    inputs = {Path(os.path.relpath(Path(k).resolve(), base)).as_posix(): v for k, v in inputs.items()}
    weights = model_weights_hash(settings.embed.model)
    versions = package_versions()
    run_id = compute_run_id(resolved, inputs, weights, versions)
    runs_dir = base / "runs"
    folder = runs_dir / run_id
    if (folder / "manifest.json").exists() and not force:
        metrics = json.loads((folder / "metrics.json").read_text())
        return {"run_id": run_id, "folder": str(folder), "reused": True, "metrics": metrics}
    folder.mkdir(parents=True, exist_ok=True)
    started = datetime.now(timezone.utc)
    t0 = time.perf_counter()
    metrics: dict = {}
    outputs: list[str] = []
    if spec.analyses:
        db = folder / "run.duckdb"
        for stale in (db, Path(str(db) + ".wal")):
            stale.unlink(missing_ok=True)
        say(f"ingest {len(inputs)} files")
        api.ingest([str(base / p) for p in spec.corpus.paths], db=db, settings=settings,
                   outlet=spec.corpus.outlet, field_map=spec.corpus.fields)
        say("group events")
        events = api.group_events(db=db, settings=settings)
        metrics["n_events"] = len(events)
        event_id = api.pick_event(db, spec.event)
        for name in spec.analyses:
            if name == "events":
                continue
            say(f"{name} on {event_id}")
            if name == "compare":
                report = api.compare(event_id, db=db, settings=settings)
                for fmt in spec.outputs.formats:
                    file = folder / f"{spec.outputs.name}.{EXTENSIONS[fmt]}"
                    file.write_text(api.render(report, fmt), encoding="utf-8")
                    outputs.append(file.name)
            else:
                result = getattr(api, name)(event_id, db=db, settings=settings)
                file = folder / f"{name}.json"
                file.write_text(_dump(result.to_dict()), encoding="utf-8")
                outputs.append(file.name)
    for name in spec.evaluations:
        say(f"evaluate {name}")
        metrics[name] = api.evaluate(name, base / spec.datasets, settings)
    (folder / "config.json").write_text(_dump(resolved), encoding="utf-8")
    (folder / "metrics.json").write_text(_dump(metrics), encoding="utf-8")
    manifest = {
        "run_id": run_id,
        "experiment": spec.name,
        "experiment_file": str(Path(path)),
        "config_hash": hashlib.sha256(json.dumps(resolved, sort_keys=True).encode()).hexdigest(),
        "inputs": inputs,
        "model": settings.embed.model,
        "model_weights_sha256": weights,
        "packages": versions,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "outputs": sorted(outputs + ["config.json", "metrics.json"]),
        "started": started.isoformat(),
        "finished": datetime.now(timezone.utc).isoformat(),
        "seconds": round(time.perf_counter() - t0, 3),
    }
    (folder / "manifest.json").write_text(_dump(manifest), encoding="utf-8")
    record_run(runs_dir / "runs.duckdb", manifest, resolved, metrics)
    return {"run_id": run_id, "folder": str(folder), "reused": False, "metrics": metrics}
