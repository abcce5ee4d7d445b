"""An embedded index: find, for any document, the documents it rewrites or that rewrite it.

An index directory holds ``index.sqlite`` (the source of truth: documents,
segments, tier-1 vectors, MinHash buckets, a full-text index) and
``sentences.usearch`` (nearest neighbours over every body sentence, rebuilt
from the database whenever it is missing, stale or damaged). No server.

Search has two stages (DESIGN.md): candidates from three tier-1 signals —
sentence neighbours (so a rewritten passage inside a long article is found),
shared MinHash buckets (near-duplicates) and the rarest shared words
(names, numbers) — fused by rank; then each candidate is verified with the
aligner and judge of ``retold compare``, on contextual vectors cached in the
database after the first time.

Examples:
    >>> import tempfile
    >>> from retold import Document
    >>> story = ("The council approved the new budget on Monday. It includes more money for "
    ...          "road repairs. The vote was seven to two.")
    >>> retold_story = ("On Monday the council passed its new budget. More funds go to fixing "
    ...                 "roads. Seven members voted for it and two against.")
    >>> with tempfile.TemporaryDirectory() as folder, Index(folder, create=True) as index:
    ...     report = index.add([Document("original", story),
    ...                         Document("weather", "Rain is expected in the north tomorrow. "
    ...                                  "Temperatures will fall below freezing at night.")])
    ...     hits = index.search(Document("copy", retold_story))
    >>> report.added, [(hit.b.id, hit.verdict) for hit in hits]
    (2, [('original', 'rewrite')])
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from retold.align import Representation
from retold.comparison import Comparison
from retold.config import PipelineConfig
from retold.documents import Document, Sentence
from retold.encoders import STATIC_MODEL, Encoder, load_encoder
from retold.errors import IndexBusyError, IndexFileError, InputError
from retold.families import Edge, Family, Member, families, parse_date
from retold.fingerprints import content_terms, lsh_keys
from retold.index.ann import MAX_SENTENCES, SentenceIndex
from retold.index.store import Store, Stored, digest
from retold.index.tier1 import IndexParams, Tier1, dequantise, represent_batch, sentences_of
from retold.ingest.records import Skipped
from retold.pipeline import Pipeline, Represented
from retold.text import english_share

logger = logging.getLogger(__name__)

__all__ = ["AddReport", "Index", "MatchReport", "MatchSettings", "SearchSettings"]

DATABASE = "index.sqlite"
ANN_FILE = "sentences.usearch"
LOCK_FILE = "write.lock"
_CHUNK = 64  # documents per worker task
_SAVE_EVERY_S = 60.0  # how often a long add writes the neighbour file


@dataclass(frozen=True, slots=True)
class SearchSettings:
    """How many candidates each signal proposes and how many are verified."""

    neighbours: int = 20  # nearest sentences per query sentence
    min_similarity: float = 0.55  # a sentence neighbour weaker than this is no evidence
    rare_terms: int = 12  # the query's rarest words sent to the full-text index
    per_signal: int = 50  # candidates kept from each signal
    verify: int = 20  # candidates verified with the aligner and judge (at least top)


@dataclass(frozen=True, slots=True)
class MatchSettings:
    """How the whole index is matched against itself (``Index.match_all``).

    Every document's sentences look up their nearest neighbours in one batch;
    a document pair is a candidate when at least ``min_shared`` of the
    shorter document's sentences (and at least ``min_share`` of them) have a
    neighbour in the other at ``min_similarity``, or when the two share a
    MinHash bucket. Each document keeps its ``per_document`` best candidates.
    A candidate is judged first on the stored tier-1 vectors, and only one
    that reaches ``tier1_score`` there is verified with the contextual model
    (0.3: on the development news every rewrite scores at least 0.42 on the
    tier-1 model, and the families benchmark lost no true pair at 0.3).
    """

    neighbours: int = 20
    min_similarity: float = 0.6
    min_shared: int = 2
    min_share: float = 0.2
    per_document: int = 10
    tier1_score: float = 0.3
    batch: int = 256


@dataclass(slots=True)
class MatchReport:
    """What one ``match_all`` did; the counters show how much pair work an update cost."""

    documents: int = 0  # documents matched in this run (new or changed since the last)
    candidates: int = 0  # new candidate pairs
    tier1: int = 0  # pairs judged on tier-1 vectors
    verified: int = 0  # pairs verified with the contextual model
    reuse: int = 0  # of them, reuse
    seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class _Query:
    doc: int  # -1 for a document that is not in the index
    document: Document
    tier1: Tier1


@dataclass(slots=True)
class AddReport:
    """What one ``add`` did."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def read(self) -> int:
        return self.added + self.updated + self.unchanged + len(self.skipped)


