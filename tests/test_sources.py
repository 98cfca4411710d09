"""Quoted sources (issue 5): quote marks, extraction, attribution, normalisation, affiliation,
profiles, storage. Real spaCy pipeline and embedding model on tiny texts written for the tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings as hsettings, strategies as st

from biascmp.compare.fixtures import event_docs_from_texts
from biascmp.compare.quote_marks import find_quote_spans
from biascmp.compare.source_lexicon import countries_in
from biascmp.compare.sources import SourceSettings, analyse_sources, save_sources
from biascmp.compare.speakers import classify_affiliation

REPO = Path(__file__).resolve().parent.parent

ARTICLE_A = """Finance Minister Lena Varga said on Monday that the budget would be cut by five percent. "We have no choice," she told reporters in Budapest.

"The numbers are clear," Varga added, "and the markets know it."

Opposition leader Peter Hollo was in parliament during the vote.

According to a senior diplomat who asked not to be named, the cuts will hit pensions first.

Sources said the plan had been drafted in secret. The Finance Ministry said in a statement that the deficit figures were accurate.

Professor Tom Ekdahl, an economist at Lund University, warned that the cuts could push the country into recession."""

ARTICLE_B = """Hungary's finance minister, Lena Varga, defended the plan on Tuesday.

‘This is a responsible budget,’ the minister said. ‘Nobody will lose their pension.’

Amnesty International urged the government to protect the poorest households.

The union accused the government of hiding the real deficit from voters.

“This budget is a disaster for ordinary families,” said Maria Kovacs, head of the Hungarian Trade Union Federation.

“We will fight it in the streets and in the courts.

“We will not give up,” she said."""

ARTICLE_C = """Kremlin spokesman Dmitry Peskov told reporters that the talks would continue next week.

The two sides last met in January.

“We are ready for a serious conversation,” the spokesman said.

Peskov added that no date had been fixed."""

ARTICLE_D = """Dmitri Peskov called for patience from both sides.

«Il faut du temps», a déclaré un diplomate français. Then an odd mark " appears and never closes.

