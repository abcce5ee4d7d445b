"""The rule-based readers of numbers, quotations and names."""

from __future__ import annotations

import pytest

from retold.differences.entities import capitalised_inside, entities, mentions, word_set
from retold.differences.quantities import quantities
from retold.differences.quotes import quotes, same_speaker, speaker


def keys(text: str) -> list[tuple[float, str]]:
    return [q.key for q in quantities(text)]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("a range of 2,000 kilometers", "a range of 2000 km"),
        ("a range of 2,000 kilometres", "a range of two thousand km"),
        ("a $2.5bn contract", "a contract worth 2.5 billion dollars"),
        ("up 40 per cent", "up 40%"),
        ("forty-two people", "42 people"),
        ("€3.5 million", "3.5 million euros"),
        ("about a quarter of them", "25% of them"),
        ("a lead of 6 1/2 games", "a 6.5-game lead"),
        ("a thousand particles", "1,000 particles"),
        ("a five-month-old campaign", "a campaign started five months ago"),
    ],
)
def test_equal_amounts_in_other_words_compare_equal(first: str, second: str) -> None:
    assert keys(first) == keys(second)
    assert len(keys(first)) == 1


def test_a_hyphenated_word_after_a_number_is_not_its_unit() -> None:
    assert keys("three second-period goals") == [(3.0, "")]


def test_different_amounts_and_units_differ() -> None:
    assert keys("2,000 km") != keys("1,500 km")
    assert keys("2,000 km") != keys("2,000 miles")


def test_quantity_offsets_cover_the_amount_only() -> None:
    text = "Officials said 31,000 vehicles a day cross it."
    (q,) = quantities(text)
    assert text[q.start : q.end] == "31,000"


def test_digits_inside_a_link_are_not_quantities() -> None:
    assert keys("Watch it here https://t.co/6QT8m5SHwn or at www.example.com/2019/report") == []


def test_one_as_a_pronoun_is_not_a_quantity() -> None:
    assert keys("one of the engineers said no one knew") == []


def test_quotes_in_curly_and_straight_marks() -> None:
    text = '“We will reopen it,” she said. He called it "a disgrace" on Friday.'
    assert [q.text for q in quotes(text)] == ["We will reopen it,", "a disgrace"]
    first = quotes(text)[0]
    assert text[first.start - 1 : first.end + 1] == "“We will reopen it,”"


def test_a_short_quoted_term_before_a_noun_is_a_label() -> None:
    found = quotes('The "Halo" concept replaced the "canopy" design, which he called "too heavy" and cut.')
    assert [(q.text, q.label) for q in found] == [("Halo", True), ("canopy", True), ("too heavy", False)]


def test_a_pronoun_names_no_speaker_and_two_forms_of_one_name_are_one_speaker() -> None:
    assert speaker("                , He added.") is None
    assert same_speaker("najib razak", "najib")
    assert not same_speaker("marta lindqvist", "jonas feld")


@pytest.mark.parametrize(
    ("context", "who"),
    [
        ("                    , said Marta Lindqvist, the regional transport director.", "marta lindqvist"),
        ("Transport director Marta Lindqvist said                 .", "marta lindqvist"),
        ("                  , according to Ellisford Council.", "ellisford council"),
        (
            "            , said Ellisford chief operating officer Marta Lindqvist.",
            "ellisford marta lindqvist",
        ),
        ("                   , he said.", None),
    ],
)
def test_speaker_is_the_named_person_next_to_a_reporting_verb(context: str, who: str | None) -> None:
    assert speaker(context) == who


def test_a_capitalised_word_opening_a_sentence_is_a_name_only_if_capitalised_elsewhere() -> None:
    sentences = [
        "Brackwater lies north of the river.",
        "Traffic from Brackwater was diverted.",
        "Traffic was heavy.",
    ]
    known = capitalised_inside(sentences)
    assert [e.text for e in entities(sentences[0], known)] == ["Brackwater"]
    assert [e.text for e in entities(sentences[2], known)] == []
    appositive = "Ukrenergo, the national power company, said the plant was reconnected."
    assert [e.text for e in entities(appositive, known)] == ["Ukrenergo"]


def test_a_name_is_mentioned_by_its_surname_but_not_by_its_particle_tail() -> None:
    (full,) = entities("It was led by Henrik Aas of Norway yesterday.", frozenset())
    (surname,) = entities("The crew of Aas finished first.", frozenset())
    (country,) = entities("The crew of Norway finished first.", frozenset())
    assert mentions(full, [surname], frozenset())
    assert not mentions(full, [country], frozenset())
    assert mentions(full, [], word_set("henrik aas spoke"))  # lower-cased in the other text still counts


def test_an_acronym_mentions_the_name_it_abbreviates() -> None:
    short = entities("Most adults in the U.S. were surveyed at UCSF last year.", frozenset())
    long = entities(
        "Most adults in the United States were surveyed at the University of California San Francisco.",
        frozenset(),
    )
    assert [e.text for e in short] == ["U.S.", "UCSF"]
    assert all(mentions(e, long, frozenset()) for e in short)
    assert all(mentions(e, short, frozenset()) for e in long)


def test_names_are_cut_at_possessives_and_at_lists_but_not_inside_a_name() -> None:
    sentence = "He worked with Jayson Jackson and White Horse Pictures’ Nigel Sinclair at News and Views."
    assert [e.text for e in entities(sentence, frozenset())] == [
        "Jayson Jackson",
        "White Horse Pictures",
        "Nigel Sinclair",
        "News and Views",
    ]
