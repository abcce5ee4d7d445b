"""Fast PAN experiments: embed the corpus once, then re-align and score under other settings.

    python benchmarks/pan_experiment.py --pan CORPUS --cache /tmp/pan-cache \
        [--set align.passage_gap=2 --set pan.min_links=3 ...] [--classes 02,05] [--sample 300]

The first run embeds every document (about 6 minutes on 2 cores) into CACHE
(pickles, outside the repository); later runs only align, judge and score,
so a setting of the aligner is a number in a minute or two. The first table
is what ``retold pan`` reports (with the shipped passage filter); ``--grid``
scores the fixed rule (``pan.min_links``, ``pan.min_similarity``) instead.
Scores use the same code as ``retold eval pan``.
"""

from __future__ import annotations

import argparse
import itertools
import multiprocessing
import pickle
import random
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from retold.comparison import Comparison
from retold.config import PipelineConfig, load_config
from retold.errors import InputError
from retold.evaluation.pan import (
    CASE,
    PanConfig,
    detection_file,
    detections_from,
    read_features,
    read_pan_pairs,
)
from retold.evaluation.pan_filter import (
    PassageFilter,
    load_edge_filter,
    load_passage_filter,
    load_stretch_filter,
)
from retold.evaluation.pan_measures import Feature, score
from retold.ingest import read_document
from retold.pipeline import Pipeline, Represented

_pipeline: Pipeline
_root: Path
_cache: Path
_filter: PassageFilter | None
_stretch_filter: PassageFilter | None
_edge_filter: PassageFilter | None


def init(config: PipelineConfig, root: Path, cache: Path) -> None:
    """A worker's state: the pipeline, the corpus, the cache and the shipped PAN filters."""
    global _pipeline, _root, _cache, _filter, _stretch_filter, _edge_filter
    _pipeline, _root, _cache = Pipeline(config), root, cache
    _filter = load_passage_filter(config.model)
    _stretch_filter = load_stretch_filter(config.model)
    _edge_filter = load_edge_filter(config.model)


def pipeline() -> Pipeline:
    return _pipeline


def _shard(name: str) -> Path:
    return _cache / f"{name}.pkl"


def _embed(names: list[tuple[str, str]]) -> int:
    done = 0
    for folder, name in names:
        path = _shard(name)
        if path.exists():
            continue
        try:
            item: Represented | str = _pipeline.represent(read_document(_root / folder / name, html=False))
        except InputError as exc:
            item = str(exc)
        with path.open("wb") as handle:
            pickle.dump(item, handle)
        done += 1
    return done


def _load(name: str) -> Represented | str:
    with _shard(name).open("rb") as handle:
        return pickle.load(handle)  # our own cache, written above


Found = tuple[str, str, Comparison | None, list[Feature]]


def represented_pairs(
    pairs: list[tuple[str, str]],
) -> Iterator[tuple[str, str, Represented | None, Represented | None]]:
    """Each pair's two cached documents, each loaded once per call; None for one that could not be read."""
    loaded: dict[str, Represented | str] = {}
    for suspicious, source in pairs:
        for name in (suspicious, source):
            if name not in loaded:
                loaded[name] = _load(name)
        a, b = loaded[suspicious], loaded[source]
        yield (
            suspicious,
            source,
            a if isinstance(a, Represented) else None,
            b if isinstance(b, Represented) else None,
        )


def read_truth(
    root: Path, classes: str | None = None, sample: int | None = None
) -> dict[tuple[str, str], tuple[str, list[Feature]]]:
    """Every pair of the corpus's class folders (or ``sample`` per class), with its class and cases."""
    truth: dict[tuple[str, str], tuple[str, list[Feature]]] = {}
    rng = random.Random(0)
    for folder in sorted(p for p in root.iterdir() if (p / "pairs").is_file()):
        if classes and not folder.name.startswith(tuple(classes.split(","))):
            continue
        pairs, _ = read_pan_pairs(folder / "pairs")
        if sample:
            pairs = rng.sample(pairs, min(sample, len(pairs)))
        for suspicious, source in pairs:
            path = folder / detection_file(suspicious, source)
            cases = read_features(path, CASE) if path.is_file() else []
            truth[(suspicious, source)] = (folder.name, [c for c in cases if c.source == source])
    return truth


def add_corpus_arguments(parser: argparse.ArgumentParser) -> None:
    """The options every PAN benchmark over the document cache takes."""
    parser.add_argument("--pan", type=Path, required=True)
    parser.add_argument("--cache", type=Path, required=True)
    parser.add_argument("--workers", type=int, default=multiprocessing.cpu_count())
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="a setting to try")


def share_inside(start: int, end: int, spans: list[tuple[int, int]]) -> float:
    """Share of ``[start, end)`` that lies inside the (disjoint) ``spans``."""
    covered = sum(max(0, min(end, e) - max(start, s)) for s, e in spans)
    return covered / max(1, end - start)


