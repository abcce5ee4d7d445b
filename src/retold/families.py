"""Rewrite families: verified pairs → groups of documents retelling one story, and their original.

Pure functions over verified pairs (no I/O), so the index, the CLI and a
cluster job group the same way.

Grouping: connected components over *strong* edges only — ``near_duplicate``
and ``rewrite``, where one text retells most of the other. A ``partial_reuse``
edge (a shared paragraph, a press release quoted by two unrelated stories)
is kept and reported but never merges two groups, so a common boilerplate
paragraph cannot chain unrelated stories into one family.

Then cohesion: the texts of one family retell one another, so a group is cut
where that agrees with more of its verified pairs — pairs found to be reuse
(of any kind) hold members together, pairs the verifier judged *apart*
(checked and found not reuse) push them apart; pairs never checked say
nothing. A member judged apart from more of the family than it was found to
reuse is detached (see ``_cohesive``). One rewrite verdict too many (a text
written independently about the same event, a report filed from the same
template) then joins nothing, where plain components would let it chain two
stories together.

The probable original: the earliest by date when at least two members are
dated and the earliest date belongs to one of them; otherwise (fewer dates,
or a tie among the earliest) textual evidence from each verified pair, in two
parts. Containment: a rewrite lies almost wholly in sentences linked to its
source, while the source keeps sentences the rewrite left out, so the source
is the side less covered by the pair's *links* (not its passages: a summary's
passage is widened to the whole text it summarises, which covers both sides
fully). Specifics: a rewrite drops names and figures of its source and adds
few of its own, so the source is the side stating more that the other lacks
(the pair's one-sided ``entity_missing``/``number_missing`` differences).
Every choice carries its reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Literal

from retold.graph import edge_groups

__all__ = ["STRONG", "DirectedEdge", "Edge", "Family", "Member", "direction", "families", "parse_date"]

STRONG = ("near_duplicate", "rewrite")
ASYMMETRY = 0.05  # textual evidence below which a direction is unknown
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
    linked_a: float | None = None  # share of a inside linked sentences (None: its passage coverage)
    linked_b: float | None = None
    only_a: int = 0  # names and figures a states that b does not
    only_b: int = 0

    @classmethod
    def from_comparison(cls, data: Mapping[str, Any]) -> Edge:
        """The edge a ``retold.comparison/1`` object describes, with its direction evidence.

        Examples:
            >>> link = {"a": [0, 50], "b": [0, 45], "similarity": 0.8}
            >>> c = {"a": {"id": "x", "chars": 100}, "b": {"id": "y", "chars": 50},
            ...      "verdict": "rewrite", "score": 0.9, "coverage": {"a": 1.0, "b": 1.0},
            ...      "passages": [{"a": [0, 100], "b": [0, 50], "links": [link]}],
            ...      "differences": [{"type": "entity_missing", "a": [60, 65], "b": None}]}
            >>> e = Edge.from_comparison(c)
            >>> (e.linked_a, e.linked_b, e.only_a, e.only_b)
            (0.5, 0.9, 1, 0)
        """
        links = [link for passage in data["passages"] for link in passage["links"]]
        one_sided = [
            d
            for d in data["differences"]
            if d["type"] in ("entity_missing", "number_missing") and (d["a"] is None) != (d["b"] is None)
        ]
        return cls(
            str(data["a"]["id"]),
            str(data["b"]["id"]),
            str(data["verdict"]),
            float(data["score"]),
            float(data["coverage"]["a"]),
            float(data["coverage"]["b"]),
            _share([tuple(link["a"]) for link in links], int(data["a"]["chars"])),
            _share([tuple(link["b"]) for link in links], int(data["b"]["chars"])),
            sum(d["a"] is not None for d in one_sided),
            sum(d["b"] is not None for d in one_sided),
        )

    def evidence(self) -> float:
        """How strongly the text says ``a`` is the source (negative: ``b`` is), about -2 to 2.

        Containment (the copy lies in linked sentences more than its source)
        plus specifics (the source states more that the copy lacks), the
        latter damped for small counts.
        """
        linked_a, linked_b = self._linked()
        specifics = (self.only_a - self.only_b) / (self.only_a + self.only_b + 2)
        return (linked_b - linked_a) + specifics

    def evidence_words(self) -> str:
        """The evidence in words, from ``a``'s and ``b``'s point of view."""
        linked_a, linked_b = self._linked()
        return (
            f"{linked_a:.0%} of {self.a} and {linked_b:.0%} of {self.b} lie in linked sentences; "
            f"{self.a} states {self.only_a} name(s) and figure(s) {self.b} lacks, {self.b} {self.only_b}"
        )

    def _linked(self) -> tuple[float, float]:
        """Each side's share in linked sentences, or its passage coverage where links were not given."""
        return (
            self.coverage_a if self.linked_a is None else self.linked_a,
            self.coverage_b if self.linked_b is None else self.linked_b,
        )


