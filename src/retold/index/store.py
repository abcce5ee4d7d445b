"""The SQLite database of an index directory: the source of truth.

One file, WAL mode (readers never wait for the writer), holding per document
its text and metadata, its segments, its tier-1 vectors and MinHash
signature; LSH buckets; a full-text index (FTS5) for rare shared terms; and a
cache of contextual vectors filled by searches. Each batch of documents is one
transaction: a process killed at any moment leaves every committed batch
intact and nothing of the rest.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from retold.documents import Document
from retold.errors import IndexBusyError, IndexFileError
from retold.index.tier1 import IndexParams, Tier1
from retold.judge import REUSE_VERDICTS

__all__ = ["FORMAT", "FORMAT_VERSION", "Store", "Stored"]

FORMAT = "retold-index"
FORMAT_VERSION = 1
BUSY_TIMEOUT_MS = 30_000

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE documents (
    doc INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    digest TEXT NOT NULL,
    text TEXT NOT NULL,
    title TEXT, url TEXT, date TEXT, source TEXT,
    metadata TEXT NOT NULL,
    segments BLOB NOT NULL,
    vectors BLOB NOT NULL,
    scales BLOB NOT NULL,
    signature BLOB NOT NULL,
    added REAL NOT NULL
);
CREATE TABLE buckets (key INTEGER NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY (key, doc)) WITHOUT ROWID;
CREATE INDEX buckets_doc ON buckets (doc);
CREATE VIRTUAL TABLE fulltext USING fts5 (
    text, content='documents', content_rowid='doc', tokenize='porter unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE fulltext_terms USING fts5vocab (fulltext, 'row');
CREATE TABLE contextual (doc INTEGER NOT NULL, model TEXT NOT NULL, vectors BLOB NOT NULL,
                         PRIMARY KEY (doc, model)) WITHOUT ROWID;
"""
# Matching the whole index against itself (families, search --all). Created on open when missing, so
# indexes built before these tables existed gain them; a pair is stored once (lo < hi), whatever it
# was judged, so it is never verified twice.
_MATCH_SCHEMA = """
CREATE TABLE IF NOT EXISTS matched (doc INTEGER NOT NULL, model TEXT NOT NULL, PRIMARY KEY (doc, model))
    WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS pairs (
    lo INTEGER NOT NULL, hi INTEGER NOT NULL, model TEXT NOT NULL,
    tier INTEGER NOT NULL, verdict TEXT NOT NULL, score REAL NOT NULL,
    coverage_lo REAL NOT NULL, coverage_hi REAL NOT NULL,
    comparison TEXT,
    PRIMARY KEY (lo, hi, model)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS pairs_hi ON pairs (hi);
"""
_KNOWN = ("title", "url", "date", "source")
_CHUNK = 500  # ids per IN (...) query, well under SQLite's bound-variable limit
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Stored:
    """A document as the index holds it."""

    doc: int
    document: Document
    segments: npt.NDArray[np.int32]
    vectors: npt.NDArray[np.int8]
    scales: npt.NDArray[np.float32]


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Store:
    """An open index database. ``writable`` stores take the write lock first (see Index)."""

    def __init__(self, path: Path, *, create: bool = False) -> None:
        self.path = path
        if not create and not path.exists():
            raise IndexFileError(f"{path.parent}: no index here (create one with 'retold index add')")
        if path.exists() and path.stat().st_size > 0:
            _check_header(path)
        try:
            self.db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.DatabaseError as exc:
            raise IndexFileError(f"{path}: not a usable index database ({exc})") from None

    # ----------------------------------------------------------------- schema and parameters

    def initialise(self, params: IndexParams, model: str, segment_config: dict[str, Any]) -> None:
        """Create the tables and record the parameters, if this is a new database."""
        if self._has_meta():
            return
        with self.transaction():
            for statement in (_SCHEMA + _MATCH_SCHEMA).split(";\n"):
                if statement.strip():
                    self.db.execute(statement)
            self._set_meta(
                {
                    "format": FORMAT,
                    "version": str(FORMAT_VERSION),
                    "params": json.dumps(dataclasses.asdict(params), sort_keys=True),
                    "model": model,
                    "segment": json.dumps(segment_config, sort_keys=True),
                    "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                }
            )

    def _has_meta(self) -> bool:
        row = self.db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone()
        return row is not None

    def meta(self) -> dict[str, str]:
        try:
            return dict(self.db.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.DatabaseError as exc:
            raise IndexFileError(f"{self.path}: not a retold index ({exc})") from None

    def _set_meta(self, values: dict[str, str]) -> None:
        self.db.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", values.items())

    def check(self) -> dict[str, str]:
        """The recorded parameters, after checking that this is a retold index of a version we read.

        Raises:
            IndexFileError: a foreign SQLite database, or another format version.
        """
        if not self._has_meta():
            raise IndexFileError(f"{self.path}: an SQLite database, but not a retold index")
        meta = self.meta()
        if meta.get("format") != FORMAT:
            raise IndexFileError(f"{self.path}: an SQLite database, but not a retold index")
        if meta.get("version") != str(FORMAT_VERSION):
            raise IndexFileError(
                f"{self.path}: index format version {meta.get('version')}; this retold reads version "
                f"{FORMAT_VERSION}. Rebuild the index with this version."
            )
        return meta

    # ----------------------------------------------------------------- transactions

    def transaction(self) -> _Transaction:
        return _Transaction(self.db)

    def close(self) -> None:
        self.db.close()

    # ----------------------------------------------------------------- writing

    def existing(self, ids: list[str]) -> dict[str, tuple[int, str]]:
        """For the ids already stored: their document number and text digest."""
        out: dict[str, tuple[int, str]] = {}
        for chunk, marks in _chunks(ids):
            for doc_id, doc, text_digest in self.db.execute(
                f"SELECT id, doc, digest FROM documents WHERE id IN ({marks})", chunk
            ):
                out[doc_id] = (doc, text_digest)
        return out

    def insert(self, document: Document, text_digest: str, tier1: Tier1) -> int:
        """Store one document (inside a transaction); returns its document number."""
        metadata = dict(document.metadata)
        known = [str(metadata.pop(name)) if name in metadata else None for name in _KNOWN]
        cursor = self.db.execute(
            "INSERT INTO documents (id, digest, text, title, url, date, source, metadata, segments, vectors,"
            " scales, signature, added) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                document.id,
                text_digest,
                document.text,
                *known,
                json.dumps(metadata, ensure_ascii=False, default=str),
                tier1.segments.tobytes(),
                tier1.vectors.tobytes(),
                tier1.scales.tobytes(),
                tier1.signature.tobytes(),
                time.time(),
            ),
        )
        doc = int(cursor.lastrowid or 0)
        self.db.execute("INSERT INTO fulltext (rowid, text) VALUES (?, ?)", (doc, document.text))
        self.db.executemany(
            "INSERT OR IGNORE INTO buckets (key, doc) VALUES (?, ?)", [(k, doc) for k in tier1.lsh]
        )
        return doc

    def delete(self, doc: int) -> int:
        """Remove one document (inside a transaction); returns how many body sentences it had."""
        row = self.db.execute("SELECT text, scales FROM documents WHERE doc = ?", (doc,)).fetchone()
        if row is None:
            return 0
        text, scales = row
        self.db.execute("INSERT INTO fulltext (fulltext, rowid, text) VALUES ('delete', ?, ?)", (doc, text))
        self.db.execute("DELETE FROM buckets WHERE doc = ?", (doc,))
        self.db.execute("DELETE FROM contextual WHERE doc = ?", (doc,))
        self.db.execute("DELETE FROM pairs WHERE lo = ? OR hi = ?", (doc, doc))
        self.db.execute("DELETE FROM matched WHERE doc = ?", (doc,))
        self.db.execute("DELETE FROM documents WHERE doc = ?", (doc,))
        return len(scales) // 4

    def doc_number(self, doc_id: str) -> int | None:
        row = self.db.execute("SELECT doc FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return None if row is None else int(row[0])

    # ----------------------------------------------------------------- reading

    def load(self, docs: Iterable[int]) -> dict[int, Stored]:
        """Stored documents by number (numbers that no longer exist are left out)."""
        wanted = list(dict.fromkeys(docs))
        out: dict[int, Stored] = {}
        for chunk, marks in _chunks(wanted):
            rows = self.db.execute(
                "SELECT doc, id, text, title, url, date, source, metadata, segments, vectors, scales"
                f" FROM documents WHERE doc IN ({marks})",
                chunk,
            )
            for doc, doc_id, text, *known, metadata, segments, vectors, scales in rows:
                meta = json.loads(metadata)
                meta.update({k: v for k, v in zip(_KNOWN, known, strict=True) if v is not None})
                scale_array = np.frombuffer(scales, dtype=np.float32)
                out[doc] = Stored(
                    doc,
                    Document(doc_id, text, meta),
                    np.frombuffer(segments, dtype=np.int32).reshape(-1, 3),
                    np.frombuffer(vectors, dtype=np.int8).reshape(len(scale_array), -1),
                    scale_array,
                )
        return out

    def vectors_after(self, last_doc: int, batch: int = 2000) -> Iterator[list[tuple[int, bytes, bytes]]]:
        """Tier-1 vectors of every document numbered above ``last_doc``, in batches."""
        while True:
            rows = self.db.execute(
                "SELECT doc, vectors, scales FROM documents WHERE doc > ? ORDER BY doc LIMIT ?",
                (last_doc, batch),
            ).fetchall()
            if not rows:
                return
            yield rows
            last_doc = rows[-1][0]

    def last_doc(self) -> int:
        """The highest document number ever given (numbers are never reused)."""
        row = self.db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'documents'").fetchone()
        return int(row[0]) if row else 0

    def bucket_mates(self, keys: Iterable[int]) -> dict[int, int]:
        """Documents sharing an LSH bucket with these keys, with how many buckets they share."""
        keys = list(keys)
        marks = ",".join("?" * len(keys))
        return dict(
            self.db.execute(
                f"SELECT doc, COUNT(*) FROM buckets WHERE key IN ({marks}) GROUP BY doc", keys
            ).fetchall()
        )

    def signature(self, doc: int) -> npt.NDArray[np.uint32] | None:
        row = self.db.execute("SELECT signature FROM documents WHERE doc = ?", (doc,)).fetchone()
        return None if row is None else np.frombuffer(row[0], dtype=np.uint32)

    def rare_term_matches(self, text: str, *, terms: int, limit: int) -> list[tuple[int, float]]:
        """Documents that share the rarest words of ``text`` (FTS5, ranked by BM25)."""
        tokens = self._tokens(text)
        if not tokens:
            return []
        marks = ",".join("?" * len(tokens))
        counts = self.db.execute(
            f"SELECT term, doc FROM fulltext_terms WHERE term IN ({marks})", tokens
        ).fetchall()
        # The rarest words the corpus has at all: names, numbers, unusual content words.
        usable = ((df, term) for term, df in counts if len(term) >= 3 and (term.isalpha() or term.isdigit()))
        chosen = [term for _, term in sorted(usable)[:terms]]
        if not chosen:
            return []
        query = " OR ".join(f'"{term}"' for term in chosen)
        return [
            (int(doc), -float(rank))
            for doc, rank in self.db.execute(
                "SELECT rowid, bm25(fulltext) FROM fulltext WHERE fulltext MATCH ?"
                " ORDER BY bm25(fulltext) LIMIT ?",
                (query, limit),
            )
        ]

    def _tokens(self, text: str) -> list[str]:
        """``text`` cut into the full-text index's own terms (same tokenizer, porter stems)."""
        self.db.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.probe USING fts5 "
            "(text, tokenize='porter unicode61 remove_diacritics 2')"
        )
        self.db.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.probe_terms USING fts5vocab(temp, probe, 'row')"
        )
        self.db.execute("DELETE FROM temp.probe")
        self.db.execute("INSERT INTO temp.probe (text) VALUES (?)", (text,))
        return [term for (term,) in self.db.execute("SELECT term FROM temp.probe_terms")]

    def contextual(self, docs: Iterable[int], model: str) -> dict[int, npt.NDArray[np.float32]]:
        wanted = list(docs)
        if not wanted:
            return {}
        marks = ",".join("?" * len(wanted))
        out = {}
        for doc, blob in self.db.execute(
            f"SELECT doc, vectors FROM contextual WHERE model = ? AND doc IN ({marks})", [model, *wanted]
        ):
            out[int(doc)] = np.frombuffer(blob, dtype=np.float16).astype(np.float32)
        return out

    def keep_contextual(self, rows: dict[int, npt.NDArray[np.float32]], model: str) -> None:
        """Cache contextual vectors for later searches; skipped, not waited for, if a writer is busy."""
        if not rows:
            return
        try:
            self.db.execute("PRAGMA busy_timeout = 0")
            with self.transaction():
                self.db.executemany(
                    "INSERT OR REPLACE INTO contextual (doc, model, vectors) "
                    "SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM documents WHERE doc = ?)",
                    [(doc, model, v.astype(np.float16).tobytes(), doc) for doc, v in rows.items()],
                )
        except (sqlite3.OperationalError, IndexBusyError):
            pass  # the database is locked by a writer: the cache can wait
        finally:
            self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

    # ----------------------------------------------------------------- matching the index against itself

    def ensure_match_tables(self) -> None:
        """Create the matching tables in an index built before they existed (no write otherwise)."""
        query = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'pairs'"
        if self.db.execute(query).fetchone() is not None:
            return
        with self.transaction():
            for statement in _MATCH_SCHEMA.split(";\n"):
                if statement.strip():
                    self.db.execute(statement)

    def unmatched(self, model: str) -> list[int]:
        """Documents not yet matched against the index with ``model`` (new or changed since)."""
        return [
            int(doc)
            for (doc,) in self.db.execute(
                "SELECT doc FROM documents WHERE doc NOT IN (SELECT doc FROM matched WHERE model = ?)"
                " ORDER BY doc",
                (model,),
            )
        ]

    def known_pairs(self, docs: list[int], model: str) -> set[tuple[int, int]]:
        """Pairs already judged that involve any of ``docs`` (as ``(lo, hi)``)."""
        out: set[tuple[int, int]] = set()
        for chunk, marks in _chunks(docs):
            for column in ("lo", "hi"):
                out.update(
                    (int(lo), int(hi))
                    for lo, hi in self.db.execute(
                        f"SELECT lo, hi FROM pairs WHERE model = ? AND {column} IN ({marks})", [model, *chunk]
                    )
                )
        return out

    def keep_matches(self, docs: list[int], pairs: list[tuple[Any, ...]], model: str) -> None:
        """Store judged pairs and mark ``docs`` matched, in one transaction.

        A pair is ``(lo, hi, tier, verdict, score, coverage_lo, coverage_hi, comparison)``;
        an interrupted run keeps every whole batch.
        """
        with self.transaction():
            self.db.executemany(
                "INSERT OR REPLACE INTO pairs (lo, hi, model, tier, verdict, score, coverage_lo, coverage_hi,"
                " comparison) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?"
                " WHERE EXISTS (SELECT 1 FROM documents WHERE doc = ?)"
                " AND EXISTS (SELECT 1 FROM documents WHERE doc = ?)",
                [(lo, hi, model, *rest, lo, hi) for lo, hi, *rest in pairs],
            )
            self.db.executemany(
                "INSERT OR IGNORE INTO matched (doc, model) SELECT ?, ? WHERE EXISTS "
                "(SELECT 1 FROM documents WHERE doc = ?)",
                [(doc, model, doc) for doc in docs],
            )

    def reuse_pairs(self, model: str) -> list[tuple[int, int, str, float, float, float, str | None]]:
        """Pairs verified as reuse: ``(lo, hi, verdict, score, coverage_lo, coverage_hi, comparison)``."""
        return [
            (int(lo), int(hi), verdict, score, c_lo, c_hi, comparison)
            for lo, hi, verdict, score, c_lo, c_hi, comparison in self.db.execute(
                "SELECT lo, hi, verdict, score, coverage_lo, coverage_hi, comparison FROM pairs"
                " WHERE model = ? AND tier = 2 AND comparison IS NOT NULL ORDER BY lo, hi",
                (model,),
            )
        ]

    def apart_pairs(self, docs: Iterable[int], model: str) -> list[tuple[int, int]]:
        """Pairs among ``docs`` that were judged (at either tier) and found not to be reuse."""
        wanted = sorted(set(docs))
        among = set(wanted)
        reuse = ",".join("?" * len(REUSE_VERDICTS))
        out: list[tuple[int, int]] = []
        for chunk, marks in _chunks(wanted):
            out.extend(
                (int(lo), int(hi))
                for lo, hi in self.db.execute(
                    f"SELECT lo, hi FROM pairs WHERE model = ? AND lo IN ({marks})"
                    f" AND verdict NOT IN ({reuse})",
                    [model, *chunk, *REUSE_VERDICTS],
                )
                if hi in among
            )
        return out

    def bucket_pairs(self, docs: list[int]) -> set[tuple[int, int]]:
        """``(doc, mate)`` for each of ``docs`` and every other document sharing a MinHash bucket with it."""
        out: set[tuple[int, int]] = set()
        for chunk, marks in _chunks(docs):
            out.update(
                (int(a), int(b))
                for a, b in self.db.execute(
                    "SELECT DISTINCT mine.doc, theirs.doc FROM buckets AS mine JOIN buckets AS theirs"
                    f" ON theirs.key = mine.key AND theirs.doc != mine.doc WHERE mine.doc IN ({marks})",
                    chunk,
                )
            )
        return out

    def sentence_counts(self, docs: list[int]) -> dict[int, int]:
        """Body sentences of documents by number."""
        out = {}
        for chunk, marks in _chunks(docs):
            for doc, n in self.db.execute(
                f"SELECT doc, LENGTH(scales) / 4 FROM documents WHERE doc IN ({marks})", chunk
            ):
                out[int(doc)] = int(n)
        return out

    def match_counts(self, model: str) -> dict[str, int]:
        matched = self.db.execute("SELECT COUNT(*) FROM matched WHERE model = ?", (model,)).fetchone()[0]
        judged, verified, reuse = self.db.execute(
            "SELECT COUNT(*), COALESCE(SUM(tier = 2), 0), COALESCE(SUM(comparison IS NOT NULL), 0)"
            " FROM pairs WHERE model = ?",
            (model,),
        ).fetchone()
        return {"matched": matched, "judged": judged, "verified": verified, "reuse": reuse}

    def describe(self, docs: Iterable[int]) -> dict[int, tuple[str, str | None, str | None, str | None]]:
        """``(id, title, date, source)`` of documents by number."""
        wanted = list(dict.fromkeys(docs))
        out = {}
        for chunk, marks in _chunks(wanted):
            for doc, doc_id, title, date, source in self.db.execute(
                f"SELECT doc, id, title, date, source FROM documents WHERE doc IN ({marks})", chunk
            ):
                out[int(doc)] = (doc_id, title, date, source)
        return out

    def all_ids(self) -> dict[int, str]:
        rows = self.db.execute("SELECT doc, id FROM documents ORDER BY doc")
        return {int(doc): doc_id for doc, doc_id in rows}

    def count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM documents").fetchone()[0])

    def counts(self) -> dict[str, int]:
        documents, chars = self.db.execute(
            "SELECT COUNT(*), COALESCE(SUM(LENGTH(text)), 0) FROM documents"
        ).fetchone()
        sentences = self.db.execute("SELECT COALESCE(SUM(LENGTH(scales)) / 4, 0) FROM documents").fetchone()[
            0
        ]
        cached = self.db.execute("SELECT COUNT(*) FROM contextual").fetchone()[0]
        return {
            "documents": documents,
            "characters": chars,
            "sentences": sentences,
            "contextual_cached": cached,
        }


class _Transaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT``, or ``ROLLBACK`` on any exception."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc):
                raise IndexBusyError(
                    "the index is locked by another writer; try again when it finishes"
                ) from None
            raise
        return self.db

    def __exit__(self, kind: object, value: object, traceback: object) -> None:
        self.db.execute("COMMIT" if kind is None else "ROLLBACK")


def _chunks(items: Sequence[T]) -> Iterator[tuple[Sequence[T], str]]:
    """``items`` in slices that fit one ``IN (...)`` query, each with its ``?`` marks."""
    for start in range(0, len(items), _CHUNK):
        chunk = items[start : start + _CHUNK]
        yield chunk, ",".join("?" * len(chunk))


def _check_header(path: Path) -> None:
    """Refuse a file that is not an SQLite database before SQLite touches it."""
    try:
        with path.open("rb") as handle:
            head = handle.read(16)
    except OSError as exc:
        raise IndexFileError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if head != b"SQLite format 3\x00":
        raise IndexFileError(
            f"{path}: not an SQLite database, so not a retold index (foreign or corrupt file)"
        )
