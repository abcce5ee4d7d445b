"""The fitted PAN passage and stretch filters: what they keep, how they are stored, how they are fitted."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from conftest import read

from retold.documents import Document
from retold.encoders import DEFAULT_MODEL
from retold.errors import CalibrationError
from retold.evaluation.pan import PanConfig, detections_from
from retold.evaluation.pan_filter import (
    EDGE_FEATURES,
    PASSAGE_FEATURES,
    STRETCH_FEATURES,
    PassageFilter,
    fit_passage_filter,
    load_edge_filter,
    load_passage_filter,
    load_stretch_filter,
    passage_features,
)
from retold.pipeline import Pipeline

HOST = (
    "The regional chess championship opened on Saturday in the town library. "
    "Forty-two players registered, the youngest of them nine years old. "
    "The organisers moved the boards upstairs after the heating failed in the reading room.\n\n"
)


def _features(**values: float) -> list[float]:
    return [values[name] for name in PASSAGE_FEATURES]


def test_the_default_model_ships_a_filter_and_an_unknown_model_has_none() -> None:
    shipped = load_passage_filter(DEFAULT_MODEL)
    assert shipped is not None
    assert shipped.model == DEFAULT_MODEL
    assert len(shipped.coefficients) == len(PASSAGE_FEATURES)
    assert load_passage_filter("no-such-model") is None


def test_the_shipped_filter_keeps_a_close_copy_and_drops_a_topical_look_alike() -> None:
    shipped = load_passage_filter(DEFAULT_MODEL)
    assert shipped is not None
    threshold = PanConfig().min_probability
    copy = _features(
        links=np.log1p(5), similarity=0.9, cosine=0.92, wording=0.85, weakest=0.85,
        extent_a=np.log1p(600), extent_b=np.log1p(600), ratio=0.0, density=1.0, verbatim=0.0, light_edit=1.0,
    )  # fmt: skip
    topical = _features(
        links=np.log1p(2), similarity=0.62, cosine=0.7, wording=0.05, weakest=0.6,
        extent_a=np.log1p(300), extent_b=np.log1p(300), ratio=0.0, density=0.5, verbatim=0.0, light_edit=0.0,
    )  # fmt: skip
    assert shipped.probability(copy) >= threshold > shipped.probability(topical)


def test_the_default_model_ships_a_stretch_filter_that_keeps_a_dense_stretch_over_a_passage() -> None:
    shipped = load_stretch_filter(DEFAULT_MODEL)
    assert shipped is not None
    assert shipped.model == DEFAULT_MODEL and shipped.features == STRETCH_FEATURES
    assert load_stretch_filter("no-such-model") is None
    threshold = PanConfig().min_stretch_probability

    def values(**named: float) -> list[float]:
        return [named[name] for name in STRETCH_FEATURES]

    copied = values(
        seeds=np.log1p(9), density_a=0.15, density_b=0.15, extent_a=np.log1p(400), extent_b=np.log1p(420),
        ratio=0.05, jaccard=0.6, containment=0.8, aligned=0.5,
    )  # fmt: skip
    topical = values(
        seeds=np.log1p(4), density_a=0.01, density_b=0.01, extent_a=np.log1p(2500), extent_b=np.log1p(900),
        ratio=1.0, jaccard=0.1, containment=0.2, aligned=0.0,
    )  # fmt: skip
    assert shipped.probability(copied) >= threshold > shipped.probability(topical)


def test_a_filter_for_other_features_or_malformed_is_a_calibration_error() -> None:
    good = PassageFilter("m", tuple(0.0 for _ in PASSAGE_FEATURES), 0.0).to_dict()
    assert PassageFilter.from_dict(good).model == "m"
    with pytest.raises(CalibrationError, match="other features"):
        PassageFilter.from_dict({**good, "features": ["links"]})
    with pytest.raises(CalibrationError, match="malformed"):
        PassageFilter.from_dict({k: v for k, v in good.items() if k != "intercept"})
    with pytest.raises(CalibrationError, match=r"stretch filter .* other features"):
        PassageFilter.from_dict(good, STRETCH_FEATURES)
    stretches = PassageFilter("m", (0.0,) * len(STRETCH_FEATURES), 0.0, features=STRETCH_FEATURES).to_dict()
    assert PassageFilter.from_dict(stretches, STRETCH_FEATURES).features == STRETCH_FEATURES
    with pytest.raises(CalibrationError, match="malformed PAN stretch filter: 2 coefficients"):
        PassageFilter.from_dict({**stretches, "coefficients": [0.0, 1.0]}, STRETCH_FEATURES)


def test_fitting_folds_the_standardisation_into_weights_on_raw_features() -> None:
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    x = rng.normal(
        loc=3.0,
        scale=[0.1 * (k + 1) for k in range(len(PASSAGE_FEATURES))],
        size=(400, len(PASSAGE_FEATURES)),
    )
    y = (x[:, 1] + 0.3 * rng.normal(size=400) > 3.0).astype(int)
    fitted = fit_passage_filter(x, y, "m", "test")
    mean, scale = x.mean(axis=0), x.std(axis=0)
    reference = LogisticRegression(max_iter=2000).fit((x - mean) / scale, y)
    expected = reference.predict_proba((x[:5] - mean) / scale)[:, 1]
    got = [fitted.probability(list(row)) for row in x[:5]]
    np.testing.assert_allclose(got, expected, atol=1e-4)


def test_detections_follow_the_filter_when_given_the_alignment() -> None:
    pipeline = Pipeline()
    original = read("bridge_original.txt")
    copied = "\n\n".join(original.split("\n\n")[:4])
    a = pipeline.represent(Document("susp", HOST + copied))
    b = pipeline.represent(Document("src", original))
    comparison, alignment = pipeline.compare_aligned(a, b, with_differences=False)
    assert comparison.passages
    assert all(len(passage_features(p, alignment)) == len(PASSAGE_FEATURES) for p in comparison.passages)
    zeros = tuple(0.0 for _ in PASSAGE_FEATURES)
    keep_all, keep_none = PassageFilter("m", zeros, 60.0), PassageFilter("m", zeros, -60.0)
    config = PanConfig()
    assert len(detections_from(comparison, config, alignment, keep_all)) == len(comparison.passages)
    assert detections_from(comparison, config, alignment, keep_none) == []
    shipped = load_passage_filter(DEFAULT_MODEL)
    found = detections_from(comparison, config, alignment, shipped)
    assert found, "the shipped filter keeps a copied passage"
    start = len(HOST)
    assert any(d.this_offset < start + len(copied) and d.this_offset + d.this_length > start for d in found)


@pytest.mark.parametrize(
    ("kind", "load", "features", "name", "script"),
    [
        ("stretches", load_stretch_filter, STRETCH_FEATURES, "stretch", "pan_passages.py"),
        ("edges", load_edge_filter, EDGE_FEATURES, "edge", "pan_edges.py"),
    ],
)
def test_a_damaged_stale_or_foreign_shipped_filter_is_a_calibration_error_that_names_it(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
    load: Callable[[str], PassageFilter | None],
    features: tuple[str, ...],
    name: str,
    script: str,
) -> None:
    from retold.evaluation import pan_filter

    (tmp_path / "calibrations").mkdir()
    monkeypatch.setattr(pan_filter.resources, "files", lambda package: tmp_path)
    stored = tmp_path / "calibrations" / pan_filter.filter_file_name("m", kind)
    assert load("m") is None
    stored.write_text("{not json", encoding="utf-8")
    with pytest.raises(CalibrationError, match=f"cannot read the PAN {name} filter"):
        load("m")
    stale = PassageFilter("m", (0.0,) * 3, 0.0, features=features[:3])
    stored.write_text(json.dumps(stale.to_dict()), encoding="utf-8")
    with pytest.raises(CalibrationError, match=rf"{name} filter .* other features .*{script}"):
        load("m")
    fitted = PassageFilter("other", (0.0,) * len(features), 0.0, features=features)
    stored.write_text(json.dumps(fitted.to_dict()), encoding="utf-8")
    with pytest.raises(CalibrationError, match="other"):
        load("m")
    passages = tmp_path / "calibrations" / pan_filter.filter_file_name("m")
    passages.write_text(json.dumps({**fitted.to_dict(), "model": "m"}), encoding="utf-8")
    with pytest.raises(CalibrationError, match=r"passage filter .* other features"):
        load_passage_filter("m")
