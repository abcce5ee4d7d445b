"""Figures: a retold sentence keeps its numbers; reports filed from one template differ in them."""

from __future__ import annotations

import numpy as np
import pytest

from retold.documents import Document
from retold.fingerprints import content_terms, figure_conflict, paired_figure_conflict
from retold.judge import REUSE_VERDICTS
from retold.pipeline import Pipeline


def _conflict(a: str, b: str) -> float:
    return float(figure_conflict([content_terms(a)], [content_terms(b)])[0, 0])


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Revenue was 14.7 mln dlrs against 11 mln", "Revenue of $14,700,000, up from $11,000,000"),
        ("The dividend is $0.40 a share, paid on 12 May", "a 40 cents dividend payable May 12"),
        ("It rose to 340,000 from 310,000", "It rose to 340,000"),  # a figure left out is no conflict
        ("No figure here at all", "Sales were 5 mln and 7 mln"),  # one side states none
    ],
)
def test_the_same_figures_in_other_words_do_not_conflict(a: str, b: str) -> None:
    assert _conflict(a, b) == 0.0


def test_figures_that_all_differ_conflict_fully() -> None:
    assert _conflict("Net 507,000 vs 762,000", "Net 1,364,000 vs 1,025,000") == 1.0


def test_one_differing_figure_is_weaker_evidence_than_several() -> None:
    one = _conflict("At least 10 people died in the fire", "At least 12 people died in the fire")
    assert 0.0 < one < _conflict("Claims rose to 41,200 from 39,850", "Claims rose to 43,900 from 42,050")


def test_a_rounded_figure_half_agrees() -> None:
    stated = "Claims totalled 2,359,000 and 512,000"
    rounded = _conflict(stated, "Claims totalled 2.4 million and 512,000")
    assert 0.0 < rounded < _conflict(stated, "Claims totalled 3.1 million and 608,000")


def test_figure_conflict_is_symmetric_and_shaped_by_both_sides() -> None:
    a = [content_terms(t) for t in ("Shr 40 cts vs 30 cts", "Year end", "Net 2.9 mln vs 1.1 mln")]
    b = [content_terms(t) for t in ("Shr 40 cts vs 30 cts", "Net 5.1 mln vs 4.4 mln")]
    ab = figure_conflict(a, b)
    assert ab.shape == (3, 2)
    np.testing.assert_allclose(ab, figure_conflict(b, a).T)
    assert ab[0, 0] == 0.0 and ab[2, 1] == 1.0 and not ab[1].any()
    assert figure_conflict([], [["5"]]).shape == (0, 1)


WEEK_ONE = (
    "Applications for jobless benefits in the region rose to 41,200 in the week ended May 3 from "
    "39,850 the week before, the labour ministry said on Thursday.\n\n"
    "The four-week moving average, which smooths out weekly swings, fell to 40,100 from 40,650.\n\n"
    "Continuing claims, a gauge of how many people remain on benefits, totalled 512,000 in the week "
    "ended April 26, down from 518,300 a week earlier.\n\n"
    "The ministry said 23 of the region's 31 districts reported higher claims."
)
WEEK_TWO = (
    "Applications for jobless benefits in the region fell to 38,700 in the week ended June 14 from "
    "42,950 the week before, the labour ministry said on Thursday.\n\n"
    "The four-week moving average, which smooths out weekly swings, rose to 41,300 from 40,900.\n\n"
    "Continuing claims, a gauge of how many people remain on benefits, totalled 497,000 in the week "
    "ended June 7, down from 503,600 a week earlier.\n\n"
    "The ministry said 9 of the region's 31 districts reported higher claims."
)
WEEK_ONE_RETOLD = (
    "The labour ministry reported on Thursday that 41,200 people in the region applied for jobless "
    "benefits in the week to May 3, up from 39,850 a week earlier.\n\n"
    "Smoothing out the weekly swings, the four-week average dropped to 40,100, down from 40,650.\n\n"
    "Some 512,000 people were still drawing benefits in the week to April 26, compared with 518,300 "
    "the previous week.\n\n"
    "Higher claims were reported in 23 of 31 districts, according to the ministry."
)


def test_two_reports_from_one_template_are_not_reuse(pipeline: Pipeline) -> None:
    comparison = pipeline.compare(Document("week-1", WEEK_ONE), Document("week-2", WEEK_TWO))
    assert comparison.verdict not in REUSE_VERDICTS, comparison.score


def test_a_rewrite_that_keeps_the_figures_is_still_reuse(pipeline: Pipeline) -> None:
    comparison = pipeline.compare(Document("week-1", WEEK_ONE), Document("retold", WEEK_ONE_RETOLD))
    assert comparison.verdict == "rewrite", comparison.score


def test_paired_conflict_matches_the_matrix_diagonal() -> None:
    texts_a = ["Net 507,000 vs 762,000", "No figures", "At least 10 died", "Revenue 14.7 mln"]
    texts_b = ["Net 1,364,000 vs 1,025,000", "Sales 5 mln", "At least 12 died", "Revenue $14,700,000"]
    a = [content_terms(t) for t in texts_a]
    b = [content_terms(t) for t in texts_b]
    np.testing.assert_allclose(paired_figure_conflict(a, b), np.diag(figure_conflict(a, b)))
