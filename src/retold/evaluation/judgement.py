"""Measure and fit the pair judge: grouped cross-validation, bootstrap intervals, baselines.

The judge's features are computed once per labelled pair (:func:`collect`);
everything after that is arithmetic on the feature table, so cross-validation,
the length-only baseline and the calibration fit all see the same pairs.
Needs ``retold[eval]`` (scikit-learn).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from retold.align import align
from retold.documents import Document
from retold.errors import require
from retold.evaluation.baselines import jaccard
from retold.evaluation.datasets import REWRITE, SAME_STORY, UNRELATED, LabelledPair
from retold.judge import FEATURES, features
from retold.pipeline import Pipeline, Represented

__all__ = [
    "Example",
    "Interval",
    "bootstrap",
    "collect",
    "cross_validate",
    "news_measures",
    "represent_once",
]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled pair reduced to what the judge and the baselines read."""

    features: dict[str, float]
    is_reuse: bool
    label: str
    group: str
    length_ratio: float  # shorter / longer, in characters: the confound of the news data
    jaccard: float  # word 5-gram Jaccard of the two texts: the near-duplicate baseline


def represent_once(pipeline: Pipeline) -> Callable[[Document], Represented]:
    """``pipeline.represent`` remembering each document by id (labelled data reuses documents)."""
    cache: dict[str, Represented] = {}

    def represented(document: Document) -> Represented:
        if document.id not in cache:
            cache[document.id] = pipeline.represent(document)
        return cache[document.id]

    return represented


def collect(pipeline: Pipeline, pairs: Iterable[LabelledPair]) -> list[Example]:
    """Align every pair once (each document embedded once) and keep its features."""
    represented = represent_once(pipeline)
    out = []
    for pair in pairs:
        a = represented(pair.a).representation
        b = represented(pair.b).representation
        out.append(
            Example(
                features=features(a, b, align(a, b, pipeline.config.align)),
                is_reuse=pair.is_reuse,
                label=pair.label,
                group=pair.group,
                length_ratio=min(pair.a.chars, pair.b.chars) / max(pair.a.chars, pair.b.chars),
                jaccard=jaccard(pair.a.text, pair.b.text),
            )
        )
    return out


def feature_matrix(examples: Sequence[Example]) -> FloatArray:
    return np.array([[e.features[name] for name in FEATURES] for e in examples], dtype=float)


def length_matrix(examples: Sequence[Example]) -> FloatArray:
    return np.array([[e.length_ratio] for e in examples], dtype=float)


def jaccard_matrix(examples: Sequence[Example]) -> FloatArray:
    return np.array([[e.jaccard] for e in examples], dtype=float)


def cross_validate(
    x: FloatArray, examples: Sequence[Example], *, folds: int = 5, train: Callable[[str], bool] | None = None
) -> FloatArray:
    """Out-of-fold reuse probabilities, folds grouped by family or source document.

    ``train`` limits which labels each fold is fitted on (all by default); every
    example still gets an out-of-fold probability.
    """
    linear_model = require("sklearn.linear_model", "eval", "Evaluation")
    model_selection = require("sklearn.model_selection", "eval", "Evaluation")
    y = np.array([e.is_reuse for e in examples], dtype=int)
    groups = [e.group for e in examples]
    usable = np.array([train(e.label) if train else True for e in examples])
    probabilities = np.zeros(len(examples))
    splitter = model_selection.GroupKFold(n_splits=min(folds, len(set(groups))))
    for fit_rows, test_rows in splitter.split(x, y, groups):
        fit_rows = fit_rows[usable[fit_rows]]
        model = linear_model.LogisticRegression(C=1.0, max_iter=1000).fit(x[fit_rows], y[fit_rows])
        probabilities[test_rows] = model.predict_proba(x[test_rows])[:, 1]
    return probabilities


@dataclass(frozen=True, slots=True)
class Interval:
    value: float
    low: float
    high: float

    def __str__(self) -> str:
        if np.isnan(self.value):
            return "-"
        return f"{self.value:.3f} [{self.low:.3f}, {self.high:.3f}]"

    def to_dict(self) -> dict[str, float]:
        return {"value": round(self.value, 4), "low": round(self.low, 4), "high": round(self.high, 4)}


def bootstrap(
    measure: Callable[[npt.NDArray[np.int64]], float],
    groups: Sequence[str],
    *,
    rounds: int = 1000,
    seed: int = 0,
) -> Interval:
    """95% percentile interval of ``measure(rows)`` over resampled groups (families).

    Pairs of one family are not independent, so whole families are resampled.
    A resample where the measure is undefined (NaN) is skipped.
    """
    names = sorted(set(groups))
    members: dict[str, list[int]] = {name: [] for name in names}
    for row, group in enumerate(groups):
        members[group].append(row)
    rng = np.random.default_rng(seed)
    everything = np.arange(len(groups))
    values = []
    for _ in range(rounds):
        chosen = rng.integers(0, len(names), len(names))
        rows = np.concatenate([members[names[k]] for k in chosen]).astype(np.int64)
        value = measure(rows)
        if not np.isnan(value):
            values.append(value)
    point = measure(everything)
    if not values:
        return Interval(point, float("nan"), float("nan"))
    low, high = np.percentile(values, [2.5, 97.5])
    return Interval(point, float(low), float(high))


def _auc(y: npt.NDArray[np.int64], p: FloatArray) -> float:
    metrics = require("sklearn.metrics", "eval", "Evaluation")
    if len(set(y.tolist())) < 2:
        return float("nan")
    return float(metrics.roc_auc_score(y, p))


def news_measures(
    examples: Sequence[Example], probabilities: FloatArray, threshold: float, *, rounds: int = 1000
) -> dict[str, Interval]:
    """Rewrite detection on news pairs at ``threshold``, with family-bootstrap intervals.

    Positives are rewrites; negatives are same-story and unrelated pairs.
    """
    labels = np.array([e.label for e in examples])
    news = np.isin(labels, [REWRITE, SAME_STORY, UNRELATED])
    rows_news = np.nonzero(news)[0]
    y = np.array([e.is_reuse for e in examples], dtype=int)
    called = probabilities >= threshold
    groups = [examples[int(k)].group for k in rows_news]

    def on(rows: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        return rows_news[rows]

    def precision(rows: npt.NDArray[np.int64]) -> float:
        r = on(rows)
        return float(y[r][called[r]].mean()) if called[r].any() else float("nan")

    def recall(rows: npt.NDArray[np.int64]) -> float:
        r = on(rows)
        positive = y[r] == 1
        return float(called[r][positive].mean()) if positive.any() else float("nan")

    def f1(rows: npt.NDArray[np.int64]) -> float:
        p, q = precision(rows), recall(rows)
        return 2 * p * q / (p + q) if p + q > 0 else 0.0

    def auc(rows: npt.NDArray[np.int64]) -> float:
        r = on(rows)
        keep = np.isin(labels[r], [REWRITE, SAME_STORY])
        return _auc(y[r][keep], probabilities[r][keep])

    def called_rate(label: str) -> Callable[[npt.NDArray[np.int64]], float]:
        def rate(rows: npt.NDArray[np.int64]) -> float:
            r = on(rows)
            chosen = labels[r] == label
            return float(called[r][chosen].mean()) if chosen.any() else float("nan")

        return rate

    measures = {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "auc_rewrite_vs_same_story": auc,
        "same_story_called_reuse": called_rate(SAME_STORY),
        "unrelated_called_reuse": called_rate(UNRELATED),
    }
    return {name: bootstrap(fn, groups, rounds=rounds) for name, fn in measures.items()}
