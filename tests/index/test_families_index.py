"""Families over an index: stored pair work, incremental updates, no chaining, and the CLI's outputs."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from retold import Document, Index
from retold.cli import main
from tests.index.test_index import FILLER, STORIES, bridge

PRESS_RELEASE = (
    "The regional transport authority said in a statement that all its services would run to the normal "
    "timetable during the works, and that passengers should check the journey planner before travelling. "
    "Its spokesperson added that the authority regretted any inconvenience to residents."
)


def corpus() -> list[Document]:
    original, rewrite, related = bridge()
    return [
        Document(original.id, original.text, {"date": "2017-03-01"}),
        Document(rewrite.id, rewrite.text, {"date": "2017-03-04"}),
        related,
        *(Document(f"story-{k}", text) for k, text in enumerate(STORIES)),
        # Two unrelated stories that both print the same press-release paragraph.
        Document("concert", " ".join(FILLER[:6]) + "\n\n" + PRESS_RELEASE + "\n\n" + " ".join(FILLER[6:])),
    ]


@pytest.fixture()
def index_dir(tmp_path: Path) -> Path:
    with Index(tmp_path / "idx", create=True) as index:
        index.add(corpus(), workers=1)
    return tmp_path / "idx"


def test_the_rewrite_family_is_found_with_its_dated_original(index_dir: Path) -> None:
    with Index(index_dir) as index:
        report = index.match_all()
        found = index.families()
    assert report.documents == len(corpus()) and report.verified >= 1
    (family,) = found
    assert sorted(family.ids) == ["bridge-original", "bridge-rewrite"]
    assert family.original == "bridge-original" and "earliest date" in family.reason
    (edge,) = family.edges
    assert (edge.source, edge.copy, edge.verdict) == ("bridge-original", "bridge-rewrite", "rewrite")


def test_after_an_add_only_pairs_with_the_new_documents_are_verified(index_dir: Path) -> None:
    with Index(index_dir) as index:
        first = index.match_all()
        again = index.match_all()
        assert (again.documents, again.candidates, again.tier1, again.verified) == (0, 0, 0, 0)
        before = index.match_counts()
        _, rewrite, _ = bridge()
        second_rewrite = Document("bridge-rewrite-2", rewrite.text.replace("bridge", "crossing"))
        index.add([second_rewrite, Document("story-new", STORIES[2].replace("apple", "plum"))], workers=1)
        after_add = index.match_all()
        found = index.families()
        new = [index.store.doc_number("bridge-rewrite-2"), index.store.doc_number("story-new")]
        old_pairs = index.store.db.execute(
            "SELECT COUNT(*) FROM pairs WHERE lo NOT IN (?, ?) AND hi NOT IN (?, ?)", [*new, *new]
        ).fetchone()[0]
        after = index.match_counts()
    assert after_add.documents == 2 and after_add.tier1 > 0
    # Every pair judged after the add involves a new document; the first run's pairs are not redone.
    assert old_pairs == before["judged"] == first.tier1
    assert after["judged"] == before["judged"] + after_add.tier1
    assert sorted(found[0].ids) == ["bridge-original", "bridge-rewrite", "bridge-rewrite-2"]
    assert sorted(found[1].ids) == ["story-2", "story-new"]


def test_a_shared_press_release_paragraph_is_partial_reuse_not_a_family(tmp_path: Path) -> None:
    roadworks = (
        "Resurfacing of the main road through the old town begins next month and will last until the "
        "autumn. Shops along the street will stay open, with temporary footpaths in front of them. The "
        "council chose night shifts for the noisiest work after residents complained about the last repairs."
    )
    ferry = Document("roadworks", roadworks + "\n\n" + PRESS_RELEASE)
    with Index(tmp_path / "idx", create=True) as index:
        index.add([*corpus(), ferry], workers=1)
        index.match_all()
        found = index.families()
        pairs = {(c["a"]["id"], c["b"]["id"]): c["verdict"] for _, m in index.matches() for c in m}
    assert [sorted(f.ids) for f in found] == [["bridge-original", "bridge-rewrite"]]
    shared = pairs.get(("concert", "roadworks")) or pairs.get(("roadworks", "concert"))
    assert shared == "partial_reuse", pairs


def test_removing_a_member_removes_its_pairs_and_the_family(index_dir: Path) -> None:
    with Index(index_dir) as index:
        index.match_all()
        index.remove(["bridge-rewrite"])
        assert index.families() == []
        assert index.match_all().documents == 0


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_cli_families_formats_keep_list_and_search_all(index_dir: Path, tmp_path: Path) -> None:
    code, out = run("families", "--index", str(index_dir), "--keep-list", str(tmp_path / "keep.txt"))
    assert code == 0, out
    record = json.loads(next(line for line in out.splitlines() if line.startswith("{")))
    assert record["original"] == "bridge-original" and record["size"] == 2
    keep = (tmp_path / "keep.txt").read_text().split()
    assert "bridge-original" in keep and "bridge-rewrite" not in keep and len(keep) == len(corpus()) - 1

    code, out = run("families", "--index", str(index_dir), "--format", "csv", "-o", str(tmp_path / "f.csv"))
    rows = list(csv.DictReader(io.StringIO((tmp_path / "f.csv").read_text())))
    assert code == 0 and {(r["id"], r["is_original"]) for r in rows} == {
        ("bridge-original", "True"),
        ("bridge-rewrite", "False"),
    }

    code, out = run(
        "families", "--index", str(index_dir), "--format", "parquet", "-o", str(tmp_path / "f.pq")
    )
    import pyarrow.parquet as pq

    assert code == 0 and pq.read_table(tmp_path / "f.pq").num_rows == 2

    code, out = run("families", "--index", str(index_dir), "--format", "html", "-o", str(tmp_path / "f.html"))
    page = (tmp_path / "f.html").read_text()
    report = tmp_path / "f_reports" / "family1-bridge-rewrite.html"
    assert code == 0 and "f_reports/family1-bridge-rewrite.html" in page and report.is_file()
    assert "bridge-original" in report.read_text()

    code, out = run("search", "--index", str(index_dir), "--all")
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert code == 0 and len(lines) == len(corpus())
    matches = {line["id"]: line["matches"] for line in lines}
    assert [m["verdict"] for m in matches["bridge-rewrite"]] == ["rewrite"]
    assert matches["story-0"] == []


def test_cli_search_needs_a_document_or_all(index_dir: Path) -> None:
    code, out = run("search", "--index", str(index_dir))
    assert code != 0 and "--all" in out
    code, out = run("families", "--index", str(index_dir), "--format", "html")
    assert code != 0 and "-o FILE" in out


def test_pairs_judged_apart_are_the_checked_pairs_found_not_reuse(index_dir: Path) -> None:
    with Index(index_dir) as index:
        index.match_all()
        model = index.pipeline.encoder.name
        docs = list(index.store.all_ids())
        apart = set(index.store.apart_pairs(docs, model))
        rows = index.store.db.execute("SELECT lo, hi, verdict FROM pairs").fetchall()
        original = index.store.doc_number("bridge-original")
        rewrite = index.store.doc_number("bridge-rewrite")
        only_some = set(index.store.apart_pairs(docs[:3], model))
    assert apart and apart == {(lo, hi) for lo, hi, verdict in rows if verdict in ("related", "unrelated")}
    assert tuple(sorted((original, rewrite))) not in apart  # type: ignore[type-var]
    assert only_some == {(lo, hi) for lo, hi in apart if lo in docs[:3] and hi in docs[:3]}
