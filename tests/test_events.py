"""Event grouping on tiny hand-written coverage: real MiniLM, real DuckDB, no spaCy (grouping
reads names and content words from the sentence texts by rules)."""

from __future__ import annotations

import random
from datetime import date, timedelta

import numpy as np
import pytest

from biascmp.errors import NotFound
from biascmp.events import EventInput, EventSettings, event_inputs_from_texts, group_articles
from biascmp.events.label import build_events
from biascmp.events.neighbours import candidate_pairs, exact_knn, ivf_knn

# Two look-alike earthquakes seven months apart, two look-alike UN votes a year apart, and a
# football final: three outlets each (the football final has two).
QUAKE_A = [
    ("Northern Times", "Magnitude 7.8 earthquake strikes southern Turkey and Syria",
     "A magnitude 7.8 earthquake struck southern Turkey near Gaziantep before dawn on Monday. "
     "More than 2,300 people were killed in Turkey and Syria, officials said.\n\n"
     "Rescuers in Kahramanmaras searched collapsed apartment blocks in freezing rain."),
    ("Harbour Post", "Thousands dead after quake hits Turkey-Syria border region",
     "The death toll from Monday's 7.8 quake centred on Gaziantep rose above 2,300, the Turkish "
     "disaster agency AFAD said.\n\nIn northern Syria, the White Helmets pulled survivors from "
     "the rubble of buildings in Idlib province."),
    ("Valley Courier", "Turkey quake: rescuers race to find survivors in Kahramanmaras",
     "Emergency teams worked through the night in Kahramanmaras and Gaziantep after the "
     "7.8-magnitude earthquake. President Erdogan declared seven days of national mourning.\n\n"
     "AFAD said more than 2,300 people had died across Turkey and Syria."),
]
QUAKE_B = [
    ("Northern Times", "Powerful earthquake kills hundreds in Morocco's Atlas mountains",
     "A magnitude 6.8 earthquake struck Morocco's High Atlas mountains late on Friday, killing "
     "at least 820 people, the interior ministry said.\n\nVillages near Marrakech and in the "
     "province of Al Haouz were worst hit."),
    ("Harbour Post", "Morocco earthquake: villages flattened in Al Haouz province",
     "Rescuers in Al Haouz dug through mud-brick homes after the 6.8 quake, Morocco's "
     "strongest in decades. The interior ministry put the toll at 820.\n\nIn Marrakech, "
     "residents slept in the streets of the old city."),
    ("Valley Courier", "King Mohammed VI declares mourning after Atlas quake",
     "King Mohammed VI declared three days of national mourning after the 6.8-magnitude "
     "earthquake in the High Atlas. At least 820 people died, most of them in Al Haouz.\n\n"
     "The army sent rescue teams to mountain villages cut off by landslides."),
]
VOTE_A = [
    ("Northern Times", "UN General Assembly demands Russian withdrawal from Ukraine",
     "The UN General Assembly voted 141 to 7 on Thursday to demand that Russia withdraw its "
     "troops from Ukraine, one year after the invasion.\n\n32 countries abstained, including "
     "China and India."),
    ("Harbour Post", "141 nations back UN resolution on Ukraine anniversary",
     "On the eve of the war's first anniversary, 141 members of the General Assembly backed a "
     "resolution calling for a just and lasting peace in Ukraine.\n\nSeven voted against, "
     "among them Russia, Belarus and North Korea; 32 abstained."),
    ("Valley Courier", "General Assembly vote isolates Moscow a year into war",
     "Ukraine's foreign minister Dmytro Kuleba welcomed the 141-7 vote in New York.\n\n"
     "Russia's ambassador Vassily Nebenzia called the resolution one-sided."),
]
VOTE_B = [
    ("Northern Times", "UN General Assembly adopts Ukraine resolution on third anniversary",
     "The UN General Assembly adopted a resolution on Monday on the third anniversary of "
     "Russia's invasion of Ukraine, by 93 votes to 18 with 65 abstentions.\n\nThe United "
     "States voted against, alongside Russia."),
    ("Harbour Post", "US sides with Russia as UN votes on Ukraine war",
     "In a reversal, the United States joined Russia in voting against a General Assembly "
     "resolution backed by Europe and Ukraine. It passed with 93 votes in favour, 18 against "
     "and 65 abstentions.\n\nA rival US text was amended by European states."),
    ("Valley Courier", "93 countries back Ukraine at UN three years after invasion",
     "Ninety-three countries voted for the resolution on Ukraine's territorial integrity; 18 "
     "opposed it and 65 abstained.\n\nUkraine's deputy foreign minister Mariana Betsa called "
     "the vote a test of the UN Charter."),
]
FOOTBALL = [
    ("Northern Times", "Rovers win cup final on penalties",
     "Eastfield Rovers beat Westbrook United 5-4 on penalties in the cup final at the national "
     "stadium after a 1-1 draw.\n\nGoalkeeper Tom Arkwright saved two spot kicks."),
    ("Valley Courier", "Arkwright the hero as Eastfield lift the cup",
     "Tom Arkwright saved twice in the shoot-out as Eastfield Rovers won the cup final against "
     "Westbrook United.\n\nThe match had ended 1-1 after extra time."),
]
DAYS = {"quake-a": date(2023, 2, 6), "quake-b": date(2023, 9, 9), "vote-a": date(2023, 2, 23),
        "vote-b": date(2025, 2, 24), "football": date(2024, 5, 18)}
