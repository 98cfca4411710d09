"""Readers: every format, field mapping, outlets, dates, encodings and every kind of bad input."""

from __future__ import annotations

import codecs
import csv
import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from biascmp.errors import BadInput, BiascmpError
from biascmp.ingest import iter_records, read_paths
from biascmp.ingest.readers import find_title, parse_published, split_text_header

INPUTS = Path(__file__).parent / "fixtures" / "inputs"
BAD = INPUTS / "bad"


def read_one(path: Path, **kwargs):
    result = read_paths([path], **kwargs)
    assert result.skipped == []
    assert len(result.articles) == 1
    return result.articles[0]


# ----------------------------------------------------------------- formats


def test_plain_text_with_key_value_header():
    a = read_one(INPUTS / "header.txt")
    assert (a.article_id, a.outlet, a.title) == ("ht-001", "Harbour Times", "Ferry service resumes after strike")
    assert a.published == date(2024, 3, 4)
    assert a.url == "https://www.harbourtimes.example/ferry"
    assert a.event == "ferry-strike-2024"
    assert a.source_format == "text"
    assert a.text.startswith("Ferry crossings between") and "ID:" not in a.text


def test_plain_text_date_line_keeps_rest_of_line_and_finds_headline():
    a = read_one(INPUTS / "synthetic_page.txt", outlet="Valley Courier")
    assert a.published == date(2024, 6, 11)
    assert a.title == "Regional Rail Line Wins Funding After Two-Year Delay"
    # the banner text after the date stays in the text for the cleaner to flag
    assert a.text.startswith("Keep Valley Courier Free!\nDonate now")
    assert a.title not in a.text
    assert a.outlet == "Valley Courier"


def test_find_title_skips_banners_and_gives_up_on_prose():
    title, rest = find_title("Subscribe now\n\nBig Storm Hits Coast\n\nThe storm arrived at dawn.")
    assert title == "Big Storm Hits Coast"
    assert "Big Storm" not in rest and "Subscribe now" in rest
    title, rest = find_title("The storm arrived at dawn and flooded the harbour.\nMore text.")
    assert title is None and rest.startswith("The storm")


def test_header_needs_known_keys_and_a_blank_line():
    assert split_text_header("Note: this is body text\nand more")[0] == {}
    assert split_text_header("title: T\noutlet: O")[0] == {}  # no blank line: not a header
    header, rest = split_text_header("date: 2024-01-02\ntitle: T\n\nBody.")
    assert header == {"published": "2024-01-02", "title": "T"} and rest == "Body."
    assert split_text_header("Update: the vote moved\nto Friday.\n\nBody.")[0] == {}  # no known key
    header, rest = split_text_header("Title: T\nDATE: 2024-01-02\nAuthor: A. N. Other\n\nBody.")
    assert header == {"title": "T", "published": "2024-01-02", "author": "A. N. Other"} and rest == "Body."


def test_markdown_front_matter_and_markup_stripped():
    a = read_one(INPUTS / "article.md")
    assert (a.article_id, a.outlet, a.title) == ("md-001", "Northern Ledger", "Council approves new cycling lanes")
    assert a.published == date(2024, 5, 2)
    assert a.extra == {"author": "R. Patel"}
    assert a.source_format == "markdown"
    paragraphs = a.text.split("\n\n")
    assert paragraphs[0].startswith("The city council voted on Thursday to build twelve kilometres of protected cycling")
    assert "public consultation drew more than 4,000" in paragraphs[0]
    assert paragraphs[1:] == [
        "What changes",
        "Two central streets lose one car lane each.",
        "Parking on the river road moves to a new garage.",
        "Construction is expected to start in September.",
    ]
    for mark in ("**", "](", "`", "_new_", "##", "- "):
        assert mark not in a.text


def test_markdown_heading_is_title_without_front_matter():
    a = read_one(INPUTS / "heading.md", outlet="Mountain Echo")
    assert a.title == "Storm closes mountain pass"
    assert a.text.startswith("Heavy snow") and a.outlet == "Mountain Echo"


def test_markdown_front_matter_is_safe_loaded(tmp_path):
    p = tmp_path / "evil.md"
    p.write_text("---\ntitle: !!python/object/apply:os.system ['echo hi']\n---\nBody text.\n")
    with pytest.raises(BadInput) as err:
        read_paths([p], outlet="X")
    assert str(err.value).startswith(f"{p}: invalid YAML front matter (")


def test_html_page_metadata_and_main_paragraphs():
    a = read_one(INPUTS / "synthetic_page.html")
    assert a.article_id == "cd-bridge-1"
    assert a.outlet == "Coastline Daily"
    assert a.title == "Harbour bridge reopens after storm repairs"
    assert a.published == date(2024, 3, 5)
    assert a.url == "https://www.coastline-daily.example/news/bridge"
    assert a.source_format == "html"
    paragraphs = a.text.split("\n\n")
    assert paragraphs[:4] == ["Home", "World", "Politics", "Sport"]
    assert a.title not in paragraphs
    main = [paragraphs[i] for i in a.extra["main_paragraphs"]]
    assert main[0].startswith("The harbour bridge reopened")
    assert "Home" not in main and not any("cookies" in p for p in main)
    assert "never text" not in a.text and "color" not in a.text  # script and style


