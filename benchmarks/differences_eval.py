"""Precision and recall of retold's differences per type, against hand annotations.

    python benchmarks/differences_eval.py --data ../shared/data/ai-news-rewrites/dev.jsonl \
        --seeds ../shared/seeds \
        --news-articles ../shared/data/news-corpora/newsarticles-2017/NewsArticles.csv \
        [--gold benchmarks/annotations/differences.jsonl] [--show]

The annotations hold pair ids (``retold.evaluation.datasets.ai_news_pairs``:
original vs rephrased, metadata stripped; ``news_articles``: two outlets'
articles on one event, ``na2017-<id>``), types and character offsets only:
never the texts, which are research-licensed. Each annotated pair was read in
full and every difference of the types measured here (numbers, quotations,
names) written down, so anything retold reports beyond them is a false
positive. A reported difference matches an annotated one of the same type
when their spans overlap on every side the annotation gives (a missing name
also when it is reported at another of its mentions).
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from pathlib import Path

from retold.differences import Difference
from retold.documents import Document
from retold.evaluation.datasets import ai_news_pairs, news_articles
from retold.pipeline import Pipeline

MEASURED = ("number", "quote", "entity")
ROOT = Path(__file__).resolve().parent


def overlaps(first: list[int] | tuple[int, int] | None, second: list[int] | tuple[int, int] | None) -> bool:
    if first is None or second is None:
        return first is None and second is None
    return first[0] < second[1] and second[0] < first[1]


def matches(found: Difference, gold: dict[str, object], a_text: str, b_text: str) -> bool:
    """Same type and overlapping spans; a missing name may be reported at any of its mentions."""
    if found.type != gold["type"]:
        return False
    if overlaps(found.a, gold["a"]) and overlaps(found.b, gold["b"]):  # type: ignore[arg-type]
        return True
    if gold["type"] == "entity_missing":
        for span, text, reported in ((gold["a"], a_text, found.a_text), (gold["b"], b_text, found.b_text)):
            if span and reported:
                name = text[span[0] : span[1]]  # type: ignore[index]
                return name.split()[-1].lower() == reported.split()[-1].lower()
    return False


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--gold", type=Path, default=ROOT / "annotations" / "differences.jsonl")
    parser.add_argument("--seeds", type=Path, help="the seeds folder: its two texts are the pair 'seeds'")
    parser.add_argument("--news-articles", type=Path, help="newsarticles-2017's NewsArticles.csv")
    parser.add_argument("--show", action="store_true", help="print every miss and false positive")
    args = parser.parse_args()
    gold_by_pair: dict[str, list[dict[str, object]]] = defaultdict(list)
    for line in args.gold.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            gold_by_pair[row["pair"]].append(row)
    pairs = {f"{p.a.id}/{p.b.id}": (p.a, p.b) for p in ai_news_pairs(args.data)}
    if args.seeds:
        first, second = sorted(args.seeds.glob("*.txt"))
        pairs["seeds"] = tuple(  # type: ignore[assignment]
            Document(path.name, path.read_text(encoding="utf-8")) for path in (first, second)
        )
    if args.news_articles:
        articles = {doc.id: doc for doc in news_articles(args.news_articles)}
        for key in gold_by_pair:
            first_id, _, second_id = key.partition("/")
            if first_id in articles and second_id in articles:
                pairs[key] = (articles[first_id], articles[second_id])
    missing = sorted(set(gold_by_pair) - set(pairs))
    if missing:
        parser.error(f"annotated pairs not found in the data given: {', '.join(missing)}")
    pipeline = Pipeline()
    true_pos: Counter[str] = Counter()
    false_pos: Counter[str] = Counter()
    false_neg: Counter[str] = Counter()
    for key, gold in sorted(gold_by_pair.items()):
        doc_a, doc_b = pairs[key]
        found = [d for d in pipeline.compare(doc_a, doc_b).differences if d.type.startswith(MEASURED)]
        used: set[int] = set()
        for g in gold:
            hit = next(
                (k for k, d in enumerate(found) if k not in used and matches(d, g, doc_a.text, doc_b.text)),
                None,
            )
            if hit is None:
                false_neg[str(g["type"])] += 1
                if args.show:
                    print(f"missed  {key} {g['type']} a={g['a']} b={g['b']} ({g.get('note', '')})")
            else:
                used.add(hit)
                true_pos[str(g["type"])] += 1
        for k, d in enumerate(found):
            if k not in used:
                false_pos[d.type] += 1
                if args.show:
                    print(f"extra   {key} {d.type} a={d.a} b={d.b} {d.a_text or d.b_text!r:.60}")
    print(f"{len(gold_by_pair)} pairs, {sum(len(g) for g in gold_by_pair.values())} annotated differences")
    print("| type | annotated | found | precision | recall |")
    print("|---|---|---|---|---|")
    kinds = sorted(set(true_pos) | set(false_pos) | set(false_neg))
    for kind in [*kinds, "all"]:
        tp = sum(true_pos.values()) if kind == "all" else true_pos[kind]
        fp = sum(false_pos.values()) if kind == "all" else false_pos[kind]
        fn = sum(false_neg.values()) if kind == "all" else false_neg[kind]
        precision = f"{tp / (tp + fp):.2f}" if tp + fp else "-"
        recall = f"{tp / (tp + fn):.2f}" if tp + fn else "-"
        print(f"| {kind} | {tp + fn} | {tp + fp} | {precision} | {recall} |")


if __name__ == "__main__":
    main()
