"""Location and integrity of the model data shipped inside the package."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from retold.errors import ModelError

DATA_DIR = Path(__file__).resolve().parent / "data"
REINSTALL = "Reinstall retold (pip install --force-reinstall retold) to restore it."


def model_dir(name: str) -> Path:
    """Return the directory of a bundled model, or raise a clear :class:`ModelError`."""
    path = DATA_DIR / name
    if not path.is_dir():
        raise ModelError(f"the bundled model '{name}' is missing from {DATA_DIR}. {REINSTALL}")
    return path


def model_file(name: str, filename: str) -> Path:
    """Return one file of a bundled model, checking that it exists and is not empty."""
    path = model_dir(name) / filename
    if not path.is_file() or path.stat().st_size == 0:
        raise ModelError(f"the bundled model '{name}' lacks {filename}. {REINSTALL}")
    return path


@cache
def expected_checksums() -> dict[str, str]:
    """Read ``SHA256SUMS`` written by ``scripts/build_model.py``."""
    sums = DATA_DIR / "SHA256SUMS"
    if not sums.is_file():
        raise ModelError(f"{sums} is missing. {REINSTALL}")
    table: dict[str, str] = {}
    for line in sums.read_text(encoding="utf-8").splitlines():
        digest, _, relative = line.partition("  ")
        if digest and relative:
            table[relative] = digest
    return table


def verify(name: str) -> None:
    """Check every file of a bundled model against ``SHA256SUMS``.

    Loading does not call this (hashing 40 MB costs about 0.1 s); a load that
    fails does, so that the error can say whether the data is damaged.
    """
    for relative, digest in expected_checksums().items():
        if not relative.startswith(name + "/"):
            continue
        path = DATA_DIR / relative
        if not path.is_file():
            raise ModelError(f"the bundled model file {relative} is missing. {REINSTALL}")
        actual = hashlib.sha256(path.read_bytes()).hexdigest()
        if actual != digest:
            raise ModelError(f"the bundled model file {relative} is corrupt (checksum mismatch). {REINSTALL}")
