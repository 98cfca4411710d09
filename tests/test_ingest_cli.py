"""`biascmp ingest` end to end on a real DuckDB file: formats, idempotence, replacement, and bad
input that leaves the database exactly as it was."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from biascmp.cli import app
from biascmp.store.db import open_store

runner = CliRunner()
REPO = Path(__file__).resolve().parents[1]
SEED = REPO.parent / "shared" / "seeds" / "000_94e2a3d5d69ef788.txt"

ARTICLE_A = """id: t-a
outlet: Test Herald
title: Council approves harbour budget
published: 2025-03-03

The city council approved a harbour budget of 12 million euros on Monday, after a debate that lasted four hours.

Mayor Ines Koval said the money would repair the north pier. "We waited ten years for this," she told reporters.

Sign up for our free newsletter and never miss a story.
"""

ARTICLE_B = {
    "id": "t-b", "outlet": "Coast Daily", "title": "Harbour budget passes",
    "published": "2025-03-03", "url": "https://coastdaily.example/harbour",
    "text": "Councillors voted 31 to 9 for the harbour budget. The opposition called the plan wasteful.",
}


def dump(db: Path) -> dict:
    """Every table's rows, for before/after comparisons."""
    with open_store(db, read_only=True) as store:
        tables = [r[0] for r in store.con.execute(
            "SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall()]
        return {
            t: store.con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
            if t != "embedding_cache" else store.con.execute(f"SELECT count(*) FROM {t}").fetchall()
            for t in tables
        }


@pytest.fixture()
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text(ARTICLE_A, encoding="utf-8")
    (folder / "sub" / "b.jsonl").write_text(json.dumps(ARTICLE_B) + "\n", encoding="utf-8")
    return folder


@pytest.fixture()
def db(tmp_path, corpus):
    path = tmp_path / "test.duckdb"
    result = runner.invoke(app, ["ingest", str(corpus), "--db", str(path)])
    assert result.exit_code == 0, result.output
    return path


def sql(db, query):
    result = runner.invoke(app, ["sql", query, "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_ingest_folder_recursively_keeps_ids_and_flags_boilerplate(db):
    rows = sql(db, "select article_id, outlet, published, url from articles order by 1")
    assert rows == [
        {"article_id": "t-a", "outlet": "Test Herald", "published": "2025-03-03", "url": None},
        {"article_id": "t-b", "outlet": "Coast Daily", "published": "2025-03-03",
         "url": "https://coastdaily.example/harbour"},
    ]
    flagged = sql(db, "select text, boilerplate_reason from paragraphs where is_boilerplate")
    assert any("newsletter" in r["text"] for r in flagged)
    clean = sql(db, "select clean_text from articles where article_id = 't-a'")[0]["clean_text"]
    assert "harbour budget of 12 million euros" in clean and "newsletter" not in clean
    sents = sql(db, "select sentence_id, numbers, embedding is not null as has_vec from sentences "
                    "where article_id = 't-b' order by position")
    assert sents[0]["sentence_id"] == "t-b:0" and sents[0]["numbers"] == ["31", "9"]
    assert all(s["has_vec"] for s in sents)
    # the ingest runs no spaCy: entities and lemmas come when an analysis first reads the article
    assert sql(db, "select count(*) as n from entities")[0]["n"] == 0
    assert sql(db, "select bool_or(annotated) as any from articles")[0]["any"] is False
    result = runner.invoke(app, ["omissions", "t-a", "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.output
    ents = sql(db, "select text, label from entities where article_id = 't-a' and label = 'PERSON'")
    assert {"text": "Ines Koval", "label": "PERSON"} in ents
    lemmas = sql(db, "select lemmas from sentences where article_id = 't-a' and position = 0")
    assert lemmas[0]["lemmas"]


def test_reingest_same_content_changes_nothing(db, corpus):
    before = dump(db)
    result = runner.invoke(app, ["ingest", str(corpus), "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["unchanged"] == 2 and report["new"] == 0 and report["embedded"] == 0
    after = dump(db)
    assert after == before


def test_changed_article_replaces_its_rows(db, corpus):
    changed = ARTICLE_A.replace("12 million euros", "14 million euros")
    (corpus / "a.txt").write_text(changed, encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(corpus / "a.txt"), "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["replaced"] == 1
    rows = sql(db, "select count(*) as n from articles where article_id = 't-a'")
    assert rows == [{"n": 1}]
    texts = [r["text"] for r in sql(db, "select text from sentences where article_id = 't-a'")]
    assert any("14 million" in t for t in texts) and not any("12 million" in t for t in texts)


BAD_INPUTS = [
    ("empty.txt", b"", "empty file"),
    ("binary.txt", b"\x00\x01\x02\x03binary\x00\xff" * 50, "binary"),
    ("broken.jsonl", b'{"id": "x", "outlet": "O", "text": "fine"}\n{"id": "y", "outl', "line 2"),
    ("notext.json", b'{"id": "x", "outlet": "O", "title": "No body"}', "no text"),
    ("page.docx", b"PK\x03\x04 whatever", "unsupported file type"),
    ("bad.csv", b'id,outlet,text\n"x,O,"unterminated\n', "bad.csv"),
]


@pytest.mark.parametrize("name,content,reason", BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_fails_cleanly_and_leaves_db_unchanged(db, tmp_path, name, content, reason):
    before = dump(db)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "good.txt").write_text(ARTICLE_A.replace("t-a", "t-good"), encoding="utf-8")
    (bad / name).write_bytes(content)
    result = runner.invoke(app, ["ingest", str(bad), "--db", str(db)])
    assert result.exit_code == 2, result.output
    line = result.stderr.strip()
    assert len(line.splitlines()) == 1
    assert name in line and reason.lower() in line.lower()
    assert dump(db) == before  # the good file in the same run was not written either


def test_missing_path(db, tmp_path):
    before = dump(db)
    result = runner.invoke(app, ["ingest", str(tmp_path / "nowhere.txt"), "--db", str(db)])
    assert result.exit_code == 2
    assert "nowhere.txt" in result.stderr and "no such file" in result.stderr.lower()
    assert dump(db) == before


def test_skip_errors_ingests_the_rest_and_lists_skipped(db, tmp_path):
    bad = tmp_path / "mixed"
    bad.mkdir()
    (bad / "good.txt").write_text(ARTICLE_A.replace("t-a", "t-good"), encoding="utf-8")
    (bad / "empty.txt").write_bytes(b"")
    result = runner.invoke(app, ["ingest", str(bad), "--db", str(db), "--skip-errors"])
    assert result.exit_code == 0, result.output
    assert "skipped" in result.stderr and "empty.txt" in result.stderr
    assert sql(db, "select count(*) as n from articles where article_id = 't-good'") == [{"n": 1}]


def test_locked_database_is_a_clear_error(db, corpus):
    before = dump(db)
    holder = open_store(db)  # another writer holds the lock
    try:
        result = runner.invoke(app, ["ingest", str(corpus), "--db", str(db)])
    finally:
        holder.close()
    assert result.exit_code == 3
    assert "in use" in result.stderr and str(db.name) in result.stderr
    assert dump(db) == before


def test_corrupt_database_is_left_alone(tmp_path, corpus):
    bad_db = tmp_path / "corrupt.duckdb"
    bad_db.write_bytes(os.urandom(4096))
    before = bad_db.read_bytes()
    result = runner.invoke(app, ["ingest", str(corpus), "--db", str(bad_db)])
    assert result.exit_code == 3 and "corrupt.duckdb" in result.stderr
    assert bad_db.read_bytes() == before


@pytest.mark.skipif(not SEED.exists(), reason="seed article not present (../shared/seeds)")
def test_seed_article_body_kept_and_boilerplate_dropped(tmp_path):
    db = tmp_path / "seed.duckdb"
    result = runner.invoke(app, ["ingest", str(SEED), "--db", str(db), "--outlet", "The Moscow Times"])
    assert result.exit_code == 0, result.output
    clean = sql(db, "select clean_text from articles")[0]["clean_text"]
    assert clean.startswith("The Kremlin on Tuesday praised")
    assert clean.rstrip().endswith("he said.")
    for gone in ("Support The Moscow Times", "newsletter", "Dear readers", "Read more",
                 "Min read", "Remind me later", "Contribute today", "Savostianov"):
        assert gone not in clean, gone
    assert sql(db, "select published from articles")[0]["published"] == "2025-02-25"


def test_repeated_id_across_batches_keeps_the_first(tmp_path):
    """Batches are written one step behind the text stage: an id seen in an earlier batch of the
    same ingest is a duplicate, never a second row."""
    from biascmp.pipeline import ingest_paths

    records = [{"id": f"r-{i}", "outlet": "Dup Daily", "text": f"Item {i} was approved by the board."}
               for i in range(5)]
    records.append({"id": "r-0", "outlet": "Dup Daily", "text": "A different text under an old id."})
    path = tmp_path / "dups.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    db = tmp_path / "dups.duckdb"
    report = ingest_paths([str(path)], db, batch_size=2)
    assert report.new == 5 and report.duplicates == 1
    texts = sql(db, "select clean_text from articles where article_id = 'r-0'")
    assert texts == [{"clean_text": "Item 0 was approved by the board."}]
