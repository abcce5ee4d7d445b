"""Sentence-pair checks of the similarity layer: MRPC, STS-B, PAWS.

The aligner links two sentences when their combined similarity (cosine of the
embeddings blended with the IDF-weighted overlap of content terms, weights from
``AlignConfig``) reaches ``link_threshold``. These checks measure that decision
and its parts on sentence pairs labelled by others:

* MRPC (news paraphrases): accuracy and F1 of the link decision, ROC-AUC;
* STS-B (graded similarity 0-5): Spearman correlation;
* PAWS (word-swapped pairs with high overlap): accuracy, and how many
  non-paraphrases would be linked, so that lexical overlap alone does not make
  two sentences "the same".

The readers here accept the files as distributed (tab-separated, header or
not); a malformed row is skipped and counted.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from retold.align import AlignConfig, combine_similarity
from retold.encoders import Encoder
from retold.errors import InputError, require
from retold.fingerprints import content_terms, paired_figure_conflict, paired_term_similarity

__all__ = ["SentencePairs", "read_mrpc", "read_paws", "read_stsb", "similarity_report"]


@dataclass(frozen=True, slots=True)
class SentencePairs:
    name: str
    a: list[str]
    b: list[str]
    labels: npt.NDArray[np.float64]  # 0/1, or a 0-5 grade for STS-B
    skipped: int


def _rows(path: Path) -> list[list[str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from None


def _pairs(name: str, rows: list[tuple[str, str, str]], limit: int | None) -> SentencePairs:
    a, b, labels, skipped = [], [], [], 0
    for label, first, second in rows:
        try:
            value = float(label)
        except ValueError:
            skipped += 1  # a header, or a broken row
            continue
        if not first.strip() or not second.strip():
            skipped += 1
            continue
        a.append(first)
        b.append(second)
        labels.append(value)
        if limit and len(a) >= limit:
            break
    if not a:
        raise InputError(f"{name}: no sentence pairs could be read")
    return SentencePairs(name, a, b, np.asarray(labels), skipped)


def read_mrpc(path: Path, limit: int | None = None) -> SentencePairs:
    """``Quality  #1 ID  #2 ID  #1 String  #2 String`` rows."""
    rows = [(r[0], r[3], r[4]) if len(r) >= 5 else ("?", "", "") for r in _rows(path)]
    return _pairs(f"MRPC ({path.name})", rows, limit)


def read_stsb(path: Path, limit: int | None = None) -> SentencePairs:
    """``genre  file  year  id  score  sentence1  sentence2 [...]`` rows."""
    rows = [(r[4], r[5], r[6]) if len(r) >= 7 else ("?", "", "") for r in _rows(path)]
    return _pairs(f"STS-B ({path.name})", rows, limit)


def read_paws(path: Path, limit: int | None = None) -> SentencePairs:
    """``id  sentence1  sentence2  label`` rows."""
    rows = [(r[3], r[1], r[2]) if len(r) >= 4 else ("?", "", "") for r in _rows(path)]
    return _pairs(f"PAWS ({path.name})", rows, limit)


def similarities(
    encoder: Encoder, pairs: SentencePairs, config: AlignConfig
) -> dict[str, npt.NDArray[np.float64]]:
    """Cosine, lexical overlap and their blend (the aligner's similarity: figures, no context)."""
    ea = encoder.encode(pairs.a)
    eb = encoder.encode(pairs.b)
    cosine = np.sum(ea * eb, axis=1).astype(np.float64)
    terms_a = [content_terms(t) for t in pairs.a]
    terms_b = [content_terms(t) for t in pairs.b]
    lexical = paired_term_similarity(terms_a, terms_b).astype(np.float64)
    conflict = paired_figure_conflict(terms_a, terms_b)
    combined = combine_similarity(cosine, lexical, conflict, config).astype(np.float64)
    return {"combined": combined, "cosine": cosine, "lexical": lexical}


def similarity_report(encoder: Encoder, pairs: SentencePairs, config: AlignConfig) -> dict[str, float]:
    """The measures that fit the data set: binary labels or STS grades."""
    metrics = require("sklearn.metrics", "eval", "Evaluation")
    stats = require("scipy.stats", "eval", "Evaluation")
    scores = similarities(encoder, pairs, config)
    out: dict[str, float] = {"pairs": float(len(pairs.a))}
    binary = set(np.unique(pairs.labels).tolist()) <= {0.0, 1.0}
    if not binary:
        for name, values in scores.items():
            out[f"spearman_{name}"] = float(stats.spearmanr(pairs.labels, values).statistic)
        return out
    y = pairs.labels.astype(int)
    linked = scores["combined"] >= config.link_threshold
    out["accuracy"] = float(metrics.accuracy_score(y, linked))
    out["f1"] = float(metrics.f1_score(y, linked))
    out["non_paraphrases_linked"] = float(linked[y == 0].mean()) if (y == 0).any() else float("nan")
    out["paraphrases_linked"] = float(linked[y == 1].mean()) if (y == 1).any() else float("nan")
    for name, values in scores.items():
        out[f"auc_{name}"] = float(metrics.roc_auc_score(y, values))
    return out
