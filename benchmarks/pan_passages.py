"""Which aligned passages are PAN cases? A learned passage filter against the shipped rule.

    python benchmarks/pan_passages.py --pan ../shared/data/pan13-train --cache /tmp/pan-cache

Reads the document cache of ``pan_experiment.py`` (run that first to fill it),
aligns every pair once, and describes every passage: links, mean combined,
contextual and term similarity, the weakest link, the passage's extent on each
side and how densely it is linked, its kind, and the pair's reuse probability.
A passage is a true detection when most of its suspicious-side characters lie
inside one of the pair's cases. A logistic model over these is scored out of
fold (5 folds grouped by suspicious document), and the probability threshold
that gives the best overall plagdet is reported beside the shipped rule (two
links, mean similarity 0.6), per class and in false detections.
"""

from __future__ import annotations

import argparse
import multiprocessing
import pickle
import random
from collections import defaultdict
from pathlib import Path

import numpy as np

from retold.align import align
from retold.config import PipelineConfig, load_config
from retold.evaluation.pan import CASE, detection_file, read_features, read_pan_pairs
from retold.evaluation.pan_measures import Feature, score
from retold.judge import judge
from retold.pipeline import Pipeline, Represented

NAMES = (
    "links",
    "similarity",
    "cosine",
    "lexical",
    "weakest",
    "extent_a",
    "extent_b",
    "ratio",
    "density",
    "verbatim",
    "light_edit",
    "pair_score",
)

_pipeline: Pipeline
_cache: Path


def _init(config: PipelineConfig, cache: Path) -> None:
    global _pipeline, _cache
    _pipeline, _cache = Pipeline(config), cache


def _load(name: str) -> Represented | str:
    with (_cache / f"{name}.pkl").open("rb") as handle:
        return pickle.load(handle)  # our own cache, written by pan_experiment.py


