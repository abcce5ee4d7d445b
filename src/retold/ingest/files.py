r"""Read one document from a text or HTML file, or stdin, with exact offsets.

Bytes are decoded without newline translation, so ``\\r\\n`` stays two
characters and offsets match what other tools see in the file.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import BinaryIO

from retold.documents import Document
from retold.errors import InputError, MissingDependencyError, PairsFileError

logger = logging.getLogger(__name__)

__all__ = ["MAX_FILE_BYTES", "decode", "extract_html", "read_document", "read_pairs_file"]

# Twice limits.max_chars in UTF-8 bytes leaves room for multi-byte text and HTML markup.
MAX_FILE_BYTES = 20_000_000
_HTML_SUFFIXES = (".html", ".htm", ".xhtml")
_BOMS = {
    b"\xef\xbb\xbf": "utf-8-sig",
    b"\xff\xfe": "utf-16",
    b"\xfe\xff": "utf-16",
}


def _looks_binary(data: bytes) -> bool:
    """Many NUL or control bytes at the start; a stray NUL in real text is tolerated."""
    head = data[:8192]
    if any(head.startswith(bom) for bom in (b"\xff\xfe", b"\xfe\xff")):
        return False
    if head.count(0) > max(2, len(head) // 100):
        return True
    controls = sum(1 for byte in head if byte < 32 and byte not in (9, 10, 12, 13))
    return controls > len(head) * 0.05


def decode(data: bytes, name: str, encoding: str | None = None) -> tuple[str, str]:
    """Decode bytes to text, returning ``(text, encoding used)``.

    With no ``encoding``: a byte-order mark decides, else UTF-8, else the best
    guess of charset-normalizer (logged, since a guess can be wrong).

    Raises:
        InputError: binary data, an unknown encoding, or bytes that do not decode.
    """
    if _looks_binary(data):
        raise InputError(f"{name}: looks like a binary file, not text")
    if encoding:
        try:
            return data.decode(encoding), encoding
        except LookupError:
            raise InputError(f"{name}: unknown encoding '{encoding}'") from None
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{name}: not valid {encoding} (byte {exc.start}: {data[exc.start : exc.start + 4]!r}); "
                "check --encoding"
            ) from None
    for bom, codec in _BOMS.items():
        if data.startswith(bom):
            return data.decode(codec, errors="strict"), codec
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise InputError(f"{name}: cannot tell the text's encoding; set it with --encoding")
    logger.warning("%s is not UTF-8; decoded as %s (set --encoding if that is wrong)", name, best.encoding)
    return str(best), str(best.encoding)


def extract_html(html: str, name: str) -> str:
    try:
        import trafilatura

        text = trafilatura.extract(
            html, include_comments=False, include_tables=False, favor_precision=True, deduplicate=True
        )
    except ImportError as exc:
        raise MissingDependencyError(
            f"{name}: extracting the main text of HTML needs trafilatura and its parsers ({exc}); "
            "reinstall retold: pip install --force-reinstall retold"
        ) from None
    except (ValueError, TypeError, RuntimeError) as exc:  # lxml parser failures on broken markup
        raise InputError(f"{name}: cannot extract text from the HTML: {exc}") from exc
    if not text or not text.strip():
        raise InputError(f"{name}: no main text found in the HTML")
    return str(text)


def _is_html(name: str, text: str) -> bool:
    if name.lower().endswith(_HTML_SUFFIXES):
        return True
    head = text[:1024].lstrip().lower()
    return head.startswith(("<!doctype html", "<html"))


def _read_bytes(source: str | Path, stdin: BinaryIO | None) -> tuple[bytes, str]:
    if str(source) == "-":
        stream = stdin or sys.stdin.buffer
        data = stream.read(MAX_FILE_BYTES + 1)
        name = "<stdin>"
    else:
        path = Path(source)
        name = path.name
        if not path.exists():
            raise InputError(f"{source}: no such file")
        if path.is_dir():
            raise InputError(f"{source}: is a directory, not a file")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(
                f"{source}: {size:,} bytes is more than the limit of {MAX_FILE_BYTES:,} bytes; "
                "split the document"
            )
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"{source}: cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_FILE_BYTES:
        raise InputError(f"{name}: more than the limit of {MAX_FILE_BYTES:,} bytes; split the document")
    return data, name


def read_document(
    source: str | Path,
    *,
    encoding: str | None = None,
    html: bool | None = None,
    stdin: BinaryIO | None = None,
) -> Document:
    """Read a text or HTML file (or ``-`` for stdin) into a :class:`Document`.

    Args:
        source: a path, or ``"-"`` for standard input.
        encoding: force an encoding instead of detecting it.
        html: force (True) or forbid (False) main-text extraction; None decides by
            file suffix or a leading ``<!doctype html>``/``<html>``.
        stdin: the stream to read for ``"-"`` (defaults to the process's stdin).

    Raises:
        InputError: missing, empty, binary, undecodable or too large input.
    """
    data, name = _read_bytes(source, stdin)
    if not data.strip():
        raise InputError(f"{name}: the file is empty")
    text, used = decode(data, name, encoding)
    metadata: dict[str, object] = {"encoding": used}
    if html if html is not None else _is_html(name, text):
        text = extract_html(text, name)
        metadata["extracted_from"] = "html"
    if not text.strip():
        raise InputError(f"{name}: the file holds only whitespace")
    return Document(name, text, metadata)


def read_pairs_file(path: str | Path) -> list[tuple[int, str, str]]:
    """Read a ``--pairs`` file: two paths per line (tab or whitespace separated).

    Blank lines and lines starting with ``#`` are skipped. Paths are relative to
    the pairs file's directory unless absolute. Returns ``(line number, a, b)``.

    Raises:
        InputError: the file cannot be read.
        PairsFileError: a line does not hold exactly two paths.
    """
    pairs_path = Path(path)
    data, name = _read_bytes(pairs_path, None)
    text, _ = decode(data, name)
    base = pairs_path.parent
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        fields = stripped.split("\t") if "\t" in stripped else stripped.split()
        if len(fields) != 2:
            raise PairsFileError(
                f"{name}, line {number}: expected two paths separated by a tab or spaces, "
                f"found {len(fields)} field(s)"
            )
        a, b = (str(p) if Path(p).is_absolute() else str(base / p) for p in fields)
        out.append((number, a, b))
    if not out:
        raise InputError(f"{name}: no pairs in the file")
    return out
