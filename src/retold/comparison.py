"""The result of comparing two documents, and its ``retold.comparison/1`` JSON form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from retold.align import Passage
from retold.differences import Difference
from retold.judge import Verdict

__all__ = ["SCHEMA", "Comparison", "Side"]

SCHEMA = "retold.comparison/1"


@dataclass(frozen=True, slots=True)
class Side:
    """One compared document, as the report describes it."""

    id: str
    chars: int
    sentences: int
    text: str | None = None  # only for extracted (HTML) input, where offsets refer to it

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "chars": self.chars, "sentences": self.sentences}
        if self.text is not None:
            out["text"] = self.text
        return out


@dataclass(frozen=True, slots=True)
class Comparison:
    """Whether one text reuses the other, where, and what changed.

    Attributes:
        a, b: the two documents.
        verdict: ``near_duplicate``, ``rewrite`` or ``partial_reuse`` (reuse) exactly when
            ``score`` is at or above the model's threshold; else ``related`` or ``unrelated``.
        score: calibrated probability that one text reuses the other.
        coverage_a, coverage_b: share of each side's body characters inside passages.
        passages: aligned passages with their sentence links.
        differences: what changed (content with no counterpart, quotes, numbers, names).
        model: the encoder that produced the similarities.
        features: the judge's inputs, for explanation and calibration.
        warnings: things the user should know (non-English input, identical files).
    """

    a: Side
    b: Side
    verdict: Verdict
    score: float
    coverage_a: float
    coverage_b: float
    passages: tuple[Passage, ...]
    differences: tuple[Difference, ...]
    model: str
    features: dict[str, float]
    warnings: tuple[str, ...] = ()

    @property
    def is_reuse(self) -> bool:
        return self.verdict in ("near_duplicate", "rewrite", "partial_reuse")

    def to_dict(self) -> dict[str, Any]:
        """The ``retold.comparison/1`` object (see ``schemas/comparison.schema.json``)."""
        out: dict[str, Any] = {
            "schema": SCHEMA,
            "a": self.a.to_dict(),
            "b": self.b.to_dict(),
            "verdict": self.verdict,
            "score": round(self.score, 4),
            "coverage": {"a": round(self.coverage_a, 4), "b": round(self.coverage_b, 4)},
            "passages": [
                {
                    "a": list(p.a),
                    "b": list(p.b),
                    "similarity": p.similarity,
                    "kind": p.kind,
                    "links": [
                        {"a": list(link.a), "b": list(link.b), "similarity": link.similarity}
                        for link in p.links
                    ],
                }
                for p in self.passages
            ],
            "differences": [d.to_dict() for d in self.differences],
            "model": self.model,
        }
        if self.warnings:
            out["warnings"] = list(self.warnings)
        return out
