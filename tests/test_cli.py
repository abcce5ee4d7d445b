from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

import retold
from retold.cli import main
from retold.ingest import files as ingest_files
from tests.conftest import DATA

SCHEMA = json.loads(
    (
        Path(__file__).resolve().parents[1] / "src" / "retold" / "schemas" / "comparison.schema.json"
    ).read_text()
)
ORIGINAL = str(DATA / "bridge_original.txt")
REWRITE = str(DATA / "bridge_rewrite.txt")


def run(*args: str, input: bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def test_json_output_validates_against_the_published_schema() -> None:
    code, out, _ = run("compare", ORIGINAL, REWRITE, "--format", "json")
    assert code == 0
    data = json.loads(out)
    jsonschema.validate(data, SCHEMA)
    assert data["verdict"] == "rewrite"
    assert data["a"]["id"] == "bridge_original.txt"
    original = (DATA / "bridge_original.txt").read_text(encoding="utf-8")
    for passage in data["passages"]:
        start, end = passage["a"]
        assert original[start:end].strip() == original[start:end]


def test_text_output_shows_verdict_coverage_and_passages() -> None:
    code, out, _ = run("compare", ORIGINAL, REWRITE)
    assert code == 0
    assert "REWRITE" in out and "coverage A" in out and "Passage 1" in out
    assert "\x1b[" not in out  # no colour codes when not writing to a terminal


def test_html_input_is_extracted_and_its_text_included(tmp_path: Path) -> None:
    body = "".join(f"<p>{p}</p>" for p in (DATA / "bridge_rewrite.txt").read_text().split("\n\n"))
    page = tmp_path / "page.html"
    page.write_text(
        f"<!doctype html><html><head><title>t</title></head><body><nav>Home | World | Sport</nav>"
        f"<article>{body}</article><footer>Copyright notice</footer></body></html>",
        encoding="utf-8",
    )
    code, out, _ = run("compare", ORIGINAL, str(page), "--format", "json")
    assert code == 0, out
    data = json.loads(out)
    jsonschema.validate(data, SCHEMA)
    assert "text" in data["b"] and "text" not in data["a"]
    assert "Home | World" not in data["b"]["text"]
    assert data["verdict"] == "rewrite"
    for passage in data["passages"]:
        start, end = passage["b"]
        assert data["b"]["text"][start:end]


def test_stdin_is_read_with_dash() -> None:
    code, out, _ = run("compare", "-", REWRITE, "--format", "json", input=Path(ORIGINAL).read_bytes())
    assert code == 0
    assert json.loads(out)["a"]["id"] == "<stdin>"


def test_crlf_input_keeps_exact_offsets(tmp_path: Path) -> None:
    crlf = tmp_path / "crlf.txt"
    crlf.write_bytes(Path(ORIGINAL).read_bytes().replace(b"\n", b"\r\n"))
    _code, out, _ = run("compare", str(crlf), REWRITE, "--format", "json")
    text = crlf.read_bytes().decode("utf-8")
    data = json.loads(out)
    assert data["a"]["chars"] == len(text)
    link = data["passages"][0]["links"][0]
    assert text[link["a"][0] : link["a"][1]].startswith("Engineers closed the Halvorsen Bridge")


def test_latin1_input_is_detected(tmp_path: Path) -> None:
    latin = tmp_path / "latin.txt"
    latin.write_bytes(
        Path(ORIGINAL).read_text(encoding="utf-8").replace("Ellisford", "Ellisförd").encode("latin-1")
    )
    code, out, _ = run("compare", str(latin), REWRITE, "--format", "json")
    assert code == 0
    assert json.loads(out)["verdict"] == "rewrite"


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        (b"", (), "empty"),
        (b"  \n\t \r\n", (), "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), (), "binary"),
        ("Brücke über den Fluss. Ein Satz.".encode("latin-1"), ("--encoding", "utf-8"), "not valid utf-8"),
        (b"Some text here.", ("--encoding", "no-such-codec"), "unknown encoding"),
    ],
)
def test_bad_input_gives_a_message_and_exit_code_3(
    tmp_path: Path, content: bytes, args: tuple[str, ...], message: str
) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    code, _, err = run("compare", str(bad), REWRITE, *args)
    assert code == 3
    assert message in err.lower()
    assert "Traceback" not in err


def test_missing_file_and_directory(tmp_path: Path) -> None:
    code, _, err = run("compare", str(tmp_path / "nope.txt"), REWRITE)
    assert (code, "no such file" in err) == (3, True)
    code, _, err = run("compare", str(tmp_path), REWRITE)
    assert (code, "directory" in err) == (3, True)


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest_files, "MAX_FILE_BYTES", 1000)
    big = tmp_path / "big.txt"
    big.write_text("All work and no play. " * 100)
    code, _, err = run("compare", str(big), REWRITE)
    assert code == 3
    assert "limit of 1,000 bytes" in err


def test_identical_files_are_a_near_duplicate_with_a_note() -> None:
    code, out, _ = run("compare", ORIGINAL, ORIGINAL, "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert data["verdict"] == "near_duplicate"
    assert "the two documents are identical" in data["warnings"]


def test_pairs_file_writes_jsonl_and_skips_bad_pairs(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.tsv"
    (tmp_path / "empty.txt").write_text("")
    pairs.write_text(f"# comment\n{ORIGINAL}\t{REWRITE}\nempty.txt\t{REWRITE}\n{ORIGINAL} {ORIGINAL}\n")
    out_file = tmp_path / "out.jsonl"
    code, _, err = run("compare", "--pairs", str(pairs), "-o", str(out_file))
    lines = [json.loads(line) for line in out_file.read_text().splitlines()]
    assert code == 3 and "1 of 3 pair(s) failed" in err
    assert [line.get("verdict") for line in lines] == ["rewrite", None, "near_duplicate"]
    assert lines[1]["line"] == 3 and "empty" in lines[1]["error"]
    jsonschema.validate(lines[0], SCHEMA)


def test_malformed_pairs_file_is_an_input_error(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("only-one-field\n")
    code, _, err = run("compare", "--pairs", str(pairs))
    assert code == 3 and "line 1" in err


@pytest.mark.parametrize(
    "args",
    [("--set", "align.no_such=1"), ("--set", "align.link_threshold=high"), ("--set", "novalue")],
)
def test_bad_settings_exit_2(args: tuple[str, ...]) -> None:
    code, _, err = run("compare", ORIGINAL, REWRITE, *args)
    assert code == 2
    assert "Traceback" not in err


def test_usage_errors_exit_2() -> None:
    assert run("compare", ORIGINAL)[0] == 2
    assert run("compare", "-", "-")[0] == 2


def test_static_model_can_be_chosen() -> None:
    code, out, _ = run("compare", ORIGINAL, REWRITE, "--format", "json", "--model", "minilm-l6-static")
    assert code == 0
    assert json.loads(out)["model"] == "minilm-l6-static"


def test_unknown_model_names_the_extra_or_the_failure() -> None:
    code, _, err = run("compare", ORIGINAL, REWRITE, "--model", "no-such/model-xyz")
    assert code == 4
    assert "retold[sentence-transformers]" in err or "cannot load" in err


def test_version() -> None:
    code, out, _ = run("--version")
    assert code == 0 and retold.__version__ in out
