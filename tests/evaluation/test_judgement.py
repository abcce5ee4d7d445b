"""The judge's measuring tools and `retold calibrate`, on pairs written for these tests."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import DATA, read

from retold.cli import main
from retold.errors import InputError
from retold.evaluation.baselines import NgramConfig, jaccard, ngram_passages
from retold.evaluation.datasets import ai_news_pairs
from retold.evaluation.judgement import Example, bootstrap, cross_validate, news_measures
from retold.judge import load_calibration
from retold.pipeline import Pipeline

ROOT = DATA.parent.parent
HARBOUR = (
    "The harbour authority approved a plan on Monday to dredge the northern channel before winter. "
    "Larger ferries have run aground twice this year, and the operator warned it could suspend the "
    "evening crossing. The work will cost about 4 million euros and take eleven weeks. "
    "Fishermen asked that the dredging pause during the herring season, and the authority agreed."
)
HARBOUR_REWRITE = (
    "Port officials on Monday backed dredging the north channel ahead of the winter months. "
    "Bigger ferries have grounded two times in the past year, and their operator said the late "
    "crossing might be dropped. The project is put at roughly 4 million euros over eleven weeks. "
    "At the request of fishermen, work will stop during the herring season."
)
HARBOUR_STORY = (
    "Ferry passengers in the north of the island may soon face fewer disruptions. A regional council "
    "spokesperson said funding for several port projects had been set aside in the spring budget. "
    "Local businesses have long complained about unreliable crossings, which they say cost them "
    "customers, and the tourism board hopes for a busy summer."
)


@pytest.fixture()
def news_file(tmp_path: Path) -> Path:
    families = [
        (read("bridge_original.txt"), read("bridge_rewrite.txt"), read("bridge_related.txt")),
        (
            (ROOT / "examples" / "original.txt").read_text(encoding="utf-8"),
            (ROOT / "examples" / "rewrite.txt").read_text(encoding="utf-8"),
            HARBOUR_STORY,
        ),
        (HARBOUR, HARBOUR_REWRITE, read("bridge_related.txt")),
    ]
    path = tmp_path / "news.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for fid, (original, rewrite, story) in enumerate(families):
            for source, text in (
                ("Some Outlet", original),
                ("rephrase_base", rewrite),
                ("generated_base", story),
            ):
                out.write(
                    json.dumps({"family_id": fid, "source": source, "text": text, "date": "2023"}) + "\n"
                )
    return path


def test_news_pairs_strip_the_give_away_metadata(news_file: Path) -> None:
    pairs = ai_news_pairs(news_file)
    assert sorted({p.label for p in pairs}) == ["rewrite", "same_story", "unrelated"]
    for pair in pairs:
        assert pair.a.metadata == {} and pair.b.metadata == {}
        assert "rephrase" not in pair.b.id and "Outlet" not in pair.a.id


def test_sibling_pairs_join_the_rewrites_and_keep_headline_texts_apart(news_file: Path) -> None:
    plain = ai_news_pairs(news_file)
    pairs = ai_news_pairs(news_file, siblings=True)
    extra = [p for p in pairs if p not in plain]
    # Each family here has one rewrite and one headline text: one sibling pair, same story.
    assert len(extra) == 3
    assert all(p.label == "same_story" and not p.is_reuse for p in extra)
    assert all(p.a.id[:4] == p.b.id[:4] == p.group and not p.a.id.endswith("-o") for p in extra)


def test_two_rewrites_of_one_original_are_a_reuse_sibling_pair(tmp_path: Path) -> None:
    path = tmp_path / "two.jsonl"
    rows = [
        (0, "Outlet", HARBOUR),
        (0, "rephrase_base", HARBOUR_REWRITE),
        (0, "rephrase_expert", HARBOUR_REWRITE.replace("Port officials", "Harbour officials")),
        (1, "Outlet", read("bridge_original.txt")),
    ]
    path.write_text("".join(json.dumps({"family_id": f, "source": k, "text": t}) + "\n" for f, k, t in rows))
    (sibling,) = [p for p in ai_news_pairs(path, siblings=True) if not p.a.id.endswith("-o")]
    assert (sibling.a.id, sibling.b.id, sibling.label, sibling.is_reuse) == (
        "f000-rb",
        "f000-re",
        "rewrite",
        True,
    )


def test_malformed_news_lines_are_named(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"family_id": 1, "source": "x", "text": "y"}\n{not json\n')
    with pytest.raises(InputError, match="line 2"):
        ai_news_pairs(path)


def test_bootstrap_interval_holds_the_value_and_widens_with_noise() -> None:
    groups = [f"g{k // 2}" for k in range(40)]
    steady = bootstrap(lambda rows: 0.7, groups, rounds=50)
    assert (steady.low, steady.value, steady.high) == (0.7, 0.7, 0.7)
    values = np.linspace(0, 1, 40)
    noisy = bootstrap(lambda rows: float(values[rows].mean()), groups, rounds=200)
    assert noisy.low < noisy.value < noisy.high
    assert noisy.value == pytest.approx(0.5)


def test_cross_validation_never_scores_a_family_it_was_fitted_on() -> None:
    # Each family's label is the opposite of what its feature suggests elsewhere:
    # a model that saw the family would get it right, an honest one cannot.
    examples = []
    for family in range(10):
        for reuse in (True, False):
            value = float(reuse) if family < 9 else float(not reuse)
            examples.append(
                Example({"f": value}, reuse, "rewrite" if reuse else "same_story", f"f{family}", 1.0, 0.0)
            )
    x = np.array([[e.features["f"]] for e in examples])
    probabilities = cross_validate(x, examples, folds=5)
    last = [p for e, p in zip(examples, probabilities, strict=True) if e.group == "f9"]
    reuse_p, no_reuse_p = last
    assert reuse_p < 0.5 < no_reuse_p


def test_news_measures_count_rewrites_and_same_story_separately() -> None:
    labels = ["rewrite"] * 4 + ["same_story"] * 4 + ["unrelated"] * 2
    examples = [Example({}, lab == "rewrite", lab, f"f{k % 5}", 1.0, 0.0) for k, lab in enumerate(labels)]
    p = np.array([0.9, 0.8, 0.7, 0.2, 0.6, 0.1, 0.1, 0.1, 0.0, 0.0])
    measures = news_measures(examples, p, 0.5, rounds=20)
    assert measures["recall"].value == 0.75
    assert measures["precision"].value == 0.75
    assert measures["same_story_called_reuse"].value == 0.25
    assert measures["unrelated_called_reuse"].value == 0.0


def test_calibrate_writes_a_calibration_the_pipeline_then_uses(
    news_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("RETOLD_HOME", str(home))
    result = CliRunner().invoke(
        main, ["calibrate", "--news", str(news_file), "--model", "minilm-l6-static", "--folds", "2"]
    )
    assert result.exit_code == 0, result.output
    assert "ROC-AUC" in result.output and "Brier" in result.output and "ECE" in result.output
    written = home / "calibrations" / "minilm-l6-static.json"
    data = json.loads(written.read_text())
    assert data["model"] == "minilm-l6-static"
    assert "news.jsonl" in data["fitted_on"]
    shipped = load_calibration("minilm-l6-static")
    assert load_calibration("minilm-l6-static", (written.parent,)).coefficients != shipped.coefficients
    from retold.config import load_config

    assert (
        Pipeline(load_config(overrides={"model": "minilm-l6-static"})).calibration.fitted_on
        == data["fitted_on"]
    )


def test_calibrate_needs_labelled_data() -> None:
    result = CliRunner().invoke(main, ["calibrate"])
    assert result.exit_code == 2
    assert "--news" in result.output


def test_jaccard_and_ngram_passages_find_verbatim_reuse_only() -> None:
    original = read("bridge_original.txt")
    assert jaccard(original, original) == 1.0
    assert jaccard(original, read("bridge_rewrite.txt")) < 0.05
    paragraphs = original.split("\n\n")
    copied = "\n\n".join(paragraphs[1:3])
    suspicious = HARBOUR_STORY + "\n\n" + copied + "\n\n" + HARBOUR
    passages = ngram_passages(suspicious, original)
    assert len(passages) == 1
    (a_start, a_end), (b_start, b_end) = passages[0]
    assert suspicious[a_start:a_end] == original[b_start:b_end]
    assert copied.startswith(suspicious[a_start : a_start + 40])
    assert ngram_passages(HARBOUR, original) == []


def test_eval_news_cli_reports_every_row_with_intervals(news_file: Path) -> None:
    result = CliRunner().invoke(
        main, ["eval", "news", str(news_file), "--folds", "2", "--rounds", "20", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["pairs"] == 9
    assert len(report["rows"]) == 4
    for measures in report["rows"].values():
        assert set(measures) >= {"f1", "auc_rewrite_vs_same_story", "same_story_called_reuse"}


def test_eval_verdicts_finds_stored_copies_as_near_duplicates(tmp_path: Path) -> None:
    bbc = tmp_path / "bbc"
    for topic, texts in (
        ("local", [read("bridge_original.txt"), HARBOUR, read("bridge_original.txt")]),
        ("other", [HARBOUR_STORY, read("bridge_related.txt")]),
    ):
        (bbc / topic).mkdir(parents=True)
        for k, text in enumerate(texts):
            (bbc / topic / f"{k:03d}.txt").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(
        main, ["eval", "verdicts", "--bbc", str(bbc), "--same-topic", "2", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    shares = json.loads(result.output)
    assert shares["near_duplicate"]["pairs"] == 1
    assert shares["near_duplicate"]["near_duplicate"] == 1.0
    assert shares["same_topic"]["pairs"] == 2


def test_a_phrase_repeated_on_one_side_is_one_seed_not_many() -> None:
    phrase = "the presidents of the united states of america"
    suspicious = ". ".join(f"Track {k} is by {phrase}" for k in range(12))
    source = f"An album released in 1995 by {phrase}, a band from Seattle."
    # "by" and the phrase make five shared 5-grams, at five places of the source however often
    # the suspicious side repeats them; counted per occurrence they would be 60 seeds.
    assert ngram_passages(suspicious, source, NgramConfig(min_seeds=6, min_chars=0)) == []
    assert ngram_passages(suspicious, source, NgramConfig(min_seeds=5, min_chars=0)) != []
    # And a passage needs its size on both sides, not only on the side that repeats.
    assert ngram_passages(suspicious, source, NgramConfig(min_seeds=5)) == []
