"""Families from verified pairs: grouping without chaining, the probable original and its reason."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from retold import Document
from retold.families import Edge, Member, direction, families, parse_date
from retold.graph import edge_groups
from retold.pipeline import Pipeline
from tests.conftest import read


def members(*ids: str, dates: dict[str, str] | None = None) -> dict[str, Member]:
    dates = dates or {}
    return {doc_id: Member(doc_id, date=dates.get(doc_id), order=n) for n, doc_id in enumerate(ids)}


def test_a_shared_paragraph_never_chains_two_stories_into_one_family() -> None:
    edges = [
        Edge("story-a", "rewrite-a", "rewrite", 0.95, 0.6, 0.9),
        Edge("story-b", "rewrite-b", "rewrite", 0.93, 0.55, 0.92),
        # Both stories quote the same press release paragraph.
        Edge("story-a", "story-b", "partial_reuse", 0.7, 0.1, 0.12),
    ]
    found = families(edges, members("story-a", "rewrite-a", "story-b", "rewrite-b"))
    assert sorted(sorted(f.ids) for f in found) == [["rewrite-a", "story-a"], ["rewrite-b", "story-b"]]
    assert all(len(f.partial) == 1 and f.partial[0].verdict == "partial_reuse" for f in found)


def test_a_pair_that_only_shares_a_passage_is_no_family() -> None:
    assert families([Edge("x", "y", "partial_reuse", 0.7, 0.1, 0.1)], members("x", "y")) == []


def test_the_earliest_date_wins_and_says_so() -> None:
    edges = [Edge("a", "b", "rewrite", 0.9, 0.9, 0.5), Edge("b", "c", "near_duplicate", 0.99, 1.0, 1.0)]
    found = families(
        edges, members("a", "b", "c", dates={"a": "2017-03-02", "b": "2017-03-01", "c": "2017-03-05"})
    )
    (family,) = found
    assert family.original == "b" and "earliest date" in family.reason
    # Each edge runs from the earlier to the later document.
    assert {(e.source, e.copy) for e in family.edges} == {("b", "a"), ("b", "c")}
    assert all(e.direction_known and e.reason.startswith("dates") for e in family.edges)


def test_without_dates_the_source_is_the_text_the_others_are_contained_in() -> None:
    # The rewrites lie almost entirely in passages shared with "source"; it is only partly covered.
    edges = [
        Edge("rewrite-1", "source", "rewrite", 0.9, 0.95, 0.45),
        Edge("source", "rewrite-2", "rewrite", 0.9, 0.5, 0.9),
        Edge("rewrite-1", "rewrite-2", "rewrite", 0.8, 0.7, 0.72),
    ]
    (family,) = families(edges, members("rewrite-1", "rewrite-2", "source"))
    assert family.original == "source"
    assert family.reason.startswith("no dates; text: the others lie in sentences linked to it")


def test_a_date_tie_falls_back_to_containment_and_a_full_tie_to_index_order() -> None:
    edges = [Edge("late", "early", "rewrite", 0.9, 0.9, 0.4)]
    same_day = {"late": "2017-03-01", "early": "2017-03-01"}
    (family,) = families(edges, members("late", "early", dates=same_day))
    assert family.original == "early" and "share the earliest date" in family.reason
    (family,) = families([Edge("p", "q", "near_duplicate", 0.99, 1.0, 1.0)], members("q", "p"))
    assert family.original == "q" and "first indexed" in family.reason


def test_one_dated_member_does_not_outrank_textual_evidence() -> None:
    edges = [Edge("copy", "source", "rewrite", 0.9, 0.95, 0.4)]
    (family,) = families(edges, members("copy", "source", dates={"copy": "2017-01-01"}))
    assert family.original == "source" and "text:" in family.reason


def test_direction_reads_dates_then_containment() -> None:
    edge = Edge("x", "y", "rewrite", 0.9, 0.9, 0.3)
    assert direction(edge, "2017-01-01", "2017-02-01")[0] == "b_from_a"
    assert direction(edge, None, None)[0] == "a_from_b"  # x lies in y far more than y in x
    assert direction(Edge("x", "y", "rewrite", 0.9, 0.8, 0.82), None, None)[0] == "unknown"


def test_a_summary_widened_over_its_whole_source_is_still_read_as_the_copy() -> None:
    # A summary's passage spans all of its source, so both sides are fully "covered";
    # its links touch half the source, and the source states names the summary lacks.
    edge = Edge("source", "summary", "rewrite", 0.8, 1.0, 1.0, 0.45, 0.95, 20, 1)
    assert direction(Edge("source", "summary", "rewrite", 0.8, 1.0, 1.0), None, None)[0] == "unknown"
    way, reason = direction(edge, None, None)
    assert way == "b_from_a" and "45% of source and 95% of summary lie in linked sentences" in reason
    (family,) = families([edge], members("summary", "source"))
    assert family.original == "source"


def test_names_and_figures_only_one_side_states_decide_an_even_containment() -> None:
    edge = Edge("x", "y", "rewrite", 0.9, 1.0, 1.0, 0.99, 0.99, 0, 6)
    assert direction(edge, None, None)[0] == "a_from_b"
    assert direction(Edge("x", "y", "rewrite", 0.9, 1.0, 1.0, 0.99, 0.99, 1, 1), None, None)[0] == "unknown"


def test_a_partial_pair_inside_a_family_counts_toward_its_original() -> None:
    edges = [
        Edge("rewrite-2", "rewrite-1", "rewrite", 0.8, 0.9, 0.9),
        Edge("rewrite-1", "source", "rewrite", 0.8, 0.9, 0.9),
        # The source's pair with one rewrite was judged partial: it covers a part of the source.
        Edge("source", "rewrite-2", "partial_reuse", 0.9, 0.13, 0.63, 0.13, 0.63, 9, 0),
    ]
    (family,) = families(edges, members("rewrite-2", "rewrite-1", "source"))
    assert family.original == "source" and "over 2 pair(s)" in family.reason
    assert len(family.edges) == 2 and len(family.partial) == 1


def test_a_text_judged_apart_from_most_of_a_family_is_detached_from_it() -> None:
    # A text written from the headline alone was called a rewrite of one rewrite, while the
    # verifier found it unrelated to the original and to the other rewrite.
    edges = [
        Edge("original", "rewrite-1", "rewrite", 0.9, 0.5, 0.95),
        Edge("original", "rewrite-2", "rewrite", 0.9, 0.5, 0.95),
        Edge("rewrite-1", "rewrite-2", "rewrite", 0.8, 0.9, 0.9),
        Edge("rewrite-2", "headline-text", "rewrite", 0.5, 0.8, 0.4),
    ]
    ids = members("original", "rewrite-1", "rewrite-2", "headline-text")
    assert [sorted(f.ids) for f in families(edges, ids)] == [sorted(ids)]
    apart = [("original", "headline-text"), ("rewrite-1", "headline-text")]
    (family,) = families(edges, ids, apart)
    assert sorted(family.ids) == ["original", "rewrite-1", "rewrite-2"]
    assert [{e.source, e.copy} for e in family.detached] == [{"rewrite-2", "headline-text"}]
    assert family.to_dict(1)["detached"][0]["verdict"] == "rewrite"  # type: ignore[index]


def test_a_rewrite_bridging_two_stories_splits_them_and_a_member_with_as_much_support_stays() -> None:
    # "bridge" was called a rewrite of one text in each of two stories and judged apart from the rest.
    edges = [
        Edge("a1", "a2", "rewrite", 0.9, 0.9, 0.9),
        Edge("a2", "a3", "rewrite", 0.9, 0.9, 0.9),
        Edge("a1", "a3", "rewrite", 0.9, 0.9, 0.9),
        Edge("a3", "bridge", "rewrite", 0.5, 0.9, 0.9),
        Edge("bridge", "b1", "rewrite", 0.5, 0.9, 0.9),
        Edge("b1", "b2", "rewrite", 0.9, 0.9, 0.9),
    ]
    apart = [("bridge", "a1"), ("bridge", "a2"), ("bridge", "b2"), ("a1", "b1"), ("a2", "b2")]
    found = families(edges, members("a1", "a2", "a3", "bridge", "b1", "b2"), apart)
    first, second = (f.ids for f in found)
    assert first == ["a1", "a2", "a3"]
    # "bridge" agrees as well with b1 and b2 as alone (one pair each way); never with the a's.
    assert second in (["b1", "b2"], ["bridge", "b1", "b2"])
    # One pair apart against one found together is a tie: the member stays.
    (family,) = families(edges[:4], members("a1", "a2", "a3", "bridge"), [("bridge", "a1")])
    assert "bridge" in family.ids


def test_real_comparisons_point_from_the_source_to_a_shortened_rewrite(pipeline: Pipeline) -> None:
    original = read("bridge_original.txt")
    sentences = re.split(r"(?<=[.!?])\s+", read("bridge_rewrite.txt"))
    shortened = " ".join(sentences[: len(sentences) // 2])  # a rewrite of the first half only
    forward = pipeline.compare(Document("original", original), Document("short", shortened)).to_dict()
    backward = pipeline.compare(Document("short", shortened), Document("original", original)).to_dict()
    for data in (forward, backward):
        edge = Edge.from_comparison(data)
        way, _ = direction(edge, None, None)
        source = edge.a if way == "b_from_a" else edge.b if way == "a_from_b" else None
        assert source == "original"
        assert {edge.a, edge.b} == {"original", "short"} and edge.verdict == data["verdict"]


def test_dates_are_compared_as_instants_and_unreadable_ones_are_undated() -> None:
    assert parse_date("2017-03-01") == "2017-03-01T00:00:00"
    assert parse_date("2017-03-01T10:00:00+02:00") == "2017-03-01T08:00:00"
    assert parse_date("Wed, 01 Mar 2017 10:00:00 GMT") == "2017-03-01T10:00:00"
    assert parse_date("yesterday") is None and parse_date("") is None and parse_date(None) is None


def test_families_come_largest_first_with_every_member_once() -> None:
    edges = [
        Edge("a", "b", "rewrite", 0.9, 0.8, 0.8),
        Edge("c", "d", "rewrite", 0.9, 0.8, 0.8),
        Edge("d", "e", "rewrite", 0.9, 0.8, 0.8),
    ]
    found = families(edges, members(*"abcde"))
    assert [len(f.members) for f in found] == [3, 2]
    assert sorted(m for f in found for m in f.ids) == list("abcde")
    record = found[0].to_dict(1)
    assert record["size"] == 3 and record["original"] in {"c", "d", "e"} and len(record["edges"]) == 2  # type: ignore[arg-type]


@given(
    st.lists(st.tuples(st.integers(0, 14), st.integers(0, 14), st.booleans()), max_size=40),
    st.lists(st.tuples(st.integers(0, 14), st.integers(0, 14)), max_size=40),
)
def test_families_are_disjoint_connected_groups_and_only_judged_pairs_cut_them(
    pairs: list[tuple[int, int, bool]], apart_pairs: list[tuple[int, int]]
) -> None:
    edges = [
        Edge(f"d{a}", f"d{b}", "rewrite" if strong else "partial_reuse", 0.8, 0.9, 0.9)
        for a, b, strong in pairs
        if a != b
    ]
    ids = members(*(f"d{k}" for k in range(15)))
    apart = [(f"d{a}", f"d{b}") for a, b in apart_pairs if a != b]
    found = families(edges, ids, apart)
    seen = [m for f in found for m in f.ids]
    assert len(seen) == len(set(seen))
    for family in found:
        assert len(family.ids) >= 2 and family.original in family.ids
        inside = [(e.source, e.copy) for e in family.edges]
        assert {x for pair in inside for x in pair} == set(family.ids)
        assert len(edge_groups(inside)) == 1  # the family's own strong edges connect it
    # With nothing judged apart, families are exactly the components of the strong edges.
    plain = families(edges, ids)
    strong = [(e.a, e.b) for e in edges if e.verdict == "rewrite"]
    assert sorted(len(f.ids) for f in plain) == sorted(
        len({x for k in group for x in strong[k]}) for group in edge_groups(strong)
    )
