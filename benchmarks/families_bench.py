"""Families benchmark: the AI-news families mixed into the news corpora, grouped and scored.

    python benchmarks/families_bench.py --data ../shared/data --size 10000 [--work /tmp/retold-families-bench]
        [--tier1-score S] [--rematch | --regroup]

Corpus (written outside the repository, under --work): the index benchmark's corpus of ``--size``
documents (``index_bench.corpus``: the 50 ai-news-rewrites originals plus news-corpora documents,
synthetic ones beyond 25,106), plus the 100 rewrites and the 100 texts written from the headline only,
metadata stripped. Dates of our own: families with an even number get dates (the original on
2017-03-01, its rewrites and same-story texts a few days later); odd ones stay undated, so both ways of
finding the original are measured.

Truth: a family is the original with its two rewrites; a same-story text belongs with nothing. Measured
on the 250 AI-news texts: pairwise precision/recall/F1 of "same family" and the adjusted Rand index
(every text outside a found family is its own group); accuracy of the probable original over the true
families found with their original; how many AI-news texts were grouped with corpus documents. On the
corpus: families found, and for BBC, how many of its stored-twice articles ended up together.
Time and peak memory of ``match_all`` + ``families`` on an index built here (ingest not counted).
``--rematch`` reuses the index a previous run built and forgets its pair work (and the contextual
vectors it cached), so a matching setting can be changed without ingesting again. ``--regroup`` keeps
the pair work too and only groups again (a change to ``retold.families``; the time is then grouping
alone).

The tier-1 trace follows the 100 true pairs (original, rewrite) and the 100 (original, same-story
text): not a candidate, stopped at tier 1 (with the tier-1 score), or verified (with the verdict).
"""

from __future__ import annotations

import argparse
import itertools
import json
import resource
import time
from collections import Counter
from pathlib import Path

from index_bench import REAL_FAMILIES, corpus, families

