"""The approximate-nearest-neighbour file over every indexed sentence (usearch HNSW).

A sentence's key is ``doc << 20 | position``: its document's number in the
database and its place among the document's body sentences. The file is a
cache of what the database holds: it is saved atomically (written aside, then
renamed), and on opening, the documents added after it was saved are added
back from their stored vectors (documents numbers only grow), so a process
killed at any moment costs at most that catch-up. Chosen over FAISS by
measurement (``benchmarks/ann_choice.py``, docs/benchmarks.md): similar speed
and recall, and it removes entries, which FAISS's HNSW cannot.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import numpy.typing as npt

from retold.errors import IndexFileError

__all__ = ["POSITION_BITS", "SentenceIndex", "keys_for"]

POSITION_BITS = 20
MAX_SENTENCES = 1 << POSITION_BITS


def keys_for(doc: int, sentences: int) -> npt.NDArray[np.uint64]:
    """The keys of a document's body sentences.

    Examples:
        >>> keys_for(3, 2).tolist()
        [3145728, 3145729]
    """
    return (np.uint64(doc) << np.uint64(POSITION_BITS)) + np.arange(sentences, dtype=np.uint64)


class SentenceIndex:
    """Cosine nearest neighbours over sentence vectors, keyed by (document, position)."""

    def __init__(
        self, dimensions: int, *, connectivity: int = 16, expansion_add: int = 128, expansion_search: int = 64
    ) -> None:
        from usearch.index import Index

        self.dimensions = dimensions
        self._index = Index(
            ndim=dimensions,
            metric="cos",
            dtype="f16",
            connectivity=connectivity,
            expansion_add=expansion_add,
            expansion_search=expansion_search,
        )
        self.last_doc = 0  # the highest document number whose sentences are in

    @classmethod
    def load(cls, path: Path, dimensions: int, **settings: int) -> SentenceIndex:
        """Open a saved file.

        Raises:
            IndexFileError: the file is not a usearch index of these dimensions.
        """
        index = cls(dimensions, **settings)
        try:
            index._index.load(str(path))
        except (RuntimeError, ValueError) as exc:
            raise IndexFileError(f"{path}: not a readable sentence index ({exc})") from None
        if index._index.ndim != dimensions:
            raise IndexFileError(
                f"{path}: holds {index._index.ndim}-dimensional vectors, expected {dimensions}"
            )
        if len(index._index):
            index.last_doc = int(np.asarray(index._index.keys, dtype=np.uint64).max() >> POSITION_BITS)
        return index

    def __len__(self) -> int:
        return len(self._index)

    def add(self, doc: int, vectors: npt.NDArray[np.float32], *, threads: int = 0) -> None:
        if len(vectors):
            self._index.add(keys_for(doc, len(vectors)), vectors, threads=threads)
        self.last_doc = max(self.last_doc, doc)

    def add_many(self, docs: list[int], vectors: list[npt.NDArray[np.float32]], *, threads: int = 0) -> None:
        """Add several documents' sentences in one call (the library spreads it over ``threads``)."""
        pairs = [(d, v) for d, v in zip(docs, vectors, strict=True) if len(v)]
        if pairs:
            keys = np.concatenate([keys_for(d, len(v)) for d, v in pairs])
            self._index.add(keys, np.vstack([v for _, v in pairs]), threads=threads)
        if docs:
            self.last_doc = max(self.last_doc, *docs)

    def remove(self, doc: int, sentences: int) -> None:
        keys = keys_for(doc, sentences)
        present = [k for k in keys if k in self._index]
        if present:
            self._index.remove(np.array(present, dtype=np.uint64))

    def search(
        self, vectors: npt.NDArray[np.float32], k: int
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float32]]:
        """For each query vector its ``k`` nearest sentences: (documents, positions, similarities).

        Rows with fewer than ``k`` results are padded with document -1.
        """
        rows = len(vectors)
        docs = np.full((rows, k), -1, dtype=np.int64)
        positions = np.zeros((rows, k), dtype=np.int64)
        similarity = np.zeros((rows, k), dtype=np.float32)
        if not rows or not len(self._index):
            return docs, positions, similarity
        matches = self._index.search(vectors, k)
        keys = np.asarray(matches.keys, dtype=np.uint64).reshape(rows, -1)
        distances = np.asarray(matches.distances, dtype=np.float32).reshape(rows, -1)
        counts = np.asarray(getattr(matches, "counts", [len(keys[0])])).reshape(rows)
        for row in range(rows):
            n = int(counts[row])
            docs[row, :n] = (keys[row, :n] >> np.uint64(POSITION_BITS)).astype(np.int64)
            positions[row, :n] = (keys[row, :n] & np.uint64(MAX_SENTENCES - 1)).astype(np.int64)
            similarity[row, :n] = 1.0 - distances[row, :n]
        return docs, positions, similarity

    def save(self, path: Path) -> None:
        """Write the file aside and rename it over the old one, so a reader never sees half a file."""
        aside = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            self._index.save(str(aside))
            with aside.open("rb") as handle:
                os.fsync(handle.fileno())
            os.replace(aside, path)
        finally:
            aside.unlink(missing_ok=True)