STORIES = {"quake-a": QUAKE_A, "quake-b": QUAKE_B, "vote-a": VOTE_A, "vote-b": VOTE_B,
           "football": FOOTBALL}


def corpus_items(dated: bool = True) -> list[dict]:
    items = []
    for story, articles in STORIES.items():
        for k, (outlet, title, text) in enumerate(articles):
            items.append({
                "article_id": f"{story}-{k}",
                "outlet": outlet,
                "title": title,
                "published": DAYS[story] + timedelta(days=k % 2) if dated else None,
                "text": text,
                "gold": story,
            })
    return items


def partition(assignments) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for a in assignments:
        groups.setdefault(a.event_id, set()).add(a.article_id)
    return {frozenset(g) for g in groups.values()}


def gold_partition(items) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for item in items:
        groups.setdefault(item["gold"], set()).add(item["article_id"])
    return {frozenset(g) for g in groups.values()}


@pytest.fixture(scope="module")
def dated_inputs(embedder):
    return event_inputs_from_texts(corpus_items(True), embedder=embedder)


@pytest.fixture(scope="module")
def undated_inputs(embedder):
    return event_inputs_from_texts(corpus_items(False), embedder=embedder)


def test_look_alike_events_separate_with_dates(dated_inputs):
    result = group_articles(dated_inputs)
    assert partition(result) == gold_partition(corpus_items(True))


def test_look_alike_events_separate_without_dates(undated_inputs):
    # no dates at all: names and numbers (tolls, vote counts) must carry the separation
    result = group_articles(undated_inputs)
    assert partition(result) == gold_partition(corpus_items(False))


def test_same_text_a_year_apart_is_two_events(dated_inputs):
    first = dated_inputs[0]
    later = EventInput(**{**first.__dict__, "article_id": "copy-next-year",
                          "published": first.published + timedelta(days=365)})
    result = {a.article_id: a.event_id for a in group_articles([first, later])}
    assert result[first.article_id] != result["copy-next-year"]
    undated = EventInput(**{**later.__dict__, "published": None})
    result = {a.article_id: a.event_id for a in group_articles([first, undated])}
    assert result[first.article_id] == result["copy-next-year"]


def test_output_is_deterministic_and_order_free(dated_inputs):
    first = group_articles(dated_inputs)
    shuffled = list(dated_inputs)
    random.Random(3).shuffle(shuffled)
    assert group_articles(shuffled) == first
    assert first == sorted(first, key=lambda a: (a.event_id, a.article_id))


def test_pins_force_and_forbid(dated_inputs):
    items = [EventInput(**i.__dict__) for i in dated_inputs]
    by_id = {i.article_id: i for i in items}
    by_id["football-0"].pinned = "my-event"
    by_id["quake-a-0"].pinned = "my-event"
    by_id["quake-a-1"].pinned = "other-event"
    result = {a.article_id: a.event_id for a in group_articles(items)}
    assert result["football-0"] == result["quake-a-0"] == "my-event"
    assert result["quake-a-1"] == "other-event"


def test_event_ids_are_stable_when_unrelated_articles_arrive(dated_inputs):
    before = {a.article_id: a.event_id for a in group_articles(dated_inputs[:6])}
    after = {a.article_id: a.event_id for a in group_articles(dated_inputs)}
    assert all(after[k] == v for k, v in before.items())


