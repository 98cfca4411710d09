"""Open a report page in a real headless browser (chromium), offline: screenshots for the
docs and the checks of the browser test (the page renders, logs nothing, runs nothing).

Chromium runs with a throw-away profile, no network services (background networking,
component updates, sync off) and a time limit; nothing here needs a display.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--no-first-run",
    "--no-default-browser-check",
    "--mute-audio",
)
#: chromium's log line for a page console message (log, error, CSP violation, exception)
_CONSOLE = re.compile(r":CONSOLE[:(]\d*\)?\]\s*(.*)")


def find_chromium() -> str | None:
    """Path of a chromium/chrome binary: ``$BIASCMP_CHROMIUM``, ``/usr/bin/chromium``, or the
    first candidate on ``PATH``; ``None`` when there is none."""
    env = os.environ.get("BIASCMP_CHROMIUM")
    if env and Path(env).is_file():
        return env
    if Path("/usr/bin/chromium").is_file():
        return "/usr/bin/chromium"
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _run(args: list[str], timeout: float) -> subprocess.CompletedProcess:
    chromium = find_chromium()
    if chromium is None:
        raise FileNotFoundError(
            "no chromium found (install Debian's chromium or set BIASCMP_CHROMIUM)"
        )
    with tempfile.TemporaryDirectory(prefix="biascmp-chromium-") as profile:
        return subprocess.run(
            [chromium, *FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True,
            text=True,
            errors="replace",
            timeout=timeout,
            check=False,
        )


def screenshot(
    html_path: str | Path,
    png_path: str | Path,
    width: int = 1280,
    height: int = 2000,
    timeout: float = 90.0,
) -> Path:
    """Render ``html_path`` in headless chromium and save a PNG of the top ``width`` x
    ``height`` pixels to ``png_path``."""
    html_path, png_path = Path(html_path).resolve(), Path(png_path).resolve()
    png_path.parent.mkdir(parents=True, exist_ok=True)
    if png_path.exists():
        png_path.unlink()
    done = _run(
        [f"--screenshot={png_path}", f"--window-size={width},{height}", html_path.as_uri()], timeout
    )
    if not png_path.is_file() or png_path.stat().st_size == 0:
        raise RuntimeError(
            f"chromium wrote no screenshot (exit {done.returncode}): {done.stderr[-500:]}"
        )
    return png_path


@dataclass
class LoadedPage:
    """What the browser saw: the DOM after load, and every console message the page logged
    (errors, CSP violations and uncaught exceptions included)."""

    dom: str
    console: list[str]


def load_page(html_path: str | Path, timeout: float = 90.0) -> LoadedPage:
    """Load the page, let it run, and return its serialised DOM and console messages."""
    url = Path(html_path).resolve().as_uri()
    done = _run(["--enable-logging=stderr", "--v=0", "--dump-dom", url], timeout)
    if done.returncode != 0 or "<html" not in done.stdout:
        raise RuntimeError(f"chromium failed (exit {done.returncode}): {done.stderr[-500:]}")
    messages = [m.group(1) for m in map(_CONSOLE.search, done.stderr.splitlines()) if m]
    return LoadedPage(dom=done.stdout, console=messages)
