"""Lexical evidence: content terms and their in-pair rarity; MinHash signatures of whole texts.

Paraphrasers replace most words, but numbers, names and rare content words
tend to survive. These terms, weighted by how rare they are among the two
documents' sentences, give the aligner evidence that embeddings blur
(two sentences about "the strike" versus two about "the 2,000-kilometre range").
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections import Counter
from collections.abc import Collection, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse

__all__ = [
    "content_term_spans",
    "content_terms",
    "figure_conflict",
    "figure_keys",
    "lsh_keys",
    "minhash",
    "paired_figure_conflict",
    "paired_term_similarity",
    "term_similarity",
]

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)
_STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "said",
        "says",
        "say",
        "told",
        "according",
        "per",
        "however",
        "though",
        "although",
        "yet",
        "still",
        "would",
        "also",
        "us",
        "may",
        "might",
        "must",
        "shall",
        "can't",
        "won't",
        "don't",
        "it's",
        "that's",
        "he's",
        "she's",
        "they're",
        "we're",
    ]
)
_STEM_CHARS = 6
FIGURES_FOR_FULL_CONFLICT = 2


def content_terms(text: str) -> list[str]:
    """Lower-cased content terms: stopwords dropped, words cut to a 6-letter stem, numbers kept whole.

    The crude stem lets "missile"/"missiles" and "strike"/"strikes" agree
    without a language-specific stemmer; numbers lose their separators so that
    "2,000" and "2000" agree.

    Examples:
        >>> content_terms("The 2,000 missiles were launched by Russia")
        ['2000', 'missil', 'launch', 'russia']
    """
    return [term for term, _, _ in content_term_spans(text)]


def content_term_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[str, int, int]]:
    """:func:`content_terms` of ``text[start:end]``, each with its ``[start, end)`` offsets in ``text``.

    Examples:
        >>> content_term_spans("Missiles were launched", 9)
        [('launch', 14, 22)]
    """
    terms = []
    for match in _TOKEN.finditer(text, start, len(text) if end is None else end):
        token = match.group().lower()
        if token[0].isdigit():
            terms.append((token.replace(",", "").rstrip("."), match.start(), match.end()))
        elif token not in _STOPWORDS and len(token) > 2:
            terms.append((token[:_STEM_CHARS], match.start(), match.end()))
    return terms


_DENSE_CELLS = 2_000_000  # up to this many cells (both sides) a dense matrix is faster than a sparse one


def _weighted_matrix(
    bags: Sequence[Collection[str]], vocabulary: dict[str, int], idf: npt.NDArray[np.float64]
) -> sparse.csr_matrix:
    rows, cols = [], []
    for row, bag in enumerate(bags):
        for term in set(bag):
            rows.append(row)
            cols.append(vocabulary[term])
    values = idf[cols] if cols else np.zeros(0)
    return sparse.csr_matrix((values, (rows, cols)), shape=(len(bags), len(vocabulary)))


def _weighted_pair(
    a: Sequence[Collection[str]],
    b: Sequence[Collection[str]],
    vocabulary: dict[str, int],
    weights: npt.NDArray[np.float64],
) -> tuple[Any, Any]:
    """Both sides' term-weight matrices: dense arrays for the usual article, sparse for long texts.

    Building a scipy sparse matrix costs far more than the arithmetic on two
    articles' few hundred terms; a book-length text needs the sparse form.
    """
    if (len(a) + len(b)) * len(vocabulary) > _DENSE_CELLS:
        return _weighted_matrix(a, vocabulary, weights), _weighted_matrix(b, vocabulary, weights)
    out = []
    for bags in (a, b):
        matrix = np.zeros((len(bags), len(vocabulary)))
        for row, bag in enumerate(bags):
            cols = [vocabulary[term] for term in set(bag)]
            matrix[row, cols] = weights[cols]
        out.append(matrix)
    return out[0], out[1]


def _array(matrix: Any) -> npt.NDArray[np.float64]:
    """A product of :func:`_weighted_pair` matrices as a dense array."""
    return matrix.toarray() if sparse.issparse(matrix) else np.asarray(matrix)


def _idf(
    a: Sequence[Sequence[str]], b: Sequence[Sequence[str]]
) -> tuple[dict[str, int], npt.NDArray[np.float64]]:
    """Term indices and smoothed IDF over the sentences of both sides."""
    df = Counter(itertools.chain.from_iterable(set(bag) for bag in (*a, *b)))
    vocabulary = {term: k for k, term in enumerate(df)}
    n = len(a) + len(b)
    counts = np.fromiter(df.values(), dtype=np.float64, count=len(df))
    return vocabulary, np.log((n + 1) / (counts + 0.5))


def term_similarity(a: Sequence[Sequence[str]], b: Sequence[Sequence[str]]) -> npt.NDArray[np.float32]:
    """IDF-weighted Dice overlap of content terms between every sentence of ``a`` and of ``b``.

    IDF is computed over the sentences of both sides, so a term that appears in
    one sentence of each side weighs most, and a term on every line weighs little.
    Returns an ``(len(a), len(b))`` matrix in ``[0, 1]``.
    """
    vocabulary, idf = _idf(a, b)
    if not vocabulary or not a or not b:
        return np.zeros((len(a), len(b)), dtype=np.float32)
    ma, mb = _weighted_pair(a, b, vocabulary, idf)
    shared = _array(ma @ ((mb > 0).astype(np.float64)).T)
    shared_b = _array((ma > 0).astype(np.float64) @ mb.T)
    mass_a = np.asarray(ma.sum(axis=1)).ravel()
    mass_b = np.asarray(mb.sum(axis=1)).ravel()
    total = mass_a[:, None] + mass_b[None, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        dice = np.where(total > 0, (shared + shared_b) / total, 0.0)
    return dice.astype(np.float32)


def paired_term_similarity(a: Sequence[Sequence[str]], b: Sequence[Sequence[str]]) -> npt.NDArray[np.float32]:
    """:func:`term_similarity` of ``a[k]`` with ``b[k]`` only, IDF over all sentences of both.

    For sentence-pair data sets, where the full matrix is not needed.
    """
    if len(a) != len(b):
        raise ValueError("a and b must pair up")
    vocabulary, idf = _idf(a, b)
    if not vocabulary:
        return np.zeros(len(a), dtype=np.float32)
    ma = _weighted_matrix(a, vocabulary, idf)
    mb = _weighted_matrix(b, vocabulary, idf)
    shared = (
        np.asarray(ma.multiply(mb > 0).sum(axis=1)).ravel()
        + np.asarray(mb.multiply(ma > 0).sum(axis=1)).ravel()
    )
    total = np.asarray(ma.sum(axis=1)).ravel() + np.asarray(mb.sum(axis=1)).ravel()
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, shared / total, 0.0).astype(np.float32)


def figure_keys(term: str) -> tuple[str, str]:
    """A number's significant digits, exact and rounded to two: "2,359,000" → ("2359", "~24").

    Dropping the decimal point and the leading and trailing zeros makes an
    amount agree with itself written at another scale ("14.7 mln" and
    "14,700,000"; "$0.40" and "40 cents"); the rounded key lets "2.4 million"
    agree, at half weight, with the "2,359,000" it rounds.
    """
    digits = term.replace(".", "").strip("0") or "0"
    if len(digits) <= 2:
        return digits, "~" + digits
    return digits, "~" + (str(round(int(digits[:3]) / 10)).rstrip("0") or "0")


def figure_conflict(a: Sequence[Sequence[str]], b: Sequence[Sequence[str]]) -> npt.NDArray[np.float32]:
    """How far the numbers of every sentence of ``a`` disagree with those of every sentence of ``b``.

    A sentence retold keeps its figures; two reports written from one template
    (an earnings table, a weekly statistic) share every word but them. For a pair
    of sentences that both hold numbers, the conflict is the share of the
    smaller side's numbers the other does not state (a rounding counts half);
    a pair where either side holds none has no conflict. Reads the number terms
    of :func:`content_terms`. Returns an ``(len(a), len(b))`` matrix in ``[0, 1]``.

    Examples:
        >>> a = [content_terms("Net rose to 1.2 mln from 900,000"), content_terms("No figures")]
        >>> b = [content_terms("Net 1,200,000 vs 900,000"), content_terms("Net 507,000 vs 762,000")]
        >>> figure_conflict(a, b).round(2).tolist()
        [[0.0, 1.0], [0.0, 0.0]]
    """
    rows_a = [_figures(bag) for bag in a]
    rows_b = [_figures(bag) for bag in b]
    vocabulary: dict[str, int] = {}
    for keys in (*rows_a, *rows_b):
        for key in keys:
            vocabulary.setdefault(key, len(vocabulary))
    if not vocabulary:
        return np.zeros((len(a), len(b)), dtype=np.float32)
    ma, mb = _weighted_pair(rows_a, rows_b, vocabulary, np.ones(len(vocabulary)))
    shared = _array(ma @ mb.T)
    count_a = np.asarray(ma.sum(axis=1)).ravel()
    count_b = np.asarray(mb.sum(axis=1)).ravel()
    smaller = np.minimum(count_a[:, None], count_b[None, :])
    with np.errstate(invalid="ignore", divide="ignore"):
        conflict = np.where(smaller > 0, 1.0 - np.minimum(shared, smaller) / smaller, 0.0)
    # One number against another is weak evidence (a summary sentence carries one
    # figure of the several sentences it retells); two or more that all differ is a template.
    numbers_a = np.array([_count_numbers(bag) for bag in a], dtype=np.float64)
    numbers_b = np.array([_count_numbers(bag) for bag in b], dtype=np.float64)
    fewer = np.minimum(numbers_a[:, None], numbers_b[None, :])
    return (conflict * np.minimum(1.0, fewer / FIGURES_FOR_FULL_CONFLICT)).astype(np.float32)


def paired_figure_conflict(a: Sequence[Sequence[str]], b: Sequence[Sequence[str]]) -> npt.NDArray[np.float32]:
    """:func:`figure_conflict` of ``a[k]`` with ``b[k]`` only (sentence-pair data sets)."""
    if len(a) != len(b):
        raise ValueError("a and b must pair up")
    return np.array(
        [figure_conflict([first], [second])[0, 0] for first, second in zip(a, b, strict=True)],
        dtype=np.float32,
    )


def _figures(bag: Sequence[str]) -> set[str]:
    return {key for term in bag if term[:1].isdigit() for key in figure_keys(term)}


def _count_numbers(bag: Sequence[str]) -> int:
    return len({term for term in bag if term[:1].isdigit()})


def minhash(text: str, *, permutations: int = 128, shingle: int = 5) -> npt.NDArray[np.uint32]:
    """The MinHash signature of a text's word ``shingle``-grams (lower-cased, punctuation dropped).

    Two texts' signatures agree in about the share of positions that their
    shingle sets overlap (Jaccard similarity): near-duplicates agree in most,
    paraphrases in almost none. Seeded, so signatures are the same in every
    process and every run.

    Examples:
        >>> a = minhash("The council approved the new budget on Monday after a long debate.")
        >>> b = minhash("The council approved the new budget on Monday after a short debate.")
        >>> c = minhash("Rain is expected across the north of the country tomorrow.")
        >>> bool((a == b).mean() > 0.3), bool((a == c).mean() < 0.1)
        (True, True)
    """
    from datasketch import MinHash

    words = [w.lower() for w in _TOKEN.findall(text)]
    grams = {" ".join(words[k : k + shingle]).encode() for k in range(max(1, len(words) - shingle + 1))}
    signature = MinHash(num_perm=permutations, seed=1, scheme="affine32")
    signature.update_batch(sorted(grams))
    values: npt.NDArray[np.uint64] = signature.hashvalues
    return values.astype(np.uint32)


def lsh_keys(signature: npt.NDArray[np.uint32], bands: int) -> list[int]:
    """One bucket key per band of a MinHash signature (locality-sensitive hashing).

    Texts that share a bucket in any band are candidate near-duplicates: with
    ``b`` bands of ``r`` rows, two texts of Jaccard similarity ``s`` share one
    with probability ``1 - (1 - s^r)^b``. Keys are 62-bit integers (the band in
    the low bits), so they fit a database's signed 64-bit column.

    Examples:
        >>> len(lsh_keys(minhash("a b c d e f g"), 32))
        32
    """
    rows = len(signature) // bands
    keys = []
    for band in range(bands):
        chunk = np.ascontiguousarray(signature[band * rows : (band + 1) * rows])
        digest = hashlib.blake2b(chunk.tobytes(), digest_size=7).digest()
        keys.append(int.from_bytes(digest, "little") << 6 | band)
    return keys