The Kremlin spokesman said the meeting “could take place in Riyadh” but gave no date."""


@pytest.fixture(scope="module")
def result(embedder):
    docs = event_docs_from_texts([
        {"article_id": "a", "outlet": "Alpha", "title": None, "published": "2025-03-01",
         "text": ARTICLE_A},
        {"article_id": "b", "outlet": "Beta", "title": None, "published": "2025-03-01",
         "text": ARTICLE_B},
    ], event_id="budget")
    return analyse_sources(docs)


@pytest.fixture(scope="module")
def peskov(embedder):
    docs = event_docs_from_texts([
        {"article_id": "c", "outlet": "Gamma", "title": None, "published": None, "text": ARTICLE_C},
        {"article_id": "d", "outlet": "Delta", "title": None, "published": None, "text": ARTICLE_D},
    ], event_id="talks")
    return analyse_sources(docs)


def quotes_with(res, words: str) -> list[dict]:
    return [q for q in res.to_dict()["quotes"] if words in q["text"]]


def one(res, words: str) -> dict:
    found = quotes_with(res, words)
    assert len(found) == 1, (words, [q["text"] for q in res.to_dict()["quotes"]])
    return found[0]


# ------------------------------------------------------------------ quotation marks
@pytest.mark.parametrize("text, expected", [
    ('"Yes," he said, "we will."', ["Yes,", "we will."]),
    ("“We welcome this,” she said.", ["We welcome this,"]),
    ("„Wir sind bereit“, sagte er.", ["Wir sind bereit"]),
    ("«Nous sommes prêts», a-t-il dit.", ["Nous sommes prêts"]),
    ("‘We are ready,’ she said of the allies’ plan.", ["We are ready,"]),
    ("It's Washington’s view, 'not ours', he said.", ["not ours"]),
    ("He called it “a ‘historic’ day” for all.", ["a ‘historic’ day"]),
])
def test_quote_styles(text, expected):
    assert [text[s.start:s.end] for s in find_quote_spans(text)] == expected


def test_multi_paragraph_quote_is_one_group_and_unbalanced_mark_ends_at_paragraph():
    text = "“First part of it.\n\n“Second part,” he said.\n\nShe said “never closed.\n\nNext “ok”."
    spans = find_quote_spans(text)
    got = [(text[s.start:s.end], s.group, s.closed) for s in spans]
    assert got[0][1] == got[1][1]  # one quote over two paragraphs
    assert got[2] == ("never closed.", got[2][1], False)
    assert got[3][0] == "ok" and got[3][1] != got[2][1]


@hsettings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab .,\n'\"“”‘’«»„")), max_size=60))
def test_quote_marks_never_crash(text):
    for s in find_quote_spans(text):
        assert 0 <= s.start <= s.end <= len(text)


# ------------------------------------------------------------------ extraction and attribution
def test_direct_quote_with_named_speaker_and_pronoun(result):
    q = one(result, "We have no choice")
    assert q["type"] == "direct" and q["speaker"] == "Lena Varga"
    assert q["cue"] == "told reporters"
    assert q["sentence_id"].startswith("a:")


def test_split_quote_both_halves_attributed(result):
    assert one(result, "The numbers are clear")["speaker"] == "Lena Varga"
    assert one(result, "the markets know it")["speaker"] == "Lena Varga"


def test_indirect_speech_kinds(result):
    said = one(result, "budget would be cut by five percent")
    assert said["type"] == "indirect" and said["cue"] == "said"
    assert one(result, "the cuts will hit pensions first")["cue"] == "according to"
    statement = one(result, "deficit figures were accurate")
    assert statement["speaker"] == "Finance Ministry" and statement["affiliation"] == "government"
    assert one(result, "protect the poorest households")["speaker"] == "Amnesty International"
    accused = one(result, "hiding the real deficit")
    assert accused["cue"] == "accused"


def test_anonymous_sources(result):
    for words in ("the cuts will hit pensions first", "drafted in secret"):
        q = one(result, words)
        assert q["speaker"] == "anonymous" and q["affiliation"] == "anonymous"
    assert not quotes_with(result, "not to be named")  # part of the speaker, not a statement


def test_role_reference_and_continued_quotes(result):
    assert one(result, "responsible budget")["speaker"] == "Lena Varga"  # "the minister"
    assert one(result, "Nobody will lose")["speaker"] == "Lena Varga"  # continues the quote
    fight = one(result, "fight it in the streets")
    give_up = one(result, "We will not give up")
    assert fight["speaker"] == give_up["speaker"] == "Maria Kovacs"  # over two paragraphs
    assert fight["affiliation"] == "civil_society"


def test_expert_with_apposition(result):
    q = one(result, "push the country into recession")
    assert q["speaker"] == "Tom Ekdahl" and q["affiliation"] == "expert"


def test_mentioned_people_are_not_sources(result):
    names = {s["name"] for s in result.to_dict()["speakers"]}
    assert "Peter Hollo" not in names


def test_normalisation_across_outlets(peskov):
    speakers = peskov.to_dict()["speakers"]
    merged = [s for s in speakers if s["speaker_id"] == "dmitry-peskov"]
    assert merged, speakers
    sp = merged[0]
    assert "Dmitri Peskov" in sp["aliases"] and set(sp["outlets"]) == {"Gamma", "Delta"}
    assert sp["affiliation"] == "government" and sp["country"] == "RU"
    for words in ("talks would continue", "serious conversation", "no date had been fixed",
                  "patience", "could take place in Riyadh"):
        assert one(peskov, words)["speaker_id"] == "dmitry-peskov", words


def test_odd_input_never_crashes(embedder):
    texts = ['"', "“”", "«", "He said: '", "'''", "“Quote” “another” ‘x’", "said said said.",
             "\u200b", "A" * 50 + " “" + "b " * 200]
    docs = event_docs_from_texts([
        {"article_id": f"o{i}", "outlet": "Odd", "title": None, "published": None, "text": t}
        for i, t in enumerate(texts)
    ])
    assert analyse_sources(docs).to_dict()["skipped"] == []


# ------------------------------------------------------------------ affiliation rules
@pytest.mark.parametrize("kind, name, roles, expected", [
    ("anonymous", "anonymous", ["senior Russian diplomat"], ("anonymous", "RU")),
    ("person", "Vasily Nebenzya", ["Russia's UN ambassador"], ("government", "RU")),
    ("person", "Antonio Guterres", ["UN Secretary-General"], ("intergovernmental", None)),
    ("organisation", "Reuters", [], ("media", None)),
    ("person", "Tom Ekdahl", ["economist at Lund University"], ("expert", None)),
    ("organisation", "Amnesty International", [], ("civil_society", None)),
    ("person", "Dmitry Peskov", ["Kremlin spokesman"], ("government", "RU")),
    ("organisation", "Foreign Ministry", ["Chinese"], ("government", "CN")),
    ("organisation", "Washington", [], ("government", "US")),
    ("person", "Jane Roe", ["resident"], ("other", None)),
])
def test_affiliation_rules(kind, name, roles, expected):
    assert classify_affiliation(kind, name, roles) == expected


def test_countries_ignore_the_pronoun_us():
    assert countries_in("they told us") == []
    assert countries_in("the US envoy") == ["US"]


# ------------------------------------------------------------------ profiles, json, storage
def test_profiles_and_json_shape(result):
    d = result.to_dict()
    assert list(d) == ["event_id", "quotes", "outlets", "speakers", "skipped"]
    assert d["skipped"] == []
    assert list(d["quotes"][0])[:12] == ["quote_id", "article_id", "outlet", "sentence_id",
                                         "sentence_ids", "type", "text", "cue", "speaker",
                                         "speaker_id", "role", "affiliation"]
    alpha, beta = d["outlets"]["Alpha"], d["outlets"]["Beta"]
    assert set(alpha) == {"n_quotes", "direct_share", "by_affiliation", "by_speaker",
                          "diversity", "missing_sources"}
    assert alpha["n_quotes"] == sum(q["outlet"] == "Alpha" for q in d["quotes"])
    assert 0 < alpha["direct_share"] < 1
    missing_alpha = {m["speaker_id"] for m in alpha["missing_sources"]}
    assert "maria-kovacs" in missing_alpha and "amnesty-international" in missing_alpha
    assert "lena-varga" not in missing_alpha  # both outlets quote her
    assert all(m["quoted_by"] == ["Beta"] for m in alpha["missing_sources"])
    assert beta["diversity"] > 1


def test_stance_verbs_count_as_indirect_only_when_asked(embedder):
    items = [{"article_id": "s", "outlet": "Sigma", "title": None, "published": None,
              "text": "The Foreign Ministry condemned the decision to expel three diplomats."}]
    docs = event_docs_from_texts(items)
    assert analyse_sources(docs).quotes == []
    on = analyse_sources(docs, SourceSettings(stance_verbs_as_indirect=True)).quotes
    assert [(q.speaker, q.cue) for q in on] == [("Foreign Ministry", "condemned")]


def test_deterministic(embedder):
    items = [{"article_id": "c", "outlet": "Gamma", "title": None, "published": None,
              "text": ARTICLE_C}]
    a = analyse_sources(event_docs_from_texts(items)).to_dict()
    b = analyse_sources(event_docs_from_texts(items)).to_dict()
    assert a == b


def test_save_sources_replaces_rows(tmp_path, result):
    from biascmp.store.db import open_store

    con = open_store(tmp_path / "s.duckdb").con  # every migration applied
    save_sources(con, result)
    save_sources(con, result)
    n = con.execute("SELECT count(*) FROM quotes WHERE event_id = 'budget'").fetchone()[0]
    assert n == len(result.quotes)
    row = con.execute(
        "SELECT name, affiliation, outlets FROM speakers WHERE speaker_id = 'lena-varga'"
    ).fetchone()
    assert row == ("Lena Varga", "government", ["Alpha", "Beta"])


# ------------------------------------------------------------------ the seed article
SEED = Path(os.environ.get("BIASCMP_SEEDS") or REPO.parent / "shared" / "seeds") / \
    "000_94e2a3d5d69ef788.txt"


@pytest.mark.skipif(not SEED.exists(), reason=f"seed article not found at {SEED}")
def test_seed_every_peskov_statement_is_his(embedder):
    from biascmp.ingest import clean_articles, read_paths

    art = clean_articles(read_paths([str(SEED)], outlet="The Moscow Times").articles)[0]
    docs = event_docs_from_texts([{"article_id": "seed", "outlet": art.outlet, "title": art.title,
                                   "published": art.published, "text": art.clean_text}])
    res = analyse_sources(docs)
    by_text = {q.text: q for q in res.quotes}
    statements = ["much more balanced position", "We certainly welcome this",
                  "does not signal balance yet", "Europe will gravitate toward greater balance"]
    for words in statements:
        hits = [q for t, q in by_text.items() if words in t]
        assert hits, (words, list(by_text))
        assert all(q.speaker == "Dmitry Peskov" for q in hits), hits
    assert all("Johnson" not in (q.speaker or "") for q in res.quotes)  # boilerplate dropped
