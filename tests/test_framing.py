"""Framing analysis (issue 6) on tiny texts, with the real spaCy pipeline and MiniLM model."""

from __future__ import annotations

import json

import duckdb
import numpy as np
import pytest

from biascmp.compare.fixtures import event_docs_from_texts
from biascmp.compare.frames import FRAME_KEYS, classify_frames
from biascmp.compare.framing import FramingSettings, analyse_framing, save_framing
from biascmp.compare.labels import find_label_variants
from biascmp.compare.loaded import loaded_scores
from biascmp.compare.terms import TermSettings, distinctive_terms, sentence_ngrams
from biascmp.compare.tone import actor_tone
from biascmp.compare.trained import LinearModel
from biascmp.store.migrations import m005_framing
from biascmp.text import segment_text

ALPHA = """The General Assembly adopted a resolution condemning Russia's full-scale invasion of Ukraine on Monday.

The vote came three years after the full-scale invasion began, diplomats said.

The regime in Moscow rejected the text. The regime has ignored every earlier resolution. Observers said the regime would not change course. The regime's envoy left the hall. Sanctions on the regime will stay. The regime did not comment.

President Zelensky thanked the countries that backed the resolution and praised their courage."""

BETA = """The General Assembly adopted a resolution condemning the special military operation in Ukraine on Monday.

The vote came three years after the special military operation began, diplomats said.

The government in Moscow rejected the text. The government said the vote changed nothing. Officials said the special military operation would go on. The special military operation has met its goals, they said.

President Zelensky was accused of sabotaging peace and blamed for the failure of the talks."""

GAMMA = """The General Assembly adopted a resolution condemning the conflict in Ukraine on Monday.

The vote came three years after the conflict began, diplomats said.

The government in Moscow rejected the text. The government said it would study the vote.

President Zelensky thanked the countries that backed the resolution."""


@pytest.fixture(scope="module")
def docs(embedder):
    items = [
        {"article_id": "a1", "outlet": "Alpha", "title": "", "published": "2025-02-24", "text": ALPHA},
        {"article_id": "b1", "outlet": "Beta", "title": "", "published": "2025-02-24", "text": BETA},
        {"article_id": "c1", "outlet": "Gamma", "title": "", "published": "2025-02-24", "text": GAMMA},
    ]
    return event_docs_from_texts(items, event_id="ev")


def test_ngrams_keep_compounds_drop_entities_and_clause_crossings(nlp):
    sent = segment_text("The so-called peace plan was backed by the Kiev regime, officials said.", "x", nlp=nlp)[0]
    grams = sentence_ngrams(sent, TermSettings())
    assert "so-call" in grams and "so-call peace" in grams
    assert "kiev regime" in grams  # mixed entity + word: a word choice
    assert "kiev" not in grams  # a bare entity is topic
    assert not any(g.startswith("regime official") for g in grams)  # no n-gram across the comma
    assert "call" not in grams and "so" not in grams  # a compound is not cut in half


def test_distinctive_terms_find_each_outlets_choice(docs):
    terms = distinctive_terms(docs.articles)
    alpha = {t.term: t for t in terms["Alpha"]}
    beta = {t.term: t for t in terms["Beta"]}
    assert "regime" in alpha and alpha["regime"].z >= 1.96 and alpha["regime"].count == 6
    assert "regime" not in beta
    # below the cut at this size; with a looser cut, the phrase comes out whole: subsumed
    # shorter forms are reported once, through the longest phrase
    beta_loose = {t.term for t in distinctive_terms(docs.articles, TermSettings(min_z=1.0))["Beta"]}
    assert "special military operation" in beta_loose
    assert "military operation" not in beta_loose and "special military" not in beta_loose
    # evidence points at the sentences that use the term
    for sid in alpha["regime"].sentence_ids:
        sent = next(s for s in docs.sentences if s.sentence_id == sid)
        assert "regime" in sent.lemmas
    # Moscow, Ukraine: entities shared by all outlets never appear
    assert not any(t.term in ("moscow", "ukraine") for ts in terms.values() for t in ts)
    # deterministic
    again = distinctive_terms(docs.articles)
    assert [[t.to_dict() for t in ts] for ts in again.values()] == [
        [t.to_dict() for t in ts] for ts in terms.values()
    ]