def _share(spans: Sequence[tuple[int, ...]], chars: int) -> float:
    """Share of ``chars`` characters inside the union of ``spans``."""
    inside, reach = 0, 0
    for start, end in sorted(spans):
        start = max(start, reach)
        if end > start:
            inside += end - start
            reach = end
    return min(1.0, inside / chars) if chars > 0 else 0.0


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
    detached: list[DirectedEdge] = field(default_factory=list)  # strong pairs cohesion cut (see module)

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
            "detached": [e.to_dict() for e in self.detached],
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
    evidence = edge.evidence()
    if abs(evidence) < ASYMMETRY:
        return "unknown", f"no dates, and the text is even: {edge.evidence_words()}"
    return ("b_from_a" if evidence > 0 else "a_from_b"), f"text: {edge.evidence_words()}"


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
    # Each pair's textual evidence counts for its source side and against its copy.
    evidence = {m.id: 0.0 for m in pool}
    for edge in edges:
        weight = edge.evidence()
        if edge.a in evidence:
            evidence[edge.a] += weight
        if edge.b in evidence:
            evidence[edge.b] -= weight
    ranked = sorted(pool, key=lambda m: (-evidence[m.id], m.order, m.id))
    best = ranked[0]
    runner_up = evidence[ranked[1].id] if len(ranked) > 1 else float("-inf")
    if evidence[best.id] - runner_up >= ASYMMETRY:
        return best.id, (
            prefix + "text: the others lie in sentences linked to it and lack names and figures it "
            f"states, more than the reverse (net evidence {evidence[best.id]:+.2f} over "
            f"{sum(best.id in (e.a, e.b) for e in edges)} pair(s))"
        )
    return best.id, prefix + "no textual asymmetry either: the first indexed"


