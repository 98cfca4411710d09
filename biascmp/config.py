"""Typed settings with packaged defaults.

Each stage owns a pydantic settings model in its own module; ``Settings`` collects them. An
experiment file's ``[settings.<section>]`` tables override only the fields they name; unknown
keys and wrong types are errors that name the key.
"""

from __future__ import annotations

import hashlib
import importlib
import json

from pydantic import BaseModel, ConfigDict, ValidationError, create_model

from biascmp.errors import ConfigError

#: section name -> "module:Class" of that stage's settings model
SECTIONS: dict[str, str] = {
    "embed": "biascmp.embed:EmbedSettings",
    "clean": "biascmp.ingest.clean:CleanSettings",
    "events": "biascmp.events.settings:EventSettings",
    "coverage": "biascmp.compare.coverage:CoverageSettings",
    "omissions": "biascmp.compare.omissions:OmissionSettings",
    "sources": "biascmp.compare.sources:SourceSettings",
    "framing": "biascmp.compare.framing:FramingSettings",
    "report": "biascmp.report.model:ReportSettings",
}


def section_model(section: str) -> type[BaseModel]:
    module, _, name = SECTIONS[section].partition(":")
    return getattr(importlib.import_module(module), name)


def settings_model() -> type[BaseModel]:
    """The pydantic model of every setting: one field per stage section."""
    fields = {}
    for section in SECTIONS:
        model = section_model(section)
        fields[section] = (model, model())
    return create_model("Settings", __config__=ConfigDict(extra="forbid"), **fields)


def resolve_settings(overrides: dict | None = None, source: str = "settings"):
    """Defaults updated with ``overrides`` (nested dicts); errors name the key."""
    model = settings_model()
    try:
        return model.model_validate(overrides or {})
    except ValidationError as err:
        first = err.errors()[0]
        key = ".".join(str(p) for p in first["loc"])
        raise ConfigError(source, f"settings.{key}: {first['msg']}") from None


def settings_dict(settings) -> dict:
    return json.loads(settings.model_dump_json())


def settings_hash(settings) -> str:
    blob = json.dumps(settings_dict(settings), sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()
