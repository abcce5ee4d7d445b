"""Rewrite families: verified pairs → groups of documents retelling one story, and their original.

Pure functions over verified pairs (no I/O), so the index, the CLI and a
cluster job group the same way.

Grouping: connected components over *strong* edges only — ``near_duplicate``
and ``rewrite``, where one text retells most of the other. A ``partial_reuse``
edge (a shared paragraph, a press release quoted by two unrelated stories)
is kept and reported but never merges two groups, so a common boilerplate
paragraph cannot chain unrelated stories into one family.

The probable original: the earliest by date when at least two members are
dated and the earliest date belongs to one of them; otherwise (fewer dates,
or a tie among the earliest) textual evidence, the
containment asymmetry of the verified pairs: a rewrite covers less of its
source than its source covers of it, and adds little that is not there, so
the source is the side less covered by the pair's passages. Every choice
carries its reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Literal

from retold.graph import edge_groups

__all__ = ["STRONG", "DirectedEdge", "Edge", "Family", "Member", "direction", "families", "parse_date"]

STRONG = ("near_duplicate", "rewrite")
ASYMMETRY = 0.05  # coverage difference below which containment says nothing
Direction = Literal["a_from_b", "b_from_a", "unknown"]


def parse_date(text: str | None) -> str | None:
    """A date as comparable ISO text (``2017-03-01T09:30:00``, UTC when a zone is given), or None.

    Reads ISO 8601 (date or date and time) and e-mail/HTTP dates; anything else
    counts as undated rather than being compared as text.

    Examples:
        >>> parse_date("2017-08-17 14:14:00"), parse_date("Tue, 01 Mar 2017 10:00:00 +0100")
        ('2017-08-17T14:14:00', '2017-03-01T09:00:00')
        >>> parse_date("last week") is None
        True
    """
    if not text or not text.strip():
        return None
    value: datetime | None = None
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        try:
            value = parsedate_to_datetime(text.strip())
        except (TypeError, ValueError, IndexError):
            return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True)
class Member:
    """A document as families describe it."""

    id: str
    title: str | None = None
    date: str | None = None  # ISO 8601 compares as text
    source: str | None = None
    order: int = 0  # the index's document number: the last tie-breaker

    def to_dict(self) -> dict[str, str]:
        fields = (("id", self.id), ("title", self.title), ("date", self.date), ("source", self.source))
        return {name: value for name, value in fields if value}


@dataclass(frozen=True, slots=True)
class Edge:
    """One verified reuse pair (``a`` and ``b`` are document ids)."""

    a: str
    b: str
    verdict: str
    score: float
    coverage_a: float
    coverage_b: float


@dataclass(frozen=True, slots=True)
class DirectedEdge:
    """An edge with who reused whom: ``source`` → ``copy``."""

    source: str
    copy: str
    verdict: str
    score: float
    coverage_source: float
    coverage_copy: float
    direction_known: bool
    reason: str

    def to_dict(self) -> dict[str, object]:
        return {
            "source": self.source,
            "copy": self.copy,
            "verdict": self.verdict,
            "score": round(self.score, 4),
            "coverage": {"source": round(self.coverage_source, 4), "copy": round(self.coverage_copy, 4)},
            "direction": "known" if self.direction_known else "unknown",
            "reason": self.reason,
        }


@dataclass(slots=True)
class Family:
    """Documents that retell one another, with the probable original."""

    members: list[Member]
    original: str
    reason: str
    edges: list[DirectedEdge] = field(default_factory=list)
    partial: list[DirectedEdge] = field(default_factory=list)  # partial reuse touching the family

    @property
    def ids(self) -> list[str]:
        return [m.id for m in self.members]

    def to_dict(self, number: int) -> dict[str, object]:
        return {
            "family": number,
            "size": len(self.members),
            "original": self.original,
            "original_reason": self.reason,
            "members": [m.to_dict() for m in self.members],
            "edges": [e.to_dict() for e in self.edges],
            "partial_reuse": [e.to_dict() for e in self.partial],
        }


def direction(edge: Edge, date_a: str | None, date_b: str | None) -> tuple[Direction, str]:
    """Which side of ``edge`` reused the other, and why.

    Examples:
        >>> e = Edge("x", "y", "rewrite", 0.9, 0.4, 0.9)
        >>> direction(e, "2017-01-02", "2017-01-01")
        ('a_from_b', 'dates: y (2017-01-01) before x (2017-01-02)')
        >>> direction(e, None, None)[0]
        'b_from_a'
    """
    if date_a and date_b and date_a != date_b:
        if date_a < date_b:
            return "b_from_a", f"dates: {edge.a} ({date_a}) before {edge.b} ({date_b})"
        return "a_from_b", f"dates: {edge.b} ({date_b}) before {edge.a} ({date_a})"
    gap = edge.coverage_b - edge.coverage_a
    if abs(gap) < ASYMMETRY:
        return "unknown", "no dates, and each text covers as much of the other"
    copy, source = (edge.b, edge.a) if gap > 0 else (edge.a, edge.b)
    high, low = max(edge.coverage_a, edge.coverage_b), min(edge.coverage_a, edge.coverage_b)
    return (
        "b_from_a" if gap > 0 else "a_from_b",
        f"containment: {high:.0%} of {copy} lies in passages shared with {source}, "
        f"only {low:.0%} of {source}",
    )


def _directed(edge: Edge, dates: Mapping[str, str | None]) -> DirectedEdge:
    way, reason = direction(edge, dates.get(edge.a), dates.get(edge.b))
    if way == "a_from_b":
        return DirectedEdge(
            edge.b, edge.a, edge.verdict, edge.score, edge.coverage_b, edge.coverage_a, True, reason
        )
    known = way != "unknown"
    return DirectedEdge(
        edge.a, edge.b, edge.verdict, edge.score, edge.coverage_a, edge.coverage_b, known, reason
    )


def _original(members: Sequence[Member], edges: Sequence[Edge]) -> tuple[str, str]:
    """The probable original of one family, and the reason in words."""
    dated = sorted((m.date, m.id) for m in members if m.date)
    undated = len(members) - len(dated)
    if len(dated) >= 2:
        earliest = [doc_id for date, doc_id in dated if date == dated[0][0]]
        note = f"; {undated} member(s) undated" if undated else ""
        if len(earliest) == 1:
            return earliest[0], f"earliest date ({dated[0][0]}) of {len(dated)} dated members{note}"
        pool = [m for m in members if m.id in earliest]
        prefix = f"{len(earliest)} members share the earliest date ({dated[0][0]}); "
    else:
        # One dated member says nothing about when the undated ones appeared.
        pool = list(members)
        prefix = "no dates; " if not dated else "only one member dated; "
    # Containment: each edge gives its less-covered side the difference in coverage.
    evidence = {m.id: 0.0 for m in pool}
    for edge in edges:
        if edge.a in evidence:
            evidence[edge.a] += edge.coverage_b - edge.coverage_a
        if edge.b in evidence:
            evidence[edge.b] += edge.coverage_a - edge.coverage_b
    ranked = sorted(pool, key=lambda m: (-evidence[m.id], m.order, m.id))
    best = ranked[0]
    runner_up = evidence[ranked[1].id] if len(ranked) > 1 else float("-inf")
    if evidence[best.id] - runner_up >= ASYMMETRY:
        return best.id, (
            prefix + "containment: the others lie in passages shared with it more than it lies in theirs "
            f"(net {evidence[best.id]:+.2f} coverage)"
        )
    return best.id, prefix + "no textual asymmetry either: the first indexed"


def families(edges: Iterable[Edge], members: Mapping[str, Member]) -> list[Family]:
    """Group verified reuse pairs into families, largest first.

    ``members`` describes every document an edge names. Strong edges
    (``STRONG``) build the groups; partial reuse is attached to the families
    it touches without merging them.

    Examples:
        >>> m = {k: Member(k) for k in "abcd"}
        >>> e = [Edge("a", "b", "rewrite", 0.9, 0.5, 0.95), Edge("b", "c", "partial_reuse", 0.7, 0.1, 0.2)]
        >>> [(f.ids, f.original) for f in families(e, m)]
        [(['a', 'b'], 'a')]
    """
    edges = list(edges)
    strong = [e for e in edges if e.verdict in STRONG]
    groups = edge_groups([(e.a, e.b) for e in strong])
    dates = {doc_id: member.date for doc_id, member in members.items()}
    out = []
    where: dict[str, int] = {}
    for number, group in enumerate(groups):
        inside = [strong[k] for k in group]
        ids = sorted({x for e in inside for x in (e.a, e.b)}, key=lambda x: (members[x].order, x))
        for doc_id in ids:
            where[doc_id] = number
        chosen, reason = _original([members[x] for x in ids], inside)
        out.append(Family([members[x] for x in ids], chosen, reason, [_directed(e, dates) for e in inside]))
    for edge in edges:
        if edge.verdict in STRONG:
            continue
        for side in {where.get(edge.a), where.get(edge.b)} - {None}:
            assert side is not None
            out[side].partial.append(_directed(edge, dates))
    out.sort(key=lambda f: (-len(f.members), f.members[0].order))
    return out
