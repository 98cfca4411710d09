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

    from biascmp import api

    try:
        mapping = parse_field_map(field)
        with Progress(
            TextColumn("ingest"), BarColumn(), TextColumn("{task.completed} articles"),
            TimeElapsedColumn(), transient=True, disable=not sys.stderr.isatty(),
            console=None,
        ) as bar:
            task = bar.add_task("ingest", total=None)
            report = api.ingest(
                paths, db, outlet=outlet, field_map=mapping,
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



class ReportFormat(str, enum.Enum):
    table = "table"
    json = "json"
    markdown = "markdown"
    html = "html"


def _console():
    from biascmp.report.terminal import console

    return console()


@app.command()
def events(
    db: Optional[Path] = DbOption,
    format: TableFormat = typer.Option(TableFormat.table, "--format", help="table or json."),
    window_days: Optional[int] = typer.Option(None, "--window-days", help="Max days between articles of one event."),
    threshold: Optional[float] = typer.Option(None, "--threshold", help="Similarity cut (higher: smaller events)."),
    assign: Optional[tuple[str, str]] = typer.Option(
        None, "--assign", metavar="ARTICLE_ID EVENT_ID", help="Put an article in an event (kept on regrouping)."),
    merge: Optional[tuple[str, str]] = typer.Option(
        None, "--merge", metavar="A B", help="Merge event B into event A (kept on regrouping)."),
    list_only: bool = typer.Option(False, "--list", help="Show the stored events without regrouping."),
) -> None:
    """Group articles into events across outlets (or correct the grouping) and list them."""
    from biascmp import api

    try:
        if assign:
            result = api.assign(assign[0], assign[1], db)
        elif merge:
            result = api.merge(merge[0], merge[1], db)
        elif list_only:
            result = api.list_events(db)
        else:
            result = api.group_events(db, window_days=window_days, threshold=threshold)
    except BiascmpError as err:
        fail(err)
    data = [e.to_dict() for e in result]
    if format is TableFormat.json:
        echo_json({"events": [
            {k: e[k] for k in ("event_id", "label", "articles", "outlets", "first_published",
                               "last_published", "n_articles", "n_outlets", "pinned")} for e in data]})
    else:
        from biascmp.report.tables import print_events

        print_events(_console(), data)


def _working(message: str):
    """A spinner on stderr while an analysis runs (the first analysis of an event also
    annotates its articles with spaCy); nothing when stderr is not a terminal."""
    import contextlib

    if not sys.stderr.isatty():
        return contextlib.nullcontext()
    from rich.console import Console

    return Console(stderr=True).status(message)


def _analysis_command(name: str, event: str, db, format: TableFormat) -> None:
    from biascmp import api
    from biascmp.report import tables

    try:
        with _working(f"{name}: reading and annotating the event's articles, analysing"):
            result = getattr(api, name)(event, db)
    except BiascmpError as err:
        fail(err)
    if format is TableFormat.json:
        echo_json(result.to_dict())
    else:
        getattr(tables, f"print_{name}")(_console(), result.to_dict())


EventArg = typer.Argument(..., help="An event id, or an article id meaning that article's event.")


@app.command()
def omissions(
    event: str = EventArg,
    db: Optional[Path] = DbOption,
    format: TableFormat = typer.Option(TableFormat.table, "--format", help="table or json."),
) -> None:
    """Facts each outlet reports or leaves out, and where outlets contradict each other."""
    _analysis_command("omissions", event, db, format)


@app.command()
def sources(
    event: str = EventArg,
    db: Optional[Path] = DbOption,
    format: TableFormat = typer.Option(TableFormat.table, "--format", help="table or json."),
) -> None:
    """Who is quoted, directly or indirectly, with which affiliation, by which outlet."""
    _analysis_command("sources", event, db, format)


@app.command()
def framing(
    event: str = EventArg,
    db: Optional[Path] = DbOption,
    format: TableFormat = typer.Option(TableFormat.table, "--format", help="table or json."),
) -> None:
    """Distinctive terms, labels for the same referent, frame dimensions and tone per outlet."""
    _analysis_command("framing", event, db, format)


@app.command()
def coverage(
    event: str = EventArg,
    facts: Path = typer.Option(..., "--facts", help="Key facts: a text file (one a line) or JSON [{id, text}]."),
    db: Optional[Path] = DbOption,
    format: TableFormat = typer.Option(TableFormat.table, "--format", help="table or json."),
) -> None:
    """Checklist mode: is each of your facts covered by each article of the event?"""
    from biascmp import api

    try:
        with _working("coverage: reading and annotating the event's articles, matching facts"):
            result = api.coverage(event, facts, db)
    except BiascmpError as err:
        fail(err)
    if format is TableFormat.json:
        echo_json(result.to_dict())
    else:
        from biascmp.report.tables import print_coverage

        print_coverage(_console(), result.to_dict())


def _write_output(text: str, output: Path) -> None:
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as err:
        fail(BiascmpError(f"{output}: cannot write ({err.strerror})"))


@app.command()
def compare(
    event: str = EventArg,
    db: Optional[Path] = DbOption,
    format: ReportFormat = typer.Option(ReportFormat.table, "--format", help="table, json, markdown or html."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the report to this file."),
) -> None:
    """One report on how the outlets covering an event differ, every finding with its sentences."""
    from biascmp import api

    try:
        with _working("compare: reading and annotating the event's articles, analysing"):
            report = api.compare(event, db)
    except BiascmpError as err:
        fail(err)
    if format is ReportFormat.table:
        from biascmp.report.terminal_report import render_terminal

        render_terminal(report, _console())
        if output:
            _write_output(api.render(report, "markdown"), output)
        return
    text = api.render(report, format.value)
    if output:
        _write_output(text, output)
        typer.echo(f"wrote {output}", err=True)
    else:
        typer.echo(text, nl=not text.endswith("\n"))


@app.command()
def demo(
    db: Path = typer.Option(Path("demo.duckdb"), "--db", help="Database for the demo (created)."),
    output: Path = typer.Option(Path("report.html"), "--output", "-o", help="Where the HTML report goes."),
    corpus: Optional[Path] = typer.Option(None, "--corpus", help="Corpus folder (default: the bundled demo)."),
) -> None:
    """Ingest the bundled demo corpus, group events, and compare the outlets on the main event."""
    from biascmp import api

    corpus = corpus or api.demo_corpus()
    con = _console()
    try:
        con.print(f"[bold]1/4[/bold] ingest {corpus}")
        report = api.ingest([corpus], db)
        con.print(f"     {report.read} articles, {report.sentences} sentences")
        con.print("[bold]2/4[/bold] group events")
        found = api.group_events(db)
        for e in found:
            con.print(f"     {e.event_id}: {e.n_articles} articles, {e.n_outlets} outlets — {e.label}")
        event = api.pick_event(db)
        con.print(f"[bold]3/4[/bold] compare outlets on {event}")
        full = api.compare(event, db)
    except BiascmpError as err:
        fail(err)
    from biascmp.report.terminal_report import render_terminal

    render_terminal(full, con)
    _write_output(api.render(full, "html"), output)
    con.print(f"[bold]4/4[/bold] wrote {output} (open it in a browser; it works offline)")


@app.command()
def run(
    experiment: Path = typer.Argument(..., help="An experiment file, e.g. experiments/demo.toml."),
    force: bool = typer.Option(False, "--force", help="Recompute even if an identical run exists."),
) -> None:
    """Run an experiment file reproducibly; results go to <its folder>/runs/<run_id>/."""
    from biascmp.experiment import run_experiment

    try:
        result = run_experiment(experiment, force=force, progress=lambda m: typer.echo(m, err=True))
    except BiascmpError as err:
        fail(err)
    state = "identical run exists, reused" if result["reused"] else "done"
    typer.echo(f"run {result['run_id']} {state}: {result['folder']}")
    echo_json(result["metrics"])


runs_app = typer.Typer(help="List, show and compare experiment runs.", no_args_is_help=True)
app.add_typer(runs_app, name="runs")
RunsDb = typer.Option(Path("experiments/runs/runs.duckdb"), "--runs-db", help="The runs database.")


@runs_app.command("list")
def runs_list(runs_db: Path = RunsDb) -> None:
    """Every recorded run."""
    from biascmp.experiment_store import list_runs
    from biascmp.report.terminal import rows_table

    try:
        rows = list_runs(runs_db)
    except BiascmpError as err:
        fail(err)
    _console().print(rows_table(["run_id", "experiment", "started", "seconds"],
                                [tuple(r.values()) for r in rows], title=f"{len(rows)} runs"))


@runs_app.command("show")
def runs_show(run_id: str = typer.Argument(..., help="A run id (or a unique prefix)."), runs_db: Path = RunsDb) -> None:
    """One run's manifest and metrics."""
    from biascmp.experiment_store import show_run

    try:
        echo_json(show_run(runs_db, run_id))
    except BiascmpError as err:
        fail(err)


@runs_app.command("diff")
def runs_diff(a: str = typer.Argument(...), b: str = typer.Argument(...), runs_db: Path = RunsDb) -> None:
    """Settings and metrics that differ between two runs."""
    from biascmp.experiment_store import diff_runs
    from biascmp.report.terminal import rows_table

    try:
        diff = diff_runs(runs_db, a, b)
    except BiascmpError as err:
        fail(err)
    con = _console()
    con.print(rows_table(["setting", diff["a"], diff["b"]],
                         [(d["key"], d["a"], d["b"]) for d in diff["settings"]], title="Settings that differ"))
    con.print(rows_table(["metric", diff["a"], diff["b"]],
                         [(d["metric"], d["a"], d["b"]) for d in diff["metrics"]], title="Metrics that differ"))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
