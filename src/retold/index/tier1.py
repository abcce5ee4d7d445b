"""Tier-1 representation of a document for corpus search (pure: no files, no database).

Every indexed document gets what candidate search needs and nothing slower:
its segments (offsets and kinds), the static encoder's vectors of its body
sentences (int8, one scale per sentence), and a MinHash signature with its LSH
bucket keys. The contextual encoder runs only on candidates (DESIGN.md, "Two
tiers of representation").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from retold.documents import Sentence, SentenceKind
from retold.encoders import Encoder
from retold.fingerprints import lsh_keys, minhash
from retold.text import SegmentConfig, normalize, segment

__all__ = ["IndexParams", "Tier1", "dequantise", "represent_batch", "sentences_of"]

_KINDS = list(SentenceKind)


@dataclass(frozen=True, slots=True)
class IndexParams:
    """What an index's stored representations depend on; recorded in the index, never mixed."""

    tier1_model: str
    dimensions: int
    permutations: int = 128
    bands: int = 32
    shingle: int = 5


@dataclass(frozen=True, slots=True)
class Tier1:
    segments: npt.NDArray[np.int32]  # (n, 3): start, end, kind code
    vectors: npt.NDArray[np.int8]  # (body sentences, dimensions)
    scales: npt.NDArray[np.float32]  # (body sentences,)
    signature: npt.NDArray[np.uint32]
    lsh: tuple[int, ...]


def quantise(vectors: npt.NDArray[np.float32]) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.float32]]:
    """Unit vectors as int8 with one scale per row (cosine error under 1%)."""
    scales = np.maximum(np.abs(vectors).max(axis=1), 1e-12).astype(np.float32) / 127.0
    return np.round(vectors / scales[:, None]).astype(np.int8), scales


def dequantise(vectors: npt.NDArray[np.int8], scales: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """Back to float32 unit vectors.

    Examples:
        >>> v = np.array([[0.6, 0.8], [1.0, 0.0]], dtype=np.float32)
        >>> bool(np.allclose(dequantise(*quantise(v)), v, atol=0.01))
        True
    """
    out = vectors.astype(np.float32) * scales[:, None]
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.maximum(norms, 1e-12)  # type: ignore[no-any-return]


def sentences_of(text: str, segments: npt.NDArray[np.int32]) -> list[Sentence]:
    """The segments stored for ``text``, as the Sentence values ``segment`` gave."""
    return [
        Sentence(int(start), int(end), normalize(text[start:end])[0], _KINDS[int(kind)])
        for start, end, kind in segments
    ]


def represent_batch(
    texts: list[str], encoder: Encoder, params: IndexParams, segment_config: SegmentConfig
) -> list[Tier1 | str]:
    """Tier-1 representations of many texts, encoding all their sentences in one call.

    A text that cannot be represented (no sentence of body text) gives the reason instead.
    """
    out: list[Tier1 | str] = []
    pending: list[tuple[int, list[Sentence]]] = []
    for text in texts:
        found = segment(text, segment_config)
        if not any(s.is_body for s in found):
            out.append("no sentence of body text (only headings or boilerplate)")
            continue
        pending.append((len(out), found))
        out.append("")
    bodies = [[s.text for s in segments if s.is_body] for _, segments in pending]
    flat = [t for body in bodies for t in body]
    vectors = encoder.encode(flat) if flat else np.zeros((0, params.dimensions), dtype=np.float32)
    offset = 0
    for (slot, found), texts_of_body in zip(pending, bodies, strict=True):
        quantised, scales = quantise(vectors[offset : offset + len(texts_of_body)])
        offset += len(texts_of_body)
        signature = minhash(texts[slot], permutations=params.permutations, shingle=params.shingle)
        segments = np.array([(s.start, s.end, _KINDS.index(s.kind)) for s in found], dtype=np.int32)
        out[slot] = Tier1(segments, quantised, scales, signature, tuple(lsh_keys(signature, params.bands)))
    return out