def test_significance_cut_applies(docs):
    strict = distinctive_terms(docs.articles, TermSettings(min_z=50.0, significant_only=True))
    assert all(ts == [] for ts in strict.values())
    # by default the top terms are reported anyway, each marked against the cut
    marked = distinctive_terms(docs.articles, TermSettings(min_z=50.0))
    assert any(marked.values())
    assert all(not t.significant for ts in marked.values() for t in ts)
    default = distinctive_terms(docs.articles)
    for ts in default.values():
        for t in ts:
            assert t.significant == (t.z >= 1.96)
            assert t.to_dict()["significant"] == t.significant


def test_a_rare_word_used_once_is_a_choice_topic_words_are_not(embedder):
    # each outlet uses its own loaded word once; all share the topic words
    base = "The council approved the budget on Tuesday after a long debate about the budget."
    items = [
        {"article_id": "x1", "outlet": "X", "title": "", "published": "2025-01-01",
         "text": base + " Critics called the plan a shameless giveaway."},
        {"article_id": "y1", "outlet": "Y", "title": "", "published": "2025-01-01",
         "text": base + " Supporters called the plan a prudent investment."},
        {"article_id": "z1", "outlet": "Z", "title": "", "published": "2025-01-01",
         "text": base + " Officials called the plan a compromise."},
    ]
    docs = event_docs_from_texts(items, event_id="budget")
    terms = distinctive_terms(docs.articles)
    x = {t.term: t for t in terms["X"]}
    y = {t.term: t for t in terms["Y"]}
    assert any("giveaway" in k for k in x) and any("prudent" in k for k in y)
    top_x = next(t for k, t in x.items() if "giveaway" in k)
    assert top_x.significant and top_x.count == 1 and top_x.other_count == 0
    assert all(s.startswith("x1:") for s in top_x.sentence_ids)
    shared = {"council", "budget", "approve", "debate", "plan", "call"}
    assert not shared & set(x) and not shared & set(y)
    # the loaded word outranks the neutral one of the same rarity class
    assert terms["X"][0].loadedness > 0


def test_phrase_background_frequency_skips_entity_words():
    from biascmp.compare.background import phrase_frequency, word_frequency

    assert word_frequency("the") > word_frequency("regime") > word_frequency("russophobic")
    # a phrase is about as rare as its rarest word, never more common than it
    assert phrase_frequency(["historic", "betrayal"]) <= word_frequency("betrayal")
    # a name in the phrase does not make it rare
    assert phrase_frequency(["kiev", "regime"], skip={"kiev"}) == word_frequency("regime")


def test_label_variants_through_aligned_sentences(docs):
    concepts = find_label_variants(docs)
    by_label = {}
    for c in concepts:
        for v in c.variants:
            by_label[v.label.lower()] = (c.concept, v)
    assert "special military operation" in by_label
    assert "full-scale invasion" in by_label
    assert "conflict" in by_label
    c1 = by_label["special military operation"][0]
    assert by_label["full-scale invasion"][0] == c1 == by_label["conflict"][0]
    smo = by_label["special military operation"][1]
    assert smo.outlets == ["Beta"]
    assert all(sid.startswith("b1:") for sid in smo.sentence_ids) and smo.sentence_ids


def test_label_variants_through_head_nouns_without_aligned_sentences(embedder):
    # no two sentences report the same statement, so only the head-noun route can link them
    items = [
        {"article_id": "p1", "outlet": "P", "title": "", "published": "2025-03-01",
         "text": "Refugees keep fleeing the brutal invasion. Farmers worry about the harvest."},
        {"article_id": "q1", "outlet": "Q", "title": "", "published": "2025-03-01",
         "text": "Aid groups say the conflict has displaced millions. Schools reopened in May."},
        {"article_id": "r1", "outlet": "R", "title": "", "published": "2025-03-01",
         "text": "Diplomats met in Geneva to discuss the war. The weather was mild."},
    ]
    docs = event_docs_from_texts(items, event_id="heads")
    by_label = {v.label.lower(): (c.concept, v) for c in find_label_variants(docs) for v in c.variants}
    assert {"brutal invasion", "conflict", "war"} <= set(by_label)
    assert by_label["brutal invasion"][0] == by_label["conflict"][0] == by_label["war"][0]
    assert by_label["brutal invasion"][1].outlets == ["P"]
    assert by_label["brutal invasion"][1].sentence_ids == ["p1:0"]
    assert not any("harvest" in k or "weather" in k for k in by_label)
    # without head classes, nothing links these phrases
    from biascmp.compare.labels import LabelSettings

    bare = find_label_variants(docs, LabelSettings(referent_heads={}))
    assert not any(v.label.lower() == "brutal invasion" for c in bare for v in c.variants)


