"""Which aligned passages and weak n-gram stretches are PAN cases? Fit and score the two filters.

    python benchmarks/pan_passages.py --pan ../shared/data/pan13-train --cache /tmp/pan-cache \
        [--passages /tmp/pan-passages.pkl] [--set align.strong_threshold=0.6 ...] \
        [-o src/retold/calibrations/minilm-l6-int8.pan-passages.json] \
        [-s src/retold/calibrations/minilm-l6-int8.pan-stretches.json]

Reads the document cache of ``pan_experiment.py`` through its helpers (run that
first to fill the cache), aligns every pair once and describes every passage with
``retold.evaluation.pan_filter.passage_features``. A passage is a true
detection when most of its suspicious-side characters lie inside one of the
pair's cases. The logistic filter is scored out of fold (5 folds grouped by
suspicious document) at a range of probability thresholds, beside the rule
(two links, mean similarity 0.6): plagdet per class, overall, and false
detections in the no-plagiarism pairs, with the kept passages post-processed
into detections as ``retold pan`` does (``retold.evaluation.pan_post``, with
the rejected passages from ``pan.min_support_probability`` on as summary
support; without the edge step, which ``pan_edges.py`` fits and scores on top
of these detections) and, for reference, raw. With ``--passages``, the aligned passages are kept in that
file and read back by later runs with the same ``--set`` settings (aligning
takes minutes; the rest, about as long again).

Then the weak stretches of shared word 3-grams (``pan.weak_seeds`` seeds or
more, fewer than ``pan.copies.min_seeds``) are described with
``stretch_features``, their ``aligned`` feature taken from the out-of-fold
passage probabilities, and the stretch filter is scored out of fold in the
same folds, at a range of thresholds, with and without that feature. With
``-o`` and ``-s``, the filters fitted on all pairs are written there (the
shipped ones are these files); the stretch filter is then fitted with the
``aligned`` feature from the passage filter fitted on all pairs, as
``retold pan`` computes it.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import multiprocessing
import pickle
import random
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pan_experiment
from pan_experiment import read_truth, represented_pairs, share_inside

from retold.align import align
from retold.config import load_config
from retold.evaluation.pan import ngram_candidates
from retold.evaluation.pan_filter import (
    PASSAGE_FEATURES,
    STRETCH_FEATURES,
    fit_passage_filter,
    passage_features,
)
from retold.evaluation.pan_measures import Feature, score
from retold.evaluation.pan_post import post_process

Pair = tuple[str, str]
Judged = list[tuple[Feature, float]]


def _describe(pairs: list[Pair]) -> list[tuple[str, str, list[tuple[Feature, list[float]]]]]:
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


_texts: dict[str, str | None] = {}  # a worker's documents' texts, None for one that could not be read


def _pair_texts(pairs: list[Pair]) -> Iterator[tuple[Pair, tuple[str, str] | None]]:
    """Each pair with its two texts (None when either could not be read), each document loaded once."""
    unknown = [p for p in pairs if p[0] not in _texts or p[1] not in _texts]
    for suspicious, source, a, b in represented_pairs(unknown):
        _texts[suspicious] = None if a is None else a.document.text
        _texts[source] = None if b is None else b.document.text
    for suspicious, source in pairs:
        a, b = _texts[suspicious], _texts[source]
        yield (suspicious, source), (None if a is None or b is None else (a, b))


def _candidates(
    jobs: list[tuple[Pair, Judged]],
) -> list[tuple[Pair, list[Feature], list[tuple[Feature, list[float]]]]]:
    """Each readable pair's n-gram copies and weak stretches with their features (in a worker)."""
    pan = pan_experiment.pipeline().config.pan
    out = []
    for ((suspicious, source), texts), (_, judged) in zip(
        _pair_texts([j[0] for j in jobs]), jobs, strict=True
    ):
        if texts is not None:
            copies, weak = ngram_candidates(suspicious, source, texts, pan, judged)
            out.append(((suspicious, source), copies, weak))
    return out


