"""The README's promises: two set-up commands on its first screen, CI running the test command,
every command documented, and the main job working from a fresh clone."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from biascmp.cli import app

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")


def first_screen_commands() -> list[str]:
    screen = "\n".join(README.splitlines()[:25])
    block = re.search(r"```bash\n(.*?)```", screen, re.S)
    assert block, "no bash block on the README's first screen"
    return [line for line in block.group(1).splitlines() if line.strip() and not line.startswith("#")]


def test_first_screen_has_exactly_the_two_setup_commands():
    commands = first_screen_commands()
    assert len(commands) == 2
    assert "pip install" in commands[0] and "biascmp demo" in commands[0]
    assert commands[1] == "bash scripts/test.sh"


def test_ci_runs_the_readme_test_command():
    ci = (REPO / ".ci" / "run").read_text()
    assert "scripts/test.sh" in ci
    script = (REPO / "scripts" / "test.sh").read_text()
    assert 'pip install -q -e ".[test]"' in script and "pytest" in script


def test_every_command_is_documented():
    docs = (REPO / "docs" / "commands.md").read_text(encoding="utf-8")
    import typer.main

    group = typer.main.get_command(app)
    for name, command in group.commands.items():
        assert f"biascmp {name}" in docs, f"docs/commands.md lacks `biascmp {name}`"
        assert command.help, f"`biascmp {name}` has no help text"


def test_every_table_is_documented(tmp_path):
    from biascmp.store.db import open_store

    schema = (REPO / "docs" / "schema.md").read_text(encoding="utf-8")
    with open_store(tmp_path / "s.duckdb") as store:
        tables = [r[0] for r in store.con.execute(
            "SELECT table_name FROM information_schema.tables").fetchall()]
    for table in tables:
        assert f"`{table}`" in schema, f"docs/schema.md lacks table {table}"


@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_main_job_runs_from_a_fresh_clone(tmp_path):
    """The first command's job (`biascmp demo`) in a fresh clone; the install step is what CI's
    own run of scripts/test.sh already did in this environment."""
    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True)
    env = dict(os.environ, HF_HUB_OFFLINE="1", COLUMNS="80")
    proc = subprocess.run([sys.executable, "-m", "biascmp", "demo"], cwd=clone, env=env,
                          capture_output=True, text=True, timeout=1200)
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = clone / "report.html"
    assert report.exists()
    html = report.read_text(encoding="utf-8")
    assert "Content-Security-Policy" in html and "<script" not in html.lower()
    assert "Peskov" in html
    assert "wrote report.html" in proc.stdout
