"""Cleaning: paragraphs, boilerplate flags with reasons, repetition, ids."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from biascmp.errors import BadInput
from biascmp.ingest import (
    BOILERPLATE_REASONS,
    CleanSettings,
    clean_articles,
    content_hash,
    read_paths,
    repeated_paragraph_keys,
    split_paragraphs,
)
from biascmp.ingest.normalize import normalize_line
from biascmp.records import RawArticle

REPO = Path(__file__).resolve().parents[1]
INPUTS = Path(__file__).parent / "fixtures" / "inputs"
SEEDS = REPO.parent / "shared" / "seeds"
SEED = SEEDS / "000_94e2a3d5d69ef788.txt"


def reasons_of(article) -> list[str | None]:
    reasons = [p.boilerplate_reason for p in article.paragraphs]
    assert set(reasons) - {None} <= set(BOILERPLATE_REASONS)
    assert all((r is not None) == p.is_boilerplate for r, p in zip(reasons, article.paragraphs))
    return reasons


def raw(text: str, outlet: str = "Test Outlet", **kwargs) -> RawArticle:
    return RawArticle(source_path="mem.txt", text=text, outlet=outlet, **kwargs)


@pytest.mark.skipif(not SEED.exists(), reason=f"seed article not found at {SEED}")
def test_seed_article_keeps_exactly_the_body():
    text = SEED.read_text(encoding="utf-8")
    blocks = [b for b in re.split(r"\n[ \t]*\n", text) if b.strip()]
    # the file's blocks: 0 date + banners, 1 headline, 2 caption, 3-12 body, 13 tag line, ...
    article = clean_articles(read_paths([SEED], outlet="Seed Outlet").articles)[0]
    assert article.title == normalize_line(blocks[1])
    assert str(article.published) == "2025-02-25"
    expected = (
        ["banner", "banner", "caption"]
        + [None] * 10
        + ["tags"]
        + ["newsletter"] * 3
        + ["donation"] * 14  # message header, salutation, appeal, its seven button lines
        + ["read-more"] * 13  # header and four headline / teaser / reading-time items
    )
    assert reasons_of(article) == expected
    kept = [p.text for p in article.paragraphs if not p.is_boilerplate]
    assert kept == [normalize_line(b) for b in blocks[3:13]]
    assert article.clean_text == "\n\n".join(kept)
    assert article.title not in article.text.split("\n\n")


def test_synthetic_text_page():
    article = clean_articles(read_paths([INPUTS / "synthetic_page.txt"], outlet="Valley Courier").articles)[0]
    assert article.title == "Regional Rail Line Wins Funding After Two-Year Delay"
    assert reasons_of(article) == (
        ["banner", "banner", "caption"]
        + [None] * 4
        + ["tags"]
        + ["newsletter"] * 3
        + ["donation"] * 9
        + ["read-more"] * 7
    )
    assert article.clean_text.startswith("The regional government on Monday approved")
    assert article.clean_text.endswith("a further 90 million euros.")


def test_synthetic_html_page():
    article = clean_articles(read_paths([INPUTS / "synthetic_page.html"]).articles)[0]
    assert reasons_of(article) == (
        ["menu"] * 4 + ["banner", "caption"] + [None] * 4 + ["tags"]
        + ["read-more"] * 4 + ["newsletter"] * 2 + ["cookie", "banner"]
    )
    assert len(article.clean_text.split("\n\n")) == 4


def test_prose_after_a_mid_article_newsletter_box_is_kept():
    text = (
        "The mayor announced a new housing plan on Monday.\n\n"
        "Sign up for our newsletter\n\n"
        "The plan adds 2,000 homes over five years, officials said.\n\n"
        "Critics said the plan came too late."
    )
    article = clean_articles([raw(text)])[0]
    assert reasons_of(article) == [None, "newsletter", None, None]


def test_news_that_uses_boilerplate_words_is_kept():
    text = (
        "The company donated 5 million dollars to the campaign, filings show.\n\n"
        "Support for the measure fell to 40 percent in the latest poll.\n\n"
        "\u201cThank you for your support,\u201d the senator told volunteers by supporting staff.\n\n"
        "The spokesman said at the daily briefing that talks would resume.\n\n"
        "In a newsletter to constituents, the mayor defended the budget cuts.\n\n"
        "The band played songs by AC/DC.\n\n"
        "Donations to both parties rose sharply before the vote."
    )
    assert reasons_of(clean_articles([raw(text)])[0]) == [None] * 7


def test_title_repeated_as_first_paragraph_is_flagged():
    article = clean_articles([raw("Dam Opens\n\nThe new dam opened on Friday after years of work.", title="Dam Opens")])[0]
    assert reasons_of(article) == ["title", None]
    assert article.clean_text == "The new dam opened on Friday after years of work."


def test_repeated_paragraphs_in_batch_and_store():
    footer = "The Example Herald is owned by Example Media Group."
    bodies = [f"Story {w} describes an event in the city centre." for w in ("one", "two", "three")]
    batch = [raw(f"{b}\n\n{footer}", outlet="Herald") for b in bodies]
    cleaned = clean_articles(batch)
    assert [reasons_of(a) for a in cleaned] == [[None, "repeated"]] * 3
    # two articles are not enough on their own ...
    assert [reasons_of(a) for a in clean_articles(batch[:2])] == [[None, None]] * 2
    # ... but are with what the store has seen
    key = repeated_paragraph_keys(footer)
    assert [reasons_of(a) for a in clean_articles(batch[:2], repeated={"Herald": {key: 1}})] == [
        [None, "repeated"]
    ] * 2
    assert reasons_of(clean_articles(batch[:1], repeated={"Herald": {key}})[0]) == [None, "repeated"]
    # another outlet's repetition does not count, nor does the same article twice
    assert reasons_of(clean_articles(batch[:1], repeated={"Other": {key}})[0]) == [None, None]
    assert [reasons_of(a) for a in clean_articles([batch[0]] * 3)] == [[None, None]] * 3


def test_repeated_paragraph_keys_normalise():
    assert repeated_paragraph_keys("Owned by  Example\u200b News") == repeated_paragraph_keys("owned by example news")
    assert repeated_paragraph_keys("12 people died") != repeated_paragraph_keys("15 people died")
    assert repeated_paragraph_keys("a") != repeated_paragraph_keys("b")
    assert len(repeated_paragraph_keys("x")) == 32


def test_ids_and_hash():
    article = clean_articles([raw("Body text of the story goes here.", title="T")])[0]
    assert article.content_hash == content_hash("Test Outlet", "T", "Body text of the story goes here.")
    assert article.article_id == "a-" + article.content_hash[:16]
    with_id = clean_articles([raw("Body text.", article_id="given-7")])[0]
    assert with_id.article_id == "given-7"
    # the hash covers the full text, so other cleaning settings never change an id
    other = clean_articles([raw("Body text of the story goes here.", title="T")], settings=CleanSettings(prose_min_words=50))
    assert other[0].article_id == article.article_id


def test_split_paragraphs_wrapped_prose_and_line_lists():
    wrapped = (
        "The committee met on Tuesday to discuss the proposal, which would\n"
        "raise the minimum wage in three steps over the next two years and\n"
        "index it to inflation afterwards."
    )
    assert [t for t, _ in split_paragraphs(wrapped)] == [" ".join(wrapped.split("\n"))]
    lines = "Once\nMonthly\nAnnual"
    assert [t for t, _ in split_paragraphs(lines)] == ["Once", "Monthly", "Annual"]
    two = "A teaser sentence that is long enough to look like wrapped text.\n3 min read"
    assert len(split_paragraphs(two)) == 2


def test_normalisation_drops_invisible_characters():
    article = clean_articles([raw("Zero\u200bwidth and\u00a0spaces,\u200f cafe\u0301 test sentence here.")])[0]
    assert article.paragraphs[0].text == "Zerowidth and spaces, caf\u00e9 test sentence here."


def test_clean_is_deterministic_and_needs_an_outlet():
    batch = read_paths([INPUTS / "synthetic_page.txt"], outlet="V").articles
    assert clean_articles(batch) == clean_articles(batch)
    with pytest.raises(BadInput, match="no outlet"):
        clean_articles([RawArticle(source_path="x.txt", text="Body.")])


def test_settings_fields_are_documented():
    for name, field in CleanSettings.model_fields.items():
        assert field.description, name
