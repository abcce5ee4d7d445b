from __future__ import annotations

import numpy as np
import pytest

from retold import fingerprints
from retold.fingerprints import content_terms, figure_conflict, term_similarity


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


def test_dense_and_sparse_term_matrices_give_the_same_similarities(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(3)
    words = [f"term{k}" for k in range(100)] + [str(n * 37) for n in range(1, 40)]
    a = [[str(w) for w in rng.choice(words, size=rng.integers(0, 9))] for _ in range(25)]
    b = [[str(w) for w in rng.choice(words, size=rng.integers(0, 9))] for _ in range(18)]
    dense = term_similarity(a, b), figure_conflict(a, b)
    monkeypatch.setattr(fingerprints, "_DENSE_CELLS", 0)  # every pair of sides now counts as long
    sparse = term_similarity(a, b), figure_conflict(a, b)
    for first, second in zip(dense, sparse, strict=True):
        np.testing.assert_allclose(first, second, atol=1e-6)
    assert dense[0].max() > 0 and dense[1].max() > 0