def test_labels_name_the_event(dated_inputs):
    assignments = group_articles(dated_inputs)
    events = {e.articles[0].rsplit("-", 1)[0]: e for e in build_events(dated_inputs, assignments)}
    assert "2023-09-09" in events["quake-b"].label
    assert "Morocco" in events["quake-b"].label or "Al Haouz" in events["quake-b"].label
    assert events["vote-b"].outlets == ["Harbour Post", "Northern Times", "Valley Courier"]
    d = events["vote-b"].to_dict()
    assert list(d)[:4] == ["event_id", "label", "articles", "outlets"]


# --- candidate search: no model needed -----------------------------------------------------


def _random_unit(n, dim=32, seed=0, centres=50):
    rng = np.random.default_rng(seed)
    c = rng.normal(size=(centres, dim))
    x = c[rng.integers(0, centres, n)] + 0.3 * rng.normal(size=(n, dim))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def test_ivf_search_finds_most_exact_neighbours():
    x = _random_unit(3000)
    everyone = np.arange(len(x))
    er, ec = exact_knn(x, everyone, everyone, 10)
    ar, ac = ivf_knn(x, everyone, everyone, 10)
    exact = set(zip(er.tolist(), ec.tolist()))
    approx = set(zip(ar.tolist(), ac.tolist()))
    assert len(exact & approx) / len(exact) > 0.9
    assert all(r != c for r, c in approx)


def test_candidates_respect_the_date_window():
    x = _random_unit(400, seed=1)
    days = np.repeat(np.arange(0, 400, 10), 10)  # 10 articles every 10 days
    days[:20] = -1  # some undated
    i, j = candidate_pairs(x, days, window=7, k=5, exact_max=1000)
    dated = (days[i] >= 0) & (days[j] >= 0)
    assert (np.abs(days[i] - days[j])[dated] <= 7).all()
    assert (~dated).any()  # undated articles get candidates too
    assert (i < j).all()


def test_large_linked_groups_are_split_and_every_article_assigned():
    x = _random_unit(1500, dim=16, seed=2, centres=3)
    items = [EventInput(f"a{k:05d}", "o", None, None, v, None, frozenset(), frozenset()) for k, v in enumerate(x)]
    settings = EventSettings(max_component=200, exact_search_max=500, threshold=0.3)
    result = group_articles(items, settings)
    assert sorted(a.article_id for a in result) == [i.article_id for i in items]
    sizes = {}
    for a in result:
        sizes[a.event_id] = sizes.get(a.event_id, 0) + 1
    assert max(sizes.values()) <= 200


# --- the store --------------------------------------------------------------------------------


@pytest.fixture()
def store_db(tmp_path, embedder):
    from biascmp.pipeline import ingest_records
    from biascmp.records import RawArticle
    from biascmp.store.db import open_store

    path = tmp_path / "ev.duckdb"
    records = [
        RawArticle(source_path="t", text=i["text"], article_id=i["article_id"], outlet=i["outlet"],
                   title=i["title"], published=i["published"])
        for i in corpus_items(True)
    ]
    records[-1].event = "cup-final"  # the record's event field pins it
    with open_store(path) as store:
        ingest_records(store, records, embedder=embedder)
    return path


def test_regroup_store_and_resolve(store_db):
    from biascmp.events.store import load_events, regroup, resolve_event
    from biascmp.store.db import open_store

    with open_store(store_db) as store:
        events = regroup(store.con)
        assert {frozenset(e.articles) for e in events} == gold_partition(corpus_items(True))
        stored = load_events(store.con)
        assert [e.to_dict() for e in stored] == [e.to_dict() for e in events]
        football = next(e for e in events if "football-0" in e.articles)
        assert football.event_id == "cup-final" and football.pinned
        assert resolve_event(store.con, "football-0") == "cup-final"
        assert resolve_event(store.con, "cup-final") == "cup-final"
        with pytest.raises(NotFound):
            resolve_event(store.con, "no-such-thing")
        n = store.con.execute("SELECT count(*) FROM event_articles").fetchone()[0]
        assert n == len(corpus_items(True))
        # a second regroup keeps every id
        again = regroup(store.con)
        assert [e.event_id for e in again] == [e.event_id for e in events]


