"""The ``biascmp`` command line: each command parses options, calls one library function and
renders what it returns. Library errors (``BiascmpError``) become one line on stderr and an
exit code; heavy modules (torch, spaCy, the model) are imported only by the commands that
need them, so ``biascmp --help`` and ``biascmp sql`` start fast."""

from __future__ import annotations

import enum
import json
import sys
from pathlib import Path
from typing import Optional

import typer

from biascmp.errors import BiascmpError

app = typer.Typer(
    name="biascmp",
    help="Compare how news outlets cover the same event: framing, omitted facts, quoted sources.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DbOption = typer.Option(
    None, "--db", help="DuckDB file (default: $BIASCMP_DB, else ./biascmp.duckdb).", show_default=False
)


class TableFormat(str, enum.Enum):
    table = "table"
    json = "json"


class SqlFormat(str, enum.Enum):
    table = "table"
    csv = "csv"
    json = "json"


def fail(err: BiascmpError) -> None:
    """Print the library error as one line and exit with its code."""
    typer.echo(f"error: {err}", err=True)
    raise typer.Exit(err.exit_code)


def echo_json(data) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def parse_field_map(items: list[str]) -> dict[str, str]:
    mapping = {}
    for item in items:
        if "=" not in item:
            raise BiascmpError(f"--field {item!r}: expected BIASCMP_FIELD=INPUT_FIELD, e.g. text=body")
        ours, theirs = item.split("=", 1)
        mapping[ours.strip()] = theirs.strip()
    return mapping


@app.command()
def ingest(
    paths: list[Path] = typer.Argument(..., help="Files or folders (searched recursively)."),
    db: Optional[Path] = DbOption,
    outlet: Optional[str] = typer.Option(None, help="Outlet for records that name none."),
    field: list[str] = typer.Option(
        [], "--field", help="Map a field name: BIASCMP_FIELD=INPUT_FIELD (repeatable), e.g. text=body."
    ),
    model: Optional[str] = typer.Option(None, help="sentence-transformers model name or path."),
    backend: Optional[str] = typer.Option(None, help="Embedding backend: auto, openvino, torch-bf16, torch."),
    skip_errors: bool = typer.Option(False, "--skip-errors", help="Ingest the rest and list bad files."),
    wait: bool = typer.Option(False, "--wait", help="Wait for another writer instead of failing."),
    format: TableFormat = typer.Option(TableFormat.table, "--format", help="Summary format."),
) -> None:
    """Read articles (txt, md, html, json, jsonl, csv), clean, split, embed and store them."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from biascmp.pipeline import ingest_paths

    try:
        mapping = parse_field_map(field)
        with Progress(
            TextColumn("ingest"), BarColumn(), TextColumn("{task.completed} articles"),
            TimeElapsedColumn(), transient=True, disable=not sys.stderr.isatty(),
            console=None,
        ) as bar:
            task = bar.add_task("ingest", total=None)
            report = ingest_paths(
                [str(p) for p in paths], db, outlet=outlet, field_map=mapping,
                skip_errors=skip_errors, model=model, backend=backend, wait=wait,
                progress=lambda n: bar.advance(task, n),
            )
    except BiascmpError as err:
        fail(err)
    if format is TableFormat.json:
        echo_json(report.to_dict())
        return
    typer.echo(
        f"{report.read} read: {report.new} new, {report.replaced} replaced, "
        f"{report.unchanged} unchanged; {report.sentences} sentences, "
        f"{report.boilerplate_paragraphs} boilerplate paragraphs flagged; "
        f"{report.embedded} embedded ({report.from_cache} from cache) in {report.seconds:.1f}s -> {report.db}"
    )
    for path, reason in report.skipped:
        typer.echo(f"skipped {path}: {reason}", err=True)


@app.command()
def sql(
    query: str = typer.Argument(..., help="One SQL query (the database is opened read-only)."),
    db: Optional[Path] = DbOption,
    format: SqlFormat = typer.Option(SqlFormat.table, "--format", help="table, csv or json."),
) -> None:
    """Run a read-only SQL query on the database (see docs/schema.md for the tables)."""
    from biascmp import query as q

    try:
        result = q.run_sql(query, db)
    except BiascmpError as err:
        fail(err)
    if format is SqlFormat.json:
        typer.echo(q.to_json(result))
    elif format is SqlFormat.csv:
        typer.echo(q.to_csv(result), nl=False)
    else:
        from biascmp.report.terminal import console, rows_table

        console().print(rows_table(result.columns, result.rows, max_len=200))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
