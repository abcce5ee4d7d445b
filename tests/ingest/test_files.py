from pathlib import Path

import pytest

from retold.errors import InputError
from retold.ingest import read_document


@pytest.mark.parametrize("nuls", [1, 7])
def test_stray_nuls_in_real_text_do_not_make_it_binary(tmp_path: Path, nuls: int) -> None:
    # Scraped corpora contain the odd NUL byte (lost characters) inside ordinary prose.
    text = "I am studying at the language school,\ndoing a one year course.\n" * 40
    pieces = [text[k * 300 : (k + 1) * 300] for k in range(nuls)] + [text[nuls * 300 :]]
    data = b"\x00".join(p.encode() for p in pieces)
    path = tmp_path / "stray.txt"
    path.write_bytes(data)
    doc = read_document(path)
    assert doc.text.count("\x00") == nuls
    assert len(doc.text) == len(data)


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(256)) * 8,  # control bytes everywhere
        b"PK\x03\x04" + b"\x00\x14\x00\x08" * 200,  # zip-like header and padding
    ],
)
def test_binary_data_is_refused(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "blob.txt"
    path.write_bytes(data)
    with pytest.raises(InputError, match="binary"):
        read_document(path)