def test_json_list_and_object():
    result = read_paths([INPUTS / "records.json"])
    first, second = result.articles
    assert (first.article_id, first.outlet, first.event) == ("j-1", "Plains Gazette", "harvest-2024")
    assert first.extra == {"section": "Farming", "source_record": 1}
    assert second.outlet == "grainwire.example"  # from the URL, www. stripped
    assert second.published == date(2024, 8, 20)  # RFC 2822
    single = read_one(INPUTS / "single.json", outlet="City Paper")
    assert single.outlet == "City Paper"
    assert single.published is None and single.extra["published_raw"] == "sometime last spring"


def test_jsonl_skips_blank_lines_and_numbers_lines():
    articles = read_paths([INPUTS / "records.jsonl"]).articles
    assert [a.article_id for a in articles] == ["l-1", "l-2"]
    assert [a.extra["source_line"] for a in articles] == [1, 3]


def test_csv_sniffs_semicolon_dialect_and_keeps_multiline_cells():
    articles = read_paths([INPUTS / "records.csv"]).articles
    assert [a.article_id for a in articles] == ["c-1", "c-2"]
    assert articles[0].text == "Inspectors finished their review of the dam; they found no structural damage."
    assert articles[1].text == "Schools opened on Monday with 1,200 new pupils.\n\nThe district hired 40 teachers."
    assert articles[1].published == date(2024, 9, 2)


def test_csv_dialect_is_judged_by_how_rows_parse(tmp_path):
    body = '<p>He said: "no; never", and left.</p> ' * 150  # long quoted cells mislead csv.Sniffer
    rows = [["id", "outlet", "html"]] + [[f"t-{i}", "Tab Times", body] for i in range(3)]
    p = tmp_path / "tabs.csv"
    with p.open("w", newline="") as f:
        csv.writer(f, delimiter="\t").writerows(rows)
    articles = read_paths([p]).articles
    assert [a.article_id for a in articles] == ["t-0", "t-1", "t-2"]
    assert articles[0].text.startswith('He said: "no; never", and left.')


def test_html_field_in_records_is_read_as_a_page():
    a = read_one(INPUTS / "html_records.jsonl")
    assert a.outlet == "delta-news.example" and a.title == "Port strike ends"
    assert a.source_format == "jsonl"
    assert a.text.split("\n\n")[0] == "Home" and a.extra["main_paragraphs"] == [1, 2]


def test_field_map_loads_another_tools_export():
    mapping = {"id": "uid", "outlet": "source", "title": "headline", "published": "date", "text": "body"}
    a = read_one(INPUTS / "mapped.jsonl", field_map=mapping)
    assert (a.article_id, a.outlet, a.title) == ("m-1", "River Post", "Flood barrier tested")
    assert a.published == date(2024, 2, 14)
    assert a.extra == {"lang": "en", "source_line": 1}
    with pytest.raises(BadInput, match="line 1: no text"):
        read_paths([INPUTS / "mapped.jsonl"])
    with pytest.raises(BiascmpError, match="unknown field in field map: body"):
        read_paths([INPUTS / "mapped.jsonl"], field_map={"body": "text"})


def test_folder_is_recursive_sorted_and_skips_hidden():
    articles = read_paths([INPUTS / "folder"]).articles
    assert [a.title for a in articles] == ["First folder article", "Second folder article"]
    assert all("Hidden" not in a.outlet for a in articles)


def test_iter_records_streams_one_record_at_a_time():
    records = iter_records(BAD / "bad_line.jsonl")
    first = next(records)  # the bad line 2 has not been read yet
    assert first.text == "fine record"
    with pytest.raises(BadInput, match="line 2: invalid JSON"):
        next(records)
    skipped: list[tuple[str, str]] = []
    texts = [a.text for a in iter_records(BAD / "bad_line.jsonl", skipped=skipped)]
    assert texts == ["fine record", "another fine record"]
    assert [r for _, r in skipped] == ["line 2: invalid JSON (Expecting ',' delimiter at column 34)"]


# ----------------------------------------------------------------- outlets and dates


