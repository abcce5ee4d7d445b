"""Differences between two versions of a story written for this test."""

from __future__ import annotations

from pathlib import Path

import pytest

from retold.comparison import Comparison
from retold.documents import Document
from retold.pipeline import Pipeline
from tests.conftest import SEEDS

ORIGINAL = (
    "Engineers closed the Halvorsen Bridge on Tuesday after inspectors found a crack in a steel beam. "
    "The crossing normally carries about 31,000 vehicles a day, and repairs will take at least six weeks. "
    "“We did not take this decision lightly,” said Marta Lindqvist, the regional transport director. "
    "A detour of 2,000 kilometers of minor roads was signposted overnight, officials said. "
    "Ferry operator Tessel Lines called the closure “a blow to every business on the river”. "
    "The repair contract, worth 4 million euros, went to a firm from Ellisford. "
    "Local traders warned that the closure would cost them customers during the busy season."
)
REWRITE = (
    "The Halvorsen Bridge was shut by engineers on Tuesday once inspectors discovered "
    "a cracked steel beam. "
    "Around 31,000 vehicles use it on a normal day, and the repair work is expected "
    "to last six weeks or more. "
    "Lindqvist said the authority had not taken the decision lightly. "
    "Officials put up signs overnight for a 1,500 km detour along minor roads. "
    "Tessel Lines, which runs the ferry, described the shutdown as "
    "“a disaster for every business on the river”, Henrik Aas said. "
    "A company from Ellisford won the 4 million euro repair contract. "
    "Engineer Sofia Brandt said the beam had probably been cracking for years."
)


@pytest.fixture(scope="module")
def result(pipeline: Pipeline) -> Comparison:
    return pipeline.compare(Document("a", ORIGINAL), Document("b", REWRITE))


def of(result: Comparison, kind: str) -> list[tuple[str | None, str | None]]:
    return [(d.a_text, d.b_text) for d in result.differences if d.type == kind]


def test_a_changed_distance_is_reported_and_equal_amounts_are_not(result: Comparison) -> None:
    assert ("2,000 kilometers", "1,500 km") in of(result, "number_changed")
    reported = " ".join(f"{a} {b}" for a, b in of(result, "number_changed") + of(result, "number_missing"))
    assert "31,000" not in reported and "4 million" not in reported


def test_a_quote_turned_into_indirect_speech(result: Comparison) -> None:
    assert any(a == "We did not take this decision lightly," for a, _ in of(result, "quote_to_indirect"))


def test_an_altered_quote_shows_both_wordings(result: Comparison) -> None:
    assert ("a blow to every business on the river", "a disaster for every business on the river") in of(
        result, "quote_altered"
    )


def test_names_on_one_side_only(result: Comparison) -> None:
    only_b = [b for a, b in of(result, "entity_missing") if a is None]
    assert "Sofia Brandt" in only_b
    named = " ".join(filter(None, (x for pair in of(result, "entity_missing") for x in pair)))
    assert "Lindqvist" not in named and "Ellisford" not in named and "Halvorsen Bridge" not in named


def test_difference_spans_point_at_their_text(result: Comparison) -> None:
    for d in result.differences:
        if d.a is not None:
            assert ORIGINAL[d.a[0] : d.a[1]] == d.a_text
        if d.b is not None:
            assert REWRITE[d.b[0] : d.b[1]] == d.b_text


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not present")
def test_seeds_differences(pipeline: Pipeline) -> None:
    first, second = sorted(p for p in SEEDS.glob("*.txt"))
    read = lambda p: p.read_text(encoding="utf-8")  # noqa: E731
    result = pipeline.compare(Document(first.name, read(first)), Document(second.name, read(second)))
    texts = {(d.type, d.a_text, d.b_text) for d in result.differences}
    assert ("quote_altered", "devastating to see", "appalling") in texts
    one_sided = {(d.a_text or d.b_text) for d in result.differences if d.type == "entity_missing"}
    assert "Oleg Zhdanov" in one_sided
    assert any("Prigozhin" in name for name in one_sided)
    assert not any("Zelensky" in name or "White House" in name for name in one_sided)
    assert Path(first).exists()