# --------------------------------------------------------------------- worker processes

_worker_encoder: Encoder | None = None


def _init_worker() -> None:
    global _worker_encoder
    _worker_encoder = load_encoder(STATIC_MODEL)


def _represent_in_worker(texts: list[str], params: IndexParams, config: PipelineConfig) -> list[Tier1 | str]:
    assert _worker_encoder is not None
    return represent_batch(texts, _worker_encoder, params, config.segment)


# --------------------------------------------------------------------- the index


class Index:
    """An index directory, open for reading, and for writing while ``add``/``remove`` run.

    Args:
        path: the index directory.
        config: the pipeline settings; the verifying model is ``config.model``.
        create: create the directory and database if they do not exist.

    Raises:
        IndexFileError: no index at ``path`` (without ``create``), a foreign or
            corrupt file, or an index built with other parameters.
    """

    def __init__(
        self, path: str | Path, config: PipelineConfig | None = None, *, create: bool = False
    ) -> None:
        self.path = Path(path)
        self.config = config or PipelineConfig()
        if self.path.exists() and not self.path.is_dir():
            raise IndexFileError(f"{self.path}: is a file, not an index directory")
        database = self.path / DATABASE
        if create:
            self.path.mkdir(parents=True, exist_ok=True)
        elif not database.exists():
            raise IndexFileError(f"{self.path}: no index here (create one with 'retold index add')")
        self.encoder = load_encoder(STATIC_MODEL)
        self.params = IndexParams(STATIC_MODEL, self.encoder.dimensions)
        self.store = Store(database, create=create)
        if create:
            self.store.initialise(self.params, self.config.model, dataclasses.asdict(self.config.segment))
        self.meta = self.store.check()
        self._check_compatible()
        self.store.ensure_match_tables()
        self._ann: SentenceIndex | None = None
        self._pipeline: Pipeline | None = None
        self._static_pipeline: Pipeline | None = None
        self._lock: int | None = None

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.store.close()
        self._unlock()

    def _check_compatible(self) -> None:
        recorded = json.loads(self.meta.get("params", "{}"))
        current = dataclasses.asdict(self.params)
        if recorded != current:
            changed = ", ".join(
                f"{k}: index {recorded.get(k)!r}, now {current[k]!r}"
                for k in current
                if recorded.get(k) != current[k]
            )
            raise IndexFileError(
                f"{self.path}: built with other parameters ({changed}); rebuild it, or use the retold "
                "version that built it"
            )
        segment = json.dumps(dataclasses.asdict(self.config.segment), sort_keys=True)
        if self.meta.get("segment") != segment:
            raise IndexFileError(
                f"{self.path}: built with other segmentation settings ({self.meta.get('segment')}); "
                "use the same 'segment.*' settings as when it was built"
            )

    # ----------------------------------------------------------------- locking

    def _lock_for_writing(self, wait: bool) -> None:
        if self._lock is not None:
            return
        import fcntl  # POSIX; imported here so that 'import retold' works everywhere

        fd = os.open(self.path / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "another process"
            if not wait:
                os.close(fd)
                raise IndexBusyError(
                    f"{self.path}: {holder} is adding to this index; run again when it has finished"
                ) from None
            logger.warning("%s: %s is adding to this index; waiting for it to finish", self.path, holder)
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"process {os.getpid()}".encode(), 0)
        self._lock = fd

    def _unlock(self) -> None:
        if self._lock is not None:
            import fcntl

            os.ftruncate(self._lock, 0)
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            os.close(self._lock)
            self._lock = None

    # ----------------------------------------------------------------- the neighbour file

    def _neighbours(self) -> SentenceIndex:
        """The neighbour file, loaded, caught up with the database, rebuilt if unusable.

        Called before every lookup: a long-lived reader also sees what writers
        committed since it opened (one cheap query when nothing is new).
        """
        file = self.path / ANN_FILE
        ann = self._ann
        newest = self.store.last_doc()
        if ann is not None and newest <= ann.last_doc:
            return ann
        if ann is None and file.exists():
            try:
                ann = SentenceIndex.load(file, self.params.dimensions)
            except IndexFileError as exc:
                logger.warning("%s; rebuilding it from the database", exc)
        if ann is None:
            ann = SentenceIndex(self.params.dimensions)
        behind = 0
        for rows in self.store.vectors_after(ann.last_doc):
            docs = [doc for doc, _, _ in rows]
            vectors = [
                dequantise(
                    np.frombuffer(v, dtype=np.int8).reshape(len(s) // 4, -1), np.frombuffer(s, np.float32)
                )
                for _, v, s in rows
            ]
            ann.add_many(docs, vectors)
            behind += len(rows)
        if behind:
            logger.info("added %d documents to the neighbour file from the database", behind)
        ann.last_doc = max(ann.last_doc, newest)  # numbers up to it that are gone were removed
        self._ann = ann
        if behind and self._lock is not None:
            ann.save(file)
        return ann

    # ----------------------------------------------------------------- writing

    def add(
        self,
        items: Iterable[Document | Skipped],
        *,
        workers: int | None = None,
        wait: bool = True,
        progress: Callable[[AddReport], None] | None = None,
    ) -> AddReport:
        """Add documents; a document whose id exists is updated if its text changed, else left alone.

        Each chunk of documents is committed as one transaction, so an
        interrupted add keeps every committed chunk, and running it again
        skips them as unchanged.

        Raises:
            IndexBusyError: another process is adding and ``wait`` is false.
        """
        started = time.perf_counter()
        report = AddReport()
        workers = workers if workers is not None else (os.cpu_count() or 1)
        last_save = time.monotonic()
        pool: ProcessPoolExecutor | None = None
        self._lock_for_writing(wait)
        try:
            ann = self._neighbours()
            pending: list[tuple[list[Document], Future[list[Tier1 | str]] | list[Tier1 | str]]] = []
            chunks = 0
            for chunk in _chunks(items, report):
                chunk = self._changed_only(chunk, report)
                if not chunk:
                    continue
                chunks += 1
                if chunks == 2 and workers > 1:  # more than one chunk: worth starting worker processes
                    pool = _pool(workers)
                texts = [d.text for d in chunk]
                if pool is None:
                    pending.append(
                        (chunk, represent_batch(texts, self.encoder, self.params, self.config.segment))
                    )
                else:
                    pending.append(
                        (chunk, pool.submit(_represent_in_worker, texts, self.params, self.config))
                    )
                while len(pending) > 2 * max(1, workers) or (pool is None and pending):
                    self._write(*pending.pop(0), report, ann)
                    if progress:
                        progress(report)
                    if time.monotonic() - last_save > _SAVE_EVERY_S:
                        ann.save(self.path / ANN_FILE)
                        last_save = time.monotonic()
            while pending:
                self._write(*pending.pop(0), report, ann)
                if progress:
                    progress(report)
        finally:
            if pool is not None:
                pool.shutdown(cancel_futures=True)
            if self._ann is not None:
                self._ann.save(self.path / ANN_FILE)
            self._unlock()
        report.seconds = time.perf_counter() - started
        return report

    def _changed_only(self, chunk: list[Document], report: AddReport) -> list[Document]:
        """Drop documents stored with the same id and text; reject oversized ones."""
        known = self.store.existing([d.id for d in chunk])
        out = []
        limit = self.config.limits.max_chars
        for document in chunk:
            if len(document.text) > limit:
                report.skipped.append(
                    Skipped(
                        document.id, f"{len(document.text):,} characters, more than the limit of {limit:,}"
                    )
                )
            elif document.id in known and known[document.id][1] == digest(document.text):
                report.unchanged += 1
            else:
                out.append(document)
        return out

    def _write(
        self,
        chunk: list[Document],
        work: Future[list[Tier1 | str]] | list[Tier1 | str],
        report: AddReport,
        ann: SentenceIndex,
    ) -> None:
        try:
            results = work.result() if isinstance(work, Future) else work
        except Exception:  # a record that breaks a worker: find it, skip it, keep the rest
            logger.debug("a chunk failed in a worker; representing its documents one by one", exc_info=True)
            results = [self._represent_alone(d) for d in chunk]
        added: list[tuple[int, Tier1]] = []
        removed: list[tuple[int, int]] = []
        with self.store.transaction():
            for document, tier1 in zip(chunk, results, strict=True):
                if isinstance(tier1, str):
                    report.skipped.append(Skipped(document.id, tier1))
                    continue
                if len(tier1.scales) >= MAX_SENTENCES:
                    report.skipped.append(Skipped(document.id, f"more than {MAX_SENTENCES:,} sentences"))
                    continue
                # Looked up again inside the transaction: the same id may come twice in one input.
                old = self.store.doc_number(document.id)
                if old is not None:
                    removed.append((old, self.store.delete(old)))
                added.append((self.store.insert(document, digest(document.text), tier1), tier1))
                if old is None:
                    report.added += 1
                else:
                    report.updated += 1
        for doc, sentences in removed:
            ann.remove(doc, sentences)
        ann.add_many([doc for doc, _ in added], [dequantise(t.vectors, t.scales) for _, t in added])

    def _represent_alone(self, document: Document) -> Tier1 | str:
        try:
            return represent_batch([document.text], self.encoder, self.params, self.config.segment)[0]
        except Exception as exc:  # reported and skipped, never the end of the run
            return f"cannot be represented: {type(exc).__name__}: {exc}"

    def remove(self, ids: Iterable[str], *, wait: bool = True) -> tuple[int, list[str]]:
        """Delete documents by id: returns how many were removed and the ids not found."""
        self._lock_for_writing(wait)
        try:
            ann = self._neighbours()
            removed, missing = [], []
            with self.store.transaction():
                for doc_id in ids:
                    doc = self.store.doc_number(doc_id)
                    if doc is None:
                        missing.append(doc_id)
                    else:
                        removed.append((doc, self.store.delete(doc)))
            for doc, sentences in removed:
                ann.remove(doc, sentences)
            ann.save(self.path / ANN_FILE)
        finally:
            self._unlock()
        return len(removed), missing

    # ----------------------------------------------------------------- reading

    def __len__(self) -> int:
        return self.store.count()

    def __contains__(self, doc_id: object) -> bool:
        return isinstance(doc_id, str) and self.store.doc_number(doc_id) is not None

    def get(self, doc_id: str) -> Document | None:
        doc = self.store.doc_number(doc_id)
        if doc is None:
            return None
        return self.store.load([doc])[doc].document

    def info(self) -> dict[str, Any]:
        """Counts, sizes on disk, model and parameters."""
        files = {p.name: p.stat().st_size for p in sorted(self.path.iterdir()) if p.is_file()}
        counts = self.store.counts()
        return {
            "path": str(self.path),
            "format": f"{self.meta['format']} {self.meta['version']}",
            "created": self.meta.get("created"),
            **counts,
            "neighbour_entries": len(self._neighbours()),
            "model": self.config.model,
            "built_with_model": self.meta.get("model"),
            "parameters": json.loads(self.meta["params"]),
            "bytes": sum(files.values()),
            "files": files,
        }

    @property
    def pipeline(self) -> Pipeline:
        if self._pipeline is None:
            self._pipeline = Pipeline(self.config)
        return self._pipeline

    def candidates(
        self, query: Document | str, settings: SearchSettings | None = None
    ) -> list[tuple[int, float, tuple[str, ...]]]:
        """Tier-1 candidates for a document (or the id of an indexed one), best first.

        Each is ``(document number, fused score, the signals that proposed it)``.

        Raises:
            InputError: an id that is not in the index, or a document with no body text.
        """
        return self._candidates(self._query(query), settings or SearchSettings())

    def _candidates(
        self, query: _Query, settings: SearchSettings
    ) -> list[tuple[int, float, tuple[str, ...]]]:
        own, text, tier1 = query.doc, query.document.text, query.tier1
        vectors = dequantise(tier1.vectors, tier1.scales)
        ranked: dict[str, list[int]] = {}
        # 1. Sentence neighbours: per document, the best similarity each query sentence finds there.
        docs, _, similarity = self._neighbours().search(vectors, settings.neighbours)
        best: dict[int, npt.NDArray[np.float32]] = {}
        for row in range(len(vectors)):
            for doc, sim in zip(docs[row], similarity[row], strict=True):
                if doc < 0 or doc == own or sim < settings.min_similarity:
                    continue
                found = best.setdefault(int(doc), np.zeros(len(vectors), dtype=np.float32))
                found[row] = max(found[row], sim - settings.min_similarity)
        evidence = sorted(best.items(), key=lambda item: -float(item[1].sum()))
        ranked["sentences"] = [doc for doc, _ in evidence[: settings.per_signal]]
        # 2. MinHash buckets shared: near-duplicates.
        mates = self.store.bucket_mates(tier1.lsh)
        mates.pop(own, None)
        ranked["minhash"] = [d for d, _ in sorted(mates.items(), key=lambda m: -m[1])][: settings.per_signal]
        # 3. The rarest words of the query, in the full-text index.
        matches = self.store.rare_term_matches(text, terms=settings.rare_terms, limit=settings.per_signal + 1)
        ranked["rare_terms"] = [doc for doc, _ in matches if doc != own][: settings.per_signal]
        fused: dict[int, float] = {}
        sources: dict[int, list[str]] = {}
        for signal, docs_in_order in ranked.items():
            for rank, doc in enumerate(docs_in_order):
                fused[doc] = fused.get(doc, 0.0) + 1.0 / (60 + rank)
                sources.setdefault(doc, []).append(signal)
        order = sorted(fused, key=lambda d: -fused[d])
        return [(doc, fused[doc], tuple(sources[doc])) for doc in order]

    def _query(self, query: Document | str) -> _Query:
        """The query resolved: its document number (-1 if not indexed), document and tier-1 form."""
        if isinstance(query, str):
            doc = self.store.doc_number(query)
            if doc is None:
                raise InputError(
                    f"'{query}' is not a document id in this index (give a file to search for it)"
                )
            stored = self.store.load([doc])[doc]
            signature = self.store.signature(doc)
            assert signature is not None
            lsh = tuple(lsh_keys(signature, self.params.bands))
            tier1 = Tier1(stored.segments, stored.vectors, stored.scales, signature, lsh)
            return _Query(doc, stored.document, tier1)
        if not query.text.strip():
            raise InputError(f"{query.id}: the document is empty")
        limit = self.config.limits.max_chars
        if len(query.text) > limit:
            raise InputError(
                f"{query.id}: {len(query.text):,} characters is more than the limit of {limit:,}"
            )
        (represented,) = represent_batch([query.text], self.encoder, self.params, self.config.segment)
        if isinstance(represented, str):
            raise InputError(f"{query.id}: {represented}")
        return _Query(-1, query, represented)

    def search(
        self,
        query: Document | str,
        *,
        top: int = 10,
        settings: SearchSettings | None = None,
        include_unrelated: bool = False,
    ) -> list[Comparison]:
        """The indexed documents that ``query`` reuses or that reuse it, best first.

        ``query`` is a document or the id of an indexed one. Each result is the
        ``retold.comparison/1`` comparison of the query (side a) with the hit
        (side b). With ``include_unrelated``, verified candidates below the
        reuse threshold are listed too, after the hits.

        Raises:
            InputError: an unknown id, or a document with no body text.
        """
        settings = settings or SearchSettings()
        resolved = self._query(query)
        found = self._candidates(resolved, settings)[: max(settings.verify, top)]
        if not found:
            return []
        pipeline = self.pipeline
        stored = self.store.load([doc for doc, _, _ in found])
        items = [(s.doc, s.document, s.segments) for s in stored.values()]
        sides = self._represented(
            [(resolved.doc, resolved.document, resolved.tier1.segments), *items], pipeline
        )
        query_side = sides.pop(resolved.doc)
        results = [
            pipeline.compare_represented(query_side, sides[doc])
            for doc, _, _ in found
            if doc in sides  # not removed since the neighbour file was saved
        ]
        results.sort(key=lambda c: (not c.is_reuse, -c.score))
        if not include_unrelated:
            results = [c for c in results if c.is_reuse]
        return results[:top]

    # ----------------------------------------------------------------- the whole index against itself

    def match_all(
        self,
        settings: MatchSettings | None = None,
        *,
        progress: Callable[[MatchReport, int], None] | None = None,
    ) -> MatchReport:
        """Find every reuse pair in the index, doing only the work that is not stored yet.

        Documents added or changed since the last run are matched against the
        whole index; pairs already judged are never judged again. Judged pairs
        are stored batch by batch, so an interrupted run keeps its work.
        ``progress(report, total)`` is called after each batch.
        """
        settings = settings or MatchSettings()
        started = time.perf_counter()
        report = MatchReport()
        model = self.pipeline.encoder.name
        todo = self.store.unmatched(model)
        ann = self._neighbours()
        for start in range(0, len(todo), settings.batch):
            batch = todo[start : start + settings.batch]
            candidates = self._batch_candidates(batch, ann, settings)
            known = self.store.known_pairs(batch, model)
            fresh = sorted(set(candidates) - known)
            report.candidates += len(fresh)
            rows = self._judge_pairs(fresh, settings, report)
            self.store.keep_matches(batch, rows, model)
            report.documents += len(batch)
            if progress:
                progress(report, len(todo))
        report.seconds = time.perf_counter() - started
        return report

    def _batch_candidates(
        self, batch: list[int], ann: SentenceIndex, settings: MatchSettings
    ) -> list[tuple[int, int]]:
        """Candidate pairs ``(lo, hi)`` for a batch of indexed documents (sentence neighbours, MinHash)."""
        stored = self.store.load(batch)
        docs = [doc for doc in batch if doc in stored]
        if not docs:
            return []
        vectors = [dequantise(stored[d].vectors, stored[d].scales) for d in docs]
        owners = np.repeat(np.array(docs, dtype=np.int64), [len(v) for v in vectors])
        found, _, similarity = ann.search(np.concatenate(vectors), settings.neighbours)
        rows = np.repeat(np.arange(len(owners)), found.shape[1])
        other = found.reshape(-1)
        keep = (similarity.reshape(-1) >= settings.min_similarity) & (other >= 0) & (other != owners[rows])
        # One count per (query sentence, other document), then per document pair.
        hits = np.unique(np.stack([rows[keep], other[keep]], axis=1), axis=0)
        pair_of = np.stack([owners[hits[:, 0]], hits[:, 1]], axis=1)
        pairs, shared = np.unique(pair_of, axis=0, return_counts=True)
        sizes = self.store.sentence_counts(np.unique(pairs[:, 1]).tolist()) if len(pairs) else {}
        sizes.update({d: len(v) for d, v in zip(docs, vectors, strict=True)})
        by_doc: dict[int, list[tuple[float, int]]] = {}
        for (query, doc), count in zip(pairs.tolist(), shared.tolist(), strict=True):
            shorter = min(sizes.get(query, 1), sizes.get(doc, 1))
            if count >= min(settings.min_shared, shorter) and count / max(1, shorter) >= settings.min_share:
                by_doc.setdefault(query, []).append((count / max(1, shorter), doc))
        for query, mate in self.store.bucket_pairs(docs):
            by_doc.setdefault(query, []).append((1.0, mate))
        out = set()
        for query, found_for in by_doc.items():
            best = sorted(set(found_for), key=lambda item: (-item[0], item[1]))
            for _, doc in best[: settings.per_document]:
                out.add((min(query, doc), max(query, doc)))
        return sorted(out)

    def _judge_pairs(
        self, pairs: list[tuple[int, int]], settings: MatchSettings, report: MatchReport
    ) -> list[tuple[Any, ...]]:
        """Judge candidate pairs: tier-1 first, the survivors with the contextual model."""
        if not pairs:
            return []
        needed = sorted({d for pair in pairs for d in pair})
        stored = self.store.load(needed)
        tier1 = self._tier1_pipeline
        static = {doc: self._static_represented(item) for doc, item in stored.items()}
        rows: list[tuple[Any, ...]] = []
        survivors = []
        for lo, hi in pairs:
            if lo not in static or hi not in static:
                continue  # removed meanwhile
            report.tier1 += 1
            first = tier1.compare_represented(static[lo], static[hi], with_differences=False)
            if first.score >= settings.tier1_score:
                survivors.append((lo, hi))
            else:
                rows.append((lo, hi, 1, first.verdict, first.score, first.coverage_a, first.coverage_b, None))
        if survivors:
            pipeline = self.pipeline
            involved = sorted({d for pair in survivors for d in pair})
            sides = self._represented(
                [(d, stored[d].document, stored[d].segments) for d in involved], pipeline
            )
            for lo, hi in survivors:
                report.verified += 1
                result = pipeline.compare_represented(sides[lo], sides[hi])
                report.reuse += result.is_reuse
                rows.append(
                    (
                        lo,
                        hi,
                        2,
                        result.verdict,
                        result.score,
                        result.coverage_a,
                        result.coverage_b,
                        json.dumps(result.to_dict(), ensure_ascii=False) if result.is_reuse else None,
                    )
                )
        return rows

    @property
    def _tier1_pipeline(self) -> Pipeline:
        if self._static_pipeline is None:
            self._static_pipeline = Pipeline(dataclasses.replace(self.config, model=STATIC_MODEL))
        return self._static_pipeline

    def _static_represented(self, item: Stored) -> Represented:
        """An indexed document with its stored tier-1 vectors, ready for the tier-1 judge."""
        sentences = sentences_of(item.document.text, item.segments)
        return _with_vectors(item.document, sentences, dequantise(item.vectors, item.scales))

    def families(self) -> list[Family]:
        """Rewrite families over the pairs ``match_all`` stored (run it first), largest first."""
        rows = self.store.reuse_pairs(self.pipeline.encoder.name)
        described = self.store.describe({doc for row in rows for doc in row[:2]})
        members = {
            doc_id: Member(doc_id, title, parse_date(date), source, doc)
            for doc, (doc_id, title, date, source) in described.items()
        }
        edges = [
            Edge.from_comparison(json.loads(comparison))
            for lo, hi, *_, comparison in rows
            if lo in described and hi in described and comparison is not None
        ]
        apart = self.store.apart_pairs(described, self.pipeline.encoder.name)
        return families(edges, members, [(described[lo][0], described[hi][0]) for lo, hi in apart])

    def matches(self) -> Iterator[tuple[str, list[dict[str, Any]]]]:
        """Every document's verified reuse matches (stored by ``match_all``), in index order.

        Each match is the pair's ``retold.comparison/1`` object as verified; the
        document is its side ``a`` or ``b``.
        """
        by_doc: dict[int, list[str]] = {}
        for lo, hi, *_, comparison in self.store.reuse_pairs(self.pipeline.encoder.name):
            assert comparison is not None
            by_doc.setdefault(lo, []).append(comparison)
            by_doc.setdefault(hi, []).append(comparison)
        for doc, doc_id in self.store.all_ids().items():
            found = [json.loads(c) for c in by_doc.get(doc, [])]
            found.sort(key=lambda c: -float(c["score"]))
            yield doc_id, found

    def compare(self, a_id: str, b_id: str) -> Comparison:
        """``retold compare`` of two indexed documents, on cached contextual vectors.

        Raises:
            InputError: an id that is not in the index.
        """
        numbers = []
        for doc_id in (a_id, b_id):
            doc = self.store.doc_number(doc_id)
            if doc is None:
                raise InputError(f"'{doc_id}' is not a document id in this index")
            numbers.append(doc)
        stored = self.store.load(numbers)
        sides = self._represented(
            [(d, stored[d].document, stored[d].segments) for d in numbers], self.pipeline
        )
        return self.pipeline.compare_represented(sides[numbers[0]], sides[numbers[1]])

    def match_counts(self) -> dict[str, int]:
        """Stored pair work: documents matched, pairs judged, pairs verified, reuse pairs."""
        return self.store.match_counts(self.pipeline.encoder.name)

    def _represented(
        self, items: list[tuple[int, Document, npt.NDArray[np.int32]]], pipeline: Pipeline
    ) -> dict[int, Represented]:
        """Documents (number, document, stored segments) with contextual vectors.

        Indexed documents' vectors come from the cache, or are encoded now (all
        in one call) and cached; a query that is not indexed (number -1) is
        encoded and not kept.
        """
        model = pipeline.encoder.name
        cached = self.store.contextual([doc for doc, _, _ in items if doc >= 0], model)
        sentences = {doc: sentences_of(document.text, segments) for doc, document, segments in items}
        bodies = {doc: [x for x in found if x.is_body] for doc, found in sentences.items()}
        missing = [doc for doc, _, _ in items if doc not in cached]
        if missing:
            vectors = pipeline.encoder.encode([x.text for doc in missing for x in bodies[doc]])
            fresh, offset = {}, 0
            for doc in missing:
                fresh[doc] = vectors[offset : offset + len(bodies[doc])]
                offset += len(bodies[doc])
            self.store.keep_contextual({doc: v for doc, v in fresh.items() if doc >= 0}, model)
            cached.update(fresh)
        return {
            doc: _with_vectors(document, sentences[doc], cached[doc].reshape(len(bodies[doc]), -1))
            for doc, document, _ in items
        }


def _with_vectors(
    document: Document, sentences: list[Sentence], embeddings: npt.NDArray[np.float32]
) -> Represented:
    """A document represented by its stored segments and one vector per body sentence."""
    body = [x for x in sentences if x.is_body]
    terms = tuple(tuple(content_terms(x.text)) for x in body)
    english = english_share([x.text for x in body])
    return Represented(document, sentences, Representation(tuple(body), embeddings, terms), english)


def _pool(workers: int) -> ProcessPoolExecutor:
    import multiprocessing

    context = multiprocessing.get_context("spawn")  # never fork a process holding ONNX threads
    return ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker)


def _chunks(items: Iterable[Document | Skipped], report: AddReport) -> Iterator[list[Document]]:
    chunk: list[Document] = []
    for item in items:
        if isinstance(item, Skipped):
            report.skipped.append(item)
            continue
        chunk.append(item)
        if len(chunk) >= _CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
