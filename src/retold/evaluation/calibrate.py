"""Fit the judge's logistic model and threshold for one encoder (needs ``retold[eval]``)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from retold.errors import require
from retold.judge import FEATURES, Calibration

__all__ = ["best_f1_threshold", "brier", "expected_calibration_error", "fit_calibration", "matrix"]


def matrix(rows: Sequence[dict[str, float]]) -> np.ndarray:
    return np.array([[row[name] for name in FEATURES] for row in rows], dtype=float)


def fit_calibration(
    rows: Sequence[dict[str, float]],
    labels: Sequence[bool],
    *,
    model: str,
    fitted_on: str,
    base: Calibration | None = None,
    threshold: float = 0.5,
) -> Calibration:
    """Fit an L2-regularised logistic regression, with the reuse ``threshold`` given.

    Logistic regression is calibrated by construction on its training
    distribution, so 0.5 is the natural threshold; :func:`best_f1_threshold`
    picks one from out-of-fold probabilities instead.
    """
    linear_model = require("sklearn.linear_model", "eval", "Calibration")
    x = matrix(rows)
    y = np.asarray(labels, dtype=int)
    if len(set(y)) < 2:
        raise ValueError("calibration needs both reuse and non-reuse pairs")
    fitted = linear_model.LogisticRegression(C=1.0, max_iter=1000).fit(x, y)
    template = base or Calibration(model=model, coefficients=(), intercept=0.0)
    return Calibration(
        model=model,
        coefficients=tuple(round(float(c), 6) for c in fitted.coef_[0]),
        intercept=round(float(fitted.intercept_[0]), 6),
        threshold=round(threshold, 4),
        related_cosine=template.related_cosine,
        near_duplicate_coverage=template.near_duplicate_coverage,
        near_duplicate_lexical=template.near_duplicate_lexical,
        rewrite_coverage=template.rewrite_coverage,
        rewrite_min_coverage=template.rewrite_min_coverage,
        fitted_on=fitted_on,
    )


def brier(probabilities: ArrayLike, labels: ArrayLike) -> float:
    p = np.asarray(probabilities, dtype=float)
    return float(np.mean((p - np.asarray(labels, dtype=float)) ** 2))


def expected_calibration_error(probabilities: ArrayLike, labels: ArrayLike, bins: int = 10) -> float:
    p = np.asarray(probabilities, dtype=float)
    y = np.asarray(labels, dtype=float)
    edges = np.linspace(0, 1, bins + 1)
    error = 0.0
    for lo, hi in itertools.pairwise(edges):
        inside = (p >= lo) & (p < hi) if hi < 1 else (p >= lo) & (p <= hi)
        if inside.any():
            error += inside.mean() * abs(p[inside].mean() - y[inside].mean())
    return float(error)


def best_f1_threshold(probabilities: ArrayLike, labels: ArrayLike) -> float:
    """The threshold with the best F1 on (out-of-fold) probabilities; ties go to the higher one."""
    p = np.asarray(probabilities, dtype=float)
    y = np.asarray(labels, dtype=bool)
    best, chosen = -1.0, 0.5
    for threshold in np.round(np.arange(0.05, 0.96, 0.01), 2):
        called = p >= threshold
        tp = float(np.sum(called & y))
        f1 = 2 * tp / (called.sum() + y.sum()) if called.sum() + y.sum() else 0.0
        if f1 >= best:
            best, chosen = f1, float(threshold)
    return chosen
