"""Align two documents: sentence similarities → links → passages.

1. Every pair of body sentences gets a combined similarity: the cosine of
   their embeddings, blended with the in-pair-IDF-weighted overlap of content
   terms (numbers, names and rare words survive paraphrase), and lowered
   where the two sentences state different figures: a retold sentence keeps
   its numbers, while reports filed from one template (earnings tables, weekly
   statistics) share every word but them.
2. Context: a pair whose diagonal neighbour (the sentences before both, or
   after both) is strongly similar is raised a little, because a rewrite follows
   its source's order ("Moscow confirmed these missiles were used" only means
   something after the sentence before it).
3. Candidate links: each sentence's best counterpart on the other side, if
   similar enough. Taking best counterparts from both sides gives one sentence
   several links where a rewrite merged or split sentences.
4. Extension: a best counterpart below the link threshold is still linked
   when it sits between existing links, repeatedly, so a passage grows over
   its most heavily reworded sentences but not past its ends.
5. Passages: links close to one another in both documents are grouped. A
   passage made of one link survives only if that link is strong: structure,
   not a single similar sentence, is the evidence of reuse.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

import numpy as np
import numpy.typing as npt

from retold.documents import Sentence
from retold.fingerprints import figure_conflict, term_similarity
from retold.graph import edge_groups

__all__ = [
    "AlignConfig",
    "Alignment",
    "Link",
    "Passage",
    "PassageKind",
    "Representation",
    "align",
    "combine_similarity",
    "coverage",
]

PassageKind = Literal["verbatim", "light_edit", "paraphrase"]
Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class AlignConfig:
    """Parameters of the aligner (thresholds are on the combined similarity).

    Attributes:
        lexical_weight: weight of the content-term overlap in the combined similarity.
        figure_weight: a pair of sentences whose numbers all disagree keeps only
            ``1 - figure_weight`` of its similarity (partly disagreeing numbers, in
            proportion; see ``fingerprints.figure_conflict``).
        context_weight: how much a strong diagonal neighbour raises a pair.
        link_threshold: least combined similarity for a link inside a passage.
        strong_threshold: least similarity for a passage made of a single link.
        passage_gap: links at most this many sentences apart on both sides share a passage.
        min_relative: a one-sided best counterpart must reach this share of the
            other side's best similarity (keeps merges, drops near-misses).
        extension_threshold: a sentence's best counterpart this similar is linked
            when it lies between links already made (see ``_extend``).
        summary_gap: passages at most this many sentences apart on one side are
            joined however far apart they are on the other (a summary: a compact
            region of one text retelling points spread over the other); 0 turns it off.
        summary_piece: only passages of at most this many links are joined that way.
        summary_cover: a joined passage whose links spread over at least this share
            of the other text's body is taken to summarise all of it.
    """

    lexical_weight: float = 0.3
    figure_weight: float = 0.8
    context_weight: float = 0.3
    link_threshold: float = 0.5
    strong_threshold: float = 0.68
    passage_gap: int = 3
    min_relative: float = 0.8
    extension_threshold: float = 0.33
    summary_gap: int = 2
    summary_piece: int = 2
    summary_cover: float = 0.5


@dataclass(frozen=True, slots=True)
class Representation:
    """A document's body sentences with what the aligner needs of them."""

    sentences: tuple[Sentence, ...]
    embeddings: npt.NDArray[np.float32]
    terms: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class Link:
    """One sentence-level correspondence, with offsets into both original texts."""

    a: Span
    b: Span
    similarity: float
    a_index: int
    b_index: int


@dataclass(frozen=True, slots=True)
class Passage:
    """Adjacent links grouped into one corresponding stretch of each text."""

    a: Span
    b: Span
    similarity: float
    kind: PassageKind
    links: tuple[Link, ...]


@dataclass(frozen=True, slots=True)
class Alignment:
    """What the aligner found, plus the matrices the judge reads."""

    passages: tuple[Passage, ...]
    similarity: npt.NDArray[np.float32]  # combined, before context
    cosine: npt.NDArray[np.float32]
    lexical: npt.NDArray[np.float32]  # content-term overlap (``term_similarity``)

    @property
    def links(self) -> tuple[Link, ...]:
        return tuple(link for passage in self.passages for link in passage.links)


