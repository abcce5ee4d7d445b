from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from retold.encoders import DEFAULT_MODEL, STATIC_MODEL, _bundled, load_encoder
from retold.encoders._onnx import OnnxEncoder
from retold.errors import MissingDependencyError, ModelError

SENTENCES = [
    "Engineers closed the bridge after finding a crack in a beam.",
    "The bridge was shut when inspectors found a fracture in a girder.",
    "Add three eggs and a cup of flour to the bowl.",
]


@pytest.mark.parametrize("name", [DEFAULT_MODEL, STATIC_MODEL])
def test_bundled_encoders_give_unit_vectors_that_rank_paraphrases_first(name: str) -> None:
    encoder = load_encoder(name)
    vectors = encoder.encode(SENTENCES)
    assert vectors.shape == (3, encoder.dimensions)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2


def test_encoding_does_not_depend_on_batch_composition() -> None:
    encoder = load_encoder()
    alone = encoder.encode([SENTENCES[0]])
    together = encoder.encode([SENTENCES[2], "x " * 100, SENTENCES[0]])
    np.testing.assert_allclose(alone[0], together[2], atol=1e-6)


def test_empty_batch() -> None:
    assert load_encoder().encode([]).shape == (0, 384)


def test_missing_bundled_model_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(_bundled, "DATA_DIR", tmp_path)
    with pytest.raises(ModelError, match="missing"):
        OnnxEncoder.bundled(DEFAULT_MODEL)


def test_corrupt_bundled_model_is_reported_as_corrupt(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    shutil.copytree(_bundled.DATA_DIR, tmp_path, dirs_exist_ok=True)
    (tmp_path / DEFAULT_MODEL / "model.onnx").write_bytes(b"not an onnx graph")
    monkeypatch.setattr(_bundled, "DATA_DIR", tmp_path)
    with pytest.raises(ModelError, match="corrupt"):
        OnnxEncoder.bundled(DEFAULT_MODEL)


def test_bundled_data_matches_its_checksums() -> None:
    _bundled.verify(DEFAULT_MODEL)
    _bundled.verify(STATIC_MODEL)


def test_sentence_transformers_model_without_the_extra_names_the_extra() -> None:
    pytest.importorskip("numpy")
    try:
        import sentence_transformers  # noqa: F401
    except ImportError:
        with pytest.raises(MissingDependencyError, match=r"retold\[sentence-transformers\]"):
            load_encoder("sentence-transformers/all-mpnet-base-v2")
    else:
        pytest.skip("sentence-transformers is installed here")
