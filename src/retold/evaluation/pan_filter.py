"""Which aligned passages and weak word n-gram stretches become PAN detections, and where they end.

Web pages on one subject share topical sentences, so the aligner finds
passages between them that no one copied. A fixed rule (two links, mean
similarity 0.6) lets many through or, made stricter, loses obfuscated copies.
The filter is a logistic model over what a passage looks like: how strong and
how many its links are, how much wording they keep beside their meaning, the
weakest link, how far the passage reaches on each side and how densely it is
linked, and whether it is verbatim. It is fitted per encoder on PAN13-train
(``benchmarks/pan_passages.py -o``) and shipped as JSON beside the judge's
calibration; without one, the rule applies.

The stretch filter judges the stretches of shared word 3-grams too weak to be
reported on their own (fewer seeds than ``PanConfig.copies.min_seeds``): a
heavily obfuscated copy keeps a few short runs of its words, and so does a
page on the same subject. It looks at how dense the seeds are, how long and
how alike in length the two sides are, how much of their content vocabulary
they share, and how strongly the aligner links the same stretch. It is fitted
in the same run (``-s``) and shipped beside the passage filter; without one,
weak stretches are not reported.

The edge filter judges the pieces (lines, sentences) at the ends of each
side of a finished detection: whether the other side holds their words
(:mod:`retold.evaluation.pan_edges`). It is fitted by
``benchmarks/pan_edges.py -o``; without one, bounds are left as they are.
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
from retold.evaluation.baselines import NgramStretch
from retold.fingerprints import content_term_spans
from retold.judge import check_model, read_fitted

__all__ = [
    "EDGE_FEATURES",
    "PASSAGE_FEATURES",
    "STRETCH_FEATURES",
    "PassageFilter",
    "fit_passage_filter",
    "load_edge_filter",
    "load_passage_filter",
    "load_stretch_filter",
    "passage_features",
    "stretch_features",
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

STRETCH_FEATURES = (
    "seeds",  # log(1 + shared n-grams), counted on the side with fewer places
    "density_a",  # seeds per word on the suspicious side
    "density_b",  # ... and on the source side
    "extent_a",  # log(1 + characters) on the suspicious side
    "extent_b",  # ... and on the source side
    "ratio",  # |log of the two extents' ratio|
    "jaccard",  # Jaccard of the two sides' sets of content terms
    "containment",  # shared content terms / content terms of the side with fewer
    "aligned",  # highest passage-filter probability of an aligned passage overlapping it on both sides
)


EDGE_FEATURES = (  # of one piece near an end of one side of a detection (retold.evaluation.pan_edges)
    "share",  # share of the piece's content terms that the other side of the detection holds
    "rare_share",  # ... each weighted by 1 / log(1 + its count in the piece's own document)
    "gram_share",  # share of the piece's word 3-grams that the other side holds
    "chars",  # log(1 + characters)
    "terms",  # log(1 + content terms)
    "index",  # 0 for the outermost piece, 1 for the next
    "at_start",  # 1 at the detection's start, 0 at its end
    "suspicious",  # 1 on the suspicious side, 0 on the source side
    "pieces",  # log(1 + pieces of this side of the detection)
    "usual",  # median share of this side's pieces
    "excess",  # share - usual
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


def stretch_features(
    stretch: NgramStretch, suspicious: str, source: str, aligned: float = 0.0
) -> list[float]:
    """The stretch filter's inputs for one n-gram stretch of the two texts (see ``STRETCH_FEATURES``).

    ``aligned`` is the highest passage-filter probability among the pair's
    aligned passages that overlap the stretch on both sides (0 for none).
    """
    (a0, a1), (b0, b1) = stretch.a, stretch.b
    terms_a = {t for t, _, _ in content_term_spans(suspicious, a0, a1)}
    terms_b = {t for t, _, _ in content_term_spans(source, b0, b1)}
    shared = len(terms_a & terms_b)
    words_a = len(suspicious[a0:a1].split())
    words_b = len(source[b0:b1].split())
    return [
        math.log1p(stretch.seeds),
        stretch.seeds / max(1, words_a),
        stretch.seeds / max(1, words_b),
        math.log1p(a1 - a0),
        math.log1p(b1 - b0),
        abs(math.log((1 + a1 - a0) / (1 + b1 - b0))),
        shared / max(1, len(terms_a | terms_b)),
        shared / max(1, min(len(terms_a), len(terms_b))),
        aligned,
    ]


@dataclass(frozen=True, slots=True)
class PassageFilter:
    """A fitted filter for one encoder (weights on the raw ``features``): of passages or of stretches."""

    model: str
    coefficients: tuple[float, ...]
    intercept: float
    fitted_on: str = ""
    features: tuple[str, ...] = PASSAGE_FEATURES

    def probability(self, values: list[float]) -> float:
        z = self.intercept + sum(w * v for w, v in zip(self.coefficients, values, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "features": list(self.features),
            "coefficients": list(self.coefficients),
            "intercept": self.intercept,
            "fitted_on": self.fitted_on,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], features: tuple[str, ...] = PASSAGE_FEATURES) -> PassageFilter:
        kind, script = _KINDS.get(features, ("passage", "pan_passages.py"))
        try:
            if list(data["features"]) != list(features):
                raise CalibrationError(
                    f"the PAN {kind} filter of '{data.get('model')}' uses other features than this "
                    f"version of retold; refit it with benchmarks/{script}"
                )
            coefficients = tuple(float(c) for c in data["coefficients"])
            if len(coefficients) != len(features):
                raise ValueError(f"{len(coefficients)} coefficients for {len(features)} features")
            return cls(
                model=str(data["model"]),
                coefficients=coefficients,
                intercept=float(data["intercept"]),
                fitted_on=str(data.get("fitted_on", "")),
                features=features,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise CalibrationError(f"malformed PAN {kind} filter: {exc}") from exc


_KINDS = {  # each filter's features: its name in messages, and the benchmark script that fits it
    PASSAGE_FEATURES: ("passage", "pan_passages.py"),
    STRETCH_FEATURES: ("stretch", "pan_passages.py"),
    EDGE_FEATURES: ("edge", "pan_edges.py"),
}


def filter_file_name(model: str, kind: str = "passages") -> str:
    return model.replace("/", "__") + f".pan-{kind}.json"


def _load(model: str, kind: str, features: tuple[str, ...]) -> PassageFilter | None:
    path = resources.files("retold") / "calibrations" / filter_file_name(model, kind)
    if not path.is_file():
        return None
    label = f"PAN {_KINDS[features][0]} filter"
    found = PassageFilter.from_dict(read_fitted(path, label), features)
    check_model(found.model, model, path, label)
    return found


def load_passage_filter(model: str) -> PassageFilter | None:
    """The shipped passage filter of ``model``, or None when there is none (the rule applies).

    Raises:
        CalibrationError: the file exists but is unreadable, malformed or for another model.
    """
    return _load(model, "passages", PASSAGE_FEATURES)


def load_stretch_filter(model: str) -> PassageFilter | None:
    """The shipped stretch filter of ``model``, or None when there is none (weak stretches are not reported).

    Raises:
        CalibrationError: the file exists but is unreadable, malformed or for another model.
    """
    return _load(model, "stretches", STRETCH_FEATURES)


def load_edge_filter(model: str) -> PassageFilter | None:
    """The shipped edge filter of ``model`` (:mod:`retold.evaluation.pan_edges`), or None (bounds stay).

    Raises:
        CalibrationError: the file exists but is unreadable, malformed or for another model.
    """
    return _load(model, "edges", EDGE_FEATURES)


def fit_passage_filter(
    x: npt.NDArray[np.float64],
    y: npt.NDArray[np.int_],
    model: str,
    fitted_on: str,
    features: tuple[str, ...] = PASSAGE_FEATURES,
) -> PassageFilter:
    """Fit the filter: standardised logistic regression, weights folded back onto the raw features."""
    from sklearn.linear_model import LogisticRegression

    mean = x.mean(axis=0)
    scale = np.where(x.std(axis=0) > 0, x.std(axis=0), 1.0)
    fitted = LogisticRegression(max_iter=2000).fit((x - mean) / scale, y)
    weights = fitted.coef_[0] / scale
    intercept = float(fitted.intercept_[0] - np.sum(weights * mean))
    return PassageFilter(
        model, tuple(round(float(w), 6) for w in weights), round(intercept, 6), fitted_on, features
    )