def combine_similarity(
    cosine: npt.NDArray[np.floating],
    lexical: npt.NDArray[np.floating],
    conflict: npt.NDArray[np.floating],
    cfg: AlignConfig,
) -> npt.NDArray[np.float32]:
    """Meaning and shared terms blended, lowered where the two sentences' figures disagree."""
    blended = (1.0 - cfg.lexical_weight) * cosine + cfg.lexical_weight * lexical
    lowered: npt.NDArray[np.float32] = (blended * (1.0 - cfg.figure_weight * conflict)).astype(np.float32)
    return lowered


def _context(combined: npt.NDArray[np.float32], floor: float) -> npt.NDArray[np.float32]:
    """Strongest diagonal neighbour above ``floor``, as an excess over it."""
    padded = np.pad(combined, 1, constant_values=0.0)
    before = padded[:-2, :-2]
    after = padded[2:, 2:]
    return np.maximum(np.maximum(before, after) - floor, 0.0)


def _best_pairs(score: npt.NDArray[np.float32]) -> set[tuple[int, int]]:
    """Each sentence's best counterpart, from both sides."""
    pairs = {(i, int(j)) for i, j in enumerate(score.argmax(axis=1))}
    pairs |= {(int(i), j) for j, i in enumerate(score.argmax(axis=0))}
    return pairs


def _extend(
    score: npt.NDArray[np.float32], accepted: list[tuple[int, int]], threshold: float
) -> list[tuple[int, int]]:
    """Add weak best-counterpart pairs that lie between accepted links, until none is left.

    A pair qualifies when an accepted link lies at most two sentences before it
    on both sides and another at most two sentences after it: filling a gap in
    a passage, not trailing off its end (where one-sided sentences sit).
    """
    linked = set(accepted)
    pending = {p for p in _best_pairs(score) if p not in linked and score[p] >= threshold}
    window = range(0, 3)

    def between(i: int, j: int) -> bool:
        before = any((i - di, j - dj) in linked for di in window for dj in window if di or dj)
        after = any((i + di, j + dj) in linked for di in window for dj in window if di or dj)
        return before and after

    grown = True
    while grown and pending:
        grown = False
        for i, j in sorted(pending):
            if between(i, j):
                linked.add((i, j))
                pending.discard((i, j))
                grown = True
    return sorted(linked)


def _window_links(
    a: Representation,
    b: Representation,
    score: npt.NDArray[np.float32],
    cosine: npt.NDArray[np.float32],
    conflict: npt.NDArray[np.float32],
    cfg: AlignConfig,
) -> list[tuple[int, int, float]]:
    """Links from a sentence to two adjacent sentences that together match it better.

    A rewrite that merges two sentences into one dilutes each half's similarity
    to the merged sentence; the pair's summed embedding and joined terms match
    it as a whole. The window's figures conflict only as far as both halves'
    do: a half that states no number (or the same ones) cannot conflict.
    Returns ``(i, j, similarity)`` for both halves, both ways.
    """
    out: list[tuple[int, int, float]] = []
    for first, second, flip in ((a, b, False), (b, a, True)):
        if len(first.sentences) < 2:
            continue
        window = first.embeddings[:-1] + first.embeddings[1:]
        window /= np.maximum(np.linalg.norm(window, axis=1, keepdims=True), 1e-12)
        terms = [first.terms[k] + first.terms[k + 1] for k in range(len(first.terms) - 1)]
        cos = window @ second.embeddings.T
        lexical = term_similarity(terms, second.terms)
        single_conflict = conflict.T if flip else conflict
        joint = combine_similarity(cos, lexical, np.minimum(single_conflict[:-1], single_conflict[1:]), cfg)
        single = score.T if flip else score
        single_cos = cosine.T if flip else cosine
        best_single_cos = np.maximum(single_cos[:-1], single_cos[1:])
        for k, other in zip(*np.nonzero(joint >= cfg.link_threshold), strict=True):
            # The window's meaning must match clearly better than either half's,
            # and be the other sentence's best window.
            if cos[k, other] < best_single_cos[k, other] + 0.03 or joint[k, other] < joint[:, other].max():
                continue
            if min(single[k, other], single[k + 1, other]) < cfg.extension_threshold:
                continue
            for half in (int(k), int(k) + 1):
                i, j = (int(other), half) if flip else (half, int(other))
                out.append((i, j, float(joint[k, other])))
    return out


