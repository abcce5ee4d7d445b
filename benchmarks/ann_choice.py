"""Which approximate-nearest-neighbour library the index uses: usearch or FAISS, measured.

    python benchmarks/ann_choice.py --corpora ../shared/data/news-corpora [--queries 1000]

Every body sentence of the news corpora is embedded with the tier-1 static
encoder (what the index searches), each library builds an HNSW graph over them
on all cores, and a thousand sentences (each a query, as a 30-sentence
document's lookup would send them) are searched for their 10 nearest
neighbours. Recall@10 is against exact search (a matrix product).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from retold.encoders import STATIC_MODEL, load_encoder
from retold.evaluation.datasets import news_corpora
from retold.text import segment


def sentence_vectors(root: Path) -> np.ndarray:
    encoder = load_encoder(STATIC_MODEL)
    texts = [s.text for doc in news_corpora(root) for s in segment(doc.text) if s.is_body]
    return np.vstack([encoder.encode(texts[k : k + 4096]) for k in range(0, len(texts), 4096)])


def measure(name: str, build, search, size, queries: np.ndarray, exact: np.ndarray) -> None:
    started = time.perf_counter()
    index = build()
    built = time.perf_counter() - started
    latencies = []
    found = []
    for k in range(0, len(queries), 30):
        started = time.perf_counter()
        found.append(search(index, queries[k : k + 30]))
        latencies.append(time.perf_counter() - started)
    keys = np.vstack(found)
    recall = np.mean([len(set(keys[i]) & set(exact[i])) / 10 for i in range(len(queries))])
    search_ms = 1000 * np.median(latencies)
    print(
        f"| {name} | {built:.1f} | {search_ms:.2f} | {recall:.3f} | {size(index) / 2**20:.0f} |", flush=True
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpora", type=Path, required=True)
    parser.add_argument("--queries", type=int, default=1000)
    args = parser.parse_args()
    vectors = sentence_vectors(args.corpora)
    n, dims = vectors.shape
    rng = np.random.default_rng(0)
    queries = vectors[rng.choice(n, args.queries, replace=False)]
    exact = np.argsort(-(queries @ vectors.T), axis=1)[:, :10]
    print(f"{n:,} sentence vectors of {dims} dimensions, {args.queries} queries, {os.cpu_count()} cores")
    print("| library, setting | build s | search ms per 30 queries (median) | recall@10 | size MiB |")
    print("|---|---|---|---|---|")

    from usearch.index import Index

    def usearch_size(index: Index) -> int:
        with tempfile.TemporaryDirectory() as tmp:
            index.save(f"{tmp}/i")
            return os.path.getsize(f"{tmp}/i")

    for dtype in ("f16", "i8"):

        def build(dtype: str = dtype) -> Index:
            index = Index(
                ndim=dims, metric="cos", dtype=dtype, connectivity=16, expansion_add=128, expansion_search=64
            )
            index.add(np.arange(n), vectors, threads=os.cpu_count() or 1)
            return index

        measure(
            f"usearch 2.26 HNSW {dtype}",
            build,
            lambda i, q: i.search(q, 10).keys,
            usearch_size,
            queries,
            exact,
        )

    import faiss

    faiss.omp_set_num_threads(os.cpu_count() or 1)

    def faiss_size(index: faiss.Index) -> int:
        return len(faiss.serialize_index(index))

    def build_flat() -> faiss.Index:
        index = faiss.IndexHNSWFlat(dims, 16, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 128
        index.add(vectors)
        index.hnsw.efSearch = 64
        return index

    def build_sq() -> faiss.Index:
        index = faiss.IndexHNSWSQ(dims, faiss.ScalarQuantizer.QT_8bit, 16, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 128
        index.train(vectors[:100_000])
        index.add(vectors)
        index.hnsw.efSearch = 64
        return index

    measure(
        "faiss 1.15 HNSWFlat f32", build_flat, lambda i, q: i.search(q, 10)[1], faiss_size, queries, exact
    )
    measure("faiss 1.15 HNSWSQ 8-bit", build_sq, lambda i, q: i.search(q, 10)[1], faiss_size, queries, exact)


if __name__ == "__main__":
    main()
