"""The PAN interface end to end on a tiny corpus written for these tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import read

from retold.cli import main
from retold.errors import InputError
from retold.evaluation.pan import (
    DETECTION,
    detection_file,
    read_features,
    read_pan_pairs,
    score_corpus,
)
from retold.evaluation.pan_measures import Feature
from retold.evaluation.pan_run import plan

CHESS = (
    "The regional chess championship opened on Saturday in the town library. "
    "Forty-two players registered, the youngest of them nine years old. "
    "The organisers moved the boards upstairs after the heating failed in the reading room. "
    "Play continued late into the evening, and the last game ended after midnight.\n\n"
)
GARDEN = (
    "Allotment holders in the valley have been told to expect a dry spring. "
    "The water board asked them to collect rainwater in barrels instead of using hoses. "
    "A seed swap is planned for the first weekend of March at the community hall.\n"
)
LIGHTHOUSE = (
    "The lighthouse keeper's cottage on the headland has reopened as a small museum. "
    "Visitors can climb the spiral stair to the lamp room on weekday afternoons. "
    "Volunteers restored the original brass fittings over two winters. "
    "Tickets are sold at the harbour office, and children under twelve go free.\n"
)
SUSP, SRC, OTHER = "suspicious-document00001.txt", "source-document00001.txt", "source-document00002.txt"


@pytest.fixture()
def corpus(tmp_path: Path) -> tuple[Path, Feature]:
    """src/, susp/, pairs and a truth folder; returns the root and the planted case."""
    original = read("bridge_original.txt")
    paragraphs = original.split("\n\n")
    copied = "\n\n".join(paragraphs[:4])
    suspicious = CHESS + copied + "\n\n" + GARDEN
    (tmp_path / "src").mkdir()
    (tmp_path / "susp").mkdir()
    (tmp_path / "src" / SRC).write_text(original, encoding="utf-8", newline="")
    (tmp_path / "src" / OTHER).write_text(LIGHTHOUSE, encoding="utf-8")
    (tmp_path / "susp" / SUSP).write_text(suspicious, encoding="utf-8", newline="")
    pairs = f"{SUSP} {SRC}\n{SUSP} {OTHER}\n"
    (tmp_path / "pairs").write_text(pairs + f"{SUSP} source-document00404.txt\n")
    truth = tmp_path / "02-copied"
    truth.mkdir()
    (truth / "pairs").write_text(pairs)
    case = Feature(SUSP, len(CHESS), len(copied), SRC, 0, len(copied))
    (truth / detection_file(SUSP, SRC)).write_text(
        f'<document reference="{SUSP}"><feature name="plagiarism" this_offset="{case.this_offset}" '
        f'this_length="{case.this_length}" source_reference="{SRC}" source_offset="0" '
        f'source_length="{case.source_length}"/></document>'
    )
    return tmp_path, case


def run_pan(root: Path, out: Path, *extra: str) -> tuple[int, str]:
    args = ["pan", str(root / "pairs"), str(root / "src"), str(root / "susp"), str(out), *extra]
    result = CliRunner().invoke(main, args)
    return result.exit_code, result.output


def test_pan_run_writes_one_xml_per_pair_and_finds_the_copied_passage(corpus: tuple[Path, Feature]) -> None:
    root, case = corpus
    out = root / "out"
    code, output = run_pan(root, out, "-j", "1")
    # The pair whose source does not exist is reported and skipped; the others are written.
    assert code == 3
    assert "source-document00404.txt" in output and "no such file" in output
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [detection_file(SUSP, SRC), detection_file(SUSP, OTHER)]
    )
    found = read_features(out / detection_file(SUSP, SRC), DETECTION)
    assert found and all(f.suspicious == SUSP and f.source == SRC for f in found)
    best = max(found, key=lambda f: f.size)
    # Bounded to the copied words: from the first to the last, the closing full stop aside.
    assert (best.this_offset, best.source_offset) == (case.this_offset, case.source_offset)
    assert 0 <= case.this_length - best.this_length <= 1 and 0 <= case.source_length - best.source_length <= 1
    assert read_features(out / detection_file(SUSP, OTHER), DETECTION) == []

    scores = score_corpus(root, out)
    assert scores.classes["02-copied"].plagdet > 0.95
    assert scores.false_detections["02-copied"] == 0


def test_rerun_resumes_and_leaves_finished_pairs_alone(corpus: tuple[Path, Feature]) -> None:
    root, _ = corpus
    out = root / "out"
    run_pan(root, out, "-j", "1")
    done = out / detection_file(SUSP, SRC)
    os.utime(done, (1_000_000, 1_000_000))
    (out / detection_file(SUSP, OTHER)).unlink()  # as if the run had been killed before this pair
    (out / ".half-written.tmp").write_text("<document")
    code, output = run_pan(root, out, "-j", "1")
    assert code == 3  # the missing source still fails
    assert "1 already done" in output
    assert done.stat().st_mtime == 1_000_000
    assert (out / detection_file(SUSP, OTHER)).exists()
    assert not (out / ".half-written.tmp").exists()


def test_two_workers_give_the_same_detections_as_one(corpus: tuple[Path, Feature]) -> None:
    root, _ = corpus
    run_pan(root, root / "one", "-j", "1")
    run_pan(root, root / "two", "-j", "2")
    for name in (detection_file(SUSP, SRC), detection_file(SUSP, OTHER)):
        assert read_features(root / "one" / name, DETECTION) == read_features(root / "two" / name, DETECTION)


def test_eval_pan_prints_the_measures(corpus: tuple[Path, Feature]) -> None:
    root, _ = corpus
    run_pan(root, root / "out", "-j", "1")
    result = CliRunner().invoke(main, ["eval", "pan", str(root), str(root / "out"), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert '"plagdet"' in result.output and '"02-copied"' in result.output


def test_detections_naming_another_pair_are_dropped(corpus: tuple[Path, Feature]) -> None:
    root, case = corpus
    out = root / "out"
    out.mkdir()
    (out / detection_file(SUSP, SRC)).write_text(
        f'<document reference="{SUSP}"><feature name="{DETECTION}" this_offset="{case.this_offset}" '
        f'this_length="{case.this_length}" source_reference="{OTHER}" source_offset="0" '
        f'source_length="{case.source_length}"/></document>'
    )
    scores = score_corpus(root, out)
    assert scores.dropped == 1
    assert scores.overall.recall == 0.0


def test_malformed_pairs_lines_are_reported_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "pairs"
    path.write_text(f"{SUSP} {SRC}\nonly-one-name.txt\n../escape.txt {SRC}\n{SUSP} {SRC}\n")
    pairs, problems = read_pan_pairs(path)
    assert pairs == [(SUSP, SRC)]
    assert len(problems) == 2 and "line 2" in problems[0]


def test_broken_xml_is_a_clear_input_error(tmp_path: Path) -> None:
    path = tmp_path / "x.xml"
    path.write_text("<document reference='a'><feature")
    with pytest.raises(InputError, match="not readable PAN XML"):
        read_features(path, DETECTION)


def test_plan_keeps_a_documents_pairs_together_and_covers_every_pair() -> None:
    pairs = [(f"s{i % 7}", f"r{i % 11}") for i in range(200)] + [("lone-s", "lone-r")]
    chunks = plan(pairs, workers=2)
    assert sorted(p for chunk in chunks for p in chunk) == sorted(pairs)
    assert ["lone-s", "lone-r"] in [list(p) for chunk in chunks for p in chunk]
    sizes = [len(c) for c in chunks]
    assert sizes == sorted(sizes, reverse=True)
    for chunk in chunks:  # a big component is cut only between suspicious documents
        suspicious = {s for s, _ in chunk}
        for other in chunks:
            if other is not chunk:
                assert not suspicious & {s for s, _ in other}