def families(
    edges: Iterable[Edge], members: Mapping[str, Member], apart: Iterable[tuple[str, str]] = ()
) -> list[Family]:
    """Group verified reuse pairs into families, largest first.

    ``members`` describes every document an edge names. Strong edges
    (``STRONG``) build the groups; partial reuse is attached to the families
    it touches without merging them. ``apart`` lists pairs that were judged
    and found not to be reuse; they detach members (see the module notes).

    Examples:
        >>> m = {k: Member(k) for k in "abcd"}
        >>> e = [Edge("a", "b", "rewrite", 0.9, 0.5, 0.95), Edge("b", "c", "partial_reuse", 0.7, 0.1, 0.2)]
        >>> [(f.ids, f.original) for f in families(e, m)]
        [(['a', 'b'], 'a')]
        >>> e = [Edge("a", "b", "rewrite", 0.9, 0.9, 0.9), Edge("b", "c", "rewrite", 0.6, 0.9, 0.9)]
        >>> [f.ids for f in families(e, m)], [f.ids for f in families(e, m, [("a", "c")])]
        ([['a', 'b', 'c']], [['a', 'b', 'c']])
        >>> e.append(Edge("c", "d", "rewrite", 0.6, 0.9, 0.9))
        >>> [f.ids for f in families(e, m, [("a", "c"), ("a", "d"), ("b", "d")])]
        [['a', 'b'], ['c', 'd']]
    """
    edges = list(edges)
    strong = [e for e in edges if e.verdict in STRONG]
    together: dict[str, set[str]] = {}
    for edge in edges:
        together.setdefault(edge.a, set()).add(edge.b)
        together.setdefault(edge.b, set()).add(edge.a)
    judged_apart: dict[str, set[str]] = {}
    for a, b in apart:
        judged_apart.setdefault(a, set()).add(b)
        judged_apart.setdefault(b, set()).add(a)
    groups: list[set[str]] = []
    for component in edge_groups([(e.a, e.b) for e in strong]):
        inside = [strong[k] for k in component]
        groups.extend(_cohesive(inside, together, judged_apart, members))
    dates = {doc_id: member.date for doc_id, member in members.items()}
    where = {doc_id: number for number, group in enumerate(groups) for doc_id in group}
    out = []
    within: list[list[Edge]] = [[] for _ in groups]  # every verified pair inside each family
    for group in groups:
        ids = sorted(group, key=lambda x: (members[x].order, x))
        out.append(Family([members[x] for x in ids], "", ""))
    for edge in edges:
        side_a, side_b = where.get(edge.a), where.get(edge.b)
        if side_a is not None and side_a == side_b:
            within[side_a].append(edge)
            if edge.verdict in STRONG:
                out[side_a].edges.append(_directed(edge, dates))
                continue
        for side in {side_a, side_b} - {None}:
            assert side is not None
            touching = out[side].detached if edge.verdict in STRONG else out[side].partial
            touching.append(_directed(edge, dates))
    for family, pairs in zip(out, within, strict=True):
        # A pair judged partial inside a family (a summary of one part) still says who is the source.
        family.original, family.reason = _original(family.members, pairs)
    out.sort(key=lambda f: (-len(f.members), f.members[0].order, f.members[0].id))
    return out


def _cohesive(
    strong: Sequence[Edge],
    together: Mapping[str, set[str]],
    apart: Mapping[str, set[str]],
    members: Mapping[str, Member],
) -> list[set[str]]:
    """One connected group of strong edges, cut where that agrees with more verified pairs.

    Correlation clustering by local moves: a member's agreement with a part is
    the number of its members it was found to reuse less the number it was
    judged apart from. Each member in turn, the least agreeing first, makes
    its best move (to the part of a strong neighbour, or alone) if that
    raises its agreement, until a sweep moves nothing; every move raises the
    total, so this ends, and a sweep costs one pass over the pairs. Parts then
    split where no strong edge holds them together.
    """
    nodes = sorted({x for e in strong for x in (e.a, e.b)}, key=lambda x: (members[x].order, x))
    if len(nodes) <= 2:
        return [set(nodes)]
    neighbours: dict[str, set[str]] = {x: set() for x in nodes}
    for edge in strong:
        neighbours[edge.a].add(edge.b)
        neighbours[edge.b].add(edge.a)
    part = dict.fromkeys(nodes, 0)
    fresh = 1

    def agreement(x: str, label: int) -> int:
        found = sum(part.get(y) == label for y in together.get(x, ()))
        return found - sum(part.get(y) == label for y in apart.get(x, ()))

    moved = True
    while moved:
        # Sweeps, the least agreeing members first, until a sweep moves nothing.
        moved = False
        for x in sorted(nodes, key=lambda x: agreement(x, part[x])):
            here = agreement(x, part[x])
            moves = [(-here, None)] + [
                (agreement(x, label) - here, label) for label in {part[y] for y in neighbours[x]} - {part[x]}
            ]
            gain, target = max(moves, key=lambda m: (m[0], m[1] is not None, m[1] or 0))
            if gain > 0:
                if target is None:
                    target, fresh = fresh, fresh + 1
                part[x] = target
                moved = True
    by_part: dict[int, list[Edge]] = {}
    for edge in strong:
        if part[edge.a] == part[edge.b]:
            by_part.setdefault(part[edge.a], []).append(edge)
    out: list[set[str]] = []
    for label in sorted(by_part):
        inside = by_part[label]
        out.extend(
            {x for k in group for x in (inside[k].a, inside[k].b)}
            for group in edge_groups([(e.a, e.b) for e in inside])
        )
    return out
