"""The text stage: sentences, entities, numbers and lemmas from the real spaCy pipeline."""

from biascmp.text import extract_numbers, segment_text


def test_numbers_are_normalised():
    assert extract_numbers("The measure got 93 votes in favour, 18 against and 65 abstentions.") == ["93", "18", "65"]
    assert extract_numbers("ninety-three for, eighteen against, sixty five abstaining") == ["93", "18", "65"]
    assert extract_numbers("1,200 people; 4.5% rate; 12 percent") == ["1200", "4.5%", "12%"]
    assert extract_numbers("no numbers here") == []


def test_segment_text_gives_ids_entities_and_lemmas():
    text = ("Kremlin spokesman Dmitry Peskov spoke on Tuesday. He welcomed the vote.\n\n"
            "The Security Council passed the text with 10 votes.")
    sents = segment_text(text, article_id="art")
    assert [s.sentence_id for s in sents] == ["art:0", "art:1", "art:2"]
    assert [s.paragraph for s in sents] == [0, 0, 1]
    assert any(e.text == "Dmitry Peskov" and e.label == "PERSON" for e in sents[0].entities)
    ent = sents[0].entities[0]
    assert sents[0].text[ent.start:ent.end] == ent.text
    assert sents[2].numbers == ["10"]
    assert "welcome" in sents[1].lemmas


def test_overlong_paragraph_is_cut_not_crashed():
    text = ("word " * 30_000).strip() + "."
    sents = segment_text(text, article_id="long")
    assert sents and all(s.text for s in sents)
    assert sum(len(s.text.split()) for s in sents) == 30_000


def _split(text):
    from biascmp.text import split_sentences

    return [text[a:b] for a, b in split_sentences(text)]


def test_sentence_rules_keep_abbreviations_initials_and_acronyms_inside():
    text = ("Sen. Laura Benning met Dr. Mark Ode of the U.S. Army at 3 p.m. on Monday. "
            "J. K. Rowling wrote it. Apple Inc. said sales rose 2.5 per cent.")
    assert _split(text) == [
        "Sen. Laura Benning met Dr. Mark Ode of the U.S. Army at 3 p.m. on Monday.",
        "J. K. Rowling wrote it.",
        "Apple Inc. said sales rose 2.5 per cent.",
    ]


def test_sentence_rules_keep_quotes_with_their_sentence():
    assert _split('He said: "We will win. We are strong." Then he left. «Stop,» she said.') == [
        'He said: "We will win.', 'We are strong."', "Then he left.", "«Stop,» she said.",
    ]
    # a question inside a quote followed by a lower-case attribution is one sentence
    assert _split('"Why?" she asked. It ended.') == ['"Why?" she asked.', "It ended."]


def test_sentence_rules_need_a_capital_or_digit_after_the_stop():
    assert _split("The vote was 93-8-73. 93 were in favour. it was close!  Yes.") == [
        "The vote was 93-8-73.", "93 were in favour. it was close!", "Yes.",
    ]
    assert _split("") == [] and _split("   ") == []
    assert _split("No full stop at the end") == ["No full stop at the end"]


def test_entities_are_cut_at_the_sentence_they_start_in():
    sents = segment_text("Officials met in New York. Then they left for Paris.", article_id="e")
    assert [e.text for e in sents[0].entities] == ["New York"]
    assert [e.text for e in sents[1].entities] == ["Paris"]
    assert sents[1].text[sents[1].entities[0].start:sents[1].entities[0].end] == "Paris"