def test_corrections_survive_regrouping(store_db):
    from biascmp.events.store import assign, merge, regroup, resolve_event
    from biascmp.store.db import open_store

    with open_store(store_db) as store:
        regroup(store.con)
        quake_a = resolve_event(store.con, "quake-a-0")
        assign(store.con, "vote-a-2", quake_a)
        merge(store.con, "quake-b-0", "football-1")  # article ids stand for their events
        events = regroup(store.con)
        of = {a: e.event_id for e in events for a in e.articles}
        assert of["vote-a-2"] == of["quake-a-0"] == quake_a
        assert of["football-0"] == of["football-1"] == of["quake-b-0"]
        assert of["vote-a-0"] != quake_a
        with pytest.raises(NotFound):
            assign(store.con, "missing-article", quake_a)


def test_neighbour_sets_keep_each_articles_best_candidates():
    from biascmp.events.cluster import CANNOT_LINK, neighbour_sets

    i = np.array([0, 0, 0, 1, 2])
    j = np.array([1, 2, 3, 2, 3])
    scores = np.array([0.9, 0.5, 0.7, 0.6, CANNOT_LINK])
    near = neighbour_sets(4, i, j, scores, k=2).toarray()
    assert [set(np.flatnonzero(row)) for row in near] == [{1, 3}, {0, 2}, {1, 0}, {0}]


def test_shared_neighbour_signal_keeps_look_alikes_apart(dated_inputs, undated_inputs):
    settings = EventSettings(weight_shared_neighbours=0.3, shared_k=2)
    for inputs, dated in ((dated_inputs, True), (undated_inputs, False)):
        result = group_articles(inputs, settings)
        assert partition(result) == gold_partition(corpus_items(dated))
        assert group_articles(list(reversed(inputs)), settings) == result
    items = [EventInput(**i.__dict__) for i in dated_inputs]
    items[0].pinned = items[-1].pinned = "my-event"
    result = {a.article_id: a.event_id for a in group_articles(items, settings)}
    assert result[items[0].article_id] == result[items[-1].article_id] == "my-event"


# --- features from text, without a model ----------------------------------------------------


def test_names_come_from_capitalisation_rules():
    from biascmp.events.names import article_names

    names, display = article_names([
        "Rescuers searched the rubble in Kahramanmaras on Monday.",
        "President Recep Tayyip Erdogan's office said the U.S. and the UN had offered help.",
        "Erdogan visited Gaziantep, where rescuers worked through the night.",
        "Morocco's High Atlas was not affected, officials said.",
        "Live Updates From The Disaster Zone Across Southern Turkey",
    ])
    assert {"kahramanmaras", "recep tayyip erdogan", "erdogan", "us", "un", "gaziantep",
            "morocco", "high atlas"} <= names
    # sentence-initial common words, weekdays, honorifics and title-case headings are not names
    assert not names & {"rescuers", "monday", "president", "president recep tayyip erdogan",
                        "live updates", "disaster zone", "southern turkey", "officials"}
    assert display["recep tayyip erdogan"] == "Recep Tayyip Erdogan"


def test_sentence_initial_name_needs_evidence():
    from biascmp.events.names import article_names

    # "Kuleba" opens a sentence but is capitalised mid-sentence elsewhere; "Ukraine's" is a
    # possessive; "Emergency" is just a capitalised first word
    names, _ = article_names([
        "Kuleba welcomed the vote.",
        "Ukraine's allies backed it.",
        "Emergency teams arrived.",
        "The minister, Dmytro Kuleba, spoke to Kuleba's counterparts.",
    ])
    assert {"kuleba", "ukraine", "dmytro kuleba"} <= names
    assert "emergency" not in names


def test_terms_are_stemmed_content_words():
    from biascmp.events.terms import article_terms

    terms = article_terms(["The quake killed 820 people.", "Killing and kills: the quakes."])
    assert terms == {"quak": 2, "kill": 3, "peopl": 1}


