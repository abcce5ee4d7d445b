"""Which pieces at the ends of a PAN detection belong to it? Fit and score the edge filter.

    python benchmarks/pan_edges.py --pan ../shared/data/pan13-train --cache /tmp/pan-cache \
        [--detections /tmp/pan-untrimmed.pkl] [--set pan.detections.edge_pieces=3 ...] \
        [-o src/retold/calibrations/minilm-l6-int8.pan-edges.json]

Reads the document cache of ``pan_experiment.py`` (run that first to fill it)
and makes every pair's detections as ``retold pan`` does, but with the edge
step off (``pan.detections.edge_probability=0``); with ``--detections`` they are
kept in that file and read back by later runs with the same ``--set``
settings (those of the edge step aside, which come after). Then every detection's end pieces
(``retold.evaluation.pan_edges.edge_pieces``) are described and labelled: a
piece belongs when most of its characters lie inside the pair's cases on its
side. The edge filter is fitted and scored out of fold (5 folds grouped by
suspicious document): each pair's detections are trimmed by the filter of the
fold that did not see it, at a range of thresholds, and scored as ``retold
eval pan`` scores them (plagdet per class, overall, and false detections in
the no-plagiarism pairs). With ``-o``, the filter fitted on all pieces is
written there (the shipped one is that file).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import multiprocessing
import pickle
import random
from collections import defaultdict
from pathlib import Path

import numpy as np
import pan_experiment
from pan_experiment import read_truth, represented_pairs, share_inside

from retold.config import load_config
from retold.evaluation.pan_edges import edge_pieces, trim_edges
from retold.evaluation.pan_filter import EDGE_FEATURES, PassageFilter, fit_passage_filter
from retold.evaluation.pan_measures import Feature, score

Pair = tuple[str, str]


def _detections(pairs: list[Pair]) -> list[tuple[Pair, list[Feature]]]:
    """Each pair's detections with the edge step off (in a pan_experiment worker)."""
    return [((s, r), found) for s, r, _, found in pan_experiment._align(pairs)]


def _pieces(
    jobs: list[tuple[Pair, list[Feature], list[Feature]]],
) -> list[tuple[Pair, list[tuple[list[float], int]]]]:
    """Each pair's end pieces: features and whether the piece lies in a case (in a worker)."""
    most = pan_experiment.pipeline().config.pan.detections.edge_pieces
    out = []
    texts = {(s, r): (a, b) for s, r, a, b in represented_pairs([j[0] for j in jobs])}
    for pair, found, cases in jobs:
        a, b = texts[pair]
        if a is None or b is None:
            continue
        suspicious, source = a.document.text, b.document.text
        spans = {
            True: [(c.this_offset, c.this_offset + c.this_length) for c in cases],
            False: [(c.source_offset, c.source_offset + c.source_length) for c in cases],
        }
        rows = []
        for detection in found:  # a detection of the whole source has no edge pieces
            for piece in edge_pieces(detection, suspicious, source, most):
                label = int(share_inside(*piece.span, spans[piece.suspicious_side]) >= 0.5)
                rows.append((list(piece.features), label))
        out.append((pair, rows))
    return out