def _describe(pairs: list[tuple[str, str]]) -> list[tuple[str, str, list[tuple[Feature, list[float]]]]]:
    out = []
    loaded: dict[str, Represented | str] = {}
    for suspicious, source in pairs:
        for name in (suspicious, source):
            if name not in loaded:
                loaded[name] = _load(name)
        a, b = loaded[suspicious], loaded[source]
        if isinstance(a, str) or isinstance(b, str):
            out.append((suspicious, source, []))
            continue
        ra, rb = a.representation, b.representation
        alignment = align(ra, rb, _pipeline.config.align)
        pair_score = judge(ra, rb, alignment, _pipeline.calibration).score
        rows = []
        for passage in alignment.passages:
            links = passage.links
            a_rows = {x.a_index for x in links}
            b_rows = {x.b_index for x in links}
            span_a = max(a_rows) - min(a_rows) + 1
            span_b = max(b_rows) - min(b_rows) + 1
            len_a, len_b = passage.a[1] - passage.a[0], passage.b[1] - passage.b[0]
            values = [
                float(np.log1p(len(links))),
                passage.similarity,
                float(np.mean([alignment.cosine[x.a_index, x.b_index] for x in links])),
                float(np.mean([alignment.lexical[x.a_index, x.b_index] for x in links])),
                min(x.similarity for x in links),
                float(np.log1p(len_a)),
                float(np.log1p(len_b)),
                float(np.log((1 + len_a) / (1 + len_b))),
                min(len(a_rows) / span_a, len(b_rows) / span_b),
                float(passage.kind == "verbatim"),
                float(passage.kind == "light_edit"),
                pair_score,
            ]
            feature = Feature(suspicious, passage.a[0], len_a, source, passage.b[0], len_b)
            rows.append((feature, values))
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
    args = parser.parse_args()
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    config = load_config()
    truth: dict[tuple[str, str], tuple[str, list[Feature]]] = {}
    for folder in sorted(p for p in args.pan.iterdir() if (p / "pairs").is_file()):
        pairs, _ = read_pan_pairs(folder / "pairs")
        for suspicious, source in pairs:
            path = folder / detection_file(suspicious, source)
            cases = read_features(path, CASE) if path.is_file() else []
            truth[(suspicious, source)] = (folder.name, [c for c in cases if c.source == source])
    missing = [n for pair in truth for n in pair if not (args.cache / f"{n}.pkl").exists()]
    if missing:
        raise SystemExit(f"{len(missing)} documents are not in {args.cache}: run pan_experiment.py first")
    by_suspicious: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for pair in truth:
        by_suspicious[pair[0]].append(pair)
    single = PipelineConfig(model=config.model, threads=1, segment=config.segment, align=config.align)
    context = multiprocessing.get_context("spawn")
    with context.Pool(args.workers, initializer=_init, initargs=(single, args.cache)) as pool:
        described = [r for chunk in pool.imap_unordered(_describe, by_suspicious.values()) for r in chunk]

    detections: list[Feature] = []
    x_rows: list[list[float]] = []
    labels: list[int] = []
    groups: list[str] = []
    folders: list[str] = []
    for suspicious, source, rows in described:
        folder, cases = truth[(suspicious, source)]
        for feature, values in rows:
            detections.append(feature)
            x_rows.append(values)
            labels.append(int(_inside(feature, cases) >= 0.5))
            groups.append(suspicious)
            folders.append(folder)
    x = np.array(x_rows)
    y = np.array(labels)
    print(f"{len(described)} pairs, {len(detections)} passages, {int(y.sum())} inside a case")

    rng = random.Random(0)
    names = sorted(set(groups))
    rng.shuffle(names)
    fold_of = {name: k % 5 for k, name in enumerate(names)}
    fold = np.array([fold_of[g] for g in groups])
    probability = np.zeros(len(y))
    for k in range(5):
        train, test = fold != k, fold == k
        scaler = StandardScaler().fit(x[train])
        model = LogisticRegression(max_iter=2000, C=1.0).fit(scaler.transform(x[train]), y[train])
        probability[test] = model.predict_proba(scaler.transform(x[test]))[:, 1]
    scaler = StandardScaler().fit(x)
    model = LogisticRegression(max_iter=2000, C=1.0).fit(scaler.transform(x), y)
    print("weights (standardised): " + ", ".join(f"{n} {w:+.2f}" for n, w in zip(NAMES, model.coef_[0], strict=True)))

    cases_by: dict[str, list[Feature]] = defaultdict(list)
    for folder, cases in truth.values():
        cases_by[folder] += cases
    shipped = np.array([np.expm1(v[0]) >= 2 and v[1] >= 0.6 for v in x_rows])

    def show(name: str, keep: np.ndarray) -> float:
        kept_by: dict[str, list[Feature]] = defaultdict(list)
        for detection, folder, k in zip(detections, folders, keep, strict=True):
            if k:
                kept_by[folder].append(detection)
        per_class = " ".join(
            f"{score(cases_by[f], kept_by[f]).plagdet:.3f}" for f in sorted(cases_by) if cases_by[f]
        )
        false = sum(len(kept_by[f]) for f in cases_by if not cases_by[f])
        overall = score(
            [c for v in cases_by.values() for c in v], [d for v in kept_by.values() for d in v]
        )
        print(
            f"{name:<34} {per_class} | overall {overall.plagdet:.3f} (P {overall.precision:.3f} "
            f"R {overall.recall:.3f} G {overall.granularity:.3f}) | false {false}"
        )
        return overall.plagdet

    print("rule or threshold                  02 / 03 / 04 / 05 plagdet | overall | false detections (01)")
    show("shipped rule (2 links, sim 0.6)", shipped)
    best = max(
        ((show(f"learned, out of fold, p >= {t:.2f}", probability >= t), t) for t in np.arange(0.2, 0.85, 0.05)),
    )
    print(f"best threshold {best[1]:.2f}: overall {best[0]:.3f}")
    show("learned and shipped rule", (probability >= best[1]) & shipped)


if __name__ == "__main__":
    main()
