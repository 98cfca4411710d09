"""Omissions, contradictions and checklist coverage on a tiny invented event, with the real
spaCy pipeline and the real MiniLM model."""

from __future__ import annotations

import json

import pytest

from biascmp.compare.align import AlignSettings, align_event, normalise_dates
from biascmp.compare.coverage import CoverageSettings, coverage, load_facts
from biascmp.compare.fixtures import event_docs_from_texts
from biascmp.compare.omissions import (
    OmissionSettings,
    analyse_omissions,
    number_clash,
    save_omissions,
)
from biascmp.errors import BadInput

# Four invented outlets report a city council vote. Facts:
#  V: the council approved the bridge budget 31-12 (Harbour Post says 27-9: contradiction)
#  M: mayor Elena Varga called the vote a turning point (all but Valley Courier)
#  C: the bridge will cost 140 million euros (Daily Ledger and Harbour Post only)
#  P: protesters gathered outside city hall (Valley Courier only)
ITEMS = [
    {
        "article_id": "dl-1",
        "outlet": "Daily Ledger",
        "title": "Council backs bridge",
        "published": "2025-03-04",
        "text": (
            "The city council approved the budget for the new river bridge by 31 votes to 12 on "
            "Monday.\n\n"
            "Mayor Elena Varga called the vote a turning point for the eastern districts.\n\n"
            "The bridge is expected to cost 140 million euros and open in 2029."
        ),
    },
    {
        "article_id": "hp-1",
        "outlet": "Harbour Post",
        "title": "Bridge budget passes",
        "published": "2025-03-04",
        "text": (
            "Councillors approved the river bridge budget by 27 votes to 9 on Monday evening.\n\n"
            "Elena Varga, the mayor, described the decision as a turning point for the east of "
            "the city.\n\n"
            "Construction of the bridge will cost about 140 million euros, officials said."
        ),
    },
    {
        "article_id": "vc-1",
        "outlet": "Valley Courier",
        "title": "Protest as council votes",
        "published": "2025-03-05",
        "text": (
            "The council voted 31 to 12 on Monday to approve spending on the new river bridge.\n\n"
            "Several hundred protesters gathered outside city hall with banners against the "
            "project."
        ),
    },
    {
        "article_id": "ns-1",
        "outlet": "North Star",
        "title": "Bridge approved",
        "published": "2025-03-05",
        "text": (
            "On Monday the city council backed the budget for the river bridge, 31 votes in "
            "favour and 12 against.\n\n"
            "Mayor Varga said the vote marked a turning point for the city's eastern "
            "districts.\n\n"
            "The weather in the region stayed mild for the season."
        ),
    },
]


@pytest.fixture(scope="module")
def docs():
    return event_docs_from_texts(ITEMS, event_id="bridge-vote")


@pytest.fixture(scope="module")
def result(docs):
    return analyse_omissions(docs)


def _fact_with(result, needle):
    for fact in result.facts:
        if any(needle in m.sentence for m in fact.mentions):
            return fact
    raise AssertionError(f"no fact mentions {needle!r}: {[f.text for f in result.facts]}")


def test_vote_fact_is_reported_by_every_outlet(result):
    fact = _fact_with(result, "31 votes to 12")
    assert {m.outlet for m in fact.reporting} == {
        "Daily Ledger", "Valley Courier", "North Star", "Harbour Post"
    }
    assert fact.omitting == []


def test_mayor_quote_is_omitted_by_valley_courier(result):
    fact = _fact_with(result, "turning point")
    assert fact.omitting == ["Valley Courier"]
    assert {m.outlet for m in fact.reporting} == {"Daily Ledger", "Harbour Post", "North Star"}
    for m in fact.reporting:
        assert m.sentence_id.startswith(m.article_id + ":")
        assert 0.0 < m.score <= 1.0


def test_cost_fact_omitted_by_two_and_ranked_after_wider_facts(result):
    cost = _fact_with(result, "140 million")
    assert sorted(cost.omitting) == ["North Star", "Valley Courier"]
    mayor = _fact_with(result, "turning point")
    ids = [f.fact_id for f in result.facts]
    assert ids.index(mayor.fact_id) < ids.index(cost.fact_id)


def test_exclusive_statements_are_not_facts(result):
    texts = " ".join(m.sentence for f in result.facts for m in f.mentions)
    assert "protesters" not in texts
    assert "weather" not in texts


