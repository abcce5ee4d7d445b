from __future__ import annotations

import numpy as np

from retold.fingerprints import content_terms, term_similarity


def test_numbers_agree_across_separators_and_words_across_plurals() -> None:
    assert content_terms("2,000 missiles") == content_terms("2000 missile")


def test_stopwords_are_dropped() -> None:
    assert content_terms("the and of to was said") == []


def test_term_similarity_is_symmetric_and_bounded() -> None:
    a = [content_terms("Engineers closed the bridge on Tuesday"), content_terms("Ferries added trips")]
    b = [content_terms("The bridge was closed by engineers"), content_terms("Rain fell all day")]
    ab = term_similarity(a, b)
    ba = term_similarity(b, a)
    np.testing.assert_allclose(ab, ba.T, atol=1e-6)
    assert ab.min() >= 0 and ab.max() <= 1
    assert ab[0, 0] > ab[0, 1]


def test_term_similarity_of_empty_sides() -> None:
    assert term_similarity([], [["x"]]).shape == (0, 1)
