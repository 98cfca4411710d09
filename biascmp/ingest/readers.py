"""Input readers: files and folders -> ``RawArticle`` records, one small reader per format.

Formats by extension: ``.txt``/``.text`` (plain text with an optional header), ``.md``/
``.markdown`` (YAML front matter), ``.html``/``.htm`` (trafilatura + all visible paragraphs),
``.json`` (one object or a list), ``.jsonl``/``.ndjson`` (one object a line) and ``.csv``.

:func:`iter_records` streams one file's records so a 1 GB JSONL or CSV file is never held in
memory; :func:`read_paths` collects them over files and folders. Every problem is a
``BadInput(path, reason)`` whose reason names the record (``"line 17: invalid JSON (...)"``);
with ``skip_errors`` the bad records are listed and the good ones kept (one bad article never
stops a batch unless the user asked for strictness).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Iterable, Iterator, Mapping
from urllib.parse import urlsplit

import yaml

from biascmp.errors import BadInput, BiascmpError
from biascmp.ingest.decoding import choose_encoding, decode_bytes
from biascmp.ingest.html_page import parse_html
from biascmp.ingest.markdown_inline import (
    atx_heading,
    strip_emphasis,
    strip_images,
    strip_links,
    strip_tags,
)
from biascmp.ingest.normalize import normalize_line
from biascmp.ingest.rules import is_banner_line, looks_like_caption
from biascmp.records import RawArticle

#: extension -> format name (``RawArticle.source_format``)
FORMATS = {
    ".txt": "text", ".text": "text",
    ".md": "markdown", ".markdown": "markdown",
    ".html": "html", ".htm": "html",
    ".json": "json",
    ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".csv": "csv",
}
EXPECTED_TYPES = ".txt, .md, .html, .json, .jsonl, .csv"
#: the biascmp fields a record may carry; ``field_map`` maps these to other input names
RECORD_FIELDS = ("id", "outlet", "title", "published", "url", "text", "html", "event")
#: keys of a plain-text header block (case-insensitive); ``date`` means ``published``
HEADER_KEYS = {"id", "outlet", "title", "published", "date", "url", "event"}
#: a plain-text headline has at most this many words
MAX_TITLE_WORDS = 20
#: banner lines skipped before a plain-text headline (at most this many)
MAX_LEADING_BANNERS = 5
#: bytes read to choose the encoding of a streamed (JSONL/CSV) file
STREAM_SNIFF_BYTES = 1 << 20
#: characters of a CSV file given to ``csv.Sniffer`` to guess its dialect
CSV_SNIFF_CHARS = 64 * 1024
#: rows of that sample parsed to compare candidate dialects
CSV_SNIFF_ROWS = 20
#: longest date string worth parsing
MAX_DATE_CHARS = 100

_DATE_LINE_RE = re.compile(r"^date\s+(\d{4}-\d{2}-\d{2})\b[ \t]*(.*)$", re.IGNORECASE)
_HEADER_RE = re.compile(r"^([A-Za-z][A-Za-z_-]{0,30})\s*:\s*(.*)$")
_ISO_DATE_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ]|$)")

#: what a per-format reader yields: a record, or the error that replaced a bad one
Item = RawArticle | BadInput

try:  # allow huge fields (a whole article body in one CSV cell)
    csv.field_size_limit(2**31 - 1)
except OverflowError:  # pragma: no cover - 32-bit platforms
    csv.field_size_limit(2**30)


@dataclass
class ReadResult:
    """The articles read from some paths, and the records skipped with their reasons."""

    articles: list[RawArticle] = field(default_factory=list)
    #: ``(path, reason)`` for every file or record that could not be read
    skipped: list[tuple[str, str]] = field(default_factory=list)


# --------------------------------------------------------------------------- paths


def iter_files(paths: Iterable[str | os.PathLike]) -> Iterator[Path]:
    """The input files under ``paths`` (files as given; folders recursively, sorted, hidden
    files and folders skipped). A missing path raises ``BadInput``."""
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise BadInput(str(path), "no such file or directory")
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        yield Path(root) / name
        else:
            yield path


def _format_of(path: Path) -> str:
    ext = path.suffix.lower()
    if ext not in FORMATS:
        shown = ext or "(none)"
        reason = f"unsupported file type '{shown}' (expected {EXPECTED_TYPES})"
        raise BadInput(str(path), reason)
    return FORMATS[ext]


# --------------------------------------------------------------------------- fields


def parse_published(value) -> date | None:
    """A publication date from ISO, RFC 2822 or written-out forms ("February 25, 2025");
    None when the value is missing, partial (no day) or unparseable."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = normalize_line(str(value))
    if not text or len(text) > MAX_DATE_CHARS:
        return None
    iso = _ISO_DATE_RE.match(text)
    if iso:
        try:
            return date.fromisoformat(iso.group(1))
        except ValueError:
            return None
    from dateutil import parser as date_parser

    try:
        # Two different defaults: a component missing from the text shows up as a difference,
        # so partial dates are rejected instead of being filled in from today's date.
        first = date_parser.parse(text, default=datetime(2000, 1, 1), ignoretz=True)
        second = date_parser.parse(text, default=datetime(2001, 2, 2), ignoretz=True)
    except (ValueError, OverflowError, TypeError):
        return None
    if first.date() != second.date():
        return None
    return first.date()