def test_outlet_omission_rates(result):
    rates = {o.outlet: o for o in result.outlet_omissions}
    assert rates["Daily Ledger"].n_omitted == 0
    assert rates["Valley Courier"].n_omitted >= 2
    assert rates["Valley Courier"].rate > rates["Daily Ledger"].rate
    notable = [f["text"] for f in rates["Valley Courier"].to_dict()["notable_omissions"]]
    assert any("turning point" in t for t in notable)


def test_number_contradiction_between_outlets(result):
    numbers = [c for c in result.contradictions if c.kind == "number"]
    assert numbers, [c.to_dict() for c in result.contradictions]
    outlets_pairs = {frozenset((c.sentence_a.outlet, c.sentence_b.outlet)) for c in numbers}
    assert all("Harbour Post" in p for p in outlets_pairs)
    c = numbers[0]
    assert {"27", "9"} & (set(c.values_a) | set(c.values_b))


def test_no_contradiction_between_agreeing_outlets(result):
    for c in result.contradictions:
        assert "Harbour Post" in (c.sentence_a.outlet, c.sentence_b.outlet), c.to_dict()


def test_to_dict_shape_and_determinism(docs, result):
    d = result.to_dict()
    assert list(d) == ["event_id", "n_articles", "outlets", "facts", "outlet_omissions", "contradictions"]
    assert d["event_id"] == "bridge-vote"
    assert list(d["facts"][0]) == [
        "fact_id", "text", "sentence_id", "n_reporting", "n_outlets", "reporting", "omitting", "mentions",
    ]
    assert json.dumps(analyse_omissions(docs).to_dict()) == json.dumps(d)


def test_alignment_candidates_never_pair_an_outlet_with_itself(docs):
    pairs, _ = align_event(docs, AlignSettings())
    outlet_of = [a.outlet for a in docs.articles for _ in a.sentences]
    assert pairs
    assert all(outlet_of[p.i] != outlet_of[p.j] and p.i < p.j for p in pairs)


def test_stricter_threshold_finds_fewer_facts(docs, result):
    strict = analyse_omissions(
        docs, OmissionSettings(align=AlignSettings(threshold=0.999))
    )
    assert len(strict.facts) < len(result.facts)


def test_save_omissions_replaces_rows(tmp_path, result):
    from biascmp.store.db import open_store

    con = open_store(tmp_path / "t.duckdb").con  # every migration applied
    save_omissions(con, result)
    save_omissions(con, result)
    n = con.execute("SELECT count(*) FROM facts WHERE event_id='bridge-vote'").fetchone()[0]
    assert n == len(result.facts)
    omitted = con.execute(
        "SELECT count(*) FROM omissions WHERE outlet='Valley Courier'"
    ).fetchone()[0]
    assert omitted == [o for o in result.outlet_omissions if o.outlet == "Valley Courier"][0].n_omitted
    n_c = con.execute("SELECT count(*) FROM contradictions").fetchone()[0]
    assert n_c == len(result.contradictions)


def test_relative_days_and_compound_numbers():
    from datetime import date

    from biascmp.compare.align import sentence_numbers
    from biascmp.text import segment_text

    # published on Wednesday 26 Feb 2025: "Tuesday" is the 25th, "yesterday" too
    assert normalise_dates("on Tuesday", date(2025, 2, 26)) == {"2-25"}
    assert normalise_dates("yesterday", date(2025, 2, 26)) == {"2-25"}
    assert normalise_dates("on Wednesday", date(2025, 2, 26)) == {"2-26"}
    sent = segment_text("Ninety-three countries voted in favour and sixty five abstained.")[0]
    assert sentence_numbers(sent) == ["93", "65"]


def test_counted_number_clash():
    from biascmp.compare.omissions import counted_number_clash, number_contexts
    from biascmp.text import segment_text

    def ctx(text):
        return number_contexts(segment_text(text)[0])

    a = ctx("The text passed with 89 votes in favour, 8 against and 70 abstentions.")
    b = ctx("It was adopted by 93 votes to 18 with 65 abstentions.")
    c = ctx("The council text received 10 votes, with 5 abstentions.")
    assert counted_number_clash(a, b, 0.75)
    assert counted_number_clash(b, c, 0.75) is None  # 10 vs 93 votes: different counts
    assert counted_number_clash(b, b, 0.75) is None


def test_helpers():
    assert number_clash(frozenset({"93", "18", "65"}), frozenset({"89", "8", "70"}), 0.6)
    assert number_clash(frozenset({"93"}), frozenset({"93", "18"}), 0.6) is None
    assert number_clash(frozenset({"93"}), frozenset({"10"}), 0.6) is None
    assert normalise_dates("on 24 February") == {"2-24"}
    assert normalise_dates("Feb. 25 and Tuesday") == {"2-25", "tuesday"}


