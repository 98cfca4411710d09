"""The Report as JSON: the documented, machine-readable form (schema in ``docs/report.md``)."""

from __future__ import annotations

import json
from datetime import date, datetime


def _default(value):
    """JSON for the few non-JSON values a ``meta`` dict may carry (dates, paths, numpy)."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    if hasattr(value, "tolist"):  # numpy array
        return value.tolist()
    return str(value)


def render_json(report: dict) -> str:
    """The report as UTF-8 JSON text, indent 2, ending in a newline.

    Keys keep the order ``build_report`` gives them (summary first, outlets sorted), which is
    stable for the same inputs, so two renderings of the same report are byte-identical.
    """
    return (
        json.dumps(report, ensure_ascii=False, indent=2, default=_default, allow_nan=False) + "\n"
    )
