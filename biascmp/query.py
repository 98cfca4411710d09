"""Read-only SQL over the store (``biascmp sql``)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import duckdb

from biascmp.errors import BiascmpError
from biascmp.store.db import open_store


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[tuple]

    def records(self) -> list[dict]:
        return [dict(zip(self.columns, row)) for row in self.rows]


def run_sql(query: str, db=None) -> QueryResult:
    """Run one query on a read-only connection: it cannot modify the database."""
    with open_store(db, read_only=True) as store:
        try:
            cursor = store.con.execute(query)
        except duckdb.Error as err:
            first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            raise BiascmpError(f"SQL error: {first}") from err
        if cursor.description is None:
            return QueryResult([], [])
        columns = [d[0] for d in cursor.description]
        return QueryResult(columns, cursor.fetchall())


def _jsonable(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def to_json(result: QueryResult) -> str:
    return json.dumps([{k: _jsonable(v) for k, v in r.items()} for r in result.records()],
                      ensure_ascii=False, indent=2)


def to_csv(result: QueryResult) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(result.columns)
    for row in result.rows:
        writer.writerow(["" if v is None else _jsonable(v) for v in row])
    return buf.getvalue()
