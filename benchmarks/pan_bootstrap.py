"""Bootstrap intervals for PAN plagdet: resample suspicious documents, score each resample.

    python benchmarks/pan_bootstrap.py --pan ../shared/data/pan13-train --detections /tmp/pan-out \
        [--rounds 200] [--against /tmp/pan-out-before]

Pairs are resampled by suspicious document (its pairs move together, since
they share the document's text and cases) within each class folder, so every
resample keeps the corpus's mix of classes. Prints plagdet per class and
overall with the 2.5th and 97.5th percentiles of the resamples, and the false
detections in the no-plagiarism pairs with theirs. With ``--against``, a second
run's detections are scored on the same resamples, and the difference (this run
minus that one) is printed with its interval too: a paired comparison, far
narrower than the two intervals side by side.
"""

from __future__ import annotations

import argparse
import random
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np

from retold.evaluation.pan import read_pair, read_pan_pairs
from retold.evaluation.pan_measures import Feature, score

Units = dict[str, list[tuple[list[Feature], list[Feature]]]]  # class -> one (cases, detections) per document


def read_units(root: Path, detections: Path) -> Units:
    """Each class's suspicious documents, with the cases and detections of all their pairs."""
    units: Units = {}
    for folder in sorted(p for p in root.iterdir() if (p / "pairs").is_file()):
        pairs, _ = read_pan_pairs(folder / "pairs")
        by_document: dict[str, tuple[list[Feature], list[Feature]]] = defaultdict(lambda: ([], []))
        for suspicious, source in pairs:
            cases, found, _ = read_pair(folder, detections, suspicious, source)
            by_document[suspicious][0].extend(cases)
            by_document[suspicious][1].extend(found or [])
        units[folder.name] = list(by_document.values())
    return units


def measure(sample: Units) -> dict[str, float]:
    out: dict[str, float] = {}
    everything: tuple[list[Feature], list[Feature]] = ([], [])
    false = 0
    for name, documents in sample.items():
        cases = [c for d in documents for c in d[0]]
        found = [f for d in documents for f in d[1]]
        if cases:
            out[name] = score(cases, found).plagdet
        else:
            false += len(found)
        everything[0].extend(cases)
        everything[1].extend(found)
    out["overall"] = score(*everything).plagdet
    out["false detections (no-plagiarism pairs)"] = float(false)
    return out


def _draw(
    documents: list[tuple[list[Feature], list[Feature]]], picks: list[int]
) -> list[tuple[list[Feature], list[Feature]]]:
    """The documents at ``picks``; a document drawn twice is two documents (renamed), not one."""
    out = []
    for k, index in enumerate(picks):
        cases, found = documents[index]
        out.append(
            (
                [replace(c, suspicious=f"{c.suspicious}#{k}") for c in cases],
                [replace(d, suspicious=f"{d.suspicious}#{k}") for d in found],
            )
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pan", type=Path, required=True)
    parser.add_argument("--detections", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument(
        "--against", type=Path, help="another run's detections, compared on the same resamples"
    )
    args = parser.parse_args()
    units = read_units(args.pan, args.detections)
    other = read_units(args.pan, args.against) if args.against else None
    point = measure(units)
    rng = random.Random(0)
    rounds: dict[str, list[float]] = defaultdict(list)
    differences: dict[str, list[float]] = defaultdict(list)
    for _ in range(args.rounds):
        picks = {
            name: rng.choices(range(len(documents)), k=len(documents)) for name, documents in units.items()
        }
        scores = measure({name: _draw(documents, picks[name]) for name, documents in units.items()})
        for key, value in scores.items():
            rounds[key].append(value)
        if other is not None:
            before = measure({name: _draw(documents, picks[name]) for name, documents in other.items()})
            for key, value in scores.items():
                differences[key].append(value - before[key])
    for key, value in point.items():
        low, high = np.percentile(rounds[key], [2.5, 97.5])
        print(f"{key:40s} {value:.3f} [{low:.3f}, {high:.3f}]")
    if other is not None:
        before_point = measure(other)
        print(f"minus {args.against}:")
        for key, value in point.items():
            low, high = np.percentile(differences[key], [2.5, 97.5])
            print(f"{key:40s} {value - before_point[key]:+.4f} [{low:+.4f}, {high:+.4f}]")


if __name__ == "__main__":
    main()
