r"""Where a PAN detection ends: edge pieces its other side does not share are cut off.

A detection's bounds come from whole sentences (the aligner's) or from the
reach of shared words (the n-gram stretches), and merging takes the union of
two readings of one reuse; so a detection often carries a neighbouring
sentence or line that was not reused on one side or both. A case inserted
into a page starts where the page's own text stops, often mid-line or at a
line break the sentence segmenter joined across, and a source passage taken
from a page often ends at the end of one of its lines.

So each side of a detection is cut into pieces at line breaks and sentence
ends (:func:`pieces`), and the first and last few pieces are judged by a
fitted logistic model, the edge filter: how many of the piece's content terms
the other side of the detection holds (plain, weighted towards terms rare in
its own document, and as word 3-grams), against the share that is usual
inside this detection, and how long the piece is and where it lies. From each
end inwards, pieces the filter gives less than
``DetectionConfig.edge_probability`` are cut, up to ``edge_pieces`` of them;
a side keeps at least one piece. The filter is fitted on PAN13-train
(``benchmarks/pan_edges.py -o``) and shipped beside the passage filter;
without one, bounds are left as they are.

Examples:
    >>> text = "Page menu. Home\nThe river rose by two metres overnight. Roads were shut."
    >>> [text[s:e] for s, e in pieces(text, 0, len(text))]
    ['Page menu.', 'Home', 'The river rose by two metres overnight.', 'Roads were shut.']
"""

from __future__ import annotations

import math
import re
import statistics
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, replace

from retold.evaluation.pan_filter import EDGE_FEATURES, PassageFilter
from retold.evaluation.pan_measures import Feature
from retold.fingerprints import content_term_spans

__all__ = ["EDGE_FEATURES", "EdgePiece", "edge_pieces", "pieces", "trim_edges"]


_BOUNDARY = re.compile(r"\s*\n\s*|(?<=[.!?])\s+|(?<=[.!?][\"')\]])\s+")
_WORD = re.compile(r"\w+")


def pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``text[start:end]`` cut at line breaks and sentence ends, as ``[start, end)`` spans."""
    out = []
    k = start
    for match in _BOUNDARY.finditer(text, start, end):
        if match.start() > k:
            out.append((k, match.start()))
        k = match.end()
    if end > k:
        out.append((k, end))
    return out


@dataclass(frozen=True, slots=True)
class EdgePiece:
    """One piece near an end of one side of a detection, with the edge filter's inputs."""

    suspicious_side: bool
    at_start: bool
    index: int  # 0 for the outermost
    span: tuple[int, int]
    features: tuple[float, ...]


