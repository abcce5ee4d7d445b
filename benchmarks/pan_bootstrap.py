"""Bootstrap intervals for PAN plagdet: resample suspicious documents, score each resample.

    python benchmarks/pan_bootstrap.py --pan ../shared/data/pan13-train --detections /tmp/pan-out \
        [--rounds 200]

Pairs are resampled by suspicious document (its pairs move together, since
they share the document's text and cases) within each class folder, so every
resample keeps the corpus's mix of classes. Prints plagdet per class and
overall with the 2.5th and 97.5th percentiles of the resamples, and the false
detections in the no-plagiarism pairs with theirs.
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
    rng: random.Random, documents: list[tuple[list[Feature], list[Feature]]]
) -> list[tuple[list[Feature], list[Feature]]]:
    """A resample of the documents; a document drawn twice is two documents (renamed), not one."""
    out = []
    for k, (cases, found) in enumerate(rng.choices(documents, k=len(documents))):
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
    args = parser.parse_args()
    units = read_units(args.pan, args.detections)
    point = measure(units)
    rng = random.Random(0)
    rounds: dict[str, list[float]] = defaultdict(list)
    for _ in range(args.rounds):
        sample = {name: _draw(rng, documents) for name, documents in units.items()}
        for key, value in measure(sample).items():
            rounds[key].append(value)
    for key, value in point.items():
        low, high = np.percentile(rounds[key], [2.5, 97.5])
        print(f"{key:40s} {value:.3f} [{low:.3f}, {high:.3f}]")


if __name__ == "__main__":
    main()
