"""Fit and write the shipped calibration of a bundled model, from development data.

    python scripts/calibrate.py --data ../shared/data [--model minilm-l6-int8] [--write]

Pairs: ai-news-rewrites (original vs rephrased = reuse; vs written from the
headline = same story, no reuse; vs another family = unrelated) and a sample of
PAN13 (pairs with a plagiarism case = partial reuse; class 01 = no reuse). It
prints family/source-grouped 5-fold cross-validated measures before writing,
so the shipped numbers are never measured on the data they were fitted on.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GroupKFold

from retold.align import align
from retold.config import load_config
from retold.evaluation.calibrate import (
    brier,
    expected_calibration_error,
    fit_calibration,
    matrix,
)
from retold.evaluation.datasets import ai_news_pairs, pan_pairs
from retold.judge import FEATURES, Calibration, features
from retold.pipeline import Pipeline

PAN_SAMPLE = {
    "01-no-plagiarism": 40,
    "02-no-obfuscation": 15,
    "03-random-obfuscation": 15,
    "04-translation-obfuscation": 15,
    "05-summary-obfuscation": 15,
}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--model", default="minilm-l6-int8")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--write", action="store_true", help="write src/retold/calibrations/MODEL.json")
    args = parser.parse_args()

    overrides = dict(item.split("=", 1) for item in args.set)
    config = load_config(overrides={"model": args.model, **overrides})
    blank = Calibration(model=args.model, coefficients=(0.0,) * len(FEATURES), intercept=0.0)
    pipe = Pipeline(config, calibration=blank)
    pairs = ai_news_pairs(args.data / "ai-news-rewrites" / "dev.jsonl")
    pairs += list(pan_pairs(args.data / "pan13-train", PAN_SAMPLE))
    started = time.perf_counter()
    cache = {}
    rows, labels, kinds, groups, lengths = [], [], [], [], []
    for pair in pairs:
        for doc in (pair.a, pair.b):
            if doc.id not in cache:
                cache[doc.id] = pipe.represent(doc)
        ra, rb = cache[pair.a.id].representation, cache[pair.b.id].representation
        rows.append(features(ra, rb, align(ra, rb, config.align)))
        labels.append(pair.is_reuse)
        kinds.append(pair.label)
        groups.append(pair.group)
        lengths.append(min(pair.a.chars, pair.b.chars) / max(pair.a.chars, pair.b.chars))
    print(f"{len(pairs)} pairs in {time.perf_counter() - started:.0f} s")

    x, y = matrix(rows), np.asarray(labels, dtype=int)
    probs = np.zeros(len(y))
    for train, test in GroupKFold(n_splits=5).split(x, y, groups):
        model = LogisticRegression(C=1.0, max_iter=1000).fit(x[train], y[train])
        probs[test] = model.predict_proba(x[test])[:, 1]
    kinds_arr = np.array(kinds)
    news = np.isin(kinds_arr, ["rewrite", "same_story"])
    print("grouped 5-fold CV:")
    print(
        f"  all pairs AUC {roc_auc_score(y, probs):.3f}  Brier {brier(probs, y):.3f}  "
        f"ECE {expected_calibration_error(probs, y):.3f}"
    )
    print(
        f"  rewrite vs same-story AUC {roc_auc_score(y[news], probs[news]):.3f}"
        f"  (length-ratio baseline {roc_auc_score(y[news], -np.asarray(lengths)[news]):.3f})"
    )
    for kind in ("rewrite", "same_story", "unrelated", "partial_reuse", "no_reuse"):
        sel = kinds_arr == kind
        if sel.any():
            print(f"  {kind:14s} n={sel.sum():3d}  called reuse {np.mean(probs[sel] >= 0.5):.3f}")

    calibration = fit_calibration(
        rows,
        labels,
        model=args.model,
        base=blank,
        fitted_on=(
            "ai-news-rewrites dev (50 families: 100 rewrite, 100 same-story, 50 unrelated pairs) "
            "and a PAN13-train sample (40 no-plagiarism, 60 pairs with a case)"
        ),
    )
    for name, weight in zip(FEATURES, calibration.coefficients, strict=True):
        print(f"  {name:20s} {weight:+.3f}")
    print(f"  intercept            {calibration.intercept:+.3f}")
    if args.write:
        out = Path(__file__).resolve().parents[1] / "src" / "retold" / "calibrations" / f"{args.model}.json"
        out.write_text(json.dumps(calibration.to_dict(), indent=2) + "\n")
        print("wrote", out)


if __name__ == "__main__":
    main()
