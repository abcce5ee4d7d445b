"""Which aligned passages are worth reporting as PAN detections: a fitted passage filter.

Web pages on one subject share topical sentences, so the aligner finds
passages between them that no one copied. A fixed rule (two links, mean
similarity 0.6) lets many through or, made stricter, loses obfuscated copies.
The filter is a logistic model over what a passage looks like: how strong and
how many its links are, how much wording they keep beside their meaning, the
weakest link, how far the passage reaches on each side and how densely it is
linked, and whether it is verbatim. It is fitted per encoder on PAN13-train
(``benchmarks/pan_passages.py -o``) and shipped as JSON beside the judge's
calibration; without one, the rule applies.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

from retold.align import Alignment, Passage
from retold.errors import CalibrationError
from retold.judge import check_model, read_fitted

__all__ = [
    "PASSAGE_FEATURES",
    "PassageFilter",
    "fit_passage_filter",
    "load_passage_filter",
    "passage_features",
]

PASSAGE_FEATURES = (
    "links",  # log(1 + links)
    "similarity",  # the passage's mean combined similarity
    "cosine",  # mean contextual cosine of its links
    "wording",  # mean content-term overlap of its links
    "weakest",  # the weakest link's similarity
    "extent_a",  # log(1 + characters) on the suspicious side
    "extent_b",  # ... and on the source side
    "ratio",  # log of the two extents' ratio (a summary is far from 0)
    "density",  # linked sentences / sentences spanned, on the sparser side
    "verbatim",  # the passage's kind
    "light_edit",
)


def passage_features(passage: Passage, alignment: Alignment) -> list[float]:
    """The filter's inputs for one passage of ``alignment`` (see ``PASSAGE_FEATURES``)."""
    links = passage.links
    a_rows = {link.a_index for link in links}
    b_rows = {link.b_index for link in links}
    len_a, len_b = passage.a[1] - passage.a[0], passage.b[1] - passage.b[0]
    return [
        math.log1p(len(links)),
        passage.similarity,
        float(np.mean([alignment.cosine[x.a_index, x.b_index] for x in links])),
        float(np.mean([alignment.lexical[x.a_index, x.b_index] for x in links])),
        min(link.similarity for link in links),
        math.log1p(len_a),
        math.log1p(len_b),
        math.log((1 + len_a) / (1 + len_b)),
        min(len(a_rows) / (max(a_rows) - min(a_rows) + 1), len(b_rows) / (max(b_rows) - min(b_rows) + 1)),
        float(passage.kind == "verbatim"),
        float(passage.kind == "light_edit"),
    ]


@dataclass(frozen=True, slots=True)
class PassageFilter:
    """A fitted passage filter for one encoder (weights on the raw features)."""

    model: str
    coefficients: tuple[float, ...]
    intercept: float
    fitted_on: str = ""

    def probability(self, values: list[float]) -> float:
        z = self.intercept + sum(w * v for w, v in zip(self.coefficients, values, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "features": list(PASSAGE_FEATURES),
            "coefficients": list(self.coefficients),
            "intercept": self.intercept,
            "fitted_on": self.fitted_on,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PassageFilter:
        try:
            if list(data["features"]) != list(PASSAGE_FEATURES):
                raise CalibrationError(
                    f"the PAN passage filter of '{data.get('model')}' uses other features than this "
                    "version of retold; refit it with benchmarks/pan_passages.py"
                )
            return cls(
                model=str(data["model"]),
                coefficients=tuple(float(c) for c in data["coefficients"]),
                intercept=float(data["intercept"]),
                fitted_on=str(data.get("fitted_on", "")),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise CalibrationError(f"malformed PAN passage filter: {exc}") from exc


def filter_file_name(model: str) -> str:
    return model.replace("/", "__") + ".pan-passages.json"


def load_passage_filter(model: str) -> PassageFilter | None:
    """The shipped passage filter of ``model``, or None when there is none (the rule applies).

    Raises:
        CalibrationError: the file exists but is unreadable, malformed or for another model.
    """
    path = resources.files("retold") / "calibrations" / filter_file_name(model)
    if not path.is_file():
        return None
    found = PassageFilter.from_dict(read_fitted(path, "PAN passage filter"))
    check_model(found.model, model, path, "PAN passage filter")
    return found


def fit_passage_filter(
    x: npt.NDArray[np.float64], y: npt.NDArray[np.int_], model: str, fitted_on: str
) -> PassageFilter:
    """Fit the filter: standardised logistic regression, weights folded back onto the raw features."""
    from sklearn.linear_model import LogisticRegression

    mean = x.mean(axis=0)
    scale = np.where(x.std(axis=0) > 0, x.std(axis=0), 1.0)
    fitted = LogisticRegression(max_iter=2000).fit((x - mean) / scale, y)
    weights = fitted.coef_[0] / scale
    intercept = float(fitted.intercept_[0] - np.sum(weights * mean))
    return PassageFilter(model, tuple(round(float(w), 6) for w in weights), round(intercept, 6), fitted_on)