def test_a_quote_given_to_another_speaker(pipeline: Pipeline) -> None:
    a = (
        "Inspectors reopened the Halvorsen Bridge to cars on Friday after six weeks of repairs. "
        "“The bridge is safe for every vehicle that crossed it before,” said Marta Lindqvist. "
        "Lorries over 40 tonnes must still take the detour until the spring."
    )
    b = (
        "Cars were allowed back onto the Halvorsen Bridge on Friday following six weeks of repair work. "
        "“The bridge is safe for every vehicle that crossed it before,” said Jonas Feld. "
        "Until the spring, lorries heavier than 40 tonnes will still have to use the detour."
    )
    result = pipeline.compare(Document("a", a), Document("b", b))
    changed = [d for d in result.differences if d.type == "quote_speaker_changed"]
    assert len(changed) == 1
    assert "lindqvist" in changed[0].detail and "feld" in changed[0].detail
    assert not [d for d in result.differences if d.type == "quote_altered"]


def test_unit_less_numbers_change_only_when_they_count_the_same_thing(pipeline: Pipeline) -> None:
    a = (
        "Nine civilians were killed when the dam failed near Ostrava on Sunday night. "
        "It was the 17th flood in 19 years along the river, officials said. "
        "Rescue teams worked through the night to reach villages cut off by the water."
    )
    b = (
        "Eight civilians died after the dam near Ostrava gave way late on Sunday. "
        "Officials said the river has now flooded three times in a decade. "
        "Rescuers spent the whole night trying to reach villages isolated by the flood."
    )
    result = pipeline.compare(Document("a", a), Document("b", b))
    changed = {(d.a_text, d.b_text) for d in result.differences if d.type == "number_changed"}
    assert ("Nine civilians", "Eight civilians") in changed or ("Nine", "Eight") in changed
    assert not any("17th" in (x or "") or "19" in (x or "") for pair in changed for x in pair)


def test_a_changed_count_is_found_when_the_rewrite_puts_words_between_number_and_noun(
    pipeline: Pipeline,
) -> None:
    a = (
        "Northwind Air grounded six planes from its fleet after an engine cover came loose over Tromsø. "
        "The crew landed the aircraft safely and nobody on board was hurt, the airline said."
    )
    b = (
        "Five Northwind Air passenger planes were grounded after an engine cover fell off "
        "on approach to Tromsø. "
        "The airline said its crew brought the aircraft down safely and no one was injured."
    )
    result = pipeline.compare(Document("a", a), Document("b", b))
    changed = [(d.a_text, d.b_text) for d in result.differences if d.type == "number_changed"]
    assert changed == [("six", "Five")]


def test_a_quotation_whose_words_the_counterpart_lacks_is_dropped_not_made_indirect(
    pipeline: Pipeline,
) -> None:
    a = (
        "Ferries to Halsøy were cancelled on Monday after a storm damaged the pier. "
        "“Nobody will sail before the divers have checked every pile,” the harbour master said. "
        "The operator expects the service to resume on Thursday."
    )
    b = (
        "A storm damaged the pier on Halsøy, and Monday's ferries were cancelled. "
        "The harbour master said the crossing would stay closed for the time being. "
        "Service should start again on Thursday, the operator said."
    )
    result = pipeline.compare(Document("a", a), Document("b", b))
    kinds = {d.type for d in result.differences if d.type.startswith("quote")}
    assert kinds == {"quote_dropped"}


def test_a_quotation_quoted_in_part_is_not_altered(pipeline: Pipeline) -> None:
    a = (
        "The mayor opened the new library on Saturday morning. "
        "“We are proud to give the town a place to read, learn and meet, and we thank every volunteer "
        "who helped us finish it after two long years of work,” she said. "
        "The building cost four million euros and took two years to finish."
    )
    b = (
        "On Saturday morning the mayor opened the town's new library. "
        "She called it “a place to read, learn and meet” for everyone. "
        "It took two years to build at a cost of four million euros."
    )
    result = pipeline.compare(Document("a", a), Document("b", b))
    kinds = {d.type for d in result.differences}
    assert not kinds & {"quote_altered", "quote_to_indirect", "quote_from_indirect", "quote_added"}