def domain_of(url: str | None) -> str | None:
    """The host of a URL without ``www.`` (``https://www.apnews.com/x`` -> ``apnews.com``)."""
    if not url:
        return None
    text = url.strip()
    if "//" not in text:
        text = "//" + text
    try:
        host = urlsplit(text).hostname
    except ValueError:
        return None
    if not host or "." not in host:
        return None
    return host[4:] if host.startswith("www.") else host


def _scalar(value, name: str, where: str, path: str) -> str | None:
    """A record field as stripped text (numbers allowed); containers are an error."""
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        raise BadInput(path, f"{where}field '{name}' is not text (got {type(value).__name__})")
    text = str(value).strip()
    return text or None


def _check_field_map(field_map: Mapping[str, str] | None) -> dict[str, str]:
    mapping = dict(field_map or {})
    unknown = sorted(set(mapping) - set(RECORD_FIELDS))
    if unknown:
        raise BiascmpError(
            f"unknown field in field map: {', '.join(unknown)} (expected {', '.join(RECORD_FIELDS)})"
        )
    return mapping


def record_to_article(
    record: Mapping,
    *,
    path: str,
    where: str,
    source_format: str,
    field_map: Mapping[str, str],
    outlet: str | None,
    text: str | None = None,
) -> RawArticle:
    """One input record (JSON object, CSV row, front matter) -> ``RawArticle``.

    ``where`` names the record in error messages (``"record 3"``, ``"line 17"``); ``text``
    overrides the record's text (a markdown body). An ``html`` field is read as a page.
    Fields biascmp has no column for are kept in ``extra``."""
    prefix = f"{where}: " if where else ""
    names = {f: field_map.get(f, f) for f in RECORD_FIELDS}
    if "published" not in field_map and "published" not in record and "date" in record:
        names["published"] = "date"
    values = {f: _scalar(record.get(n), n, prefix, path) for f, n in names.items()}
    used = set(names.values())
    extra = {str(k): v for k, v in record.items() if k not in used}

    page = None
    body = text if text is not None else values["text"]
    if body is None and values["html"] is not None:
        page = parse_html(values["html"])
        body = "\n\n".join(page.paragraphs)
        extra["main_paragraphs"] = page.main
    if body is None or not normalize_line(body):  # blank, or only invisible marks
        raise BadInput(path, f"{prefix}no text")

    url = values["url"] or (page.url if page else None)
    record_outlet = values["outlet"] or (page.sitename if page else None)
    chosen_outlet = record_outlet or domain_of(url) or (outlet.strip() if outlet else None)
    if not chosen_outlet:
        raise BadInput(path, f"{prefix}no outlet: give one with --outlet")

    raw_date = record.get(names["published"])
    if raw_date is None and page is not None:
        raw_date = page.published
    published = parse_published(raw_date)
    if raw_date not in (None, "") and published is None:
        extra["published_raw"] = str(raw_date)

    title = values["title"] or (page.title if page else None)
    return RawArticle(
        source_path=path,
        text=body,
        article_id=values["id"] or (page.page_id if page else None),
        outlet=normalize_line(chosen_outlet),
        title=normalize_line(title) if title else None,
        published=published,
        url=url,
        event=values["event"],
        extra=extra,
        source_format=source_format,
    )


