"""Experiment files: validation with clear errors, reproducible runs, run ids and diffs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from biascmp.cli import app
from biascmp.experiment import load_spec

runner = CliRunner()
REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "corpora" / "demo" / "articles"

#: a small slice of the demo corpus: four outlets on the main event, one distractor
SLICE = ["kyiv-ledger/kl-0224-ga-vote.txt", "northern-wire/nw-0225-peskov-balanced.txt",
         "riga-courier/rc-0225-us-pivot.md", "rhineland-courier/rhc-0225-un-votes.txt",
         "rhineland-courier/rhc-0207-boe-rate.txt"]


@pytest.fixture()
def project(tmp_path):
    corpus = tmp_path / "corpus"
    for rel in SLICE:
        target = corpus / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(DEMO / rel, target)
    exp = tmp_path / "experiments"
    exp.mkdir()
    return tmp_path


def write_exp(project: Path, body: str, name: str = "small.toml") -> Path:
    path = project / "experiments" / name
    path.write_text(body, encoding="utf-8")
    return path


SMALL = """
name = "small"
analyses = ["events", "omissions", "sources", "framing", "compare"]
[corpus]
paths = ["../corpus"]
[outputs]
formats = ["json", "markdown"]
"""


def test_same_run_is_reused_and_forced_rerun_is_byte_identical(project):
    path = write_exp(project, SMALL)
    first = runner.invoke(app, ["run", str(path)])
    assert first.exit_code == 0, first.output
    run_id = first.stdout.split()[1]
    folder = project / "experiments" / "runs" / run_id
    outputs = {p.name: p.read_bytes() for p in folder.iterdir() if p.suffix in (".json", ".md")
               and p.name != "manifest.json"}
    assert {"report.json", "report.md", "metrics.json", "config.json", "omissions.json"} <= set(outputs)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["run_id"] == run_id and manifest["model_weights_sha256"]
    assert set(manifest["inputs"]) == {f"../corpus/{rel}" for rel in SLICE}

    again = runner.invoke(app, ["run", str(path)])
    assert again.exit_code == 0 and "reused" in again.stdout and run_id in again.stdout

    forced = runner.invoke(app, ["run", str(path), "--force"])
    assert forced.exit_code == 0, forced.output
    for name, content in outputs.items():
        assert (folder / name).read_bytes() == content, name


def test_changed_threshold_changes_run_id_and_diff_shows_it(project):
    a = runner.invoke(app, ["run", str(write_exp(project, SMALL.replace('"framing", "compare"', '"framing"'), "a.toml"))])
    assert a.exit_code == 0, a.output
    changed = SMALL.replace('"framing", "compare"', '"framing"') + "[settings.events]\nthreshold = 0.95\n"
    b = runner.invoke(app, ["run", str(write_exp(project, changed, "b.toml"))])
    assert b.exit_code == 0, b.output
    id_a, id_b = a.stdout.split()[1], b.stdout.split()[1]
    assert id_a != id_b
    assert json.loads(b.stdout[b.stdout.index("{"):])["n_events"] > json.loads(a.stdout[a.stdout.index("{"):])["n_events"]
    runs_db = project / "experiments" / "runs" / "runs.duckdb"
    diff = runner.invoke(app, ["runs", "diff", id_a, id_b, "--runs-db", str(runs_db)], env={"COLUMNS": "200"})
    assert diff.exit_code == 0, diff.output
    assert "settings.events.threshold" in diff.stdout and "0.95" in diff.stdout
    assert "n_events" in diff.stdout
    listed = runner.invoke(app, ["runs", "list", "--runs-db", str(runs_db)], env={"COLUMNS": "200"})
    assert id_a in listed.stdout and id_b in listed.stdout


@pytest.mark.parametrize(
    "body,expected",
    [
        ("name = 'x'\nanalyses = [", "not valid TOML"),
        ("name = 'x'\ncolour = 'blue'\n", "colour"),
        ("name = 'x'\nseed = 'zero'\n", "seed"),
        ("name = 'x'\nanalyses = ['events']\n[corpus]\npaths = ['../missing']\n", "corpus.paths"),
        ("name = 'x'\n[settings.events]\nthresold = 0.5\n", "settings.events.thresold"),
        ("name = 'x'\n[settings.omissions]\nlink_ratio = 'high'\n", "settings.omissions.link_ratio"),
        ("name = 'x'\n[outputs]\nname = '../../escape'\n", "outputs.name"),
        ("name = 'x'\n[outputs]\nname = '/etc/passwd'\n", "outputs.name"),
        ("name = 'x'\nevaluations = ['events']\n", "datasets"),
    ],
)
def test_malformed_experiment_is_one_line_error_and_writes_nothing(project, body, expected):
    path = write_exp(project, body, "bad.toml")
    before = sorted(p.relative_to(project) for p in project.rglob("*"))
    result = runner.invoke(app, ["run", str(path)])
    assert result.exit_code == 2, result.output
    line = result.stderr.strip()
    assert len(line.splitlines()) == 1 and "bad.toml" in line and expected in line
    assert sorted(p.relative_to(project) for p in project.rglob("*")) == before


def test_shipped_experiment_files_are_valid():
    files = sorted((REPO / "experiments").glob("*.toml"))
    assert {f.stem for f in files} >= {"demo", "events-eval", "omissions-eval", "sources-eval", "framing-eval"}
    have_datasets = (REPO.parent / "shared" / "datasets").is_dir()
    for file in files:
        if "datasets" in file.read_text() and not have_datasets:
            continue  # evaluation files need ../shared/datasets (present in CI)
        spec, _ = load_spec(file)
        assert spec.name == file.stem
