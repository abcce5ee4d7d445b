"""Any sentence-transformers model by name, for users with a model hub or a GPU."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from retold.errors import ModelError, require


class SentenceTransformerEncoder:
    """Wraps ``sentence_transformers.SentenceTransformer``; needs ``retold[sentence-transformers]``."""

    def __init__(self, name: str) -> None:
        module = require("sentence_transformers", "sentence-transformers", f"The model '{name}'")
        try:
            from transformers.utils import logging as transformers_logging

            transformers_logging.set_verbosity_error()  # load reports and progress bars on stderr
            transformers_logging.disable_progress_bar()
        except ImportError:
            pass
        try:
            self._model = module.SentenceTransformer(name)
        except Exception as exc:  # hub, file system and torch errors alike
            raise ModelError(f"cannot load the sentence-transformers model '{name}': {exc}") from exc
        self._name = name
        dimension = getattr(self._model, "get_embedding_dimension", None)  # newer releases
        dimension = dimension or self._model.get_sentence_embedding_dimension
        self._dimensions = int(dimension() or 0)

    @property
    def name(self) -> str:
        return self._name

    @property
    def dimensions(self) -> int:
        return self._dimensions

    def encode(self, texts: list[str]) -> npt.NDArray[np.float32]:
        vectors = self._model.encode(
            list(texts), normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self._dimensions)
