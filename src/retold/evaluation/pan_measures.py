"""The PAN text-alignment measures, from their published definitions.

Potthast, Stein, Barrón-Cedeño and Rosso, "An Evaluation Framework for
Plagiarism Detection" (COLING 2010), as used by the PAN 2012-2015 text
alignment tasks. A plagiarism case ``s`` and a detection ``r`` are each a set
of characters in a suspicious document and in a source document. ``r``
*detects* ``s`` when both name the same document pair and they share at least
one character in the suspicious document and at least one in the source.
With ``s ⊓ r`` the characters they share when ``r`` detects ``s`` (else none):

* macro precision = mean over detections r of |∪_s (s ⊓ r)| / |r|
* macro recall    = mean over cases s of |∪_r (s ⊓ r)| / |s|
* granularity     = mean over detected cases of the number of detections that detect it
* plagdet         = F1(precision, recall) / log2(1 + granularity)

Sizes count characters on both sides (suspicious plus source). Conventions
where the definitions are silent, chosen as the PAN evaluators behave: with
neither cases nor detections, precision and recall are 1; with only one of the
two, both are 0; granularity with no detected case is 1. Detections of zero
characters are ignored.

Everything here is pure: :mod:`retold.evaluation.pan` reads and writes the XML.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = ["Feature", "Scores", "case_detected", "overlaps", "score"]

Span = tuple[int, int]  # [start, end)


@dataclass(frozen=True, slots=True)
class Feature:
    """A plagiarism case or a detection: a span in a suspicious and in a source document."""

    suspicious: str
    this_offset: int
    this_length: int
    source: str
    source_offset: int
    source_length: int

    @property
    def this_span(self) -> Span:
        return (self.this_offset, self.this_offset + self.this_length)

    @property
    def source_span(self) -> Span:
        return (self.source_offset, self.source_offset + self.source_length)

    @property
    def size(self) -> int:
        return self.this_length + self.source_length


@dataclass(frozen=True, slots=True)
class Scores:
    precision: float
    recall: float
    granularity: float
    cases: int
    detections: int
    detected_cases: int

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    @property
    def plagdet(self) -> float:
        return self.f1 / math.log2(1 + self.granularity)

    @property
    def case_detection_rate(self) -> float:
        """Share of cases detected by at least one detection (1.0 when there is no case)."""
        return self.detected_cases / self.cases if self.cases else 1.0

    def to_dict(self) -> dict[str, float | int]:
        return {
            "plagdet": round(self.plagdet, 4),
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "granularity": round(self.granularity, 4),
            "cases": self.cases,
            "detections": self.detections,
            "case_detection_rate": round(self.case_detection_rate, 4),
        }


def _overlap(a: Span, b: Span) -> Span | None:
    start, end = max(a[0], b[0]), min(a[1], b[1])
    return (start, end) if start < end else None


def _union_size(spans: Iterable[Span]) -> int:
    total, reach = 0, -1
    for start, end in sorted(spans):
        if end <= reach:
            continue
        total += end - max(start, reach)
        reach = end
    return total


def overlaps(first: Feature, second: Feature) -> bool:
    """Whether the two lie in the same pair of documents and overlap on both sides."""
    return (
        first.suspicious == second.suspicious
        and first.source == second.source
        and _overlap(first.this_span, second.this_span) is not None
        and _overlap(first.source_span, second.source_span) is not None
    )


def case_detected(case: Feature, detection: Feature) -> bool:
    """Whether ``detection`` detects ``case`` in the sense of the PAN measures."""
    return overlaps(case, detection)


def _shared(first: Feature, others: Sequence[Feature]) -> int:
    """|∪_o (first ⊓ o)| over the others that overlap ``first`` on both sides."""
    this: list[Span] = []
    source: list[Span] = []
    for other in others:
        on_this = _overlap(first.this_span, other.this_span)
        on_source = _overlap(first.source_span, other.source_span)
        if on_this and on_source:
            this.append(on_this)
            source.append(on_source)
    return _union_size(this) + _union_size(source)


def score(cases: Sequence[Feature], detections: Sequence[Feature]) -> Scores:
    """PAN precision, recall and granularity of ``detections`` against ``cases``."""
    detections = [d for d in detections if d.size > 0]
    by_pair: dict[tuple[str, str], list[Feature]] = defaultdict(list)
    for detection in detections:
        by_pair[(detection.suspicious, detection.source)].append(detection)
    cases_by_pair: dict[tuple[str, str], list[Feature]] = defaultdict(list)
    for case in cases:
        cases_by_pair[(case.suspicious, case.source)].append(case)

    if not cases and not detections:
        return Scores(1.0, 1.0, 1.0, 0, 0, 0)
    if not cases or not detections:
        return Scores(0.0, 0.0, 1.0, len(cases), len(detections), 0)

    recall_sum = 0.0
    detected = 0
    detections_of_detected = 0
    for case in cases:
        candidates = by_pair.get((case.suspicious, case.source), [])
        hits = [d for d in candidates if case_detected(case, d)]
        if case.size:
            recall_sum += _shared(case, hits) / case.size
        if hits:
            detected += 1
            detections_of_detected += len(hits)
    precision_sum = 0.0
    for detection in detections:
        candidates = cases_by_pair.get((detection.suspicious, detection.source), [])
        hits = [c for c in candidates if case_detected(c, detection)]
        precision_sum += _shared(detection, hits) / detection.size
    granularity = detections_of_detected / detected if detected else 1.0
    return Scores(
        precision=precision_sum / len(detections),
        recall=recall_sum / len(cases),
        granularity=granularity,
        cases=len(cases),
        detections=len(detections),
        detected_cases=detected,
    )