def _trim(jobs: list[tuple[Pair, list[Feature], PassageFilter, float]]) -> list[tuple[Pair, list[Feature]]]:
    """Each pair's detections trimmed by a given filter at a given threshold, then sized (in a worker)."""
    cfg = pan_experiment.pipeline().config.pan.detections
    out = []
    texts = {(s, r): (a, b) for s, r, a, b in represented_pairs([j[0] for j in jobs])}
    for pair, found, edge_filter, least in jobs:
        a, b = texts[pair]
        if a is None or b is None:
            out.append((pair, found))
            continue
        trimmed = trim_edges(found, a.document.text, b.document.text, edge_filter, least, cfg.edge_pieces)
        out.append((pair, [d for d in trimmed if min(d.this_length, d.source_length) >= cfg.min_chars]))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    pan_experiment.add_corpus_arguments(parser)
    parser.add_argument(
        "--detections",
        type=Path,
        help="keep the untrimmed detections in this file and read them back next time",
    )
    parser.add_argument("-o", "--output", type=Path, help="write the edge filter fitted on all pieces here")
    args = parser.parse_args()

    overrides = dict(item.split("=", 1) for item in args.set)
    config = load_config(overrides={**overrides, "pan.detections.edge_probability": "0"})
    truth = read_truth(args.pan)
    missing = [n for pair in truth for n in pair if not (args.cache / f"{n}.pkl").exists()]
    if missing:
        raise SystemExit(f"{len(missing)} documents are not in {args.cache}: run pan_experiment.py first")
    by_suspicious: dict[str, list[Pair]] = defaultdict(list)
    for pair in truth:
        by_suspicious[pair[0]].append(pair)
    chunks = list(by_suspicious.values())
    single = dataclasses.replace(config, threads=1)
    context = multiprocessing.get_context("spawn")
    with context.Pool(
        args.workers, initializer=pan_experiment.init, initargs=(single, args.pan, args.cache)
    ) as pool:
        untrimmed: dict[Pair, list[Feature]] | None = None
        # The edge settings act on the stored detections, so they do not make them stale.
        making = [item for item in args.set if not item.startswith("pan.detections.edge_")]
        if args.detections and args.detections.exists():
            with args.detections.open("rb") as handle:
                stored = pickle.load(handle)  # our own file, written below
            if stored["settings"] == making:
                untrimmed = stored["detections"]
        if untrimmed is None:
            untrimmed = dict(r for chunk in pool.imap_unordered(_detections, chunks) for r in chunk)
            if args.detections:
                with args.detections.open("wb") as handle:
                    pickle.dump({"settings": making, "detections": untrimmed}, handle)

        jobs = [[(p, untrimmed.get(p, []), truth[p][1]) for p in pairs] for pairs in chunks]
        described = sorted(r for chunk in pool.imap_unordered(_pieces, jobs) for r in chunk)
        names = sorted(by_suspicious)
        random.Random(0).shuffle(names)
        fold_of = {name: k % 5 for k, name in enumerate(names)}
        x = np.array([values for _, rows in described for values, _ in rows])
        y = np.array([label for _, rows in described for _, label in rows])
        fold = np.array([fold_of[pair[0]] for pair, rows in described for _ in rows])
        print(
            f"{len(untrimmed)} pairs, {sum(map(len, untrimmed.values()))} detections, "
            f"{len(y)} end pieces, {int(y.sum())} mostly inside a case"
        )
        filters = [
            fit_passage_filter(x[fold != k], y[fold != k], config.model, "", EDGE_FEATURES) for k in range(5)
        ]
        chance = np.concatenate([[filters[k].probability(list(v)) for v in x[fold == k]] for k in range(5)])
        order = np.concatenate([np.flatnonzero(fold == k) for k in range(5)])
        auc = _auc(y[order], chance)
        print(f"out-of-fold ROC-AUC of the edge filter: {auc:.3f}")

        cases_by: dict[str, list[Feature]] = defaultdict(list)
        for folder, cases in truth.values():
            cases_by[folder] += cases

        def show(name: str, found: dict[Pair, list[Feature]]) -> None:
            kept_by: dict[str, list[Feature]] = defaultdict(list)
            for pair, detections in found.items():
                kept_by[truth[pair][0]] += detections
            per_class = " ".join(
                f"{score(cases_by[f], kept_by[f]).plagdet:.4f}" for f in sorted(cases_by) if cases_by[f]
            )
            false = sum(len(kept_by[f]) for f in cases_by if not cases_by[f])
            overall = score(
                [c for v in cases_by.values() for c in v], [d for v in kept_by.values() for d in v]
            )
            print(
                f"{name:<34} {per_class} | {overall.plagdet:.4f} (P {overall.precision:.3f} "
                f"R {overall.recall:.3f} G {overall.granularity:.3f}) | {false}",
                flush=True,
            )

        print(f"{'edges':<34} 02 / 03 / 04 / 05 plagdet | overall | false detections (01)")
        show("untrimmed", untrimmed)
        for least in (0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75):
            trim_jobs = [
                [(p, untrimmed.get(p, []), filters[fold_of[p[0]]], least) for p in pairs] for pairs in chunks
            ]
            show(
                f"out of fold, cut below {least:.2f}",
                dict(r for chunk in pool.imap_unordered(_trim, trim_jobs) for r in chunk),
            )

    fitted = fit_passage_filter(
        x, y, config.model, f"pan13-train: {len(y)} end pieces, {int(y.sum())} in a case", EDGE_FEATURES
    )
    print(
        "edge weights: "
        + ", ".join(f"{n} {w:+.2f}" for n, w in zip(EDGE_FEATURES, fitted.coefficients, strict=True))
    )
    if args.output:
        args.output.write_text(json.dumps(fitted.to_dict(), indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.output}")


def _auc(y: np.ndarray, chance: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, chance))


if __name__ == "__main__":
    main()
