"""The fast tier: a static token table distilled from MiniLM (model2vec format)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt

from retold.encoders._bundled import model_file, verify
from retold.errors import ModelError

MAX_TOKENS = 512


class StaticEncoder:
    """Mean of per-token vectors, L2-normalised, as model2vec's ``StaticModel.encode`` computes it."""

    def __init__(self, name: str, table_path: Path, tokenizer_path: Path) -> None:
        from tokenizers import Tokenizer

        self._name = name
        try:
            self._table = np.load(table_path).astype(np.float32)
            self._tokenizer = Tokenizer.from_file(str(tokenizer_path))
        except Exception as exc:  # numpy and tokenizers raise several unrelated types
            raise ModelError(f"cannot load the model '{name}' from {table_path.parent}: {exc}") from exc
        self._tokenizer.no_padding()
        self._tokenizer.no_truncation()
        unk = self._tokenizer.token_to_id("[UNK]")
        self._unk = -1 if unk is None else unk

    @classmethod
    def bundled(cls, name: str) -> StaticEncoder:
        table = model_file(name, "embeddings.npy")
        tokenizer = model_file(name, "tokenizer.json")
        try:
            return cls(name, table, tokenizer)
        except ModelError:
            verify(name)
            raise

    @property
    def name(self) -> str:
        return self._name

    @property
    def dimensions(self) -> int:
        return int(self._table.shape[1])

    def encode(self, texts: list[str]) -> npt.NDArray[np.float32]:
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        encodings = self._tokenizer.encode_batch(list(texts), add_special_tokens=False)
        for row, enc in enumerate(encodings):
            ids = [i for i in enc.ids[:MAX_TOKENS] if i != self._unk]
            if ids:
                out[row] = self._table[ids].mean(axis=0)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        normalised: npt.NDArray[np.float32] = out / np.maximum(norms, 1e-12)
        return normalised
