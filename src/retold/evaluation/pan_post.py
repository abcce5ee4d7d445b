"""From aligned passages to PAN detections: character bounds and one detection per reused region.

The aligner works in whole sentences, and PAN measures characters, per
detection. Seven steps turn a pair's reported passages into its detections:

1. Exact bounds. A passage whose words lie largely in runs shared with the
   other side (a copy, edited or not) is re-bounded to its first and last
   shared run, looked for up to ``margin`` characters beyond its ends: a copy
   starts and ends where its words do, not where the segmenter's sentences do
   (a copied stretch glued into the middle of a line, a short line the
   segmenter left out of the body).
2. Source trimming. A passage whose source side is much wider than its
   suspicious side, while one stretch of the source about as long as the
   suspicious side holds nearly all the content terms the two share, is cut
   to that stretch: one suspicious sentence linked to source sentences far
   apart, or shared words that recur down the source, widen a passage past
   its origin.
3. Merging. Detections close together on both sides are one reuse: a heavily
   reworked stretch is often found in pieces. Merged detections are trimmed
   again.
4. Overlaps. A detection lying mostly inside a longer one on the suspicious
   side is dropped: a source that repeats itself offers two origins for one
   stretch, and only one is where it came from.
5. Summaries. Detections close together on the suspicious side, wherever they
   lie in the source, whose source sides together span several times their
   suspicious side and a good part of the source, and are longer than their
   suspicious sides, are one summary of the whole source: a summary condenses
   sentences drawn from all over its source. Passages too weak to be reported
   (``support``) may complete such a group when they lie beside its pieces on
   the suspicious side, not over them: a summary's other sentences, linked
   less surely, each to its own part of the source. They are reported only as
   part of a summary.
6. Edges. With an edge filter, the lines and sentences at the ends of each
   side that the other side does not share are cut off
   (:mod:`retold.evaluation.pan_edges`): a neighbouring sentence taken in by
   the aligner, or by merging two readings of one reuse.
7. Size. A detection shorter than ``min_chars`` on either side is dropped: a
   shared heading or a stock sentence is not reuse of a passage.

Examples:
    >>> from retold.evaluation.pan_measures import Feature
    >>> said = "the minister said on Monday{} the budget will rise by four percent next year"
    >>> susp = "Markets were calm. As " + said.format(",") + ", and unions object."
    >>> src = "In other news. T" + said.format("")[1:] + ". More later."
    >>> rough = Feature("s", 0, len(susp), "r", 0, len(src))
    >>> [found] = post_process([rough], susp, src, DetectionConfig(min_chars=10))
    >>> susp[found.this_offset : found.this_offset + found.this_length]
    'the minister said on Monday, the budget will rise by four percent next year'
    >>> src[found.source_offset : found.source_offset + found.source_length]
    'The minister said on Monday the budget will rise by four percent next year'
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from difflib import Match, SequenceMatcher

from retold.evaluation.pan_edges import trim_edges
from retold.evaluation.pan_filter import PassageFilter
from retold.evaluation.pan_measures import Feature
from retold.fingerprints import content_term_spans

__all__ = ["DetectionConfig", "exact_bounds", "post_process", "trim_source"]

_WORD = re.compile(r"\w+")
_MAX_WORDS = 6000  # longer regions keep their sentence bounds (the matcher is quadratic at worst)


@dataclass(frozen=True, slots=True)
class DetectionConfig:
    """How passages become PAN detections (chosen on PAN13-train; docs/experiments.md).

    Attributes:
        margin: characters beyond a passage's ends searched for its shared runs.
        run_words: the least words of a shared run.
        run_gap: runs at most this many words apart on both sides belong to one stretch.
        copied_share: a passage is re-bounded when shared runs hold at least this
            share of its words on both sides ...
        long_run_share: ... or at least this share, in runs of ``long_run_words``
            words on average (a copy the aligner widened over paraphrased neighbours).
        long_run_words: see ``long_run_share``.
        trim_ratio: a detection whose source side is at least this many times its
            suspicious side is trimmed ...
        trim_window: ... to the stretch of the source at most this many times its
            suspicious side long, or ``trim_slack`` characters longer if that is more, ...
        trim_slack: see ``trim_window``.
        trim_cover: ... that holds at least this share of the distinct content terms
            the two sides share; 0 turns trimming off.
        trim_terms: detections sharing fewer distinct content terms are not trimmed.
        merge_gap: detections at most this many characters apart on the suspicious side ...
        merge_source_gap: ... and on the source side are merged.
        overlap: a detection sharing more than this share of its suspicious side with a
            longer detection is dropped.
        summary_ratio: detections at most ``merge_gap`` characters apart on the suspicious
            side whose source sides together span at least this many times their
            suspicious side ...
        summary_cover: ... and at least this share of the source text ...
        summary_compression: ... and whose own source sides are in all at least this
            many times their suspicious sides (pieces copied about word for word, each
            as long as its origin, are neighbouring reuses, not a summary) become one
            detection of the whole source; ``summary_cover`` 0 turns it off.
        edge_probability: with an edge filter, an end piece it gives less than this is
            cut (step 6); 0 turns it off ...
        edge_pieces: ... up to this many pieces from each end of each side.
        min_chars: detections shorter than this on either side are dropped.
    """

    margin: int = 300
    run_words: int = 3
    run_gap: int = 20
    copied_share: float = 0.5
    long_run_share: float = 0.2
    long_run_words: float = 15.0
    trim_ratio: float = 1.5
    trim_window: float = 1.3
    trim_slack: int = 200
    trim_cover: float = 0.9
    trim_terms: int = 5
    merge_gap: int = 300
    merge_source_gap: int = 1500
    overlap: float = 0.5
    summary_ratio: float = 2.5
    summary_cover: float = 0.1
    summary_compression: float = 1.2
    edge_probability: float = 0.6
    edge_pieces: int = 2
    min_chars: int = 150


def _words(text: str, start: int, end: int) -> tuple[list[str], list[tuple[int, int]]]:
    found = list(_WORD.finditer(text, start, end))
    return [m.group().lower() for m in found], [(m.start(), m.end()) for m in found]


def _stretches(runs: list[Match], gap: int) -> list[list[Match]]:
    """Runs grouped into stretches: consecutive runs at most ``gap`` words apart on both sides."""
    out = [[runs[0]]]
    for run in runs[1:]:
        last = out[-1][-1]
        if run.a - (last.a + last.size) <= gap and run.b - (last.b + last.size) <= gap:
            out[-1].append(run)
        else:
            out.append([run])
    return out


def exact_bounds(detection: Feature, suspicious: str, source: str, cfg: DetectionConfig) -> Feature:
    """Re-bound a largely copied detection to the shared runs of words (step 1); others unchanged."""
    a_start, a_end = detection.this_offset, detection.this_offset + detection.this_length
    b_start, b_end = detection.source_offset, detection.source_offset + detection.source_length
    a_words, a_at = _words(suspicious, max(0, a_start - cfg.margin), min(len(suspicious), a_end + cfg.margin))
    b_words, b_at = _words(source, max(0, b_start - cfg.margin), min(len(source), b_end + cfg.margin))
    if not a_words or not b_words or max(len(a_words), len(b_words)) > _MAX_WORDS:
        return detection
    matcher = SequenceMatcher(None, a_words, b_words, autojunk=False)
    runs = [m for m in matcher.get_matching_blocks() if m.size >= cfg.run_words]
    if not runs:
        return detection
    inside_a = [k for k, (s, e) in enumerate(a_at) if s >= a_start and e <= a_end]
    inside_b = [k for k, (s, e) in enumerate(b_at) if s >= b_start and e <= b_end]
    shared_a = {m.a + k for m in runs for k in range(m.size)}
    shared_b = {m.b + k for m in runs for k in range(m.size)}
    share = min(
        len(shared_a.intersection(inside_a)) / max(1, len(inside_a)),
        len(shared_b.intersection(inside_b)) / max(1, len(inside_b)),
    )
    mean_run = sum(m.size for m in runs) / len(runs)
    if share < cfg.copied_share and not (share >= cfg.long_run_share and mean_run >= cfg.long_run_words):
        return detection
    stretches = _stretches(runs, cfg.run_gap)
    largest = max(sum(m.size for m in s) for s in stretches)
    kept = [s for s in stretches if sum(m.size for m in s) >= largest / 4]
    first, last = kept[0][0], kept[-1][-1]
    a0, a1 = a_at[first.a][0], a_at[last.a + last.size - 1][1]
    b0, b1 = b_at[first.b][0], b_at[last.b + last.size - 1][1]
    return replace(detection, this_offset=a0, this_length=a1 - a0, source_offset=b0, source_length=b1 - b0)


def trim_source(detection: Feature, suspicious: str, source: str, cfg: DetectionConfig) -> Feature:
    """Cut a source side much wider than the suspicious side to where the shared terms gather (step 2).

    The stretch is the window of the source, at most ``trim_window`` times the
    suspicious side (or ``trim_slack`` characters more), holding the most
    distinct content terms of the suspicious side; the detection is cut to its
    first and last such term when it holds ``trim_cover`` of all those the
    source side has, and is returned unchanged otherwise (a summary's terms
    are spread over its source).

    Examples:
        >>> suspicious = "Floods closed the harbour road and the ferry to Lindholm for two days."
        >>> filler = "Tourism rose again this summer, the council reported. " * 8
        >>> origin = "The ferry to Lindholm and the harbour road were closed by floods for two days."
        >>> source = filler + origin + " " + filler
        >>> wide = Feature("s", 0, len(suspicious), "r", 0, len(source))
        >>> cut = trim_source(wide, suspicious, source, DetectionConfig())
        >>> source[cut.source_offset : cut.source_offset + cut.source_length] == origin[4:-1]
        True
    """
    if cfg.trim_cover <= 0 or detection.source_length < cfg.trim_ratio * detection.this_length:
        return detection
    a_start, a_end = detection.this_offset, detection.this_offset + detection.this_length
    b_start, b_end = detection.source_offset, detection.source_offset + detection.source_length
    wanted = {term for term, _, _ in content_term_spans(suspicious, a_start, a_end)}
    found = [t for t in content_term_spans(source, b_start, b_end) if t[0] in wanted]
    shared = len({term for term, _, _ in found})
    if shared < max(1, cfg.trim_terms):
        return detection
    longest = max(cfg.trim_window * detection.this_length, detection.this_length + cfg.trim_slack)
    if longest >= detection.source_length:
        return detection
    inside: Counter[str] = Counter()
    best, best_first, best_last, last = 0, 0, 0, 0
    for first, (term, start, _) in enumerate(found):
        while last < len(found) and found[last][2] - start <= longest:
            inside[found[last][0]] += 1
            last += 1
        if len(inside) > best:
            best, best_first, best_last = len(inside), first, last - 1
        inside[term] -= 1
        if not inside[term]:
            del inside[term]
    if best < cfg.trim_cover * shared:
        return detection
    b0, b1 = found[best_first][1], found[best_last][2]
    return replace(detection, source_offset=b0, source_length=b1 - b0)


def _summaries(
    detections: list[Feature], source_length: int, cfg: DetectionConfig, support: Sequence[Feature] = ()
) -> list[Feature]:
    """Step 5: a group of detections close on the suspicious side, spread over the source, is a summary.

    A group that takes in ``support`` pieces is a summary only when no two of its
    members overlap on the suspicious side; a group of support alone is dropped.
    """
    groups: list[list[tuple[Feature, bool]]] = []
    ends: list[int] = []  # each group's end on the suspicious side
    members = [(d, True) for d in detections] + [(d, False) for d in support]
    for d, is_reported in sorted(members, key=lambda m: (m[0].this_offset, not m[1])):
        if groups and d.this_offset - ends[-1] <= cfg.merge_gap:
            groups[-1].append((d, is_reported))
            ends[-1] = max(ends[-1], d.this_offset + d.this_length)
        else:
            groups.append([(d, is_reported)])
            ends.append(d.this_offset + d.this_length)
    out: list[Feature] = []
    for group, a1 in zip(groups, ends, strict=True):
        reported = [d for d, r in group if r]
        if not reported:
            continue
        if len(reported) < len(group):  # as if the support were not there, unless it makes a summary
            pieces = [d for d, _ in group]
            if _is_summary(pieces, a1, source_length, cfg, side_by_side=True):
                out.append(_whole_source(pieces[0], a1, source_length))
            else:
                out += _summaries(reported, source_length, cfg)
        elif _is_summary(reported, a1, source_length, cfg):
            out.append(_whole_source(reported[0], a1, source_length))
        else:
            out += reported
    return out


def _is_summary(
    group: list[Feature], a1: int, source_length: int, cfg: DetectionConfig, side_by_side: bool = False
) -> bool:
    """Whether a group (by suspicious offset, ending at ``a1``) condenses text from all over the source."""
    if side_by_side and not _apart(group):
        return False
    a0 = group[0].this_offset
    spread = max(d.source_offset + d.source_length for d in group) - min(d.source_offset for d in group)
    compression = sum(d.source_length for d in group) / max(1, sum(d.this_length for d in group))
    return (
        spread >= cfg.summary_ratio * (a1 - a0)
        and spread >= cfg.summary_cover * source_length
        and compression >= cfg.summary_compression
    )


def _apart(group: list[Feature]) -> bool:
    """Whether no two of the group (by suspicious offset) overlap on the suspicious side."""
    return all(x.this_offset + x.this_length <= y.this_offset for x, y in itertools.pairwise(group))


def _whole_source(first: Feature, a1: int, source_length: int) -> Feature:
    return replace(first, this_length=a1 - first.this_offset, source_offset=0, source_length=source_length)


def _gap(start: int, length: int, other_start: int, other_length: int) -> int:
    """Characters between two spans (negative: they overlap by that many)."""
    return max(start, other_start) - min(start + length, other_start + other_length)


def _merge(detections: list[Feature], cfg: DetectionConfig) -> list[Feature]:
    out: list[Feature] = []
    for d in sorted(detections, key=lambda f: f.this_offset):
        if out:
            p = out[-1]
            if (
                _gap(p.this_offset, p.this_length, d.this_offset, d.this_length) <= cfg.merge_gap
                and _gap(p.source_offset, p.source_length, d.source_offset, d.source_length)
                <= cfg.merge_source_gap
            ):
                a0, a1 = p.this_offset, max(p.this_offset + p.this_length, d.this_offset + d.this_length)
                b0 = min(p.source_offset, d.source_offset)
                b1 = max(p.source_offset + p.source_length, d.source_offset + d.source_length)
                out[-1] = replace(p, this_length=a1 - a0, source_offset=b0, source_length=b1 - b0)
                continue
        out.append(d)
    return out


def _drop_overlaps(detections: list[Feature], cfg: DetectionConfig) -> list[Feature]:
    kept: list[Feature] = []
    for d in sorted(detections, key=lambda f: (-(f.this_length + f.source_length), f.this_offset)):
        shared = (-_gap(k.this_offset, k.this_length, d.this_offset, d.this_length) for k in kept)
        inside = max(shared, default=0)
        if inside <= cfg.overlap * d.this_length:
            kept.append(d)
    return sorted(kept, key=lambda f: f.this_offset)


def post_process(
    detections: list[Feature],
    suspicious: str,
    source: str,
    cfg: DetectionConfig,
    support: Sequence[Feature] = (),
    edge_filter: PassageFilter | None = None,
) -> list[Feature]:
    """One pair's detections, re-bounded, trimmed, merged, de-duplicated and sized (the seven steps above).

    ``support`` holds passages too weak to report that may complete a summary
    (step 5); ``edge_filter`` judges the pieces at the detections' ends (step 6).
    """
    found = [exact_bounds(d, suspicious, source, cfg) for d in detections]
    found = [trim_source(d, suspicious, source, cfg) for d in found]
    found = _drop_overlaps(_merge(found, cfg), cfg)
    found = [trim_source(d, suspicious, source, cfg) for d in found]
    if cfg.summary_cover > 0:
        found = _summaries(found, len(source), cfg, support)
    if edge_filter is not None and cfg.edge_probability > 0:
        found = trim_edges(found, suspicious, source, edge_filter, cfg.edge_probability, cfg.edge_pieces)
    return [d for d in found if min(d.this_length, d.source_length) >= cfg.min_chars]
