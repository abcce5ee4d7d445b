"""Which aligned passages are PAN cases? Fit and score the passage filter against the rule.

    python benchmarks/pan_passages.py --pan ../shared/data/pan13-train --cache /tmp/pan-cache \
        [--set align.strong_threshold=0.6 ...] [-o src/retold/calibrations/minilm-l6-int8.pan-passages.json]

Reads the document cache of ``pan_experiment.py`` through its helpers (run that
first to fill the cache), aligns every pair once and describes every passage with
``retold.evaluation.pan_filter.passage_features``. A passage is a true
detection when most of its suspicious-side characters lie inside one of the
pair's cases. The logistic filter is scored out of fold (5 folds grouped by
suspicious document) at a range of probability thresholds, beside the rule
(two links, mean similarity 0.6): plagdet per class, overall, and false
detections in the no-plagiarism pairs, with the kept passages post-processed
into detections as ``retold pan`` does (``retold.evaluation.pan_post``) and,
for reference, raw. With ``-o``, the filter fitted on all
pairs is written there (the shipped one is this file).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import multiprocessing
import random
from collections import defaultdict
from pathlib import Path

import numpy as np
import pan_experiment
from pan_experiment import read_truth, represented_pairs

from retold.align import align
from retold.config import load_config
from retold.errors import InputError
from retold.evaluation.pan import copy_detections
from retold.evaluation.pan_filter import PASSAGE_FEATURES, fit_passage_filter, passage_features
from retold.evaluation.pan_measures import Feature, score
from retold.evaluation.pan_post import post_process
from retold.ingest import read_document


def _describe(pairs: list[tuple[str, str]]) -> list[tuple[str, str, list[tuple[Feature, list[float]]]]]:
    """Each pair's passages as detections, with the filter's features (runs in a pan_experiment worker)."""
    out = []
    for suspicious, source, a, b in represented_pairs(pairs):
        if a is None or b is None:
            out.append((suspicious, source, []))
            continue
        alignment = align(a.representation, b.representation, pan_experiment.pipeline().config.align)
        rows = [
            (
                Feature(suspicious, p.a[0], p.a[1] - p.a[0], source, p.b[0], p.b[1] - p.b[0]),
                passage_features(p, alignment),
            )
            for p in alignment.passages
        ]
        out.append((suspicious, source, rows))
    return out


def _inside(detection: Feature, cases: list[Feature]) -> float:
    """Share of the detection's suspicious-side characters inside the cases."""
    start, end = detection.this_offset, detection.this_offset + detection.this_length
    covered = 0
    for case in cases:
        lo, hi = max(start, case.this_offset), min(end, case.this_offset + case.this_length)
        covered += max(0, hi - lo)
    return covered / max(1, end - start)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pan", type=Path, required=True)
    parser.add_argument("--cache", type=Path, required=True)
    parser.add_argument("--workers", type=int, default=multiprocessing.cpu_count())
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="a setting to try")
    parser.add_argument("-o", "--output", type=Path, help="write the filter fitted on all pairs here")
    args = parser.parse_args()

    config = load_config(overrides=dict(item.split("=", 1) for item in args.set))
    truth = read_truth(args.pan)
    missing = [n for pair in truth for n in pair if not (args.cache / f"{n}.pkl").exists()]
    if missing:
        raise SystemExit(f"{len(missing)} documents are not in {args.cache}: run pan_experiment.py first")
    by_suspicious: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for pair in truth:
        by_suspicious[pair[0]].append(pair)
    single = dataclasses.replace(config, threads=1)
    context = multiprocessing.get_context("spawn")
    with context.Pool(
        args.workers, initializer=pan_experiment.init, initargs=(single, args.pan, args.cache)
    ) as pool:
        described = [r for chunk in pool.imap_unordered(_describe, by_suspicious.values()) for r in chunk]

    detections: list[Feature] = []
    x_rows: list[list[float]] = []
    labels: list[int] = []
    groups: list[str] = []
    folders: list[str] = []
    for suspicious, source, rows in sorted(described, key=lambda r: (r[0], r[1])):
        folder, cases = truth[(suspicious, source)]
        for feature, values in rows:
            detections.append(feature)
            x_rows.append(values)
            labels.append(int(_inside(feature, cases) >= 0.5))
            groups.append(suspicious)
            folders.append(folder)
    x = np.array(x_rows)
    y = np.array(labels)
    print(f"{len(described)} pairs, {len(detections)} passages, {int(y.sum())} mostly inside a case")

    rng = random.Random(0)
    names = sorted(set(groups))
    rng.shuffle(names)
    fold_of = {name: k % 5 for k, name in enumerate(names)}
    fold = np.array([fold_of[g] for g in groups])
    probability = np.zeros(len(y))
    for k in range(5):
        fitted = fit_passage_filter(x[fold != k], y[fold != k], config.model, "")
        probability[fold == k] = [fitted.probability(list(row)) for row in x[fold == k]]
    fitted = fit_passage_filter(
        x,
        y,
        config.model,
        f"pan13-train: {len(described)} pairs, {len(y)} passages, {int(y.sum())} in a case",
    )
    print(
        "weights: "
        + ", ".join(f"{n} {w:+.2f}" for n, w in zip(PASSAGE_FEATURES, fitted.coefficients, strict=True))
    )

    cases_by: dict[str, list[Feature]] = defaultdict(list)
    for folder, cases in truth.values():
        cases_by[folder] += cases
    links, similarity = PASSAGE_FEATURES.index("links"), PASSAGE_FEATURES.index("similarity")
    rule = np.array(
        [
            round(np.expm1(v[links])) >= config.pan.min_links and v[similarity] >= config.pan.min_similarity
            for v in x_rows
        ]
    )

    texts: dict[str, str] = {}

    def text(folder: str, name: str) -> str:
        if name not in texts:
            texts[name] = read_document(args.pan / folder / name, html=False).text
        return texts[name]

    copied: dict[tuple[str, str], list[Feature]] = {}

    def copies(suspicious: str, source: str, texts: tuple[str, str]) -> list[Feature]:
        if (suspicious, source) not in copied:
            copied[(suspicious, source)] = copy_detections(suspicious, source, texts, config.pan.copies)
        return copied[(suspicious, source)]

    def show(name: str, keep: np.ndarray, post: bool) -> None:
        by_pair: dict[tuple[str, str], list[Feature]] = defaultdict(list)
        for detection, k in zip(detections, keep, strict=True):
            if k:
                by_pair[(detection.suspicious, detection.source)].append(detection)
        kept_by: dict[str, list[Feature]] = defaultdict(list)
        for suspicious, source in truth if post else by_pair:
            found = by_pair.get((suspicious, source), [])
            if post:
                try:
                    texts = text("susp", suspicious), text("src", source)
                except InputError:  # unreadable: as in retold pan, no detections
                    continue
                if config.pan.find_copies:
                    found = found + copies(suspicious, source, texts)
                found = post_process(found, *texts, config.pan.detections)
            kept_by[truth[(suspicious, source)][0]] += found
        per_class = " ".join(
            f"{score(cases_by[f], kept_by[f]).plagdet:.3f}" for f in sorted(cases_by) if cases_by[f]
        )
        false = sum(len(kept_by[f]) for f in cases_by if not cases_by[f])
        overall = score([c for v in cases_by.values() for c in v], [d for v in kept_by.values() for d in v])
        print(
            f"{name:<38} {per_class} | {overall.plagdet:.3f} (P {overall.precision:.3f} "
            f"R {overall.recall:.3f} G {overall.granularity:.3f}) | {false}"
        )

    print(f"{'passages kept':<38} 02 / 03 / 04 / 05 plagdet | overall | false detections (01)")
    show("rule (2 links, similarity 0.6), raw", rule, post=False)
    show("filter out of fold, p >= 0.70, raw", probability >= 0.7, post=False)
    show("rule, post-processed", rule, post=True)
    for threshold in np.arange(0.3, 0.85, 0.05):
        show(f"filter out of fold, p >= {threshold:.2f}, post", probability >= threshold, post=True)
    if args.output:
        args.output.write_text(json.dumps(fitted.to_dict(), indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
