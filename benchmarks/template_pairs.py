"""Template reports: how often retold calls two reports written from one template reuse.

    python benchmarks/template_pairs.py --data ../shared/data [--pairs 600] [--model NAME] [--show 5]

Wire services file many stories from a fixed template: earnings tables ("Shr 40 cts vs 41 cts / Net
... / Revs ..."), weekly jobless claims, the Bank of England's daily money-market forecast. Two such
reports share nearly every word but their figures, and neither retells the other. A corpus tool that
calls them rewrites chains thousands of unrelated reports into one family.

Pairs (none is reuse by construction): Reuters-21578 stories whose bodies open with the same five
words once digits are removed (the template), filed at least two days apart (so not the same event
reported twice); at most five pairs per template, ``--pairs`` in all, sampled with a fixed seed.
Reported: the share of pairs called reuse (any reuse verdict) and called rewrite or near-duplicate,
by template kind, with a bootstrap 95% interval.
"""

from __future__ import annotations

import argparse
import itertools
import random
import re
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path

import numpy as np

from retold.config import PipelineConfig
from retold.documents import Document
from retold.evaluation.datasets import reuters_articles
from retold.judge import REUSE_VERDICTS
from retold.pipeline import Pipeline

_WORD = re.compile(r"[^\W\d_]+")


def template_key(text: str) -> str:
    return " ".join(w.lower() for w in _WORD.findall(text)[:5])


def filed(document: Document) -> datetime | None:
    try:
        return datetime.strptime(str(document.metadata.get("date", "")).split()[0], "%d-%b-%Y")
    except (ValueError, IndexError):
        return None


def template_pairs(
    documents: list[Document], limit: int, per_template: int, seed: int
) -> list[tuple[Document, Document]]:
    rng = random.Random(seed)
    groups: dict[str, list[Document]] = defaultdict(list)
    for doc in documents:
        if filed(doc) is not None and len(_WORD.findall(doc.text)) >= 5:
            groups[template_key(doc.text)].append(doc)
    pairs = []
    for key in sorted(groups):
        candidates = [
            (a, b)
            for a, b in itertools.combinations(groups[key], 2)
            if abs((filed(a) - filed(b)).days) >= 2 and a.text != b.text  # type: ignore[operator]
        ]
        pairs.extend(rng.sample(candidates, min(per_template, len(candidates))))
    return rng.sample(pairs, min(limit, len(pairs)))


def bootstrap(hits: list[bool], rng: np.random.Generator) -> tuple[float, float]:
    values = np.array(hits, dtype=float)
    means = [values[rng.integers(0, len(values), len(values))].mean() for _ in range(2000)]
    return float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, required=True, help="the shared data folder")
    parser.add_argument("--pairs", type=int, default=600)
    parser.add_argument("--per-template", type=int, default=5)
    parser.add_argument("--model", default=None, help="encoder (default: retold's default)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--show", type=int, default=0, help="print this many pairs called reuse")
    args = parser.parse_args()

    documents = reuters_articles(args.data / "news-corpora" / "reuters21578")
    pairs = template_pairs(documents, args.pairs, args.per_template, args.seed)
    pipeline = Pipeline(PipelineConfig(model=args.model)) if args.model else Pipeline()
    reuse: list[bool] = []
    strong: list[bool] = []
    kinds: Counter[str] = Counter()
    kinds_reuse: Counter[str] = Counter()
    shown = 0
    for a, b in pairs:
        comparison = pipeline.compare(a, b)
        called = comparison.verdict in REUSE_VERDICTS
        reuse.append(called)
        strong.append(comparison.verdict in ("rewrite", "near_duplicate"))
        kind = "earnings table" if template_key(a.text).startswith(("shr", "oper shr", "qtly")) else "prose"
        kinds[kind] += 1
        kinds_reuse[kind] += called
        if called and shown < args.show:
            shown += 1
            print(f"--- {a.id} / {b.id}: {comparison.verdict} {comparison.score:.2f}")
            print("   ", a.text[:160].replace("\n", " "))
            print("   ", b.text[:160].replace("\n", " "))
    rng = np.random.default_rng(args.seed)
    low, high = bootstrap(reuse, rng)
    s_low, s_high = bootstrap(strong, rng)
    print(f"template pairs: {len(pairs)} from {len(documents):,} Reuters stories ({pipeline.encoder.name})")
    print(f"called reuse:             {np.mean(reuse):.1%} [{low:.1%}, {high:.1%}]")
    print(f"called rewrite/near-dup:  {np.mean(strong):.1%} [{s_low:.1%}, {s_high:.1%}]")
    for kind in sorted(kinds):
        print(f"  {kind}: {kinds_reuse[kind]}/{kinds[kind]} called reuse")


if __name__ == "__main__":
    main()
