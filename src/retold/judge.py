"""Judge a pair: alignment structure → calibrated probability of reuse → verdict.

A rewrite follows its source sentence after sentence; independent coverage of
the same event shares topic and facts but not that structure. The features are
therefore about structure (coverage of each side, order of the links, share
of the shorter side explained, one-for-one best matches, strength of the links),
plus the names and figures both texts state (a rewrite carries its source's; a
text written from the headline invents its own) and the wording the links keep
(a rewrite rewords most of its source, never all of it), and deliberately not about
length: in the development data rewrites are shorter than independent texts, a
confound that says nothing about reuse.

The probability is a logistic model whose weights and threshold are fitted per
encoder (``retold calibrate``; the shipped ones are fitted the same way)
and stored as JSON beside this module.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from retold.align import Alignment, Representation, coverage
from retold.errors import CalibrationError
from retold.fingerprints import figure_keys

__all__ = [
    "FEATURES",
    "Calibration",
    "Judgement",
    "Verdict",
    "features",
    "judge",
    "load_calibration",
]

Verdict = Literal["near_duplicate", "rewrite", "partial_reuse", "related", "unrelated"]
REUSE_VERDICTS: tuple[Verdict, ...] = ("near_duplicate", "rewrite", "partial_reuse")

FEATURES = (
    "coverage_max",  # coverage of the better-covered side
    "coverage_min",
    "order",  # share of links on the longest in-order chain
    "linked_share",  # linked sentences of the shorter side / its sentences
    "link_similarity",  # mean similarity of links
    "largest_passage",  # share of the shorter side inside the largest passage
    "document_cosine",  # cosine of mean sentence embeddings (topic)
    "best_passage_links",  # log(1 + links of the largest passage): reuse inside long texts
    "mutual",  # share of the shorter side's sentences that are their best counterpart's best (one for one)
    "specifics",  # share of the names and figures of the side stating fewer that the other states too
    "link_wording",  # mean content-term overlap of the linked sentences
    "shared_phrasing",  # share of the word pairs of the side with fewer that the other has too
)


@dataclass(frozen=True, slots=True)
class Calibration:
    """A fitted judge for one encoder.

    Attributes:
        model: the encoder's name the calibration belongs to.
        coefficients: one weight per name in ``FEATURES``.
        intercept: the logistic model's bias.
        threshold: probability at or above which the verdict is reuse.
        related_cosine: below the threshold, ``related`` needs at least this document cosine.
        near_duplicate_coverage: both sides covered at least this much ...
        near_duplicate_lexical: ... by passages this close in wording (verbatim or light edit share).
        rewrite_coverage: a reuse verdict with this coverage of the shorter side (in characters) ...
        rewrite_min_coverage: ... and at least this much of the longer is a rewrite; otherwise
            it is partial reuse (a few shared sentences, or a passage inside a longer text,
            which covers little of that text).
        min_reuse_chars: linked sentences holding fewer characters than this (on the side
            with fewer) are too little to call reuse, however close: one stock sentence
            ("He has denied any wrongdoing.") is shared by texts that never met.
        fitted_on: what the calibration was fitted on, in words.
    """

    model: str
    coefficients: tuple[float, ...]
    intercept: float
    threshold: float = 0.5
    related_cosine: float = 0.45
    near_duplicate_coverage: float = 0.85
    near_duplicate_lexical: float = 0.8
    rewrite_coverage: float = 0.5
    rewrite_min_coverage: float = 0.25
    min_reuse_chars: int = 100
    fitted_on: str = ""

    def to_dict(self) -> dict[str, object]:
        return {
            "model": self.model,
            "features": list(FEATURES),
            "coefficients": list(self.coefficients),
            "intercept": self.intercept,
            "threshold": self.threshold,
            "related_cosine": self.related_cosine,
            "near_duplicate_coverage": self.near_duplicate_coverage,
            "near_duplicate_lexical": self.near_duplicate_lexical,
            "rewrite_coverage": self.rewrite_coverage,
            "rewrite_min_coverage": self.rewrite_min_coverage,
            "min_reuse_chars": self.min_reuse_chars,
            "fitted_on": self.fitted_on,
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Calibration:
        try:
            if list(data["features"]) != list(FEATURES):  # type: ignore[call-overload]
                raise CalibrationError(
                    f"the calibration of '{data.get('model')}' uses other features than this "
                    "version of retold; re-run retold calibrate"
                )
            return cls(
                model=str(data["model"]),
                coefficients=tuple(float(c) for c in data["coefficients"]),  # type: ignore[attr-defined]
                intercept=float(data["intercept"]),  # type: ignore[arg-type]
                threshold=float(data["threshold"]),  # type: ignore[arg-type]
                related_cosine=float(data["related_cosine"]),  # type: ignore[arg-type]
                near_duplicate_coverage=float(data["near_duplicate_coverage"]),  # type: ignore[arg-type]
                near_duplicate_lexical=float(data["near_duplicate_lexical"]),  # type: ignore[arg-type]
                rewrite_coverage=float(data["rewrite_coverage"]),  # type: ignore[arg-type]
                rewrite_min_coverage=float(data.get("rewrite_min_coverage", 0.25)),  # type: ignore[arg-type]
                min_reuse_chars=int(data.get("min_reuse_chars", 100)),  # type: ignore[call-overload]
                fitted_on=str(data.get("fitted_on", "")),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise CalibrationError(f"malformed calibration: {exc}") from exc


def calibration_file_name(model: str) -> str:
    return model.replace("/", "__") + ".json"


def load_calibration(model: str, directories: tuple[Path, ...] = ()) -> Calibration:
    """The calibration of ``model``: from the first of ``directories`` holding one, else the shipped one.

    Raises:
        CalibrationError: none found, or the file is unreadable or for another model.
    """
    name = calibration_file_name(model)
    candidates: list[Path | Traversable] = [d / name for d in directories]
    candidates.append(resources.files("retold") / "calibrations" / name)
    path = next((c for c in candidates if c.is_file()), None)
    if path is None:
        raise CalibrationError(f"no calibration for the model '{model}'; run retold calibrate")
    calibration = Calibration.from_dict(read_fitted(path, "calibration"))
    check_model(calibration.model, model, path, "calibration")
    return calibration


def read_fitted(path: Path | Traversable, what: str) -> dict[str, Any]:
    """The JSON object of a fitted model's file (``what`` names it in errors).

    Raises:
        CalibrationError: unreadable, not JSON, or not an object.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CalibrationError(f"cannot read the {what} {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise CalibrationError(f"malformed {what} {path}: not a JSON object")
    return data


def check_model(found: str, wanted: str, path: Path | Traversable, what: str) -> None:
    """Refuse a fitted file that belongs to another encoder."""
    if found != wanted:
        raise CalibrationError(f"{path} is the {what} of '{found}', not of '{wanted}'")


@dataclass(frozen=True, slots=True)
class Judgement:
    verdict: Verdict
    score: float
    coverage_a: float
    coverage_b: float
    features: dict[str, float]


def _longest_chain(pairs: list[tuple[int, int]]) -> int:
    """Length of the longest chain non-decreasing in both indices (patience sort on j)."""
    import bisect

    tails: list[int] = []
    for _, j in sorted(pairs):
        k = bisect.bisect_right(tails, j)
        if k == len(tails):
            tails.append(j)
        else:
            tails[k] = j
    return len(tails)


def _mutual(similarity: npt.NDArray[np.float32], rows_are_shorter: bool) -> float:
    """Share of the shorter side's sentences that are their best counterpart's best counterpart.

    A rewrite retells its source one sentence for one, so best matches are
    mutual. A text written independently about the same event is similar to
    the whole story at once: its sentences' best matches are topical, and the
    sentence they point to is usually closer to some other sentence.
    """
    if similarity.size == 0:
        return 0.0
    rows = similarity if rows_are_shorter else similarity.T
    forward = rows.argmax(axis=1)
    backward = rows.argmax(axis=0)
    return float(np.mean(backward[forward] == np.arange(len(forward))))


_SPECIFIC = re.compile(r"\b[^\W\d_][\w'’-]*|\d+(?:[.,]\d+)*", re.UNICODE)


def _specifics(rep: Representation) -> frozenset[str]:
    """The names and figures a text states: capitalised words not opening a sentence, and numbers.

    A rewrite carries its source's people, places and figures; a text written
    from the headline alone invents its own or stays general.
    """
    return _specifics_of(tuple(sentence.text for sentence in rep.sentences))


@functools.lru_cache(maxsize=4096)  # a document is judged against many candidates in a row
def _specifics_of(sentences: tuple[str, ...]) -> frozenset[str]:
    out: set[str] = set()
    for text in sentences:
        for k, match in enumerate(_SPECIFIC.finditer(text)):
            token = match.group()
            if token[0].isdigit():
                out.add(figure_keys(token.replace(",", "").rstrip("."))[0])
            elif k and token[0].isupper() and len(token) > 1:
                out.add(token.lower()[:6])
    return frozenset(out)


def _shared_specifics(a: Representation, b: Representation) -> float:
    first, second = _specifics(a), _specifics(b)
    fewer = min(len(first), len(second))
    return len(first & second) / fewer if fewer else 0.0


def _phrasing(rep: Representation) -> frozenset[tuple[str, str]]:
    return _phrasing_of(rep.terms)


@functools.lru_cache(maxsize=4096)
def _phrasing_of(terms: tuple[tuple[str, ...], ...]) -> frozenset[tuple[str, str]]:
    """Adjacent content-term pairs of every sentence: phrasing, where single terms are topic."""
    return frozenset(pair for sentence in terms for pair in itertools.pairwise(sentence))


def _shared_phrasing(a: Representation, b: Representation) -> float:
    """Share of the word pairs of the side with fewer that the other side has too.

    A rewrite keeps some of its source's phrases even when it rewords most of
    them; two texts written apart about one event share its words, rarely the
    way they are put together.
    """
    first, second = _phrasing(a), _phrasing(b)
    fewer = min(len(first), len(second))
    return len(first & second) / fewer if fewer else 0.0


def features(a: Representation, b: Representation, alignment: Alignment) -> dict[str, float]:
    """The judge's inputs for one aligned pair (see ``FEATURES``)."""
    links = alignment.links
    cov_a = coverage(a.sentences, [p.a for p in alignment.passages])
    cov_b = coverage(b.sentences, [p.b for p in alignment.passages])
    shorter, shorter_side = (a, "a") if len(a.sentences) <= len(b.sentences) else (b, "b")
    linked = {link.a_index if shorter_side == "a" else link.b_index for link in links}
    pairs = [(link.a_index, link.b_index) for link in links]
    largest = 0.0
    for passage in alignment.passages:
        span = passage.a if shorter_side == "a" else passage.b
        largest = max(largest, coverage(shorter.sentences, [span]))
    mutual = _mutual(alignment.similarity, shorter_side == "a")
    if len(a.sentences) and len(b.sentences):
        mean_a = a.embeddings.mean(axis=0)
        mean_b = b.embeddings.mean(axis=0)
        denom = float(np.linalg.norm(mean_a) * np.linalg.norm(mean_b))
        doc_cos = float(mean_a @ mean_b) / denom if denom > 0 else 0.0
    else:
        doc_cos = 0.0
    return {
        "coverage_max": max(cov_a, cov_b),
        "coverage_min": min(cov_a, cov_b),
        "order": _longest_chain(pairs) / len(pairs) if len(pairs) >= 2 else 0.0,
        "linked_share": len(linked) / len(shorter.sentences) if shorter.sentences else 0.0,
        "link_similarity": float(np.mean([link.similarity for link in links])) if links else 0.0,
        "largest_passage": largest,
        "document_cosine": doc_cos,
        "best_passage_links": math.log1p(max((len(p.links) for p in alignment.passages), default=0)),
        "mutual": mutual,
        "specifics": _shared_specifics(a, b),
        "link_wording": float(np.mean([alignment.lexical[x.a_index, x.b_index] for x in links] or [0.0])),
        "shared_phrasing": _shared_phrasing(a, b),
        "_coverage_a": cov_a,
        "_coverage_b": cov_b,
        "_linked_chars": min(
            _chars(a, {link.a_index for link in links}), _chars(b, {link.b_index for link in links})
        ),
    }


def _chars(rep: Representation, indices: Iterable[int]) -> int:
    return sum(rep.sentences[i].end - rep.sentences[i].start for i in indices)


def _body_chars(rep: Representation) -> int:
    return _chars(rep, range(len(rep.sentences)))


def probability(values: dict[str, float], calibration: Calibration) -> float:
    z = calibration.intercept + sum(
        w * values[name] for w, name in zip(calibration.coefficients, FEATURES, strict=True)
    )
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


def judge(a: Representation, b: Representation, alignment: Alignment, calibration: Calibration) -> Judgement:
    """Turn an alignment into a verdict and a calibrated score."""
    values = features(a, b, alignment)
    score = probability(values, calibration)
    evidence = values["_linked_chars"]
    if evidence < calibration.min_reuse_chars:
        # Too little linked text to tell reuse from a stock sentence: the score is
        # scaled down with the evidence, below the threshold, so verdict and score agree.
        score = min(score, calibration.threshold * evidence / calibration.min_reuse_chars)
    cov_a, cov_b = values["_coverage_a"], values["_coverage_b"]
    # A rewrite retells most of the shorter text; the longer may be condensed or padded.
    # (The longer side's passage may be widened over a whole summarised body, so its
    # coverage alone says little.)
    short_cov, long_cov = (cov_a, cov_b) if _body_chars(a) <= _body_chars(b) else (cov_b, cov_a)
    verdict: Verdict
    if score >= calibration.threshold:
        total = sum(p.a[1] - p.a[0] + p.b[1] - p.b[0] for p in alignment.passages)
        close = sum(
            p.a[1] - p.a[0] + p.b[1] - p.b[0]
            for p in alignment.passages
            if p.kind in ("verbatim", "light_edit")
        )
        lexical = close / total if total else 0.0
        if (
            min(cov_a, cov_b) >= calibration.near_duplicate_coverage
            and lexical >= calibration.near_duplicate_lexical
        ):
            verdict = "near_duplicate"
        elif short_cov >= calibration.rewrite_coverage and long_cov >= calibration.rewrite_min_coverage:
            verdict = "rewrite"
        else:
            verdict = "partial_reuse"
    elif values["document_cosine"] >= calibration.related_cosine:
        verdict = "related"
    else:
        verdict = "unrelated"
    public = {k: round(v, 4) for k, v in values.items() if not k.startswith("_")}
    return Judgement(verdict, score, cov_a, cov_b, public)