def test_article_vector_blends_title_and_lead():
    from biascmp.events.features import article_vector
    from biascmp.events.settings import ArticleVectorSettings

    rng = np.random.default_rng(0)
    title, *sentences = rng.normal(size=(5, 8)).astype(np.float32)
    sentences = np.stack(sentences)
    settings = ArticleVectorSettings(title_weight=0.4, lead_decay=0.5)
    vec = article_vector(title, sentences, settings)
    assert np.isclose(np.linalg.norm(vec), 1.0)
    lead = sum(0.5 ** k * s for k, s in enumerate(sentences))
    expected = 0.4 * title / np.linalg.norm(title) + 0.6 * lead / np.linalg.norm(lead)
    assert np.allclose(vec, expected / np.linalg.norm(expected), atol=1e-5)
    # the lead counts more than the tail; without a title the sentences alone
    no_title = article_vector(None, sentences, settings)
    units = sentences / np.linalg.norm(sentences, axis=1, keepdims=True)
    assert no_title @ units[0] > no_title @ units[3]
    assert np.allclose(article_vector(title, sentences[:0], settings), title / np.linalg.norm(title))
    assert not article_vector(None, sentences[:0], settings).any()


def test_ingest_stores_the_cheap_article_vector(store_db, embedder):
    from biascmp.events.features import article_vector
    from biascmp.store.db import open_store
    from biascmp.store.reads import vectors_from_arrow

    item = corpus_items(True)[0]
    with open_store(store_db) as store:
        stored = vectors_from_arrow(store.con.execute(
            "SELECT embedding FROM articles WHERE article_id = ?", [item["article_id"]]
        ).to_arrow_table().column("embedding"))[0]
        sentences = vectors_from_arrow(store.con.execute(
            "SELECT embedding FROM sentences WHERE article_id = ? AND NOT is_boilerplate "
            "ORDER BY position", [item["article_id"]]
        ).to_arrow_table().column("embedding"))
    expected = article_vector(embedder.encode([item["title"]])[0], sentences)
    assert np.allclose(stored, expected, atol=1e-4)


def test_grouping_a_fresh_store_loads_no_model(store_db):
    # a new process, as `biascmp events` is: grouping reads sentence texts, not spaCy output
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from biascmp.events.store import regroup\n"
        "from biascmp.store.db import open_store\n"
        f"with open_store({str(store_db)!r}) as store:\n"
        "    events = regroup(store.con)\n"
        "heavy = [m for m in ('spacy', 'torch', 'transformers', 'sentence_transformers', 'openvino')"
        " if m in sys.modules]\n"
        "print(len(events), heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == [str(len(STORIES)), "[]"]


def test_pin_chains_add_pairs_only_between_articles_pinned_together():
    """Pinned articles are chained into one linked group; unpinned ones (code -1) gain no
    pairs, so the candidates stay the nearest-neighbour ones."""
    from biascmp.events.cluster import _add_pin_pairs

    pins = np.array([-1, -1, 0, -1, 0, 1], np.int64)
    i, j = np.array([0], np.int64), np.array([1], np.int64)
    got_i, got_j = _add_pin_pairs(pins, i, j)
    assert sorted(zip(got_i.tolist(), got_j.tolist())) == [(0, 1), (2, 4)]


def test_local_scaling_asks_more_of_articles_in_crowded_stretches():
    from biascmp.events.cluster import hub_levels, scale_locally

    # article 0 resembles everything (a hub); 3 and 4 resemble only each other
    i = np.array([0, 0, 0, 1, 3])
    j = np.array([1, 2, 3, 2, 4])
    scores = np.array([0.8, 0.7, 0.6, 0.3, 0.5])
    hub = hub_levels(5, i, j, scores, k=2)
    assert np.allclose(hub, [0.75, 0.55, 0.5, 0.55, 0.5])
    settings = EventSettings(local_scaling=0.5)
    centre = float(np.median(hub))
    scaled = scale_locally(scores, hub[i], hub[j], centre, settings)
    # the hub's links lose the most; a pair of quiet articles keeps its score
    assert np.allclose(scaled, scores - 0.5 * ((hub[i] + hub[j]) / 2 - 0.55))
    assert scaled[4] > scores[4] - 1e-9 and scaled[0] < scores[0]
    pins = scale_locally(np.array([1.0, -1e6]), np.array([0.9, 0.9]), np.array([0.9, 0.9]), 0.1, settings)
    assert list(pins) == [1.0, -1e6]  # pinned-together and cannot-link pairs stay forced
    # pinned pairs do not count toward a hub level
    assert hub_levels(2, np.array([0]), np.array([1]), np.array([1.0]), k=3).tolist() == [0.0, 0.0]