def _post(jobs: list[tuple[Pair, list[Feature], list[Feature]]]) -> list[tuple[Pair, list[Feature]]]:
    """Each readable pair's kept detections and summary support, post-processed as in retold pan."""
    cfg = pan_experiment.pipeline().config.pan.detections
    out = []
    for (pair, texts), (_, found, support) in zip(_pair_texts([j[0] for j in jobs]), jobs, strict=True):
        if texts is not None:  # unreadable: as in retold pan, no detections
            out.append((pair, post_process(found, *texts, cfg, support)))
    return out


def _inside(detection: Feature, cases: list[Feature]) -> float:
    """Share of the detection's suspicious-side characters inside the cases."""
    start, end = detection.this_offset, detection.this_offset + detection.this_length
    return share_inside(start, end, [(c.this_offset, c.this_offset + c.this_length) for c in cases])


def _out_of_fold(
    x: np.ndarray, y: np.ndarray, fold: np.ndarray, model: str, features: tuple[str, ...]
) -> np.ndarray:
    probability = np.zeros(len(y))
    for k in range(5):
        fitted = fit_passage_filter(x[fold != k], y[fold != k], model, "", features)
        probability[fold == k] = [fitted.probability(list(row)) for row in x[fold == k]]
    return probability


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    pan_experiment.add_corpus_arguments(parser)
    parser.add_argument(
        "--passages", type=Path, help="keep the aligned passages in this file and read them back next time"
    )
    parser.add_argument("-o", "--output", type=Path, help="write the passage filter fitted on all pairs here")
    parser.add_argument(
        "-s", "--stretches", type=Path, help="write the stretch filter fitted on all pairs here"
    )
    args = parser.parse_args()

    config = load_config(overrides=dict(item.split("=", 1) for item in args.set))
    truth = read_truth(args.pan)
    missing = [n for pair in truth for n in pair if not (args.cache / f"{n}.pkl").exists()]
    if missing:
        raise SystemExit(f"{len(missing)} documents are not in {args.cache}: run pan_experiment.py first")
    by_suspicious: dict[str, list[Pair]] = defaultdict(list)
    for pair in truth:
        by_suspicious[pair[0]].append(pair)
    single = dataclasses.replace(config, threads=1)
    context = multiprocessing.get_context("spawn")
    with context.Pool(
        args.workers, initializer=pan_experiment.init, initargs=(single, args.pan, args.cache)
    ) as pool:
        described = None
        if args.passages and args.passages.exists():
            with args.passages.open("rb") as handle:
                stored = pickle.load(handle)  # our own file, written below
            if stored["settings"] == args.set:
                described = stored["described"]
        if described is None:
            described = [r for chunk in pool.imap_unordered(_describe, by_suspicious.values()) for r in chunk]
            if args.passages:
                with args.passages.open("wb") as handle:
                    pickle.dump({"settings": args.set, "described": described}, handle)

        detections: list[Feature] = []
        x_rows: list[list[float]] = []
        labels: list[int] = []
        groups: list[str] = []
        for suspicious, source, rows in sorted(described, key=lambda r: (r[0], r[1])):
            _, cases = truth[(suspicious, source)]
            for feature, values in rows:
                detections.append(feature)
                x_rows.append(values)
                labels.append(int(_inside(feature, cases) >= 0.5))
                groups.append(suspicious)
        x = np.array(x_rows)
        y = np.array(labels)
        print(f"{len(described)} pairs, {len(detections)} passages, {int(y.sum())} mostly inside a case")

        rng = random.Random(0)
        names = sorted(set(groups))
        rng.shuffle(names)
        fold_of = {name: k % 5 for k, name in enumerate(names)}
        for k, name in enumerate(sorted(set(by_suspicious) - set(names))):  # no passage, maybe a stretch
            fold_of[name] = k % 5
        fold = np.array([fold_of[g] for g in groups])
        probability = _out_of_fold(x, y, fold, config.model, PASSAGE_FEATURES)
        fitted = fit_passage_filter(
            x,
            y,
            config.model,
            f"pan13-train: {len(described)} pairs, {len(y)} passages, {int(y.sum())} in a case",
        )
        print(
            "passage weights: "
            + ", ".join(f"{n} {w:+.2f}" for n, w in zip(PASSAGE_FEATURES, fitted.coefficients, strict=True))
        )

        def judged_by(chance: np.ndarray) -> list[list[tuple[Pair, Judged]]]:
            """The pairs, grouped by suspicious document, each with its passages and their probabilities."""
            by_pair: dict[Pair, Judged] = defaultdict(list)
            for detection, p in zip(detections, chance, strict=True):
                by_pair[(detection.suspicious, detection.source)].append((detection, float(p)))
            return [[(pair, by_pair.get(pair, [])) for pair in pairs] for pairs in by_suspicious.values()]

        def candidates(
            chance: np.ndarray,
        ) -> list[tuple[Pair, list[Feature], list[tuple[Feature, list[float]]]]]:
            found = [r for chunk in pool.imap_unordered(_candidates, judged_by(chance)) for r in chunk]
            return sorted(found, key=lambda r: r[0])

        found = candidates(probability)
        copied = {pair: copies for pair, copies, _ in found}
        weak = [(detection, values) for _, _, rows in found for detection, values in rows]
        w_x = np.array([values for _, values in weak]).reshape(-1, len(STRETCH_FEATURES))
        w_y = np.array([int(_inside(d, truth[(d.suspicious, d.source)][1]) >= 0.5) for d, _ in weak])
        w_fold = np.array([fold_of[d.suspicious] for d, _ in weak])
        print(
            f"{len(weak)} weak stretches "
            f"({config.pan.weak_seeds} to {config.pan.copies.min_seeds - 1} seeds), "
            f"{int(w_y.sum())} mostly inside a case"
        )
        stretch_probability = _out_of_fold(w_x, w_y, w_fold, config.model, STRETCH_FEATURES)
        lexical = [k for k, name in enumerate(STRETCH_FEATURES) if name != "aligned"]
        lexical_names = tuple(STRETCH_FEATURES[k] for k in lexical)
        no_aligned = _out_of_fold(w_x[:, lexical], w_y, w_fold, config.model, lexical_names)

        cases_by: dict[str, list[Feature]] = defaultdict(list)
        for folder, cases in truth.values():
            cases_by[folder] += cases
        links, similarity = PASSAGE_FEATURES.index("links"), PASSAGE_FEATURES.index("similarity")
        rule = np.array(
            [
                round(np.expm1(v[links])) >= config.pan.min_links
                and v[similarity] >= config.pan.min_similarity
                for v in x_rows
            ]
        )

        def show(
            name: str,
            keep: np.ndarray,
            post: bool,
            weak_keep: np.ndarray | None = None,
            support_from: float | None = config.pan.min_support_probability,
        ) -> None:
            """Score one choice of passages and weak stretches (summary support from ``support_from``)."""
            by_pair: dict[Pair, list[Feature]] = defaultdict(list)
            support: dict[Pair, list[Feature]] = defaultdict(list)
            for detection, k, p in zip(detections, keep, probability, strict=True):
                if k:
                    by_pair[(detection.suspicious, detection.source)].append(detection)
                elif support_from is not None and p >= support_from:
                    support[(detection.suspicious, detection.source)].append(detection)
            if weak_keep is not None:
                for (detection, _), k in zip(weak, weak_keep, strict=True):
                    if k:
                        by_pair[(detection.suspicious, detection.source)].append(detection)
            kept_by: dict[str, list[Feature]] = defaultdict(list)
            if post:
                jobs = [
                    [
                        (
                            pair,
                            by_pair.get(pair, []) + (copied.get(pair, []) if config.pan.find_copies else []),
                            support.get(pair, []),
                        )
                        for pair in pairs
                    ]
                    for pairs in by_suspicious.values()
                ]
                for chunk in pool.imap_unordered(_post, jobs):
                    for pair, processed in chunk:
                        kept_by[truth[pair][0]] += processed
            else:
                for pair, kept in by_pair.items():
                    kept_by[truth[pair][0]] += kept
            per_class = " ".join(
                f"{score(cases_by[f], kept_by[f]).plagdet:.4f}" for f in sorted(cases_by) if cases_by[f]
            )
            false = sum(len(kept_by[f]) for f in cases_by if not cases_by[f])
            overall = score(
                [c for v in cases_by.values() for c in v], [d for v in kept_by.values() for d in v]
            )
            print(
                f"{name:<46} {per_class} | {overall.plagdet:.4f} (P {overall.precision:.3f} "
                f"R {overall.recall:.3f} G {overall.granularity:.3f}) | {false}",
                flush=True,
            )

        shipped_p, shipped_s = config.pan.min_probability, config.pan.min_stretch_probability
        print(f"{'passages kept':<46} 02 / 03 / 04 / 05 plagdet | overall | false detections (01)")
        show("rule (2 links, similarity 0.6), raw", rule, post=False)
        show("filter out of fold, p >= 0.70, raw", probability >= 0.7, post=False)
        show("rule, post-processed", rule, post=True, support_from=None)
        for threshold in np.arange(0.5, 0.75, 0.05):
            show(f"filter out of fold, p >= {threshold:.2f}, post", probability >= threshold, post=True)
        for threshold in np.arange(0.6, 0.95, 0.05):
            show(
                f"p >= {shipped_p:.2f}, weak stretches s >= {threshold:.2f}",
                probability >= shipped_p,
                post=True,
                weak_keep=stretch_probability >= threshold,
            )
        for threshold in (0.5, 0.55, 0.65, 0.7):
            show(
                f"p >= {threshold:.2f}, weak stretches s >= {shipped_s:.2f}",
                probability >= threshold,
                post=True,
                weak_keep=stretch_probability >= shipped_s,
            )
        for least in (None, 0.1, 0.2, 0.4, 0.5):
            show(
                f"p >= {shipped_p:.2f}, s >= {shipped_s:.2f}, summary support {least or 'none'}",
                probability >= shipped_p,
                post=True,
                weak_keep=stretch_probability >= shipped_s,
                support_from=least,
            )
        for threshold in (0.8, 0.85, 0.9):
            show(
                f"p >= {shipped_p:.2f}, s >= {threshold:.2f} without 'aligned'",
                probability >= shipped_p,
                post=True,
                weak_keep=no_aligned >= threshold,
            )

        if args.output:
            args.output.write_text(json.dumps(fitted.to_dict(), indent=2) + "\n", encoding="utf-8")
            print(f"wrote {args.output}")
        if args.stretches:
            in_sample = np.array([fitted.probability(list(row)) for row in x])
            final = [(d, values) for _, _, rows in candidates(in_sample) for d, values in rows]
            f_x = np.array([values for _, values in final]).reshape(-1, len(STRETCH_FEATURES))
            f_y = np.array([int(_inside(d, truth[(d.suspicious, d.source)][1]) >= 0.5) for d, _ in final])
            stretch_filter = fit_passage_filter(
                f_x,
                f_y,
                config.model,
                f"pan13-train: {len(final)} weak stretches, {int(f_y.sum())} in a case",
                STRETCH_FEATURES,
            )
            print(
                "stretch weights: "
                + ", ".join(
                    f"{n} {w:+.2f}"
                    for n, w in zip(STRETCH_FEATURES, stretch_filter.coefficients, strict=True)
                )
            )
            args.stretches.write_text(json.dumps(stretch_filter.to_dict(), indent=2) + "\n", encoding="utf-8")
            print(f"wrote {args.stretches}")


if __name__ == "__main__":
    main()
