"""Index benchmark: ingest speed, size, memory, lookup latency and recall of the true source.

    python benchmarks/index_bench.py --data ../shared/data --size 10000 [--work /tmp/retold-index-bench]
    python benchmarks/index_bench.py --data ../shared/data --size 100000

The corpus (written outside the repository, under --work) is:
- the 50 original articles of ai-news-rewrites/dev.jsonl (metadata stripped, ids of our own);
- documents of the three news corpora (Reuters-21578, BBC, newsarticles-2017; 25,056 with a body),
  sampled down to the size asked for, or all of them;
- beyond 25,106 documents, synthetic documents recombined from the news corpora's sentences: each
  takes 6 to 14 body sentences, each from a different random real document, in random order. They
  give the sentence index realistic neighbours (every one shares single sentences with real
  documents) without being rewrites of anything.

Queries (never indexed): the 100 rewrites (``rephrase_base``/``rephrase_expert``), whose true source
is their family's original, and the 100 texts written from the headline only (``generated_*``), for
which the original must not come back as reuse. Recall@k: the original among the first k results
that retold verifies as reuse. The baseline, built in the same run over the same documents, is
MinHash LSH (datasketch, 128 permutations, word 5-shingles, threshold 0.5), candidates ranked by
estimated Jaccard similarity.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import time
from pathlib import Path

import numpy as np

from retold.documents import Document
from retold.evaluation.datasets import REWRITE, SAME_STORY, ai_news_pairs, news_corpora
from retold.index import Index
from retold.ingest.records import records
from retold.text import segment

REAL_FAMILIES = "ai-news-rewrites/dev.jsonl"


def families(path: Path) -> tuple[list[Document], list[tuple[Document, str]], list[tuple[Document, str]]]:
    """Originals, (rewrite, its original's id) and (same-story text, its original's id)."""
    pairs = ai_news_pairs(path)
    originals = list({p.a.id: p.a for p in pairs}.values())
    rewrites = [(p.b, p.a.id) for p in pairs if p.label == REWRITE]
    same_story = [(p.b, p.a.id) for p in pairs if p.label == SAME_STORY]
    return originals, rewrites, same_story


def corpus(data: Path, size: int, seed: int) -> tuple[list[Document], str]:
    rng = random.Random(seed)
    originals, _, _ = families(data / REAL_FAMILIES)
    real = news_corpora(data / "news-corpora")
    room = size - len(originals)
    if room <= len(real):
        return originals + rng.sample(real, room), f"{room:,} real news documents sampled"
    sentences = [[s.text for s in segment(d.text) if s.is_body] for d in real]
    pools = [s for s in sentences if s]
    synthetic = []
    for k in range(room - len(real)):
        picked = [rng.choice(rng.choice(pools)) for _ in range(rng.randint(6, 14))]
        synthetic.append(Document(f"synthetic-{k:06d}", " ".join(picked)))
    return originals + real + synthetic, f"{len(real):,} real news documents + {len(synthetic):,} synthetic"


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values), q))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, required=True, help="the shared data folder")
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/retold-index-bench"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    work = args.work / f"n{args.size}"
    work.mkdir(parents=True, exist_ok=True)
    documents, how = corpus(args.data, args.size, args.seed)
    _, rewrites, same_story = families(args.data / REAL_FAMILIES)
    source = work / "corpus.jsonl"
    with source.open("w", encoding="utf-8") as handle:
        for d in documents:
            handle.write(json.dumps({"id": d.id, "text": d.text}, ensure_ascii=False) + "\n")
    print(f"corpus: {len(documents):,} documents ({how}), {sum(len(d.text) for d in documents):,} characters")

    index_dir = work / "index"
    for stale in sorted(index_dir.glob("*")) if index_dir.exists() else []:
        stale.unlink()
    started = time.perf_counter()
    with Index(index_dir, create=True) as index:
        report = index.add(records([str(source)]), workers=args.workers)
    ingest_s = time.perf_counter() - started
    size = sum(p.stat().st_size for p in index_dir.iterdir())
    peak = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    )
    print(
        f"ingest: {report.added:,} added, {len(report.skipped)} skipped in {ingest_s:.0f} s = "
        f"{report.read / ingest_s:.0f} documents/s; index {size / 2**20:.0f} MiB = "
        f"{size / report.added / 1024:.1f} KiB per document; "
        f"peak memory {peak / 1024:.0f} MiB (largest process)"
    )

    with Index(index_dir) as index:
        index.candidates(rewrites[0][0])  # load the neighbour file and the verifying model once
        lookup: list[float] = []
        verified: dict[str, list[float]] = {"cold": [], "warm": []}
        hits_at: dict[int, int] = {1: 0, 10: 0}
        in_candidates = 0
        for query, truth in rewrites:
            t = time.perf_counter()
            found = index.candidates(query)
            lookup.append(time.perf_counter() - t)
            truth_doc = index.store.doc_number(truth)
            in_candidates += any(doc == truth_doc for doc, _, _ in found[:20])
            t = time.perf_counter()
            results = index.search(query, top=10)
            verified["cold"].append(time.perf_counter() - t)
            ids = [c.b.id for c in results]
            for k in hits_at:
                hits_at[k] += truth in ids[:k]
        for query, _ in rewrites:
            t = time.perf_counter()
            index.search(query, top=10)
            verified["warm"].append(time.perf_counter() - t)
        false_reuse = any_reuse = 0
        for query, truth in same_story:
            results = index.search(query, top=10)
            false_reuse += any(c.b.id == truth for c in results)
            any_reuse += bool(results)

    n = len(rewrites)
    print(
        f"candidate lookup: median {1000 * statistics.median(lookup):.0f} ms, "
        f"p95 {1000 * percentile(lookup, 95):.0f} ms; true source among the 20 verified candidates "
        f"{in_candidates}/{n}"
    )
    for state, times in verified.items():
        print(
            f"verified top-10 ({state} contextual cache): median {1000 * statistics.median(times):.0f} ms, "
            f"p95 {1000 * percentile(times, 95):.0f} ms"
        )
    print(f"retold recall@1 {hits_at[1] / n:.2f}, recall@10 {hits_at[10] / n:.2f} ({n} rewrites)")
    print(
        f"same-story texts: original returned as reuse for {false_reuse}/{len(same_story)}; "
        f"any document returned as reuse for {any_reuse}/{len(same_story)}"
    )
    baseline(documents, rewrites)


def baseline(documents: list[Document], rewrites: list[tuple[Document, str]]) -> None:
    from datasketch import MinHash, MinHashLSH

    from retold.fingerprints import minhash

    started = time.perf_counter()
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    signatures = {}
    for d in documents:
        values = minhash(d.text).astype(np.uint64)
        signature = MinHash(num_perm=128, seed=1, hashvalues=values, scheme="affine32")
        signatures[d.id] = signature
        lsh.insert(d.id, signature)
    build = time.perf_counter() - started
    hits_at = {1: 0, 10: 0}
    latencies = []
    for query, truth in rewrites:
        t = time.perf_counter()
        values = minhash(query.text).astype(np.uint64)
        signature = MinHash(num_perm=128, seed=1, hashvalues=values, scheme="affine32")
        found = sorted(lsh.query(signature), key=lambda i: -signature.jaccard(signatures[i]))
        latencies.append(time.perf_counter() - t)
        for k in hits_at:
            hits_at[k] += truth in found[:k]
    n = len(rewrites)
    print(
        f"MinHash-LSH baseline: built in {build:.0f} s; "
        f"lookup median {1000 * statistics.median(latencies):.1f} ms; "
        f"recall@1 {hits_at[1] / n:.2f}, recall@10 {hits_at[10] / n:.2f}"
    )


if __name__ == "__main__":
    main()