def test_frames_classifier_reads_frames(embedder):
    texts = [
        "Inflation pushed up mortgage costs and shares fell as the economy slowed.",
        "Troops and tanks massed at the border as missiles struck the city overnight.",
    ]
    labels, conf = classify_frames(embedder.encode(texts))
    assert labels == ["economic", "security_defense"]
    assert all(0.0 < c <= 1.0 for c in conf)


def test_tone_toward_actor_differs_by_outlet(docs):
    tone = actor_tone(docs)
    alpha = tone["Alpha"]["Zelensky"]
    beta = tone["Beta"]["Zelensky"]
    assert alpha.n == 1 and beta.n == 1
    assert alpha.score > 0 > beta.score
    assert alpha.ci[0] <= alpha.score <= alpha.ci[1]


def test_loaded_scores_rank_loaded_above_neutral(embedder):
    texts = [
        "The council voted 7 to 4 on Tuesday to approve the housing plan.",
        "The reckless, shameful scheme is a disgraceful giveaway to greedy cronies.",
    ]
    scores = loaded_scores(texts, embedder.encode(texts))
    assert scores[1] > 0.5 > scores[0]


def test_analyse_framing_json_shape_and_save(docs, tmp_path):
    result = analyse_framing(docs, FramingSettings())
    d = result.to_dict()
    assert list(d)[:6] == ["event_id", "terms", "labels", "frames", "tone", "loaded"]
    assert d["event_id"] == "ev"
    for outlet, shares in d["frames"].items():
        assert list(shares) == FRAME_KEYS
        assert abs(sum(shares.values()) - 1.0) < 1e-3
    json.dumps(d)  # JSON-ready
    assert analyse_framing(docs).to_dict() == d  # deterministic

    con = duckdb.connect(str(tmp_path / "f.duckdb"))
    for stmt in m005_framing.SQL.split(";"):
        if stmt.strip():
            con.execute(stmt)
    save_framing(con, result)
    save_framing(con, result)  # replaces, does not duplicate
    n_terms = sum(len(ts) for ts in result.terms.values())
    assert con.execute("SELECT count(*) FROM framing_terms").fetchone()[0] == n_terms
    assert con.execute("SELECT count(*) FROM framing_sentence_frames").fetchone()[0] == len(docs.sentences)
    got = con.execute(
        "SELECT sentence_ids FROM framing_terms WHERE outlet = 'Alpha' AND term = 'regime'"
    ).fetchone()
    assert got and all(s.startswith("a1:") for s in got[0])


def test_linear_model_npz_round_trip(tmp_path):
    model = LinearModel(["a", "b"], np.array([[1.0, -2.0]]), np.array([0.5]),
                        np.zeros(2), np.ones(2))
    path = tmp_path / "m.npz"
    model.save(path)
    back = LinearModel.load(path)
    X = np.array([[0.3, 0.1], [-1.0, 2.0]])
    assert back.classes == ["a", "b"]
    assert np.allclose(back.proba(X), model.proba(X))


def test_actor_names_merge_surnames_and_initialisms():
    from biascmp.compare.tone import ToneSettings, actor_mentions
    from biascmp.records import Entity, EventArticle, EventDocs, Sentence

    def sent(i, text, ents):
        return Sentence(f"a:{i}", "a", i, 0, text,
                        entities=[Entity(t, lab, text.index(t), text.index(t) + len(t)) for t, lab in ents])

    sents = [
        sent(0, "Volodymyr Zelensky met the United States envoy.",
             [("Volodymyr Zelensky", "PERSON"), ("the United States", "GPE")]),
        sent(1, "Zelensky thanked the U.S. for its help.", [("Zelensky", "PERSON"), ("U.S.", "GPE")]),
    ]
    docs = EventDocs("e", "e", [EventArticle("a", "A", None, None, None, sents)], np.zeros((2, 4)))
    got = actor_mentions(docs, ToneSettings())
    assert set(got["a:1"]) == {"volodymyr zelensky", "united states"}
    assert got["a:0"]["united states"] == "United States"
