from __future__ import annotations

import json

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from retold.align import AlignConfig, Representation, align, coverage
from retold.documents import Document, Sentence
from retold.pipeline import Pipeline
from tests.conftest import DATA, read


def _phrase_to_sentence(text: str, phrase: str, spans: list[tuple[int, int]]) -> tuple[int, int]:
    matches = [s for s in spans if phrase in text[s[0] : s[1]]]
    assert len(matches) == 1, f"phrase {phrase!r} must name exactly one sentence"
    return matches[0]


def test_hand_annotated_links_are_found_and_nothing_else(pipeline: Pipeline) -> None:
    a_text, b_text = read("bridge_original.txt"), read("bridge_rewrite.txt")
    gold = json.loads((DATA / "gold_links.json").read_text())
    a = pipeline.represent(Document("a", a_text)).representation
    b = pipeline.represent(Document("b", b_text)).representation
    a_spans = [(s.start, s.end) for s in a.sentences]
    b_spans = [(s.start, s.end) for s in b.sentences]
    expected = {
        (_phrase_to_sentence(a_text, pa, a_spans), _phrase_to_sentence(b_text, pb, b_spans))
        for pa, pb in gold["links"]
    }
    found = {(link.a, link.b) for link in align(a, b).links}
    recall = len(found & expected) / len(expected)
    precision = len(found & expected) / len(found)
    assert recall >= 0.85, sorted(expected - found)
    assert precision >= 0.9, sorted(found - expected)
    linked_a = {span for span, _ in found}
    linked_b = {span for _, span in found}
    for phrase in gold["one_sided"]["a"]:
        assert _phrase_to_sentence(a_text, phrase, a_spans) not in linked_a
    for phrase in gold["one_sided"]["b"]:
        assert _phrase_to_sentence(b_text, phrase, b_spans) not in linked_b


def test_a_merged_sentence_links_to_both_of_its_sources(pipeline: Pipeline) -> None:
    a_text = (
        "The council approved the new budget on Monday evening. "
        "It includes extra money for road repairs across the county."
    )
    b_text = (
        "On Monday evening councillors passed a fresh budget that sets aside additional "
        "funds to fix roads throughout the county."
    )
    a = pipeline.represent(Document("a", a_text)).representation
    b = pipeline.represent(Document("b", b_text)).representation
    links = align(a, b).links
    assert {link.a_index for link in links} == {0, 1}
    assert {link.b_index for link in links} == {0}


def _rep(n: int, seed: int) -> Representation:
    rng = np.random.default_rng(seed)
    vectors = rng.normal(size=(n, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    sentences = tuple(Sentence(i * 10, i * 10 + 9, f"s{i}") for i in range(n))
    return Representation(sentences, vectors, tuple((f"t{i % 3}",) for i in range(n)))


@given(st.integers(0, 12), st.integers(0, 12), st.integers(0, 1000))
def test_spans_stay_inside_the_documents(n: int, m: int, seed: int) -> None:
    a, b = _rep(n, seed), _rep(m, seed + 1)
    result = align(a, b, AlignConfig(link_threshold=0.1, strong_threshold=0.2))
    for passage in result.passages:
        assert 0 <= passage.a[0] < passage.a[1] <= n * 10
        assert 0 <= passage.b[0] < passage.b[1] <= m * 10
        for link in passage.links:
            assert passage.a[0] <= link.a[0] < link.a[1] <= passage.a[1]
            assert passage.b[0] <= link.b[0] < link.b[1] <= passage.b[1]


def test_identical_sides_align_completely() -> None:
    a = _rep(6, 3)
    result = align(a, a)
    assert [(link.a_index, link.b_index) for link in result.links] == [(i, i) for i in range(6)]
    assert coverage(a.sentences, [p.a for p in result.passages]) == 1.0


def test_coverage_counts_overlapping_spans_once() -> None:
    sentences = (Sentence(0, 10, "x"), Sentence(10, 20, "y"))
    assert coverage(sentences, [(0, 15), (5, 15)]) == 0.75


def _synthetic(n: int, topics: dict[int, int], unique: int) -> Representation:
    """Sentences of 50 characters; sentence k gets topic vector ``topics[k]``, else ``unique + k``."""
    rng = np.random.default_rng(7)
    basis = np.linalg.qr(rng.normal(size=(128, 128)))[0]
    vectors = np.array([basis[topics.get(k, unique + k)] for k in range(n)], dtype=np.float32)
    sentences = tuple(Sentence(k * 51, k * 51 + 50, f"sentence {k}") for k in range(n))
    return Representation(sentences, vectors, tuple(() for _ in range(n)))


def test_a_summary_becomes_one_passage_over_the_text_it_summarises() -> None:
    # Three consecutive summary sentences retell points spread over a 30-sentence source.
    summary = _synthetic(3, {0: 1, 1: 2, 2: 3}, unique=20)
    source = _synthetic(30, {1: 1, 14: 2, 28: 3}, unique=40)
    passages = align(summary, source).passages
    assert len(passages) == 1
    assert passages[0].a == (0, 2 * 51 + 50)
    assert passages[0].b == (0, 29 * 51 + 50)  # the whole source body
    apart = align(summary, source, AlignConfig(summary_gap=0)).passages
    assert len(apart) == 3


def test_a_long_passage_is_not_joined_to_a_stray_neighbour() -> None:
    # a0-a3 copy b10-b13; a4 happens to match b25: a neighbour on one side only.
    copy = {0: 1, 1: 2, 2: 3, 3: 4, 4: 5}
    a = _synthetic(6, copy, unique=20)
    b = _synthetic(30, {10: 1, 11: 2, 12: 3, 13: 4, 25: 5}, unique=40)
    spans = sorted(p.b for p in align(a, b).passages)
    assert spans[0] == (10 * 51, 13 * 51 + 50)