class _Document:
    """A text's content terms, their offsets and counts, computed once per pair."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.terms = content_term_spans(text)
        self.starts = [start for _, start, _ in self.terms]
        self.counts = Counter(term for term, _, _ in self.terms)

    def terms_in(self, start: int, end: int) -> list[str]:
        first, last = bisect_left(self.starts, start), bisect_left(self.starts, end)
        return [term for term, _, _ in self.terms[first:last]]

    def grams(self, start: int, end: int) -> set[tuple[str, ...]]:
        words = [w.lower() for w in _WORD.findall(self.text, start, end)]
        return {tuple(words[k : k + 3]) for k in range(len(words) - 2)}


def _side_pieces(
    own: _Document,
    other: _Document,
    span: tuple[int, int],
    other_span: tuple[int, int],
    suspicious: bool,
    most: int,
) -> tuple[list[tuple[int, int]], list[EdgePiece]]:
    """One side's pieces, and the first and last ``most`` of them with the filter's inputs."""
    inner = pieces(own.text, *span)
    if len(inner) < 2:
        return inner, []
    other_terms = set(other.terms_in(*other_span))
    other_grams = other.grams(*other_span)

    def shares(start: int, end: int) -> tuple[float, float, float, int]:
        terms = own.terms_in(start, end)
        held = [t in other_terms for t in terms]
        weights = [1.0 / math.log(1.0 + own.counts[t]) for t in terms]
        grams = own.grams(start, end)
        return (
            sum(held) / max(1, len(terms)),
            sum(w for w, h in zip(weights, held, strict=True) if h) / sum(weights) if terms else 0.0,
            len(grams & other_grams) / max(1, len(grams)),
            len(terms),
        )

    measured = [shares(*p) for p in inner]
    usual = statistics.median(m[0] for m in measured)
    out = []
    for at_start in (True, False):
        order = list(range(len(inner)) if at_start else range(len(inner) - 1, -1, -1))
        for index, k in enumerate(order[: min(most, len(inner) - 1)]):
            (start, end), (share, rare, gram, terms) = inner[k], measured[k]
            values = (
                share,
                rare,
                gram,
                math.log1p(end - start),
                math.log1p(terms),
                float(index),
                float(at_start),
                float(suspicious),
                math.log1p(len(inner)),
                usual,
                share - usual,
            )
            out.append(EdgePiece(suspicious, at_start, index, (start, end), values))
    return inner, out


def _spans(detection: Feature) -> tuple[tuple[int, int], tuple[int, int]]:
    return (
        (detection.this_offset, detection.this_offset + detection.this_length),
        (detection.source_offset, detection.source_offset + detection.source_length),
    )


def _of_whole_source(detection: Feature, source: str) -> bool:
    """A summary of the whole source (``pan_post`` step 5): its bounds are not the edge filter's to judge."""
    return detection.source_offset == 0 and detection.source_length == len(source)


def edge_pieces(detection: Feature, suspicious: str, source: str, most: int = 2) -> list[EdgePiece]:
    """The first and last ``most`` pieces of both sides of a detection (never all of a side's pieces).

    A detection of the whole source has none.
    """
    if _of_whole_source(detection, source):
        return []
    a, b = _Document(suspicious), _Document(source)
    a_span, b_span = _spans(detection)
    return (
        _side_pieces(a, b, a_span, b_span, True, most)[1] + _side_pieces(b, a, b_span, a_span, False, most)[1]
    )


def _trimmed(
    span: tuple[int, int],
    inner: list[tuple[int, int]],
    edge: list[EdgePiece],
    edge_filter: PassageFilter,
    least: float,
) -> tuple[int, int]:
    """One side's span without its leading and trailing pieces that the filter rejects."""
    cut = {True: 0, False: 0}
    for at_start in (True, False):
        for piece in (p for p in edge if p.at_start is at_start):  # outermost first
            if cut[True] + cut[False] >= len(inner) - 1:
                break
            if edge_filter.probability(list(piece.features)) >= least:
                break
            cut[at_start] += 1
    start = inner[cut[True]][0] if cut[True] else span[0]
    end = inner[len(inner) - 1 - cut[False]][1] if cut[False] else span[1]
    return start, end


def trim_edges(
    detections: list[Feature],
    suspicious: str,
    source: str,
    edge_filter: PassageFilter,
    least: float,
    most: int = 2,
) -> list[Feature]:
    """Cut from each end of each side up to ``most`` pieces that ``edge_filter`` gives less than ``least``.

    Cutting from an end stops at the first piece the filter keeps, and a side
    keeps at least one piece. A detection whose source side is the whole
    source (a summary, ``pan_post`` step 5) is left as it is.
    """
    if not detections:
        return []
    a, b = _Document(suspicious), _Document(source)
    out = []
    for detection in detections:
        if _of_whole_source(detection, source):
            out.append(detection)
            continue
        a_span, b_span = _spans(detection)
        a0, a1 = _trimmed(a_span, *_side_pieces(a, b, a_span, b_span, True, most), edge_filter, least)
        b0, b1 = _trimmed(b_span, *_side_pieces(b, a, b_span, a_span, False, most), edge_filter, least)
        out.append(
            replace(detection, this_offset=a0, this_length=a1 - a0, source_offset=b0, source_length=b1 - b0)
        )
    return out