def _candidates(score: npt.NDArray[np.float32], cfg: AlignConfig) -> list[tuple[int, int]]:
    n, m = score.shape
    row_best = score.argmax(axis=1)
    col_best = score.argmax(axis=0)
    row_max = score[np.arange(n), row_best]
    col_max = score[col_best, np.arange(m)]
    kept = []
    for i, j in _best_pairs(score):
        s = score[i, j]
        if s < cfg.link_threshold:
            continue
        # A one-sided best (a sentence merged into a longer one) must be close
        # to the best the other side has.
        if s < cfg.min_relative * max(row_max[i], col_max[j]):
            continue
        kept.append((i, j))
    return sorted(kept)


def _group(pairs: list[tuple[int, int]], gap: int) -> list[list[tuple[int, int]]]:
    """Group links that lie within ``gap`` sentences of each other on both sides (transitively)."""
    near = [(k, k) for k in range(len(pairs))]
    for k, (i, j) in enumerate(pairs):
        for other in range(k + 1, len(pairs)):
            i2, j2 = pairs[other]
            if i2 - i > gap + 1:
                break  # pairs are sorted by i
            if abs(j2 - j) <= gap + 1:
                near.append((k, other))
    return [
        [pairs[k] for k in sorted({node for e in members for node in near[e]})]
        for members in edge_groups(near)
    ]


def _join_one_sided(groups: list[list[tuple[int, int]]], gap: int, small: int) -> list[list[tuple[int, int]]]:
    """Join passages close together on one side, wherever they lie on the other.

    Only small passages (at most ``small`` links) are joined: a summary retells
    its source a sentence or two at a time, while a passage that is already long
    is a copy or a rewrite whose neighbours on one side are not part of it. A
    join must hold at least three links; otherwise its passages stay apart, so
    two stray links do not become a passage by being neighbours on one side.
    """
    kept = [g for g in groups if len(g) > small]
    clusters = [[g] for g in groups if len(g) <= small]
    for side in (0, 1):
        clusters.sort(key=lambda c: min(p[side] for g in c for p in g))
        joined: list[list[list[tuple[int, int]]]] = []
        for cluster in clusters:
            if joined:
                start = min(p[side] for g in cluster for p in g)
                end = max(p[side] for g in joined[-1] for p in g)
                if start - end - 1 <= gap:
                    joined[-1].extend(cluster)
                    continue
            joined.append(list(cluster))
        clusters = joined
    out = kept
    for cluster in clusters:
        links = [p for g in cluster for p in g]
        if len(cluster) > 1 and len(links) >= 3:
            out.append(links)
        else:
            out.extend(cluster)
    return out


def _summary_spans(a_span: Span, b_span: Span, body_a: Span, body_b: Span, cover: float) -> tuple[Span, Span]:
    """Widen the long side of a summary-like passage to the whole body it summarises."""
    a_len, b_len = a_span[1] - a_span[0], b_span[1] - b_span[0]
    a_share = a_len / max(1, body_a[1] - body_a[0])
    b_share = b_len / max(1, body_b[1] - body_b[0])
    if b_len > 2 * a_len and b_share >= cover:
        b_span = body_b
    elif a_len > 2 * b_len and a_share >= cover:
        a_span = body_a
    return a_span, b_span


