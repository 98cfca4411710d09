"""Cold-start wall time of CLI commands that need no model, and whether they import one.

    .venv/bin/python benchmarks/cold_start.py [--db FILE] [--articles 16] [--runs 5] [--json out.json]

Without ``--db`` it first builds a small database (``--articles`` generated articles ingested
with the real pipeline, then grouped with ``biascmp events``) in a temporary folder; with
``--db`` it uses that already-ingested database (it must have been grouped once, or the
first ``events --list`` will group it). Then, for each command, the median wall time of
``--runs`` runs of the installed ``biascmp`` console script as a fresh subprocess, and one
extra run through a small wrapper that records which heavy modules (torch,
sentence_transformers, openvino, spacy) ended up in ``sys.modules``.
Bars (issue 9): ``--help`` < 1 s, ``sql "select 1"`` < 2 s; ``events`` imports no torch and
loads no model.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _gen import generate_articles, write_jsonl  # noqa: E402
from common import print_table  # noqa: E402

HEAVY = ("torch", "sentence_transformers", "openvino", "spacy", "transformers")
#: runs the CLI like the console script, then prints which heavy modules were imported
WRAPPER = (
    "import sys, json, atexit\n"
    "HEAVY = {heavy!r}\n"
    "def _report():\n"
    "    found = [m for m in HEAVY if m in sys.modules]\n"
    "    sys.__stderr__.write('\\nHEAVY_MODULES=' + json.dumps(found) + '\\n')\n"
    "atexit.register(_report)\n"
    "sys.argv = ['biascmp'] + sys.argv[1:]\n"
    "from biascmp.cli import main\n"
    "main()\n"
)
BARS = {"--help": 1.0, "sql": 2.0}


def biascmp_exe() -> str:
    """The console script next to this interpreter (the installed entry point)."""
    exe = Path(sys.executable).with_name("biascmp")
    return str(exe) if exe.exists() else shutil.which("biascmp") or "biascmp"


def build_db(folder: Path, articles: int) -> Path:
    """Ingest ``articles`` generated articles and group them, through the CLI."""
    jsonl, db = folder / "articles.jsonl", folder / "cold.duckdb"
    write_jsonl(jsonl, generate_articles(articles, seed=1))
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    subprocess.run([biascmp_exe(), "ingest", str(jsonl), "--db", str(db)], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    subprocess.run([biascmp_exe(), "events", "--db", str(db)], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    return db


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_command(args: list[str], runs: int) -> tuple[float, list[float], float, int]:
    """Median wall seconds of ``biascmp ARGS`` as a fresh process, all wall times, median CPU
    seconds (user + system: less sensitive to other jobs on a shared machine), last exit code."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    times, cpu, code = [], [], 0
    for _ in range(runs):
        cpu0, started = _children_cpu_s(), time.perf_counter()
        done = subprocess.run([biascmp_exe(), *args], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
        cpu.append(_children_cpu_s() - cpu0)
        code = done.returncode
    return statistics.median(times), times, statistics.median(cpu), code


def heavy_modules(args: list[str]) -> list[str] | None:
    """Heavy modules imported by ``biascmp ARGS`` (None if the wrapper could not tell)."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    done = subprocess.run([sys.executable, "-c", WRAPPER.format(heavy=HEAVY), *args], env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    for line in reversed(done.stderr.splitlines()):
        if line.startswith("HEAVY_MODULES="):
            return json.loads(line.partition("=")[2])
    return None


def run(db: str | None = None, articles: int = 16, runs: int = 5) -> dict:
    """Time each command on an ingested, grouped database; build one if none is given."""
    tmp = None
    try:
        if db is None:
            tmp = Path(tempfile.mkdtemp(prefix="biascmp-cold-"))
            db_path = build_db(tmp, articles)
        else:
            db_path = Path(db)
        commands = {
            "--help": ["--help"],
            "sql": ["sql", "select 1", "--db", str(db_path)],
            "events --list": ["events", "--list", "--db", str(db_path)],
            "events": ["events", "--db", str(db_path)],
        }
        rows = {}
        for name, args in commands.items():
            median, times, cpu, code = time_command(args, runs)
            rows[name] = {
                "args": args[:-2] if "--db" in args else args,
                "median_s": median,
                "times_s": times,
                "median_cpu_s": cpu,
                "exit_code": code,
                "heavy_modules": heavy_modules(args),
                "bar_s": BARS.get(name),
            }
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    return {"runs": runs, "commands": rows, "load_avg_1min": os.getloadavg()[0],
            "built_db_articles": articles if db is None else None}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default=None, help="an already-ingested database (default: build one)")
    parser.add_argument("--articles", type=int, default=16, help="articles in the built database")
    parser.add_argument("--runs", type=int, default=5, help="runs per command (median)")
    parser.add_argument("--json", default=None, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    r = run(args.db, args.articles, args.runs)
    print(f"cold start, median of {r['runs']} fresh processes, load avg (1 min) {r['load_avg_1min']:.1f}")
    table = []
    for name, c in r["commands"].items():
        bar = c["bar_s"]
        verdict = "-" if bar is None else ("ok" if c["median_s"] < bar else "OVER")
        heavy = c["heavy_modules"]
        torch_loaded = "?" if heavy is None else ("yes" if "torch" in heavy else "no")
        table.append([f"biascmp {' '.join(c['args'])}", c["median_s"], min(c["times_s"]), c["median_cpu_s"],
                      "-" if bar is None else f"< {bar:g} s", verdict, c["exit_code"], torch_loaded,
                      ",".join(heavy or []) or "-"])
    print_table(["command", "median s", "min s", "median CPU s", "bar", "verdict", "exit", "torch?", "heavy modules"], table)
    if args.json:
        Path(args.json).write_text(json.dumps(r, indent=2))


if __name__ == "__main__":
    main()