def _align(pairs: list[tuple[str, str]]) -> list[Found]:
    """Each pair's comparison, and its detections as ``retold pan`` makes them (with the passage filter)."""
    out: list[Found] = []
    for suspicious, source, a, b in represented_pairs(pairs):
        if a is None or b is None:
            out.append((suspicious, source, None, []))
            continue
        comparison, alignment = _pipeline.compare_aligned(a, b, with_differences=False)
        texts = (a.document.text, b.document.text)
        shipped = detections_from(
            comparison, _pipeline.config.pan, alignment, _filter, texts, _stretch_filter, _edge_filter
        )
        out.append((suspicious, source, comparison, shipped))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_corpus_arguments(parser)
    parser.add_argument("--classes", help="comma-separated class prefixes, e.g. 01,02")
    parser.add_argument("--sample", type=int, help="pairs per class (random, fixed seed)")
    parser.add_argument("--grid", action="store_true", help="also score a grid of pan.* passage filters")
    args = parser.parse_args()
    config = load_config(overrides=dict(item.split("=", 1) for item in args.set))
    single = PipelineConfig(
        model=config.model,
        threads=1,
        segment=config.segment,
        align=config.align,
        limits=config.limits,
        pan=config.pan,
    )
    args.cache.mkdir(parents=True, exist_ok=True)

    truth = read_truth(args.pan, args.classes, args.sample)

    context = multiprocessing.get_context("spawn")
    with context.Pool(args.workers, initializer=init, initargs=(single, args.pan, args.cache)) as pool:
        names = sorted({("susp", s) for s, _ in truth} | {("src", r) for _, r in truth})
        missing = [n for n in names if not (args.cache / f"{n[1]}.pkl").exists()]
        if missing:
            started = time.perf_counter()
            chunks = [missing[k : k + 20] for k in range(0, len(missing), 20)]
            sum(pool.imap_unordered(_embed, chunks))
            print(f"embedded {len(missing)} documents in {time.perf_counter() - started:.0f} s")
        started = time.perf_counter()
        by_suspicious: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for pair in truth:
            by_suspicious[pair[0]].append(pair)
        chunks = list(by_suspicious.values())
        found = [r for chunk in pool.imap_unordered(_align, chunks) for r in chunk]
        print(f"aligned {len(found)} pairs in {time.perf_counter() - started:.0f} s; settings {args.set}")

    report(found, truth, config.pan, verbose=True)
    if args.grid:  # the rule (no passage filter) under other settings
        for min_score, min_links, min_similarity in itertools.product(
            (0.0, 0.1, 0.3), (1, 2, 3, 4), (0.55, 0.6, 0.65, 0.7, 0.75)
        ):
            print(f"min_score {min_score} min_links {min_links} min_similarity {min_similarity}: ", end="")
            report(found, truth, PanConfig(min_score, min_links, min_similarity), verbose=False)


def report(
    found: list[Found],
    truth: dict[tuple[str, str], tuple[str, list[Feature]]],
    pan: PanConfig,
    *,
    verbose: bool,
) -> None:
    cases_by: dict[str, list[Feature]] = defaultdict(list)
    detections_by: dict[str, list[Feature]] = defaultdict(list)
    for suspicious, source, comparison, shipped in found:
        folder, cases = truth[(suspicious, source)]
        cases_by[folder] += cases
        if verbose:
            detections_by[folder] += shipped
        elif comparison:
            detections_by[folder] += detections_from(comparison, pan)
    if not verbose:
        per_class = " ".join(
            f"{score(cases_by[f], detections_by[f]).plagdet:.3f}" for f in sorted(cases_by) if cases_by[f]
        )
        false = sum(len(detections_by[f]) for f in cases_by if not cases_by[f])
        everything = [c for v in cases_by.values() for c in v], [d for v in detections_by.values() for d in v]
        print(f"{per_class} | overall {score(*everything).plagdet:.3f} | false {false}")
        return
    for folder in sorted(cases_by):
        s = score(cases_by[folder], detections_by[folder])
        extra = f"false {len(detections_by[folder])}" if not s.cases else ""
        print(
            f"{folder:28s} plagdet {s.plagdet:.3f}  P {s.precision:.3f}  R {s.recall:.3f}  "
            f"G {s.granularity:.3f}  detected {s.case_detection_rate:.3f} {extra}"
        )
    everything = [c for v in cases_by.values() for c in v], [d for v in detections_by.values() for d in v]
    s = score(*everything)
    print(
        f"{'overall':28s} plagdet {s.plagdet:.3f}  P {s.precision:.3f}  R {s.recall:.3f}  "
        f"G {s.granularity:.3f}"
    )


if __name__ == "__main__":
    main()
