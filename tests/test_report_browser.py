"""The HTML report in a real headless browser (Debian's chromium): it renders every section,
logs nothing to the console, and nothing in the hostile articles runs, even with the
Content-Security-Policy removed (escaping alone must hold). Control pages show that the same
checks do catch a payload that is not escaped. Screenshots go to the test's tmp dir.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from biascmp.report.browser import find_chromium, load_page, screenshot
from biascmp.report.html import render_html
from biascmp.report.model import build_report

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(
        find_chromium() is None, reason="chromium not installed (apt-get install chromium)"
    ),
]

SECTIONS = ("summary", "framing", "omissions", "contradictions", "sources", "articles")
PAYLOAD = (
    "<script>document.title='PWNED';document.body.appendChild(document.createElement('p')).id='pwned'</script>"
    "<img src=x onerror=\"document.title='PWNED'\">"
)
_CSP = re.compile(r'<meta http-equiv="Content-Security-Policy" content="[^"]*">')


class _Dom(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.title = ""  # the document's <title> (the first one; SVG bars have their own)
        self._in_title = False
        self._titles = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_title = tag == "title" and self._titles == 0
        self._titles += tag == "title"

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def dom_of(html: str) -> _Dom:
    d = _Dom()
    d.feed(html)
    return d


def executed(dom: _Dom) -> bool:
    """Did any hostile payload run? (each one sets the title to PWNED or adds #pwned)"""
    return "PWNED" in dom.title or any(a.get("id") == "pwned" for _, a in dom.tags)


@pytest.fixture(scope="module")
def report():
    import report_fixture

    docs = report_fixture.build_event(hostile=True)
    return build_report(docs, *report_fixture.analyses(docs), meta={"run_id": "browser-test"})


@pytest.fixture(scope="module")
def page_file(report, tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(render_html(report), encoding="utf-8")
    return path


def test_report_renders_without_console_messages(page_file):
    page = load_page(page_file)
    assert page.console == []
    dom = dom_of(page.dom)
    ids = {a.get("id") for _, a in dom.tags}
    for section in SECTIONS:
        assert section in ids, section
    assert dom.title == "biascmp · bridge-toll-vote"
    # the browser built the heat map, the chart and the linked sentences
    assert any(t == "rect" for t, _ in dom.tags)
    targets = {
        a["href"][1:] for t, a in dom.tags if t == "a" and a.get("href", "").startswith("#s-")
    }
    assert targets and targets <= ids


def test_hostile_article_text_does_not_run(page_file):
    dom = dom_of(load_page(page_file).dom)
    assert not executed(dom)
    assert not [t for t, _ in dom.tags if t in ("script", "img", "iframe", "object", "embed")]
    assert all(not k.startswith("on") for _, a in dom.tags for k in a)
    assert all(not a.get("href", "").lower().startswith("javascript") for _, a in dom.tags)


def test_escaping_alone_stops_the_payload(page_file, tmp_path):
    """With the CSP meta removed, the page still runs nothing and logs nothing."""
    bare = tmp_path / "no-csp.html"
    bare.write_text(_CSP.sub("", page_file.read_text(encoding="utf-8")), encoding="utf-8")
    page = load_page(bare)
    assert not executed(dom_of(page.dom))
    assert page.console == []


def test_controls_show_the_checks_can_fail(page_file, tmp_path):
    """An unescaped payload does run without the CSP, and is blocked (and logged) with it: so
    the checks above would catch a renderer that stopped escaping."""
    html = page_file.read_text(encoding="utf-8").replace("<main>", "<main>" + PAYLOAD, 1)
    raw = tmp_path / "raw.html"
    raw.write_text(_CSP.sub("", html), encoding="utf-8")
    assert executed(dom_of(load_page(raw).dom))
    guarded = tmp_path / "raw-csp.html"
    guarded.write_text(html, encoding="utf-8")
    page = load_page(guarded)
    assert not executed(dom_of(page.dom))
    assert any("Content Security Policy" in m for m in page.console)


def test_screenshot(page_file, tmp_path):
    png = screenshot(page_file, tmp_path / "report.png")
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
