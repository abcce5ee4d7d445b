"""Collections read into documents: folders, JSONL, CSV, Parquet, WARC; bad records skipped."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest

from retold.documents import Document
from retold.errors import InputError
from retold.ingest.records import Fields, Skipped, content_id, records

TEXT = "The ferry to Kalm starts sailing on Friday. The crossing takes forty minutes."


def read_all(*inputs: str, fields: Fields | None = None) -> tuple[list[Document], list[Skipped]]:
    items = list(records(inputs, fields))
    return [i for i in items if isinstance(i, Document)], [i for i in items if isinstance(i, Skipped)]


def test_a_folder_is_read_recursively_with_html_main_text_extracted(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.txt").write_text(TEXT, encoding="utf-8")
    page = f"<html><body><article><p>{TEXT}</p><p>{TEXT}</p></article></body></html>"
    (tmp_path / "two.html").write_text(page, encoding="utf-8")
    (tmp_path / "empty.txt").write_text("  \n", encoding="utf-8")
    (tmp_path / "blob.txt").write_bytes(bytes(range(256)) * 10)
    (tmp_path / "notes.xyz").write_text("ignored", encoding="utf-8")
    docs, skipped = read_all(str(tmp_path))
    assert sorted(Path(d.id).name for d in docs) == ["one.txt", "two.html"]
    html = next(d for d in docs if d.id.endswith("two.html"))
    assert "Kalm" in html.text and "<p>" not in html.text and html.metadata == {"extracted_from": "html"}
    assert {Path(s.where).name: s.reason for s in skipped} == {
        "blob.txt": "looks like a binary file, not text",
        "empty.txt": "the file is empty",
    }


def test_jsonl_fields_metadata_stable_ids_and_bad_lines(tmp_path: Path) -> None:
    rows = [
        json.dumps(
            {"id": 7, "text": TEXT, "title": "Ferry", "date": "2024-05-01", "desk": "travel", "n": None}
        ),
        "{broken",
        json.dumps(["a", "list"]),
        json.dumps({"id": "x", "text": "   "}),
        json.dumps({"id": "y", "text": 42}),
        json.dumps({"text": TEXT + " Again."}),
        "",
    ]
    path = tmp_path / "in.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write("\n".join(rows) + "\n")
    docs, skipped = read_all(str(path))
    assert [d.id for d in docs] == ["7", content_id(TEXT + " Again.")]
    assert docs[0].metadata == {"title": "Ferry", "date": "2024-05-01", "desk": "travel"}
    reasons = [s.reason for s in skipped]
    assert reasons[0].startswith("not valid JSON") and reasons[1:] == [
        "not a JSON object",
        "empty text",
        "'text' is not a string",
    ]
    assert [s.where.rsplit(":", 1)[1] for s in skipped] == ["2", "3", "4", "5"]


def test_csv_with_other_column_names_and_a_ragged_row(tmp_path: Path) -> None:
    path = tmp_path / "stories.csv"
    path.write_text(
        'article_id,published,body,outlet\n1,2017-02-07,"A quoted, comma text. It has ""marks"".",abc\n'
        "2,2017-02-08,Second story text here.,cnn,extra\n3,2017-02-09,,bbc\n",
        encoding="utf-8",
    )
    docs, skipped = read_all(str(path), fields=Fields(id="article_id", text="body", date="published"))
    assert [(d.id, d.text) for d in docs] == [("1", 'A quoted, comma text. It has "marks".')]
    assert docs[0].metadata == {"date": "2017-02-07", "outlet": "abc"}
    assert [s.reason for s in skipped] == ["more cells than the header has columns", "empty text"]
    with pytest.raises(InputError, match="no 'text' column"):
        list(records([str(path)]))


def test_parquet_rows(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({"id": ["p1", "p2"], "text": [TEXT, None], "date": ["2024-01-01", "2024-01-02"]})
    pq.write_table(table, tmp_path / "t.parquet")
    docs, skipped = read_all(str(tmp_path / "t.parquet"))
    assert [(d.id, d.metadata) for d in docs] == [("p1", {"date": "2024-01-01"})]
    assert [s.reason for s in skipped] == ["no 'text' field (set --text-field)"]
    (tmp_path / "bad.parquet").write_bytes(b"PAR1 not really")
    with pytest.raises(InputError, match="not a readable Parquet file"):
        list(records([str(tmp_path / "bad.parquet")]))


def test_warc_html_responses_become_documents_named_by_url(tmp_path: Path) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = tmp_path / "crawl.warc.gz"
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for url, body, kind in (
            (
                "https://example.org/ferry",
                f"<html><body><article><p>{TEXT}</p></article></body></html>",
                "text/html",
            ),
            ("https://example.org/logo.png", "\x89PNG", "image/png"),
            ("https://example.org/empty", "<html><body></body></html>", "text/html; charset=utf-8"),
        ):
            headers = StatusAndHeaders("200 OK", [("Content-Type", kind)], protocol="HTTP/1.0")
            record = writer.create_warc_record(
                url, "response", payload=io.BytesIO(body.encode()), http_headers=headers
            )
            writer.write_record(record)
            record.raw_stream.close()  # warcio buffers the payload in a temporary file
    docs, skipped = read_all(str(path))
    assert [d.id for d in docs] == ["https://example.org/ferry"]
    assert "Kalm" in docs[0].text and docs[0].metadata["url"] == "https://example.org/ferry"
    assert "date" in docs[0].metadata
    assert len(skipped) == 1 and "no main text" in skipped[0].reason
    (tmp_path / "bad.warc").write_bytes(b"not a warc at all\r\n\r\n")
    with pytest.raises(InputError, match="WARC"):
        list(records([str(tmp_path / "bad.warc")]))


def test_globs_missing_inputs_and_unknown_formats(tmp_path: Path) -> None:
    for k in range(3):
        (tmp_path / f"s{k}.txt").write_text(f"{TEXT} Number {k}.", encoding="utf-8")
    docs, _ = read_all(str(tmp_path / "s*.txt"))
    assert len(docs) == 3
    with pytest.raises(InputError, match="no file matches"):
        list(records([str(tmp_path / "none*.txt")]))
    with pytest.raises(InputError, match="no such file or folder"):
        list(records([str(tmp_path / "missing.jsonl")]))
    (tmp_path / "data.bin").write_bytes(b"x")
    with pytest.raises(InputError, match="unknown format"):
        list(records([str(tmp_path / "data.bin")]))
