"""Lexical baselines measured beside retold in the same runs.

* Word n-gram Jaccard of two whole documents: what MinHash estimates, and what
  near-duplicate tools threshold on.
* Word n-gram passage detection for PAN: shared word 5-grams as seeds, merged
  into passages where seeds lie close together in both documents (the approach
  of the PAN 2012 baseline, with words instead of 50-character n-grams).

``retold pan`` also reports the n-gram passages (with shorter n-grams and more
seeds, ``PanConfig.copies``) beside its aligned ones: words that survive a copy
in order, even shuffled and partly replaced, are evidence that sentence
embeddings blur.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

__all__ = ["NgramConfig", "NgramStretch", "jaccard", "ngram_passages", "ngram_stretches", "word_spans"]

_WORD = re.compile(r"\w+", re.UNICODE)

Span = tuple[int, int]


def word_spans(text: str) -> list[tuple[str, int, int]]:
    """Lower-cased words with their ``[start, end)`` offsets."""
    return [(m.group().lower(), m.start(), m.end()) for m in _WORD.finditer(text)]


def _ngrams(words: list[str], n: int) -> list[tuple[str, ...]]:
    return [tuple(words[k : k + n]) for k in range(len(words) - n + 1)]


def jaccard(a: str, b: str, n: int = 5) -> float:
    """Jaccard similarity of the two texts' sets of word n-grams (0 when either has none)."""
    first = set(_ngrams([w for w, _, _ in word_spans(a)], n))
    second = set(_ngrams([w for w, _, _ in word_spans(b)], n))
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)


@dataclass(frozen=True, slots=True)
class NgramConfig:
    """Word n-gram passage detection.

    Attributes:
        n: words per n-gram.
        gap: seeds at most this many characters apart in both documents join a passage.
        min_seeds: a passage needs at least this many shared n-grams, counted as the
            places they hold on the side with fewer (a phrase that one side repeats
            counts once per place on the other).
        min_chars: ... and at least this many characters on both sides.
    """

    n: int = 5
    gap: int = 250
    min_seeds: int = 3
    min_chars: int = 150


@dataclass(frozen=True, slots=True)
class NgramStretch:
    """A stretch of shared word n-grams: its spans and how many seeds it holds (``NgramConfig.min_seeds``)."""

    a: Span
    b: Span
    seeds: int


def ngram_stretches(suspicious: str, source: str, config: NgramConfig | None = None) -> list[NgramStretch]:
    """Stretches of shared word n-grams, with their seed counts, that pass ``config``'s limits."""
    cfg = config or NgramConfig()
    a, b = word_spans(suspicious), word_spans(source)
    where: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for k, gram in enumerate(_ngrams([w for w, _, _ in b], cfg.n)):
        where[gram].append(k)
    seeds: list[tuple[Span, Span]] = []
    for k, gram in enumerate(_ngrams([w for w, _, _ in a], cfg.n)):
        for j in where.get(gram, ())[:20]:  # a very common n-gram says little
            seeds.append(((a[k][1], a[k + cfg.n - 1][2]), (b[j][1], b[j + cfg.n - 1][2])))
    passages: list[_Passage] = []
    for (a_start, a_end), (b_start, b_end) in sorted(seeds):
        for passage in reversed(passages[-8:]):
            near_a = a_start - passage.a_end <= cfg.gap
            near_b = b_start - passage.b_end <= cfg.gap and passage.b_start - b_end <= cfg.gap
            if near_a and near_b:
                passage.a_end = max(passage.a_end, a_end)
                passage.b_start = min(passage.b_start, b_start)
                passage.b_end = max(passage.b_end, b_end)
                passage.a_seeds.add(a_start)
                passage.b_seeds.add(b_start)
                break
        else:
            passages.append(_Passage(a_start, a_end, b_start, b_end, {a_start}, {b_start}))
    found = (
        NgramStretch((p.a_start, p.a_end), (p.b_start, p.b_end), min(len(p.a_seeds), len(p.b_seeds)))
        for p in passages
    )
    return [
        s
        for s in found
        if s.seeds >= cfg.min_seeds and min(s.a[1] - s.a[0], s.b[1] - s.b[0]) >= cfg.min_chars
    ]


def ngram_passages(
    suspicious: str, source: str, config: NgramConfig | None = None
) -> list[tuple[Span, Span]]:
    """Passages ``(suspicious span, source span)`` built from shared word n-grams."""
    return [(s.a, s.b) for s in ngram_stretches(suspicious, source, config)]


@dataclass(slots=True)
class _Passage:
    """A passage being grown from seeds, with the distinct seed positions on each side."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    a_seeds: set[int] = field(default_factory=set)
    b_seeds: set[int] = field(default_factory=set)
