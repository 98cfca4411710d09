"""Rich tables for the terminal, kept narrow enough for an 80-column screen."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text


def console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False, soft_wrap=False)


def _cell(value, max_len: int) -> Text:
    """Plain text (never rich markup: article text may hold "[/x]"), shortened."""
    text = "" if value is None else str(value)
    text = " ".join(text.split())
    return Text(text if len(text) <= max_len else text[: max_len - 1] + "…")


def rows_table(columns: list[str], rows: list, title: str | None = None, max_len: int = 60) -> Table:
    """A rich Table of plain rows; long cells are shortened and folded."""
    table = Table(title=title, show_lines=False, expand=False)
    for column in columns:
        table.add_column(Text(str(column)), overflow="fold")
    for row in rows:
        table.add_row(*[_cell(v, max_len) for v in row])
    return table