def _kind(a_text: str, b_text: str) -> PassageKind:
    a_words, b_words = a_text.lower().split(), b_text.lower().split()
    if len(a_words) + len(b_words) > 6000:
        a_words, b_words = a_words[:3000], b_words[:3000]
    ratio = SequenceMatcher(None, a_words, b_words, autojunk=False).ratio()
    if ratio >= 0.95:
        return "verbatim"
    if ratio >= 0.6:
        return "light_edit"
    return "paraphrase"


def align(a: Representation, b: Representation, config: AlignConfig | None = None) -> Alignment:
    """Align the body sentences of two documents.

    Examples:
        >>> from retold.documents import Sentence
        >>> s = (Sentence(0, 5, "x y z"),)
        >>> e = np.ones((1, 2), dtype=np.float32) / np.sqrt(2)
        >>> r = Representation(s, e, (("x",),))
        >>> len(align(r, r).passages)
        1
    """
    cfg = config or AlignConfig()
    n, m = len(a.sentences), len(b.sentences)
    if n == 0 or m == 0:
        empty = np.zeros((n, m), dtype=np.float32)
        return Alignment((), empty, empty, empty)
    cosine = np.clip(a.embeddings @ b.embeddings.T, -1.0, 1.0).astype(np.float32)
    conflict = figure_conflict(a.terms, b.terms)
    lexical = term_similarity(a.terms, b.terms)
    combined = combine_similarity(cosine, lexical, conflict, cfg)
    score = combined + cfg.context_weight * _context(combined, cfg.link_threshold)
    score = np.minimum(score, 1.0).astype(np.float32)

    passages = []
    merged = _window_links(a, b, score, cosine, conflict, cfg)
    for i, j, similarity in merged:
        score[i, j] = max(score[i, j], similarity)
    accepted = sorted(set(_candidates(score, cfg)) | {(i, j) for i, j, _ in merged})
    pairs = _extend(score, accepted, cfg.extension_threshold)
    groups = [g for g in _group(pairs, cfg.passage_gap) if len(g) > 1 or score[g[0]] >= cfg.strong_threshold]
    if cfg.summary_gap:
        groups = _join_one_sided(groups, cfg.summary_gap, cfg.summary_piece)
    body_a = (a.sentences[0].start, a.sentences[-1].end)
    body_b = (b.sentences[0].start, b.sentences[-1].end)
    for group in groups:
        sims = [float(score[i, j]) for i, j in group]
        links = tuple(
            Link(
                a=(a.sentences[i].start, a.sentences[i].end),
                b=(b.sentences[j].start, b.sentences[j].end),
                similarity=round(float(score[i, j]), 4),
                a_index=i,
                b_index=j,
            )
            for i, j in sorted(group)
        )
        a_rows = sorted({i for i, _ in group})
        b_rows = sorted({j for _, j in group})
        weights = np.array([a.sentences[i].end - a.sentences[i].start for i, _ in group], dtype=float)
        similarity = float(np.average(sims, weights=weights))
        a_text = " ".join(a.sentences[i].text for i in a_rows)
        b_text = " ".join(b.sentences[j].text for j in b_rows)
        a_span = (a.sentences[a_rows[0]].start, a.sentences[a_rows[-1]].end)
        b_span = (b.sentences[b_rows[0]].start, b.sentences[b_rows[-1]].end)
        if cfg.summary_gap:
            a_span, b_span = _summary_spans(a_span, b_span, body_a, body_b, cfg.summary_cover)
        passages.append(
            Passage(
                a=a_span,
                b=b_span,
                similarity=round(similarity, 4),
                kind=_kind(a_text, b_text),
                links=links,
            )
        )
    passages.sort(key=lambda p: (p.a, p.b))
    return Alignment(tuple(passages), combined, cosine, lexical)


def coverage(sentences: tuple[Sentence, ...], spans: list[Span]) -> float:
    """Share of the body sentences' characters that lie inside ``spans``."""
    total = sum(s.end - s.start for s in sentences)
    if total == 0:
        return 0.0
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    inside = 0
    for s in sentences:
        for start, end in merged:
            inside += max(0, min(s.end, end) - max(s.start, start))
    return min(1.0, inside / total)
