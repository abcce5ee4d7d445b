"""Run retold over a PAN pairs file: one detection XML per pair, in parallel, resumable.

Work is split along the pair graph: pairs that share a document form a
connected component, and one worker handles a whole component, so every
document is read, segmented and embedded once however many pairs it is in.
Components too large for an even split are cut into chunks by suspicious
document (a source shared across chunks is then embedded once per chunk).

Each pair's XML is written atomically when the pair is done, so a killed run
leaves only complete files, and a rerun skips the pairs whose file exists.
A pair whose documents cannot be read is reported and skipped; its file is
not written, so a rerun tries it again.
"""

from __future__ import annotations

import dataclasses
import logging
import multiprocessing
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from retold.config import PipelineConfig
from retold.errors import InputError
from retold.evaluation.pan import detection_file, detections_from, write_detections
from retold.evaluation.pan_filter import load_edge_filter, load_passage_filter, load_stretch_filter
from retold.graph import edge_groups

logger = logging.getLogger(__name__)

__all__ = ["PairResult", "plan", "run_pan"]

Pair = tuple[str, str]  # (suspicious file name, source file name)


@dataclass(frozen=True, slots=True)
class PairResult:
    suspicious: str
    source: str
    detections: int
    error: str | None = None


def plan(pairs: Sequence[Pair], workers: int) -> list[list[Pair]]:
    """Chunks of pairs, each closed over its documents where possible, largest first."""
    graph = [("s:" + suspicious, "r:" + source) for suspicious, source in pairs]
    components = [sorted(pairs[k] for k in group) for group in edge_groups(graph)]
    limit = max(32, len(pairs) // max(1, workers * 8))
    chunks: list[list[Pair]] = []
    for members in components:
        if len(members) <= limit:
            chunks.append(members)
            continue
        chunk: list[Pair] = []
        for pair in members:  # sorted: a suspicious document's pairs stay together
            if len(chunk) >= limit and pair[0] != chunk[-1][0]:
                chunks.append(chunk)
                chunk = []
            chunk.append(pair)
        chunks.append(chunk)
    chunks.sort(key=len, reverse=True)
    return chunks


class _Worker:
    """Per-process state: the loaded pipeline and where to read and write."""

    def __init__(self, config: PipelineConfig, src_dir: Path, susp_dir: Path, out_dir: Path) -> None:
        from retold.pipeline import Pipeline

        self.pipeline = Pipeline(config)
        self.pan = config.pan
        self.passage_filter = load_passage_filter(config.model)
        self.stretch_filter = load_stretch_filter(config.model)
        self.edge_filter = load_edge_filter(config.model)
        self.src_dir, self.susp_dir, self.out_dir = src_dir, susp_dir, out_dir

    def run(self, chunk: list[Pair]) -> list[PairResult]:
        from retold.ingest import read_document
        from retold.pipeline import Represented

        cache: dict[Path, Represented | InputError] = {}

        def represented(path: Path) -> Represented:
            if path not in cache:
                try:
                    cache[path] = self.pipeline.represent(read_document(path, html=False))
                except InputError as exc:
                    cache[path] = exc
            item = cache[path]
            if isinstance(item, InputError):
                raise item
            return item

        results = []
        for suspicious, source in chunk:
            try:
                a = represented(self.susp_dir / suspicious)
                b = represented(self.src_dir / source)
            except InputError as exc:
                results.append(PairResult(suspicious, source, 0, str(exc)))
                continue
            comparison, alignment = self.pipeline.compare_aligned(a, b, with_differences=False)
            detections = detections_from(
                comparison,
                self.pan,
                alignment,
                self.passage_filter,
                (a.document.text, b.document.text),
                self.stretch_filter,
                self.edge_filter,
            )
            write_detections(self.out_dir, suspicious, source, detections)
            results.append(PairResult(suspicious, source, len(detections)))
        return results


_worker: _Worker | None = None


def _init_worker(*args: object) -> None:
    global _worker
    _worker = _Worker(*args)  # type: ignore[arg-type]


def _run_chunk(chunk: list[Pair]) -> list[PairResult]:
    assert _worker is not None
    return _worker.run(chunk)


def run_pan(
    pairs: Sequence[Pair],
    src_dir: Path,
    susp_dir: Path,
    out_dir: Path,
    *,
    config: PipelineConfig,
    workers: int = 1,
) -> Iterator[PairResult]:
    """Process every pair whose detection file is not in ``out_dir`` yet.

    Yields one :class:`PairResult` per processed pair as chunks finish. With
    ``workers`` above 1, each worker process runs the encoder on one thread.

    Raises:
        InputError: a directory is missing or the output directory cannot be made.
    """
    for label, folder in (("source", src_dir), ("suspicious", susp_dir)):
        if not folder.is_dir():
            raise InputError(f"{folder}: no such {label} directory")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{out_dir}: cannot create the output directory: {exc.strerror or exc}") from None
    for stale in out_dir.glob(".*.tmp"):  # left by a run killed mid-write
        stale.unlink(missing_ok=True)
    todo = [p for p in pairs if not (out_dir / detection_file(*p)).exists()]
    if not todo:
        return
    chunks = plan(todo, workers)
    if workers <= 1:
        worker = _Worker(config, src_dir, susp_dir, out_dir)
        for chunk in chunks:
            yield from worker.run(chunk)
        return
    from retold.pipeline import Pipeline

    Pipeline(config)  # a missing or broken model fails here, once, not in every worker
    load_passage_filter(config.model)  # ... and so does a broken passage filter
    load_stretch_filter(config.model)  # ... or stretch filter
    load_edge_filter(config.model)  # ... or edge filter
    single = dataclasses.replace(config, threads=1)
    context = multiprocessing.get_context("spawn")  # never fork a process holding ONNX threads
    with context.Pool(
        workers, initializer=_init_worker, initargs=(single, src_dir, susp_dir, out_dir)
    ) as pool:
        for results in pool.imap_unordered(_run_chunk, chunks):
            yield from results