def test_outlet_precedence(tmp_path):
    p = tmp_path / "o.jsonl"
    rows = [
        {"outlet": "Record Outlet", "url": "https://www.site.example/a", "text": "t"},
        {"url": "https://www.site.example/b", "text": "t"},
        {"text": "t"},
    ]
    p.write_text("\n".join(json.dumps(r) for r in rows))
    got = [a.outlet for a in read_paths([p], outlet="Argument").articles]
    assert got == ["Record Outlet", "site.example", "Argument"]
    with pytest.raises(BadInput) as err:
        read_paths([p])
    assert str(err.value) == f"{p}: line 3: no outlet: give one with --outlet"


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("2025-02-25", date(2025, 2, 25)),
        ("2025-02-25T10:30:00+03:00", date(2025, 2, 25)),
        ("Tue, 25 Feb 2025 10:00:00 +0000", date(2025, 2, 25)),
        ("February 25, 2025", date(2025, 2, 25)),
        ("2025-02", None),  # partial: never filled in from today's date
        ("next Tuesday-ish", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_published(raw, expected):
    assert parse_published(raw) == expected


# ----------------------------------------------------------------- encodings


def test_cp1251_without_declaration_is_detected():
    a = read_one(INPUTS / "cp1251.txt")
    assert a.outlet == "Волжская правда"
    assert a.title == "Мост открыт после ремонта"
    assert a.text.startswith("В среду после двухлетнего ремонта")


def test_latin1_with_declared_charset():
    a = read_one(INPUTS / "latin1_declared.html")
    assert a.title == "Élection à Genève" and a.outlet == "Le Léman Libre"
    assert "électeurs genevois" in a.text


def test_utf8_bom_and_utf16_bom(tmp_path):
    body = "outlet: Ünïcode Times\ntitle: Café reopens\n\nThe café reopened on Monday.\n"
    p8 = tmp_path / "bom8.txt"
    p8.write_bytes(codecs.BOM_UTF8 + body.encode("utf-8"))
    p16 = tmp_path / "bom16.txt"
    p16.write_bytes(body.encode("utf-16"))
    for p in (p8, p16):
        a = read_one(p)
        assert (a.outlet, a.title) == ("Ünïcode Times", "Café reopens")


# ----------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "name, reason",
    [
        ("empty.txt", "empty file"),
        ("binary.txt", "binary file"),
        ("invalid_utf8.txt", "not valid UTF-8 text (invalid start byte: byte 0x98 at offset 5) and no other encoding fits"),
        ("bad_line.jsonl", "line 2: invalid JSON (Expecting ',' delimiter at column 34)"),
        ("malformed.csv", "line 2: malformed CSV (',' expected after '\"')"),
        ("no_text.json", "record 2: no text"),
        ("notes.xyz", "unsupported file type '.xyz' (expected .txt, .md, .html, .json, .jsonl, .csv)"),
    ],
)
def test_bad_input_message(name, reason):
    path = BAD / name
    with pytest.raises(BadInput) as err:
        read_paths([path], outlet="Fallback")
    assert str(err.value) == f"{path}: {reason}"
    assert "\n" not in str(err.value)
    assert (err.value.path, err.value.reason) == (str(path), reason)


def test_missing_path():
    path = INPUTS / "does-not-exist.txt"
    with pytest.raises(BadInput) as err:
        read_paths([path])
    assert str(err.value) == f"{path}: no such file or directory"


def test_csv_row_with_wrong_field_count(tmp_path):
    p = tmp_path / "rows.csv"
    p.write_text("outlet,text\nA,first\nA,second,extra\n")
    with pytest.raises(BadInput) as err:
        read_paths([p])
    assert str(err.value) == f"{p}: line 3: 3 fields, the header has 2"


def test_skip_errors_keeps_good_records_and_lists_the_rest():
    result = read_paths([BAD, INPUTS / "nope.jsonl"], outlet="Fallback", skip_errors=True)
    assert sorted(a.text for a in result.articles) == ["another fine record", "fine record", "has text"]
    reasons = {(Path(p).name, r) for p, r in result.skipped}
    assert ("bad_line.jsonl", "line 2: invalid JSON (Expecting ',' delimiter at column 34)") in reasons
    assert ("no_text.json", "record 2: no text") in reasons
    assert ("empty.txt", "empty file") in reasons
    assert ("nope.jsonl", "no such file or directory") in reasons
    assert len(result.skipped) == 8


def test_odd_inputs_never_crash(tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(BadInput, match="nested too deeply"):
        read_paths([deep])
    huge = tmp_path / "huge.txt"
    huge.write_text("outlet: O\n\n" + "word " * 400_000)
    assert len(read_one(huge).text) > 1_000_000
    broken = tmp_path / "broken.html"
    broken.write_text("<html><body><div><p>Unclosed <b>bold <i>text that goes on and on</div><p>Second")
    a = read_one(broken, outlet="O")
    assert "Unclosed bold text that goes on and on" in a.text
    invisible = tmp_path / "zw.txt"
    invisible.write_text("outlet: O\ntitle: T\n\n\u200fمرحبا\u200b بالعالم\u202e and zero\u200dwidth.\n")
    assert "مرحبا" in read_one(invisible).text
    scripts = tmp_path / "scripts.html"
    scripts.write_text("<html><head><script>var a = 1;</script></head><body><style>p{}</style></body></html>")
    with pytest.raises(BadInput, match="no text"):
        read_paths([scripts], outlet="O")


EXTENSIONS = [".txt", ".md", ".html", ".json", ".jsonl", ".csv"]


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=2000), ext=st.sampled_from(EXTENSIONS))
def test_random_bytes_read_or_raise_bad_input(tmp_path, data, ext):
    path = tmp_path / f"random{ext}"
    path.write_bytes(data)
    try:
        result = read_paths([path], outlet="Fallback")
    except BadInput as err:
        assert str(err).startswith(str(path)) and "\n" not in str(err)
    else:
        assert all(a.text.strip() and a.outlet for a in result.articles)
