"""Documents from collections: folders and globs of files, JSONL, CSV, Parquet and WARC.

:func:`records` turns the inputs of ``retold index add`` into a stream of
:class:`Document` values and :class:`Skipped` notes. A bad record (a malformed
JSON line, an empty text, a binary file, a record without the text field) is
a ``Skipped`` with its place and reason; the stream goes on. Only an input
that cannot be opened at all, or an unknown format, raises.

Fields: ``id``, ``text`` and the optional ``title``, ``url``, ``date`` and
``source`` are read under the names a :class:`Fields` gives; every other field
is kept as metadata. A record without an id gets a stable one from its text
(``sha1:`` and 16 hex digits), so re-adding the same collection is a no-op.
"""

from __future__ import annotations

import csv
import glob
import gzip
import hashlib
import io
import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from retold.documents import Document
from retold.errors import InputError, require
from retold.ingest.files import MAX_FILE_BYTES, decode, extract_html, read_document

logger = logging.getLogger(__name__)

__all__ = ["FORMATS", "Fields", "Skipped", "content_id", "records"]

_TEXT_SUFFIXES = (".txt", ".text", ".md")
_HTML_SUFFIXES = (".html", ".htm", ".xhtml")
FORMATS = {
    "text": _TEXT_SUFFIXES + _HTML_SUFFIXES,
    "jsonl": (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz"),
    "csv": (".csv", ".tsv", ".csv.gz", ".tsv.gz"),
    "parquet": (".parquet",),
    "warc": (".warc", ".warc.gz"),
}
_KNOWN = ("title", "url", "date", "source")


@dataclass(frozen=True, slots=True)
class Fields:
    """Which field of a record holds what (``--id-field``, ``--text-field``, ``--date-field``)."""

    id: str = "id"
    text: str = "text"
    date: str = "date"
    title: str = "title"
    url: str = "url"
    source: str = "source"


@dataclass(frozen=True, slots=True)
class Skipped:
    """A record that was not read: where it was and why."""

    where: str
    reason: str


def content_id(text: str) -> str:
    """A stable id for a document that has none: a hash of its text.

    Examples:
        >>> content_id("Same text.") == content_id("Same text.")
        True
        >>> content_id("Same text.")
        'sha1:079ccb80a0f901c0'
    """
    return "sha1:" + hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()[:16]


def _format(path: Path) -> str | None:
    name = path.name.lower()
    for kind, suffixes in FORMATS.items():
        if name.endswith(suffixes):
            return kind
    return None


def _expand(inputs: Iterable[str]) -> Iterator[Path]:
    """Files named, files under folders (sorted, recursive), and glob matches."""
    for given in inputs:
        path = Path(given)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and _format(p))
            if not found:
                raise InputError(f"{given}: no files of a known format in this folder ({_known_suffixes()})")
            yield from found
        elif path.is_file():
            yield path
        elif glob.has_magic(given):
            matches = sorted(Path(p) for p in glob.glob(given, recursive=True) if Path(p).is_file())
            if not matches:
                raise InputError(f"{given}: no file matches this pattern")
            yield from matches
        else:
            raise InputError(f"{given}: no such file or folder")


def _known_suffixes() -> str:
    return ", ".join(s for suffixes in FORMATS.values() for s in suffixes)


def records(inputs: Iterable[str], fields: Fields | None = None) -> Iterator[Document | Skipped]:
    """Every document of the inputs, in order, with a :class:`Skipped` for each bad record.

    Raises:
        InputError: an input that does not exist, matches nothing, or has an unknown format.
    """
    fields = fields or Fields()
    for path in _expand(inputs):
        kind = _format(path)
        if kind is None:
            raise InputError(f"{path}: unknown format; expected one of {_known_suffixes()}")
        if kind == "text":
            yield _text_file(path)
        elif kind == "jsonl":
            yield from _jsonl(path, fields)
        elif kind == "csv":
            yield from _csv(path, fields)
        elif kind == "parquet":
            yield from _parquet(path, fields)
        else:
            yield from _warc(path)


def _text_file(path: Path) -> Document | Skipped:
    try:
        document = read_document(path)
    except InputError as exc:
        return Skipped(str(path), str(exc).removeprefix(f"{path.name}: "))
    metadata = {k: v for k, v in document.metadata.items() if k == "extracted_from"}
    return Document(str(path), document.text, metadata)


