"""Difference values, and content with no counterpart: body sentences that no link touches."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from retold.align import Alignment, Representation

__all__ = ["Difference", "DifferenceType", "linked_rows", "unmatched"]

DifferenceType = Literal[
    "quote_altered",
    "quote_dropped",
    "quote_added",
    "quote_to_indirect",
    "quote_from_indirect",
    "quote_speaker_changed",
    "number_changed",
    "number_missing",
    "entity_missing",
    "unmatched",
]
Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Difference:
    """One difference, with spans on the side(s) that have it."""

    type: DifferenceType
    a: Span | None
    b: Span | None
    a_text: str | None
    b_text: str | None
    detail: str

    def to_dict(self) -> dict[str, object]:
        return {
            "type": self.type,
            "a": list(self.a) if self.a else None,
            "b": list(self.b) if self.b else None,
            "a_text": self.a_text,
            "b_text": self.b_text,
            "detail": self.detail,
        }


def _runs(indices: list[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for i in indices:
        if runs and runs[-1][1] == i - 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


def linked_rows(alignment: Alignment) -> tuple[set[int], set[int]]:
    """Indices of the body sentences of A and of B that some link touches."""
    return {link.a_index for link in alignment.links}, {link.b_index for link in alignment.links}


def unmatched(
    a: Representation, b: Representation, alignment: Alignment, a_text: str, b_text: str
) -> list[Difference]:
    """Runs of consecutive body sentences that nothing aligns to, on each side."""
    linked_a, linked_b = linked_rows(alignment)
    out: list[Difference] = []
    for side, rep, linked, text in (("a", a, linked_a, a_text), ("b", b, linked_b, b_text)):
        free = [i for i in range(len(rep.sentences)) if i not in linked]
        for first, last in _runs(free):
            span = (rep.sentences[first].start, rep.sentences[last].end)
            count = last - first + 1
            detail = f"{count} sentence{'s' if count > 1 else ''} only in {side.upper()}"
            if side == "a":
                out.append(Difference("unmatched", span, None, text[span[0] : span[1]], None, detail))
            else:
                out.append(Difference("unmatched", None, span, None, text[span[0] : span[1]], detail))
    return out