def _json_ready(value):
    """YAML values as JSON-ready types (front matter may hold dates)."""
    if isinstance(value, dict):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_ready(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


# --------------------------------------------------------------------------- per format


def _read_text_file(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as err:
        raise BadInput(str(path), f"cannot read ({err.strerror or err})") from None
    return decode_bytes(data, str(path))


def split_text_header(text: str) -> tuple[dict[str, str], str]:
    """A plain-text file's header fields and the rest of the text.

    Two header forms: a first line ``date YYYY-MM-DD`` (whatever follows the date on that
    line stays in the text), or leading ``key: value`` lines with known keys ended by a
    blank line."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    if start == len(lines):
        return {}, ""
    first = normalize_line(lines[start])
    match = _DATE_LINE_RE.match(first)
    if match:
        rest = [match.group(2)] if match.group(2) else []
        return {"published": match.group(1)}, "\n".join(rest + lines[start + 1 :])
    header: dict[str, str] = {}
    i = start
    while i < len(lines) and lines[i].strip():
        m = _HEADER_RE.match(normalize_line(lines[i]))
        if not m:
            return {}, "\n".join(lines[start:])
        key = m.group(1).lower()
        header["published" if key == "date" else key] = m.group(2).strip()
        i += 1
    # a header is ended by a blank line and names at least one known field; other
    # ``key: value`` lines in it (author, section) are kept as extra fields
    if i == len(lines) or not HEADER_KEYS.intersection(header):
        return {}, "\n".join(lines[start:])
    return header, "\n".join(lines[i + 1 :])


def _is_title_line(line: str) -> bool:
    words = line.split()
    return (
        1 <= len(words) <= MAX_TITLE_WORDS
        and not line.endswith((".", ":", ";", ","))
        and any(ch.isalpha() for ch in line)
        and not looks_like_caption(line)
    )


def find_title(body: str) -> tuple[str | None, str]:
    """The headline of a plain text and the text without it: the first line of at most
    ``MAX_TITLE_WORDS`` words without a final period, after any banner lines (short calls
    to action). Stops at the first line that is neither (the text has no headline)."""
    lines = body.split("\n")
    banners = 0
    for i, raw in enumerate(lines):
        line = normalize_line(raw)
        if not line:
            continue
        if is_banner_line(line) and banners < MAX_LEADING_BANNERS:
            banners += 1
            continue
        if _is_title_line(line):
            return line, "\n".join(lines[:i] + lines[i + 1 :])
        break
    return None, body


def read_plain_text(path: Path, *, outlet: str | None, field_map: Mapping[str, str]) -> RawArticle:
    """A ``.txt`` file: optional header, headline found by :func:`find_title`, body."""
    header, body = split_text_header(_read_text_file(path))
    if not header.get("title"):
        title, body = find_title(body)
        if title:
            header["title"] = title
    return record_to_article(
        header, path=str(path), where="", source_format="text",
        field_map={}, outlet=outlet, text=body,
    )


_FENCE_RE = re.compile(r"^(```|~~~)")
_SETEXT_RE = re.compile(r"^(=+|-+)\s*$")
_LIST_RE = re.compile(r"^(?:[-*+]|\d+[.)])\s+")
_RULE_RE = re.compile(r"^(?:[-*_]\s*){3,}$")
_REFDEF_RE = re.compile(r"^\[[^\]]+\]:\s+\S+")
_CODE_RE = re.compile(r"`+([^`]*)`+")


def _inline_to_text(line: str) -> str:
    """One markdown line's inline markup -> its text (linear time: see ``markdown_inline``)."""
    line = strip_images(line)
    line = strip_links(line)
    line = _CODE_RE.sub(r"\1", line)
    for _ in range(3):  # nested emphasis (**_x_**)
        line = strip_emphasis(line)
    return strip_tags(line)


def markdown_to_paragraphs(markdown: str) -> tuple[str | None, list[str]]:
    """Markdown -> (first level-1 heading before any paragraph, plain-text paragraphs).

    Headings and list items are paragraphs of their own; wrapped lines are joined; links,
    emphasis, code marks and inline HTML become their text; images, rules and link
    definitions are dropped; fenced code keeps its lines as one paragraph."""
    lines = markdown.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    paragraphs: list[str] = []
    current: list[str] = []
    title: str | None = None

    def flush() -> None:
        text = normalize_line(" ".join(current))
        current.clear()
        if text:
            paragraphs.append(text)

    def heading(text: str, level: int) -> None:
        nonlocal title
        flush()
        text = normalize_line(_inline_to_text(text))
        if level == 1 and title is None and not paragraphs:
            title = text or None
        elif text:
            paragraphs.append(text)

    i, in_fence = 0, False
    while i < len(lines):
        line = lines[i].strip()
        i += 1
        if _FENCE_RE.match(line):
            flush()
            in_fence = not in_fence
            continue
        if in_fence:
            current.append(line)
            continue
        while line.startswith(">"):
            line = line[1:].strip()
        atx = atx_heading(line)
        if atx:
            heading(atx[1], atx[0])
            continue
        nxt = lines[i].strip() if i < len(lines) else ""
        if line and not current and _SETEXT_RE.match(nxt) and not _LIST_RE.match(line):
            heading(line, 1 if nxt.startswith("=") else 2)
            i += 1  # the underline
            continue
        if not line or _RULE_RE.match(line) or _REFDEF_RE.match(line):
            flush()
            continue
        if _LIST_RE.match(line):
            flush()
            line = _LIST_RE.sub("", line, count=1)
        current.append(_inline_to_text(line))
    flush()
    return title, paragraphs


def split_front_matter(text: str, path: str) -> tuple[dict, str]:
    """YAML front matter (``---`` ... ``---``) parsed with ``yaml.safe_load``, and the body."""
    normalized = text.replace("\r\n", "\n").replace("\r", "\n")
    if not normalized.startswith("---\n"):
        return {}, normalized
    end = re.search(r"^(?:---|\.\.\.)[ \t]*$", normalized[4:], re.MULTILINE)
    if end is None:
        raise BadInput(path, "front matter not closed (no second '---' line)")
    block = normalized[4 : 4 + end.start()]
    body = normalized[4 + end.end() :]
    try:
        meta = yaml.safe_load(block)
    except yaml.YAMLError as err:
        reason = " ".join(str(err).split())
        raise BadInput(path, f"invalid YAML front matter ({reason[:120]})") from None
    except RecursionError:
        raise BadInput(path, "invalid YAML front matter (nested too deeply)") from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise BadInput(path, "YAML front matter is not a mapping of fields")
    return meta, body


def read_markdown(path: Path, *, outlet: str | None, field_map: Mapping[str, str]) -> RawArticle:
    """A ``.md`` file: front matter fields (mapped like a record) and the body as plain
    paragraphs; the first ``#`` heading is the title when the front matter has none."""
    meta, body = split_front_matter(_read_text_file(path), str(path))
    meta = _json_ready(meta)
    heading, paragraphs = markdown_to_paragraphs(body)
    title_name = field_map.get("title", "title")
    if heading and not meta.get(title_name):
        meta = {**meta, title_name: heading}
    elif heading:
        paragraphs.insert(0, heading)
    return record_to_article(
        meta, path=str(path), where="", source_format="markdown",
        field_map=field_map, outlet=outlet, text="\n\n".join(paragraphs),
    )


def read_html(path: Path, *, outlet: str | None, field_map: Mapping[str, str]) -> RawArticle:
    """A ``.html`` page: all visible paragraphs as text, trafilatura's main ones marked."""
    return record_to_article(
        {"html": _read_text_file(path)}, path=str(path), where="", source_format="html",
        field_map={}, outlet=outlet,
    )


def _parse_json(text: str, path: str, where: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise BadInput(path, f"{where}invalid JSON ({err.msg} at column {err.colno})") from None
    except RecursionError:
        raise BadInput(path, f"{where}invalid JSON (nested too deeply)") from None


def iter_json(path: Path, *, outlet: str | None, field_map: Mapping[str, str]) -> Iterator[Item]:
    """A ``.json`` file holding one object or a list of objects."""
    data = _parse_json(_read_text_file(path), str(path), "")
    records = data if isinstance(data, list) else [data]
    if not records:
        raise BadInput(str(path), "empty JSON list")
    for n, record in enumerate(records, start=1):
        where = f"record {n}" if isinstance(data, list) else ""
        if not isinstance(record, dict):
            yield BadInput(str(path), f"{where + ': ' if where else ''}not a JSON object")
            continue
        yield _record_or_error(record, path, where, "json", field_map, outlet)


def _record_or_error(record, path, where, fmt, field_map, outlet) -> Item:
    try:
        article = record_to_article(
            record, path=str(path), where=where, source_format=fmt,
            field_map=field_map, outlet=outlet,
        )
    except BadInput as err:
        return err
    if where.startswith("line "):
        article.extra.setdefault("source_line", int(where[5:]))
    elif where.startswith("record "):
        article.extra.setdefault("source_record", int(where[7:]))
    return article


def _open_stream(path: Path) -> io.TextIOWrapper:
    """A text stream over a big file, its encoding chosen from the first bytes."""
    try:
        handle = path.open("rb")
    except OSError as err:
        raise BadInput(str(path), f"cannot read ({err.strerror or err})") from None
    sample = handle.read(STREAM_SNIFF_BYTES)
    if not sample.strip():
        handle.close()
        raise BadInput(str(path), "empty file")
    try:
        encoding = choose_encoding(sample, str(path), complete=len(sample) < STREAM_SNIFF_BYTES)
    except BadInput:
        handle.close()
        raise
    handle.seek(0)
    if encoding in ("utf-8", "utf-8-sig"):
        encoding = "utf-8-sig"
    return io.TextIOWrapper(handle, encoding=encoding, errors="strict", newline="")


def _shown(encoding: str) -> str:
    """An encoding's name as users know it (``utf-8-sig`` -> ``UTF-8``)."""
    return "UTF-8" if encoding.lower().startswith("utf-8") else encoding


def _stream_lines(path: Path) -> Iterator[tuple[int, str]]:
    with _open_stream(path) as stream:
        n = 0
        try:
            for n, line in enumerate(stream, start=1):
                yield n, line
        except UnicodeDecodeError as err:
            reason = f"line {n + 1}: not valid {_shown(stream.encoding)} text ({err.reason})"
            raise BadInput(str(path), reason) from None


def iter_jsonl(path: Path, *, outlet: str | None, field_map: Mapping[str, str]) -> Iterator[Item]:
    """A ``.jsonl`` file, read line by line (blank lines skipped)."""
    seen = False
    for n, line in _stream_lines(path):
        if not line.strip():
            continue
        seen = True
        where = f"line {n}"
        try:
            record = _parse_json(line, str(path), f"{where}: ")
        except BadInput as err:
            yield err
            continue
        if not isinstance(record, dict):
            yield BadInput(str(path), f"{where}: not a JSON object")
            continue
        yield _record_or_error(record, path, where, "jsonl", field_map, outlet)
    if not seen:
        raise BadInput(str(path), "empty file")


def _dialect_score(sample: str, dialect, wanted: set[str]) -> int:
    """How well ``dialect`` reads the sample: -1 when the header names no text column,
    else the number of complete rows with as many fields as the header."""
    rows = []
    try:
        for row in csv.reader(io.StringIO(sample), dialect=dialect):
            rows.append(row)
            if len(rows) > CSV_SNIFF_ROWS:
                break
    except csv.Error:
        pass
    if not rows or not wanted & {h.strip().lstrip("\ufeff") for h in rows[0]}:
        return -1
    complete = rows[1:-1]  # the last row may be cut by the end of the sample
    return sum(len(row) == len(rows[0]) for row in complete)


def _choose_dialect(sample: str, wanted: set[str]):
    """The CSV dialect that reads the sample best: standard quoting with a comma, semicolon,
    tab or pipe, else ``csv.Sniffer``'s guess (which long quoted cells can mislead, so it
    only wins when it reads more rows); comma when none names a text column (the reader
    then says which columns it found)."""
    candidates = [type("dialect", (csv.excel,), {"delimiter": d}) for d in ",;\t|"]
    try:
        candidates.append(csv.Sniffer().sniff(sample, delimiters=",;\t|"))
    except csv.Error:
        pass
    scores = [_dialect_score(sample, d, wanted) for d in candidates]
    best = max(range(len(candidates)), key=lambda i: (scores[i], -i))
    return candidates[best] if scores[best] >= 0 else csv.excel


def iter_csv(path: Path, *, outlet: str | None, field_map: Mapping[str, str]) -> Iterator[Item]:
    """A ``.csv`` file with a header row, any dialect (sniffed; comma when unsure)."""
    with _open_stream(path) as stream:
        try:
            sample = stream.read(CSV_SNIFF_CHARS)
        except UnicodeDecodeError as err:
            raise BadInput(str(path), f"not valid {_shown(stream.encoding)} text ({err.reason})") from None
        stream.seek(0)
        text_names = {field_map.get("text", "text"), field_map.get("html", "html")}
        reader = csv.reader(stream, dialect=_choose_dialect(sample, text_names), strict=True)
        try:
            header = next(reader, None)
            if not header or not any(h.strip() for h in header):
                raise BadInput(str(path), "empty file")
            header = [h.strip().lstrip("\ufeff") for h in header]
            if not text_names & set(header):
                shown = ", ".join(header[:10])
                wanted = field_map.get("text", "text")
                raise BadInput(str(path), f"no '{wanted}' column (columns: {shown})")
            last_line = reader.line_num
            for row in reader:
                where = f"line {last_line + 1}"
                last_line = reader.line_num
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) != len(header):
                    reason = f"{where}: {len(row)} fields, the header has {len(header)}"
                    yield BadInput(str(path), reason)
                    continue
                record = dict(zip(header, row))
                yield _record_or_error(record, path, where, "csv", field_map, outlet)
        except csv.Error as err:
            raise BadInput(str(path), f"line {reader.line_num}: malformed CSV ({err})") from None
        except UnicodeDecodeError as err:
            line = reader.line_num + 1
            reason = f"line {line}: not valid {_shown(stream.encoding)} text ({err.reason})"
            raise BadInput(str(path), reason) from None


def _iter_items(path: Path, *, outlet: str | None, field_map: Mapping[str, str]) -> Iterator[Item]:
    """One file's records, and a ``BadInput`` in place of each record that failed (a
    ``BadInput`` about the whole file is raised)."""
    fmt = _format_of(path)
    if not path.is_file():
        raise BadInput(str(path), "not a regular file")
    if fmt == "text":
        yield read_plain_text(path, outlet=outlet, field_map=field_map)
    elif fmt == "markdown":
        yield read_markdown(path, outlet=outlet, field_map=field_map)
    elif fmt == "html":
        yield read_html(path, outlet=outlet, field_map=field_map)
    elif fmt == "json":
        yield from iter_json(path, outlet=outlet, field_map=field_map)
    elif fmt == "jsonl":
        yield from iter_jsonl(path, outlet=outlet, field_map=field_map)
    else:
        yield from iter_csv(path, outlet=outlet, field_map=field_map)


def _guarded(path: Path, items: Iterator[RawArticle | BadInput]) -> Iterator[Item]:
    """Turns the last-resort failures of odd input (deep recursion, memory, codec errors
    not caught closer) into ``BadInput`` instead of a traceback."""
    try:
        yield from items
    except BadInput:
        raise
    except RecursionError:
        raise BadInput(str(path), "input nested too deeply") from None
    except MemoryError:
        raise BadInput(str(path), "too large to read") from None
    except (UnicodeError, ValueError, OSError) as err:
        raise BadInput(str(path), f"cannot read ({type(err).__name__}: {err})"[:300]) from None


def iter_records(
    path: str | os.PathLike,
    *,
    outlet: str | None = None,
    field_map: Mapping[str, str] | None = None,
    skipped: list[tuple[str, str]] | None = None,
) -> Iterator[RawArticle]:
    """Stream the ``RawArticle`` records of one file or folder, one at a time.

    Without ``skipped`` the first problem raises ``BadInput``; with a list, each bad file
    or record is appended to it as ``(path, reason)`` and reading goes on."""
    mapping = _check_field_map(field_map)
    try:
        files = list(iter_files([path]))
    except BadInput as err:
        if skipped is None:
            raise
        skipped.append((err.path, err.reason))
        return
    for file in files:
        try:
            for item in _guarded(file, _iter_items(file, outlet=outlet, field_map=mapping)):
                if isinstance(item, BadInput):
                    if skipped is None:
                        raise item
                    skipped.append((item.path, item.reason))
                    continue
                yield item
        except BadInput as err:
            if skipped is None:
                raise
            skipped.append((err.path, err.reason))


def read_paths(
    paths: Iterable[str | os.PathLike] | str | os.PathLike,
    *,
    outlet: str | None = None,
    field_map: Mapping[str, str] | None = None,
    skip_errors: bool = False,
) -> ReadResult:
    """Read every article under ``paths`` (files or folders) with :func:`iter_records`.

    ``outlet`` is the fallback outlet for records that name none (field, page metadata or
    URL domain come first); ``field_map`` maps biascmp fields to the input's field names
    (``{"text": "body", "outlet": "source"}``). Without ``skip_errors`` the first problem
    raises ``BadInput``; with it, bad files and records are listed in ``skipped``."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    _check_field_map(field_map)
    result = ReadResult()
    for path in paths:
        result.articles.extend(
            iter_records(
                path, outlet=outlet, field_map=field_map,
                skipped=result.skipped if skip_errors else None,
            )
        )
    return result
