"""The comparison report: building it from the analyses, and its JSON, Markdown, HTML and
terminal renderings (escaping, determinism, traceability to sentence ids, 80 columns).

Two fixtures: a hand-made event with analysis dicts in the issues' shapes (fast, exact
assertions about the builder), and a small invented event run through the real spaCy
pipeline, embedding model and analyses (``report_fixture``), hostile text included.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import re
from datetime import date
from html.parser import HTMLParser

import pytest
from rich.console import Console

from biascmp.records import EventArticle, EventDocs, Sentence
from biascmp.report.html import render_html
from biascmp.report.html_safe import anchor, safe_url
from biascmp.report.json_report import render_json
from biascmp.report.markdown import render_markdown
from biascmp.report.model import ReportSettings, build_report
from biascmp.report.terminal_report import render_terminal

EVIL = "<script>document.title='PWNED'</script>"


def _article(
    article_id: str, outlet: str, texts: list[str], title: str | None = None, url: str | None = None
):
    sentences = [
        Sentence(
            sentence_id=f"{article_id}:{i}", article_id=article_id, position=i, paragraph=i, text=t
        )
        for i, t in enumerate(texts)
    ]
    return EventArticle(
        article_id, outlet, title or f"title {article_id}", date(2026, 3, 2), url, sentences
    )


def small_event(outlet_c: str = "Gamma") -> EventDocs:
    return EventDocs(
        event_id="ev1",
        label="Council vote",
        articles=[
            _article(
                "a1",
                "Alpha",
                [
                    "The council voted 7-2.",
                    "Protesters gathered.",
                    "The mayor said repairs are due.",
                ],
                url="https://alpha.example/a1",
            ),
            _article("b1", "Beta", ["The council voted 6-3.", "Protesters gathered outside."]),
            _article(
                "c1",
                outlet_c,
                ["The council voted 7-2 on Monday.", "The union called it [/x] a toll hike."],
                url="javascript:alert(1)",
            ),
        ],
        embeddings=None,
    )


def small_analyses(outlet_c: str = "Gamma"):
    def m(sid, outlet, score):
        return {
            "sentence_id": sid,
            "article_id": sid.split(":")[0],
            "outlet": outlet,
            "sentence": None,
            "score": score,
        }

    omissions = {
        "event_id": "ev1",
        "outlets": ["Alpha", "Beta", outlet_c],
        "facts": [
            {
                "fact_id": "F1",
                "text": "The council voted 7-2.",
                "reporting": [
                    m("a1:0", "Alpha", 0.99),
                    m("b1:0", "Beta", 0.91),
                    m("c1:0", outlet_c, 0.95),
                ],
                "omitting": [],
            },
            {
                "fact_id": "F2",
                "text": "Protesters gathered.",
                "reporting": [m("a1:1", "Alpha", 0.97), m("b1:1", "Beta", 0.88)],
                "omitting": [outlet_c],
            },
            {
                "fact_id": "F3",
                "text": "The mayor said repairs are due.",
                "reporting": [m("a1:2", "Alpha", 1.0)],
                "omitting": ["Beta", outlet_c],
            },
        ],
        "outlet_omissions": [
            {"outlet": "Alpha", "omission_rate": 0.0},
            {"outlet": "Beta", "omission_rate": 1 / 3},
            {"outlet": outlet_c, "omission_rate": 2 / 3},
        ],
        "contradictions": [
            {
                "fact_id": "F1",
                "kind": "number",
                "score": 0.9,
                "a": {**m("a1:0", "Alpha", 0.9), "values": ["7", "2"]},
                "b": {**m("b1:0", "Beta", 0.9), "values": ["6", "3"]},
            },
        ],
    }
    sources = {
        "quotes": [
            {
                "quote_id": "q1",
                "article_id": "a1",
                "outlet": "Alpha",
                "sentence_id": "a1:2",
                "type": "indirect",
                "text": "repairs are due",
                "cue": "said",
                "speaker": "the mayor",
                "speaker_id": "dan-reyes",
                "role": "mayor",
                "affiliation": "government",
                "country": None,
            },
            {
                "quote_id": "q2",
                "article_id": "c1",
                "outlet": outlet_c,
                "sentence_id": "c1:1",
                "type": "indirect",
                "text": "a toll hike",
                "cue": "called",
                "speaker": "the union",
                "speaker_id": "union",
                "role": None,
                "affiliation": "civil society",
                "country": None,
            },
            {
                "quote_id": "q3",
                "article_id": "c1",
                "outlet": outlet_c,
                "sentence_id": "c1:1",
                "type": "direct",
                "text": "x",
                "cue": "said",
                "speaker": None,
                "speaker_id": None,
                "role": None,
                "affiliation": "anonymous",
                "country": None,
            },
        ],
        "speakers": [{"speaker_id": "dan-reyes", "name": "Dan Reyes"}],
    }
    framing = {
        "terms": {
            outlet_c: [{"term": "toll hike", "z": 2.5, "count": 1, "sentence_ids": ["c1:1"]}],
            "Alpha": [{"term": "repair", "z": float("nan"), "count": 1, "sentence_ids": ["a1:2"]}],
        },
        "labels": [
            {
                "concept": "the fee",
                "variants": [
                    {"label": "toll hike", "outlets": [outlet_c], "sentence_ids": ["c1:1"]},
                    {"label": "repairs", "outlets": ["Alpha"], "sentence_ids": ["a1:2"]},
                ],
            }
        ],
        "frames": {
            "Alpha": {"political": 0.2, "economic": 0.5},
            "Beta": {"economic": 0.5, "political": 0.5},
        },
        "tone": {
            "Alpha": {"mayor": {"score": 0.3, "n": 1}, "council": {"score": -0.2, "n": 2}},
            "Beta": {"council": {"score": 0.1, "n": 1}},
        },
        "loaded": [{"sentence_id": "c1:1", "score": 0.7}],
    }
    return omissions, sources, framing


def referenced_ids(node) -> set[str]:
    ids: set[str] = set()
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "sentence_id" and v:
                ids.add(v)
            elif k == "sentence_ids":
                ids.update(v)
            else:
                ids |= referenced_ids(v)
    elif isinstance(node, list):
        for v in node:
            ids |= referenced_ids(v)
    return ids


# ------------------------------------------------------------------------------- builder


def test_report_opens_with_summary_and_has_every_section():
    report = build_report(small_event(), *small_analyses())
    assert list(report) == [
        "schema",
        "event",
        "meta",
        "summary",
        "framing",
        "omissions",
        "contradictions",
        "sources",
        "articles",
    ]
    assert list(report["summary"]) == ["Alpha", "Beta", "Gamma"]
    assert list(report["summary"]["Alpha"]) == [
        "articles",
        "stresses",
        "leaves_out",
        "quotes",
        "tone",
    ]


def test_omissions_coverage_and_notable_omissions():
    report = build_report(small_event(), *small_analyses())
    facts = {f["fact_id"]: f for f in report["omissions"]["facts"]}
    assert facts["F2"]["reported_by"] == ["Alpha", "Beta"]
    assert facts["F2"]["omitted_by"] == ["Gamma"]
    assert facts["F2"]["coverage"]["Beta"] == {
        "covered": True,
        "score": 0.88,
        "sentence_id": "b1:1",
    }
    assert facts["F2"]["coverage"]["Gamma"] == {
        "covered": False,
        "score": None,
        "sentence_id": None,
    }
    # evidence text filled in from the articles when the finding did not carry it
    assert facts["F2"]["mentions"][1]["sentence"] == "Protesters gathered outside."
    gamma = report["summary"]["Gamma"]["leaves_out"]
    assert gamma["omission_rate"] == 0.667
    # the fact two outlets report comes before the fact only one reports
    assert [f["fact_id"] for f in gamma["facts"]] == ["F2", "F3"]
    assert report["omissions"]["outlets"]["Beta"]["omitted"] == ["F3"]


def test_other_omission_shapes_give_the_same_report():
    """``omitted_by``/``outlets`` (the issue's draft shape) read like ``omitting`` and
    ``outlet_omissions`` (the analysis' shape)."""
    omissions, sources, framing = small_analyses()
    draft = copy.deepcopy(omissions)
    for fact in draft["facts"]:
        fact["omitted_by"] = fact.pop("omitting")
        fact["mentions"] = fact.pop("reporting")
    draft["outlets"] = {
        o["outlet"]: {"omission_rate": o["omission_rate"]} for o in draft.pop("outlet_omissions")
    }
    a = render_json(build_report(small_event(), omissions, sources, framing))
    b = render_json(build_report(small_event(), draft, sources, framing))
    assert a == b


def test_an_outlet_the_analysis_says_omits_a_fact_is_not_covered():
    """A weak mention kept as context does not turn an omission into coverage."""
    omissions, sources, framing = small_analyses()
    omissions["facts"][2]["mentions"] = [
        {"sentence_id": "b1:1", "outlet": "Beta", "article_id": "b1", "score": 0.41}
    ]
    report = build_report(small_event(), omissions, sources, framing)
    fact = report["omissions"]["facts"][2]
    assert fact["reported_by"] == ["Alpha"] and fact["omitted_by"] == ["Beta", "Gamma"]
    assert fact["coverage"]["Beta"]["covered"] is False


def test_contradiction_carries_both_sentences_and_values():
    report = build_report(small_event(), *small_analyses())
    (c,) = report["contradictions"]
    assert c["kind"] == "number" and c["detail"] == "7, 2 vs 6, 3"
    assert c["fact"] == "The council voted 7-2."
    assert (c["a"]["outlet"], c["a"]["sentence"]) == ("Alpha", "The council voted 7-2.")
    assert (c["b"]["outlet"], c["b"]["sentence"]) == ("Beta", "The council voted 6-3.")


def test_sources_profiles_and_unquoted_voices():
    report = build_report(small_event(), *small_analyses())
    profiles = report["sources"]["outlets"]
    assert profiles["Alpha"]["speakers"][0]["speaker"] == "Dan Reyes"  # canonical name
    assert profiles["Gamma"]["affiliations"] == {"anonymous": 1, "civil society": 1}
    assert profiles["Gamma"]["direct_share"] == 0.5
    # Beta quoted nobody: the named voices others gave a say are listed, the anonymous one not
    assert [m["speaker_id"] for m in profiles["Beta"]["not_quoted"]] == ["dan-reyes", "union"]
    assert report["summary"]["Gamma"]["quotes"]["top_speakers"][0]["speaker"] in {
        "(anonymous)",
        "the union",
    }


def test_framing_terms_frames_tone():
    report = build_report(small_event(), *small_analyses(), settings=ReportSettings(main_actors=1))
    fr = report["framing"]
    assert (
        fr["terms"]["Gamma"][0]["evidence"][0]["sentence"]
        == "The union called it [/x] a toll hike."
    )
    assert fr["terms"]["Alpha"][0]["z"] is None  # NaN never reaches the JSON
    assert fr["terms"]["Beta"] == []
    assert list(fr["frames"]["Alpha"]) == ["economic", "political"]  # largest share first
    assert fr["main_actors"] == ["council"]  # most mentioned across outlets
    assert report["summary"]["Alpha"]["tone"] == [{"actor": "council", "score": -0.2, "n": 2}]
    assert fr["labels"][0]["by_outlet"] == {
        "Alpha": ["repairs"],
        "Beta": [],
        "Gamma": ["toll hike"],
    }


def test_every_finding_rests_on_sentences_of_the_event():
    report = build_report(small_event(), *small_analyses())
    known = {s["sentence_id"] for a in report["articles"] for s in a["sentences"]}
    used = referenced_ids({k: v for k, v in report.items() if k != "articles"})
    assert used and used <= known


def test_empty_analyses_give_an_empty_but_valid_report():
    report = build_report(small_event(), {}, {}, {})
    assert report["omissions"]["facts"] == [] and report["sources"]["quotes"] == []
    for render in (render_json, render_markdown, render_html):
        assert render(report)
    render_terminal(report, Console(width=80, record=True))


# ------------------------------------------------------------------------------- JSON


def test_json_is_byte_identical_whatever_the_input_dict_order():
    omissions, sources, framing = small_analyses()
    shuffled = copy.deepcopy(framing)
    shuffled["frames"] = {
        o: dict(reversed(list(v.items()))) for o, v in reversed(list(framing["frames"].items()))
    }
    shuffled["tone"] = {
        o: dict(reversed(list(v.items()))) for o, v in reversed(list(framing["tone"].items()))
    }
    a = render_json(build_report(small_event(), omissions, sources, framing))
    b = render_json(build_report(small_event(), omissions, sources, shuffled))
    assert a == b
    assert json.loads(a)["schema"] == "biascmp.report/1"
    assert "NaN" not in a


def test_json_keeps_non_ascii_and_meta():
    report = build_report(
        small_event("Gazeta «Ж»"),
        *small_analyses("Gazeta «Ж»"),
        meta={"run_id": "r1", "day": date(2026, 1, 2)},
    )
    text = render_json(report)
    assert "Gazeta «Ж»" in text and '"day": "2026-01-02"' in text


# ------------------------------------------------------------------------------- HTML


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(page: str) -> _Collect:
    p = _Collect()
    p.feed(page)
    return p


def test_html_is_self_contained_and_escapes_hostile_text():
    report = build_report(small_event(EVIL), *small_analyses(EVIL))
    page = render_html(report)
    p = parse(page)
    tags = [t for t, _ in p.tags]
    assert (
        "script" not in tags and "img" not in tags and "iframe" not in tags and "link" not in tags
    )
    for tag, attrs in p.tags:
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        assert "style" not in attrs and "src" not in attrs
        href = attrs.get("href")
        if href is not None:
            assert href.startswith("#") or re.match(r"https?://", href), href
    assert "javascript:" not in "".join(a.get("href", "") for _, a in p.tags)
    assert EVIL in "".join(p.text)  # shown as text
    # the one outside link is the article's http(s) URL, with noopener
    links = [a for t, a in p.tags if t == "a" and not a["href"].startswith("#")]
    assert [a["href"] for a in links] == ["https://alpha.example/a1"]
    assert "noopener" in links[0]["rel"]


def test_html_csp_allows_only_the_inline_stylesheet():
    page = render_html(build_report(small_event(), *small_analyses()))
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    css = re.search(r"<style>(.*?)</style>", page, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in csp
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp
    assert not re.search(r"(?:src|href)=\"(?:https?:)?//", page.split('<section id="articles">')[0])


def test_html_links_every_finding_to_a_sentence_element():
    report = build_report(small_event(EVIL), *small_analyses(EVIL))
    p = parse(render_html(report))
    ids = {a["id"] for _, a in p.tags if "id" in a}
    targets = {a["href"][1:] for t, a in p.tags if t == "a" and a.get("href", "").startswith("#s-")}
    assert targets and targets <= ids
    for sid in ("a1:0", "b1:1", "c1:1"):
        assert anchor(sid) in targets
    # the sources chart is inline SVG, one bar per affiliation and outlet
    assert sum(1 for t, _ in p.tags if t == "rect") == 3
    assert any(a.get("class") == "cell miss" for t, a in p.tags if t == "td")


def test_anchor_keeps_distinct_ids_distinct_and_safe():
    ids = ["a:1", "a_1", "a.1", "a 1", 'x"><script>:2', "ü:3"]
    anchors = [anchor(i) for i in ids]
    assert len(set(anchors)) == len(ids)
    assert all(re.fullmatch(r"s-[A-Za-z0-9_.-]+", a) for a in anchors)


@pytest.mark.parametrize(
    "url, ok",
    [
        ("https://x.example/a?b=1&c=2", True),
        ("http://x.example", True),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        (" javascript:alert(1)", False),
        ("java\nscript:alert(1)", False),
        ("data:text/html,<script>", False),
        ("//evil.example/x", False),
        ("/relative", False),
        (None, False),
    ],
)
def test_only_http_urls_become_links(url, ok):
    assert (safe_url(url) is not None) is ok


# ------------------------------------------------------------------------------- Markdown


def test_markdown_has_sections_and_escapes_article_text():
    report = build_report(small_event(EVIL), *small_analyses(EVIL))
    text = render_markdown(report)
    for heading in (
        "## Per-outlet summary",
        "## Framing",
        "## Facts and omissions",
        "## Contradictions",
        "## Quoted sources",
        "## Articles",
    ):
        assert heading in text
    assert "<script" not in text and "&lt;script&gt;" in text
    assert "javascript:" not in text.split("## Articles")[1].replace(
        "javascript:alert", ""
    )  # no link made
    assert "<https://alpha.example/a1>" in text
    assert "\\[/x\\]" in text  # markdown punctuation escaped
    assert "a1:0" in text  # sentence ids with the findings


# ------------------------------------------------------------------------------- terminal


def test_terminal_fits_80_columns_and_prints_markup_literally():
    long_outlet = "The Extraordinarily Long Named Evening Gazette of the Northern Provinces"
    report = build_report(small_event(long_outlet), *small_analyses(long_outlet))
    console = Console(width=80, record=True, color_system=None)
    render_terminal(report, console)
    out = console.export_text()
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "[/x]" in out  # rich markup in article text is text, not style (nor a crash)
    for title in (
        "Per-outlet summary",
        "Framing",
        "Facts and omissions",
        "Contradictions",
        "Quoted sources",
    ):
        assert title in out
    assert "a1:0" in out and "F2" in out


# ------------------------------------------------------------------------------- real pipeline


@pytest.fixture(scope="module")
def real_report():
    import report_fixture

    docs = report_fixture.build_event(hostile=True)
    return docs, report_fixture.analyses(docs)


@pytest.mark.slow
def test_report_from_the_real_analyses(real_report):
    docs, (omissions, sources, framing) = real_report
    report = build_report(docs, omissions, sources, framing, meta={"run_id": "test"})
    again = build_report(
        docs,
        copy.deepcopy(omissions),
        copy.deepcopy(sources),
        copy.deepcopy(framing),
        meta={"run_id": "test"},
    )
    assert render_json(report) == render_json(again)
    known = {s["sentence_id"] for a in report["articles"] for s in a["sentences"]}
    assert referenced_ids({k: v for k, v in report.items() if k != "articles"}) <= known
    assert report["omissions"]["facts"] and report["sources"]["quotes"]
    console = Console(width=80, record=True, color_system=None)
    render_terminal(report, console)
    assert max(len(line) for line in console.export_text().splitlines()) <= 80
    page = render_html(report)
    assert "<script" not in page and "onerror=" not in page.replace("onerror=&quot;", "")