# --------------------------------------------------------------------------- checklist


def test_coverage_decisions(docs):
    facts = [
        {"fact_id": "cost", "text": "The bridge will cost 140 million euros."},
        {"fact_id": "protest", "text": "Protesters gathered outside city hall against the bridge."},
        {"fact_id": "mayor", "text": "Mayor Elena Varga called the vote a turning point."},
    ]
    res = coverage(docs, facts, settings=CoverageSettings())
    got = {
        (f.fact_id, c.article_id): c.covered for f in res.facts for c in f.coverage
    }
    assert got[("cost", "dl-1")] and got[("cost", "hp-1")]
    assert not got[("cost", "vc-1")] and not got[("cost", "ns-1")]
    assert got[("protest", "vc-1")]
    assert not got[("protest", "dl-1")] and not got[("protest", "ns-1")]
    assert got[("mayor", "ns-1")] and not got[("mayor", "vc-1")]
    d = res.to_dict()
    assert list(d) == ["event_id", "facts"]
    cov = d["facts"][0]["coverage"][0]
    assert list(cov) == ["article_id", "outlet", "covered", "score", "sentence_id", "sentence"]
    assert cov["sentence_id"].startswith("dl-1:")


def test_load_facts_text_and_json(tmp_path):
    txt = tmp_path / "facts.txt"
    txt.write_text("# key facts\nThe council approved the budget.\n\nThe mayor spoke.\n")
    assert load_facts(txt) == [
        {"fact_id": "F01", "text": "The council approved the budget."},
        {"fact_id": "F02", "text": "The mayor spoke."},
    ]
    js = tmp_path / "facts.json"
    js.write_text(json.dumps([{"id": "vote", "text": "The council  approved it."}]))
    assert load_facts(js) == [{"fact_id": "vote", "text": "The council approved it."}]


@pytest.mark.parametrize(
    "name,content,reason",
    [
        ("empty.txt", "\n  \n", "empty"),
        ("bad.json", "[{\"id\": 1,", "invalid JSON"),
        ("obj.json", "{\"id\": 1}", "JSON list"),
        ("notext.json", "[{\"id\": \"a\"}]", "text"),
        ("dup.json", "[{\"id\": \"a\", \"text\": \"x\"}, {\"id\": \"a\", \"text\": \"y\"}]", "duplicate"),
    ],
)
def test_load_facts_errors(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(BadInput, match=reason):
        load_facts(path)


def test_load_facts_missing_file(tmp_path):
    with pytest.raises(BadInput, match="not found"):
        load_facts(tmp_path / "nope.txt")


def _reference_grouping(n, outlet_of, pairs, settings):
    """The plain definition: merge strongest first when enough cross-outlet member pairs align."""
    aligned = {(p.i, p.j) for p in pairs if p.score >= settings.align.threshold}
    groups = {i: [i] for i in range(n)}
    group_of = list(range(n))
    for p in sorted((p for p in pairs if p.score >= settings.align.threshold),
                    key=lambda p: (-p.score, p.i, p.j)):
        ga, gb = group_of[p.i], group_of[p.j]
        if ga == gb:
            continue
        cross = [(x, y) for x in groups[ga] for y in groups[gb] if outlet_of[x] != outlet_of[y]]
        linked = sum((min(x, y), max(x, y)) in aligned for x, y in cross)
        if cross and linked / len(cross) < settings.link_ratio:
            continue
        keep, drop = (ga, gb) if len(groups[ga]) >= len(groups[gb]) else (gb, ga)
        for x in groups[drop]:
            group_of[x] = keep
        groups[keep] = sorted(groups[keep] + groups.pop(drop))
    return [g for g in groups.values() if len(g) > 1]


def test_incremental_grouping_matches_the_plain_definition():
    import random

    from biascmp.compare.align import AlignedPair
    from biascmp.compare.omissions import OmissionSettings, group_statements

    rng = random.Random(7)
    for _ in range(25):
        n = rng.randint(10, 120)
        outlet_of = [rng.choice("ABCDE") for _ in range(n)]
        seen, pairs = set(), []
        for _ in range(3 * n):
            i, j = sorted(rng.sample(range(n), 2))
            if outlet_of[i] != outlet_of[j] and (i, j) not in seen:
                seen.add((i, j))
                pairs.append(AlignedPair(i, j, 0.5, rng.random()))
        settings = OmissionSettings(link_ratio=rng.choice([0.2, 0.5, 0.8]))
        assert group_statements(n, outlet_of, pairs, settings) == _reference_grouping(n, outlet_of, pairs, settings)
