"""Nothing executes, nothing is written where the user did not ask: read-only ``biascmp sql``,
front matter and JSON keys read as data, experiment files that are data only."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from biascmp.cli import app
from biascmp.errors import BadInput, ConfigError
from biascmp.experiment import load_spec
from biascmp.ingest import read_paths
from biascmp.store.db import open_store

os.environ.setdefault("HF_HUB_OFFLINE", "1")
runner = CliRunner()

def make_db(path: Path) -> Path:
    with open_store(path) as store:
        store.con.execute(
            "INSERT INTO articles (article_id, outlet, text, clean_text, content_hash) "
            "VALUES ('a1', 'Outlet One', 'raw', 'clean', 'h1')"
        )
    return path


def db_content(db: Path) -> dict:
    with open_store(db, read_only=True) as store:
        tables = [r[0] for r in store.con.execute(
            "SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall()]
        return {t: store.con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in tables}


def files_under(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_size for p in sorted(folder.rglob("*"))}


SQL_ATTEMPTS = [
    pytest.param("INSERT INTO articles (article_id, outlet, text, clean_text, content_hash) "
                 "VALUES ('a2', 'X', 't', 't', 'h')", id="insert"),
    pytest.param("DROP TABLE articles", id="drop"),
    pytest.param("DELETE FROM articles", id="delete"),
    pytest.param("CREATE TABLE evil AS SELECT 1", id="create"),
    pytest.param("UPDATE articles SET outlet = 'Y'", id="update"),
    pytest.param("ATTACH '{dir}/other.duckdb' AS other", id="attach-new-file"),
    pytest.param("INSTALL httpfs", id="install-extension"),
    pytest.param("LOAD httpfs", id="load-extension"),
    pytest.param("COPY (SELECT * FROM articles) TO '{dir}/out.csv'", id="copy-to-file"),
    pytest.param("EXPORT DATABASE '{dir}/exported'", id="export-database"),
    pytest.param("SET log_query_path = '{dir}/queries.log'", id="set-log-path"),
]


@pytest.mark.parametrize("statement", SQL_ATTEMPTS)
def test_sql_cannot_modify_the_database_or_write_files(tmp_path, monkeypatch, statement):
    work = tmp_path / "work"
    work.mkdir()
    db = make_db(work / "store.duckdb")
    monkeypatch.chdir(work)  # relative paths would land here too
    before_db, before_files = db_content(db), files_under(work)
    result = runner.invoke(app, ["sql", statement.format(dir=work), "--db", str(db)])
    # a second query in the same process shows no setting or attachment survived
    runner.invoke(app, ["sql", "SELECT count(*) FROM articles", "--db", str(db)])
    assert db_content(db) == before_db
    assert files_under(work) == before_files, result.output
    if result.exit_code != 0:
        assert len(result.stderr.strip().splitlines()) == 1


def test_sql_cannot_read_other_files(tmp_path):
    db = make_db(tmp_path / "store.duckdb")
    secret = tmp_path / "secret.csv"
    secret.write_text("token\nhunter2\n")
    result = runner.invoke(app, ["sql", f"SELECT * FROM read_csv_auto('{secret}')", "--db", str(db)])
    assert result.exit_code != 0 and "hunter2" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1


# ----------------------------------------------------------------- article input is data


PYTHON_TAGS = [
    "title: !!python/object/apply:os.system ['touch {marker}']",
    "title: !!python/object/apply:subprocess.check_output [['touch', '{marker}']]",
    "title: !!python/object/new:os.system ['touch {marker}']",
    "outlet: !!python/name:os.system",
    "extra: !!python/object/apply:builtins.exec ['open(\"{marker}\", \"w\")']",
]


@pytest.mark.parametrize("payload", PYTHON_TAGS)
def test_yaml_front_matter_python_tags_never_run(tmp_path, payload):
    marker = tmp_path / "EXECUTED"
    path = tmp_path / "evil.md"
    path.write_text(f"---\n{payload.format(marker=marker)}\n---\nThe council met on Monday.\n")
    try:
        articles = read_paths([path], outlet="Fallback").articles
    except BadInput as err:
        assert str(err).startswith(f"{path}: invalid YAML front matter")
    else:  # read as data: the tag's text never became a call
        assert all(isinstance(a.title, (str, type(None))) for a in articles)
    db = tmp_path / "y.duckdb"
    result = runner.invoke(app, ["ingest", str(path), "--db", str(db), "--outlet", "Fallback"])
    assert result.exit_code in (0, 2), result.output
    assert not marker.exists()


def test_json_prototype_keys_are_plain_data(tmp_path):
    record = {
        "__proto__": {"outlet": "Injected", "polluted": True},
        "constructor": {"prototype": {"outlet": "Injected"}},
        "__class__": "os.system", "__init__": "touch x", "__dict__": {"text": "injected"},
        "outlet": "Real Outlet", "text": "The bridge reopened on Tuesday after repairs.",
    }
    path = tmp_path / "proto.jsonl"
    path.write_text(json.dumps(record) + "\n")
    article = read_paths([path]).articles[0]
    assert article.outlet == "Real Outlet"
    assert article.text == record["text"]
    for key in ("__proto__", "constructor", "__class__", "__init__", "__dict__"):
        assert article.extra[key] == record[key]
    assert not hasattr(article, "polluted")


# ----------------------------------------------------------------- experiment files are data


def write_spec(folder: Path, body: str) -> Path:
    path = folder / "exp.toml"
    path.write_text(body, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "body, key",
    [
        ('name = "x"\nimport = "os"\n', "import"),
        ('name = "x"\n[outputs]\nname = "report"\nhook = "os.system"\n', "outputs.hook"),
        ('name = "x"\nanalyses = ["os.system"]\n', "analyses.0"),
        ('name = "x"\nevaluations = ["__import__"]\n', "evaluations.0"),
        ('name = "x"\n[settings.os]\nsystem = "touch marker"\n', "settings.os"),
    ],
)
def test_experiment_rejects_unknown_keys_and_names(tmp_path, body, key):
    path = write_spec(tmp_path, body)
    with pytest.raises(ConfigError) as err:
        spec, base = load_spec(path)
        from biascmp.config import resolve_settings

        resolve_settings(spec.settings, source=str(path))
    assert str(err.value).startswith(f"{path}: {key}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exp.toml"]


@pytest.mark.parametrize("name", ["../escape", "../../etc/passwd", "/tmp/abs", "sub/report", "..", ".hidden",
                                  "a\\b", "x\x00y"])
def test_experiment_output_names_stay_in_the_run_folder(tmp_path, name):
    path = write_spec(tmp_path, f'name = "x"\n[outputs]\nname = {json.dumps(name)}\n')
    with pytest.raises(ConfigError) as err:
        load_spec(path)
    assert "outputs.name" in str(err.value)


def test_plain_output_name_is_accepted(tmp_path):
    spec, base = load_spec(write_spec(tmp_path, 'name = "x"\n[outputs]\nname = "my-report_v2"\n'))
    assert spec.outputs.name == "my-report_v2" and base == tmp_path.resolve()