def _document(row: dict[str, Any], fields: Fields, where: str) -> Document | Skipped:
    """One record's fields as a Document, or why it cannot be one."""
    text = row.get(fields.text)
    if text is None:
        return Skipped(where, f"no '{fields.text}' field (set --text-field)")
    if not isinstance(text, str):
        return Skipped(where, f"'{fields.text}' is not a string")
    if not text.strip():
        return Skipped(where, "empty text")
    if text[:8192].count("\x00") > 2:
        return Skipped(where, "the text looks binary")
    raw_id = row.get(fields.id)
    doc_id = str(raw_id).strip() if raw_id is not None and str(raw_id).strip() else content_id(text)
    metadata: dict[str, Any] = {}
    for name in _KNOWN:
        value = row.get(getattr(fields, name))
        if value is not None and str(value).strip():
            metadata[name] = value if isinstance(value, str | int | float | bool) else str(value)
    taken = {fields.id, fields.text, *(getattr(fields, name) for name in _KNOWN)}
    for key, value in row.items():
        if key not in taken and value is not None and value != "":
            metadata[key] = value if isinstance(value, str | int | float | bool) else str(value)
    return Document(doc_id, text, metadata)


def _open_text(path: Path) -> io.TextIOWrapper:
    """A text stream over a file, gunzipped if its name ends in .gz (the caller closes it)."""
    raw: Any = gzip.open(path, "rb") if path.name.lower().endswith(".gz") else path.open("rb")  # noqa: SIM115
    return io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline="")


def _jsonl(path: Path, fields: Fields) -> Iterator[Document | Skipped]:
    try:
        handle = _open_text(path)
        with handle:
            for number, line in enumerate(handle, start=1):
                where = f"{path}:{number}"
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield Skipped(where, f"not valid JSON ({exc.msg}, column {exc.colno})")
                    continue
                if not isinstance(row, dict):
                    yield Skipped(where, "not a JSON object")
                    continue
                yield _document(row, fields, where)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from None


def _csv(path: Path, fields: Fields) -> Iterator[Document | Skipped]:
    csv.field_size_limit(MAX_FILE_BYTES)
    delimiter = "\t" if path.name.lower().removesuffix(".gz").endswith(".tsv") else ","
    try:
        handle = _open_text(path)
        with handle:
            reader = csv.DictReader(handle, delimiter=delimiter)
            if reader.fieldnames is None:
                return
            if fields.text not in reader.fieldnames:
                raise InputError(
                    f"{path}: no '{fields.text}' column (columns: {', '.join(reader.fieldnames)}); "
                    "set --text-field"
                )
            while True:
                try:
                    row = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    yield Skipped(f"{path}:{reader.line_num}", f"malformed CSV ({exc})")
                    continue
                if None in row:  # more cells than columns
                    yield Skipped(f"{path}:{reader.line_num}", "more cells than the header has columns")
                    continue
                yield _document(row, fields, f"{path}:{reader.line_num}")
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from None


def _parquet(path: Path, fields: Fields) -> Iterator[Document | Skipped]:
    pq = require("pyarrow.parquet", "index", "Reading Parquet")
    try:
        parquet = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises its own ArrowInvalid / OSError family
        raise InputError(f"{path}: not a readable Parquet file ({exc})") from None
    names = parquet.schema_arrow.names
    if fields.text not in names:
        raise InputError(f"{path}: no '{fields.text}' column (columns: {', '.join(names)}); set --text-field")
    row_number = 0
    for batch in parquet.iter_batches(batch_size=1024):
        for row in batch.to_pylist():
            row_number += 1
            yield _document(row, fields, f"{path}:row {row_number}")


def _warc(path: Path) -> Iterator[Document | Skipped]:
    """HTML responses of a web crawl, main text extracted; id = the record's target URI."""
    archive = require("warcio.archiveiterator", "index", "Reading WARC files")
    try:
        with path.open("rb") as stream:
            for record in archive.ArchiveIterator(stream):
                if record.format != "warc":
                    raise InputError(f"{path}: not a WARC file (a record in {record.format} format)")
                if record.rec_type != "response":
                    continue
                uri = record.rec_headers.get_header("WARC-Target-URI") or ""
                where = f"{path}: {uri or record.rec_headers.get_header('WARC-Record-ID')}"
                content_type = (
                    (record.http_headers.get_header("Content-Type") or "") if record.http_headers else ""
                )
                if "html" not in content_type.lower():
                    continue
                body = record.content_stream().read(MAX_FILE_BYTES + 1)
                if len(body) > MAX_FILE_BYTES:
                    yield Skipped(where, f"more than {MAX_FILE_BYTES:,} bytes")
                    continue
                try:
                    html, _ = decode(body, where)
                    text = extract_html(html, where)
                except InputError as exc:
                    yield Skipped(where, str(exc).removeprefix(f"{where}: "))
                    continue
                metadata = {"extracted_from": "html", "url": uri}
                date = record.rec_headers.get_header("WARC-Date")
                if date:
                    metadata["date"] = date
                yield Document(uri or content_id(text), text, metadata)
    except archive.ArchiveLoadFailed as exc:
        raise InputError(f"{path}: not a readable WARC file ({exc})") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc}") from None
