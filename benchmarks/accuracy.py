"""PAN13 accuracy of retold beside a word n-gram baseline, scored in the same run.

    retold pan CORPUS/pairs CORPUS/src CORPUS/susp RETOLD_OUT      # about 10 minutes
    python benchmarks/accuracy.py --pan CORPUS --retold RETOLD_OUT [--baseline-out DIR]

The baseline (``retold.evaluation.baselines.ngram_passages``: shared word
5-grams merged into passages) is run here over the same pairs, on all cores,
and both detection directories are scored with ``retold eval pan``'s code.
Prints a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import multiprocessing
import tempfile
import time
from pathlib import Path

from retold.evaluation.baselines import ngram_passages
from retold.evaluation.pan import CorpusScores, read_pan_pairs, score_corpus, write_detections
from retold.evaluation.pan_measures import Feature

_ROOT: Path
_OUT: Path


def _init(root: Path, out: Path) -> None:
    global _ROOT, _OUT
    _ROOT, _OUT = root, out


def _read(path: Path) -> str:
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        return handle.read()


def _baseline(pair: tuple[str, str]) -> int:
    suspicious, source = pair
    a, b = _read(_ROOT / "susp" / suspicious), _read(_ROOT / "src" / source)
    features = [
        Feature(suspicious, s[0], s[1] - s[0], source, r[0], r[1] - r[0]) for s, r in ngram_passages(a, b)
    ]
    write_detections(_OUT, suspicious, source, features)
    return len(features)


def run_baseline(root: Path, out: Path) -> float:
    pairs, _ = read_pan_pairs(root / "pairs")
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(initializer=_init, initargs=(root, out)) as pool:
        for _ in pool.imap_unordered(_baseline, pairs, chunksize=32):
            pass
    return time.perf_counter() - started


def row(name: str, result: CorpusScores) -> str:
    cells = [name]
    for scores in result.classes.values():
        if scores.cases:
            cells.append(f"{scores.plagdet:.3f}")
    overall = result.overall
    cells.append(
        f"{overall.plagdet:.3f} (P {overall.precision:.3f}, R {overall.recall:.3f}, "
        f"G {overall.granularity:.3f})"
    )
    false = sum(v for k, v in result.false_detections.items() if "no-plagiarism" in k)
    cells.append(str(false))
    return "| " + " | ".join(cells) + " |"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pan", type=Path, required=True, help="PAN corpus directory")
    parser.add_argument("--retold", type=Path, required=True, help="OUT_DIR of a retold pan run")
    parser.add_argument("--baseline-out", type=Path, help="keep the baseline's detections here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        baseline_out = args.baseline_out or Path(tmp)
        seconds = run_baseline(args.pan, baseline_out)
        baseline = score_corpus(args.pan, baseline_out)
        retold = score_corpus(args.pan, args.retold)
    classes = [name for name, scores in retold.classes.items() if scores.cases]
    print("| system | " + " | ".join(classes) + " | overall plagdet | false detections (01) |")
    print("|---" * (len(classes) + 3) + "|")
    print(row("retold", retold))
    print(row(f"word 5-gram baseline ({seconds:.0f} s, all cores)", baseline))
    for name, result in (("retold", retold), ("baseline", baseline)):
        print(f"\n{name} per class:")
        for cls, scores in result.classes.items():
            print(f"  {cls:28s} {scores.to_dict()}  false {result.false_detections[cls]}")
        print(f"  missing detection files: {result.missing}")


if __name__ == "__main__":
    main()
