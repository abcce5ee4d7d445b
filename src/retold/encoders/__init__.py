"""Sentence encoders: text in, L2-normalised float32 vectors out.

Two tiers (DESIGN.md, "Two tiers of representation"):

* ``minilm-l6-int8`` (default): all-MiniLM-L6-v2 as int8 ONNX, contextual.
* ``minilm-l6-static``: a static table distilled from it, about 40x faster.

Any other name is taken as a sentence-transformers model, loaded through the
``retold[sentence-transformers]`` extra.
"""

from __future__ import annotations

from functools import cache
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from retold.errors import ModelError

DEFAULT_MODEL = "minilm-l6-int8"
STATIC_MODEL = "minilm-l6-static"
BUNDLED_MODELS = (DEFAULT_MODEL, STATIC_MODEL)

__all__ = [
    "BUNDLED_MODELS",
    "DEFAULT_MODEL",
    "STATIC_MODEL",
    "Encoder",
    "load_encoder",
]


@runtime_checkable
class Encoder(Protocol):
    """What the pipeline needs from a sentence encoder."""

    @property
    def name(self) -> str:
        """A stable identity; calibrations are stored under it."""
        ...

    @property
    def dimensions(self) -> int:
        """Length of each embedding."""
        ...

    def encode(self, texts: list[str]) -> npt.NDArray[np.float32]:
        """Embed ``texts`` as rows of unit length, shape ``(len(texts), dimensions)``."""
        ...


@cache
def load_encoder(name: str = DEFAULT_MODEL, *, threads: int = 0) -> Encoder:
    """Load an encoder once per process (later calls return the same object).

    Args:
        name: a bundled model name, or a sentence-transformers model name or path.
        threads: ONNX intra-op threads; 0 lets onnxruntime choose.

    Raises:
        ModelError: the bundled data is missing or corrupt, or the model cannot load.
        MissingDependencyError: a sentence-transformers model was asked for without the extra.

    Examples:
        >>> encoder = load_encoder()
        >>> encoder.encode(["A sentence."]).shape
        (1, 384)
    """
    if not name:
        raise ModelError("no model name given")
    if name == DEFAULT_MODEL:
        from retold.encoders._onnx import OnnxEncoder

        return OnnxEncoder.bundled(name, threads=threads)
    if name == STATIC_MODEL:
        from retold.encoders._static import StaticEncoder

        return StaticEncoder.bundled(name)
    from retold.encoders._sentence_transformers import SentenceTransformerEncoder

    return SentenceTransformerEncoder(name)