from retold.documents import Document
from retold.evaluation.datasets import bbc_pairs
from retold.index import Index, MatchSettings
from retold.ingest.records import records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="the shared data folder")
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/retold-families-bench"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--tier1-score", type=float, default=MatchSettings.tier1_score)
    again = parser.add_mutually_exclusive_group()
    again.add_argument("--rematch", action="store_true", help="reuse the index of the last run")
    again.add_argument("--regroup", action="store_true", help="reuse the index and its pairs too")
    args = parser.parse_args()
    from sklearn.metrics import adjusted_rand_score

    work = args.work / f"n{args.size}"
    work.mkdir(parents=True, exist_ok=True)
    documents, how = corpus(args.data, args.size, args.seed)
    _, rewrites, same_story = families(args.data / REAL_FAMILIES)
    truth: dict[str, str] = {}  # AI-news text -> its true family (same-story texts: themselves)
    dated: dict[str, str] = {}
    for doc in documents:
        if doc.id.endswith("-o") and doc.id.startswith("f"):
            truth[doc.id] = doc.id
    for doc, original in rewrites:
        truth[doc.id] = original
    for doc, _ in same_story:
        truth[doc.id] = doc.id
    for doc_id in list(truth):
        family_number = int(doc_id[1:4])
        if family_number % 2 == 0:
            day = 1 if doc_id.endswith("-o") else 2 + sum(map(ord, doc_id[-2:])) % 3
            dated[doc_id] = f"2017-03-{day:02d}"
    extra = [doc for doc, _ in rewrites + same_story]
    source = work / "corpus.jsonl"
    with source.open("w", encoding="utf-8") as handle:
        for d in [*documents, *extra]:
            row = {"id": d.id, "text": d.text}
            if d.id in dated:
                row["date"] = dated[d.id]
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"corpus: {len(documents) + len(extra):,} documents ({how}, + 200 AI-news texts)")

    index_dir = work / "index"
    if args.rematch:
        with Index(index_dir) as index, index.store.transaction() as db:
            for table in ("pairs", "matched", "contextual"):
                db.execute(f"DELETE FROM {table}")
    elif not args.regroup:
        for stale in sorted(index_dir.glob("*")) if index_dir.exists() else []:
            stale.unlink()
        with Index(index_dir, create=True) as index:
            index.add(records([str(source)]))
    started = time.perf_counter()
    with Index(index_dir) as index:
        report = index.match_all(MatchSettings(tier1_score=args.tier1_score))
        found = index.families()
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"match_all + families: {seconds:.0f} s, peak memory {peak:.0f} MiB; {report.candidates:,} "
        f"candidate pairs, {report.tier1:,} judged on tier-1 vectors, {report.verified:,} verified, "
        f"{report.reuse:,} reuse (tier-1 score {args.tier1_score})"
    )
    with Index(index_dir) as index:
        trace(index, rewrites, "rewrite")
        trace(index, same_story, "same-story")

    predicted: dict[str, int] = {}
    with_corpus = 0
    for number, family in enumerate(found):
        ids = family.ids
        for doc_id in ids:
            predicted[doc_id] = number
        if any(i in truth for i in ids) and any(i not in truth for i in ids):
            with_corpus += sum(i in truth for i in ids)
    names = sorted(truth)
    same_true = same_pred = both = 0
    for x, y in itertools.combinations(names, 2):
        t = truth[x] == truth[y]
        p = x in predicted and predicted.get(x) == predicted.get(y)
        same_true += t
        same_pred += p
        both += t and p
    precision = both / same_pred if same_pred else float("nan")
    recall = both / same_true if same_true else float("nan")
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    ari = adjusted_rand_score(
        [truth[n] for n in names], [f"found-{predicted[n]}" if n in predicted else n for n in names]
    )
    right = {"dated": [0, 0], "undated": [0, 0]}
    for original in sorted(set(truth.values())):
        if not original.endswith("-o") or original not in predicted:
            continue
        family = found[predicted[original]]
        kind = "dated" if original in dated else "undated"
        right[kind][1] += 1
        right[kind][0] += family.original == original
    print(
        f"AI-news families: pairwise precision {precision:.3f}, recall {recall:.3f}, F1 {f1:.3f}; "
        f"ARI {ari:.3f}; AI-news texts grouped with corpus documents: {with_corpus}"
    )
    for kind, (good, total) in right.items():
        print(f"probable original, {kind} families: {good}/{total} right")
    same_story_grouped = sum(1 for doc, _ in same_story if doc.id in predicted)
    print(f"same-story texts put in a family: {same_story_grouped}/{len(same_story)}")

    in_corpus = {d.id for d in documents}
    copies = [
        (p.a.id, p.b.id) for p in bbc_pairs(args.data / "news-corpora" / "bbc", same_topic=0) if p.is_reuse
    ]
    present = [(a, b) for a, b in copies if f"bbc-{a}" in in_corpus and f"bbc-{b}" in in_corpus]
    together = sum(
        1
        for a, b in present
        if predicted.get(f"bbc-{a}") is not None and predicted.get(f"bbc-{a}") == predicted.get(f"bbc-{b}")
    )
    print(
        f"corpus: {len(found):,} families holding {sum(len(f.members) for f in found):,} documents; "
        f"BBC articles stored twice, both copies in the corpus: {len(present)}, grouped together: {together}"
    )
    sizes = sorted((len(f.members) for f in found), reverse=True)[:5]
    print(f"largest families: {sizes}")


def trace(index: Index, pairs: list[tuple[Document, str]], label: str) -> None:
    """Where each (original, text) pair ended: not a candidate, stopped at tier 1, or its verdict."""
    ends: Counter[str] = Counter()
    stopped: list[float] = []
    for doc, original in pairs:
        lo, hi = sorted((index.store.doc_number(doc.id), index.store.doc_number(original)))  # type: ignore[type-var]
        row = index.store.db.execute(
            "SELECT tier, verdict, score FROM pairs WHERE lo = ? AND hi = ?", (lo, hi)
        ).fetchone()
        if row is None:
            ends["not a candidate"] += 1
        elif row[0] == 1:
            ends["stopped at tier 1"] += 1
            stopped.append(row[2])
        else:
            ends[f"verified: {row[1]}"] += 1
    detail = f" (tier-1 scores {sorted(round(s, 2) for s in stopped)})" if stopped else ""
    print(f"{label} pairs ({len(pairs)}): " + ", ".join(f"{k} {v}" for k, v in sorted(ends.items())) + detail)


if __name__ == "__main__":
    main()
