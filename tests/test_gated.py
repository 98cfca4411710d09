"""The substring gates in front of the cleaner's and the number rules' patterns never hide a
match: every string the pattern matches passes its gate."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from biascmp import text as text_stage
from biascmp.gated import GatedPattern
from biascmp.ingest import rules

GATED = {
    name: value
    for module in (rules, text_stage)
    for name, value in vars(module).items()
    if isinstance(value, GatedPattern)
}


def test_the_gated_patterns_are_found():
    assert {"_DONATION_RE", "_APPEAL_RE", "_NEWSLETTER_RE", "_NEWSLETTER_WORD_RE", "_COOKIE_RE", "_WORD_RE"} <= set(GATED)


@pytest.mark.parametrize("name", sorted(GATED))
def test_gate_admits_every_match(name):
    """Strings generated from the pattern itself (any case, with text around them) all
    pass the gate: a needle that some branch of the pattern lacks is caught here."""
    gated = GATED[name]

    @settings(max_examples=500, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(st.from_regex(gated.pattern))
    def check(text):
        assert gated.pattern.search(text)
        assert gated.search(text), text

    check()


@pytest.mark.parametrize(
    "name, text",
    [
        ("_DONATION_RE", "Not ready to give? That's fine."),
        ("_DONATION_RE", "Make a one-off donation to keep us going"),
        ("_DONATION_RE", "BECOME A PATRON"),
        ("_APPEAL_RE", "Every contribution, as little as $1, matters."),
        ("_NEWSLETTER_RE", "Get the morning briefing delivered to your inbox"),
        ("_NEWSLETTER_RE", "By signing up you agree to our terms"),
        ("_NEWSLETTER_WORD_RE", "E-mail alerts"),
        ("_COOKIE_RE", "Manage preferences"),
        ("_WORD_RE", "Thirteen people and ninety-nine sheep"),
        ("_WORD_RE", "FIFTY"),
    ],
)
def test_gate_admits_known_matches(name, text):
    assert GATED[name].pattern.search(text)
    assert GATED[name].search(text)


def test_gate_skips_texts_without_a_needle():
    assert not rules._NEWSLETTER_RE.admits("The ministry said the talks would resume on Monday.")
    assert list(text_stage._WORD_RE.finditer("Parliament voted on the bill.")) == []


def test_needles_must_be_case_folded_literals():
    with pytest.raises(ValueError):
        GatedPattern(re.compile("x"), ("Donate",))
    with pytest.raises(ValueError):
        GatedPattern(re.compile("x"), ())


def test_every_number_word_passes_its_gate():
    """Each single number word and each "tens-unit" compound, in any case (the generated
    matches above reach some alternatives only rarely)."""
    words = list(text_stage._NUMBER_WORDS) + [f"{t}-{u}" for t in text_stage._TENS for u in text_stage._UNITS]
    for word in words:
        for form in (word, word.upper(), word.title()):
            assert text_stage._WORD_RE.search(f"about {form} people"), form
