from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from retold.align import AlignConfig
from retold.cli import main
from retold.encoders import load_encoder
from retold.errors import InputError
from retold.evaluation.sentences import read_mrpc, read_paws, read_stsb, similarity_report

PAIRS = [
    (
        "The council approved the new budget on Tuesday.",
        "On Tuesday the budget was passed by the council.",
        1,
    ),
    ("Flights from the north were delayed by fog.", "Fog held up planes arriving from the north.", 1),
    ("The dog bit the postman near the gate.", "The postman bit the dog near the gate.", 0),
    ("Prices rose in March after falling in February.", "Prices fell in March after rising in February.", 0),
    ("She sold the farm to her brother in 1998.", "Her brother sold the farm to her in 1998.", 0),
    (
        "The museum reopens after a two-year renovation.",
        "After two years of renovation, the museum reopens.",
        1,
    ),
]


def test_readers_skip_headers_and_broken_rows(tmp_path: Path) -> None:
    mrpc = tmp_path / "mrpc.txt"
    lines = ["\ufeffQuality\t#1 ID\t#2 ID\t#1 String\t#2 String"]
    lines += [f"{label}\t{k}\t{k + 100}\t{a}\t{b}" for k, (a, b, label) in enumerate(PAIRS)]
    lines.append("1\tonly\tthree")
    mrpc.write_text("\n".join(lines) + "\n", encoding="utf-8")
    pairs = read_mrpc(mrpc)
    assert len(pairs.a) == len(PAIRS) and pairs.skipped == 2
    assert pairs.labels.tolist() == [float(p[2]) for p in PAIRS]

    paws = tmp_path / "paws.tsv"
    paws.write_text(
        "id\tsentence1\tsentence2\tlabel\n"
        + "".join(f"{k}\t{a}\t{b}\t{lab}\n" for k, (a, b, lab) in enumerate(PAIRS))
    )
    assert read_paws(paws, limit=3).a == [p[0] for p in PAIRS[:3]]

    sts = tmp_path / "sts.tsv"
    sts.write_text(
        "".join(
            f"main-news\tx\t2024\t{k}\t{lab * 4.5:.1f}\t{a}\t{b}\n" for k, (a, b, lab) in enumerate(PAIRS)
        )
    )
    assert read_stsb(sts).labels.max() == 4.5

    empty = tmp_path / "empty.tsv"
    empty.write_text("id\tsentence1\tsentence2\tlabel\n")
    with pytest.raises(InputError, match="no sentence pairs"):
        read_paws(empty)


def test_similarity_report_measures_the_link_decision(tmp_path: Path) -> None:
    path = tmp_path / "paws.tsv"
    path.write_text("".join(f"{k}\t{a}\t{b}\t{lab}\n" for k, (a, b, lab) in enumerate(PAIRS)))
    report = similarity_report(load_encoder("minilm-l6-int8"), read_paws(path), AlignConfig())
    assert report["pairs"] == len(PAIRS)
    assert 0.0 <= report["accuracy"] <= 1.0
    assert report["paraphrases_linked"] == 1.0  # clear paraphrases reach the link threshold
    # Word-swapped pairs share every word: the lexical part cannot tell them apart.
    assert report["auc_lexical"] <= 0.6


def test_eval_sentences_cli_reports_spearman_for_graded_pairs(tmp_path: Path) -> None:
    sts = tmp_path / "sts.tsv"
    sts.write_text(
        "".join(
            f"main-news\tx\t2024\t{k}\t{lab * 4.5:.1f}\t{a}\t{b}\n" for k, (a, b, lab) in enumerate(PAIRS)
        )
    )
    result = CliRunner().invoke(main, ["eval", "sentences", "--stsb", str(sts), "--format", "json"])
    assert result.exit_code == 0, result.output
    measures = next(iter(json.loads(result.output)["results"].values()))
    assert set(measures) == {"pairs", "spearman_combined", "spearman_cosine", "spearman_lexical"}


def test_eval_sentences_needs_a_data_set() -> None:
    assert CliRunner().invoke(main, ["eval", "sentences"]).exit_code == 2
