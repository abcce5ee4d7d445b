from __future__ import annotations

import pytest

import retold
from retold.documents import Document
from retold.errors import InputError
from retold.pipeline import Pipeline
from tests.conftest import read

UNRELATED = (
    "The recipe begins with two cups of flour sifted into a wide bowl. Butter is rubbed in until the "
    "mixture looks like breadcrumbs. A little cold water brings the dough together, and it rests in "
    "the fridge for half an hour before rolling. Bake the pastry blind at a moderate heat until golden."
)


def test_rewrite_is_judged_a_rewrite(pipeline: Pipeline) -> None:
    result = pipeline.compare(
        Document("a", read("bridge_original.txt")), Document("b", read("bridge_rewrite.txt"))
    )
    assert result.verdict == "rewrite"
    assert result.score >= pipeline.calibration.threshold
    assert result.coverage_a > 0.7 and result.coverage_b > 0.7


def test_independent_coverage_of_the_same_event_is_related(pipeline: Pipeline) -> None:
    result = pipeline.compare(
        Document("a", read("bridge_original.txt")), Document("b", read("bridge_related.txt"))
    )
    assert result.verdict == "related"
    assert result.score < pipeline.calibration.threshold


def test_different_topics_are_unrelated(pipeline: Pipeline) -> None:
    result = pipeline.compare(Document("a", read("bridge_original.txt")), Document("b", UNRELATED))
    assert result.verdict == "unrelated"
    assert result.passages == ()


def test_a_light_edit_is_a_near_duplicate(pipeline: Pipeline) -> None:
    original = read("bridge_original.txt")
    edited = original.replace("Tuesday", "Wednesday").replace("31,000", "32,000")
    result = pipeline.compare(Document("a", original), Document("b", edited))
    assert result.verdict == "near_duplicate"
    assert {p.kind for p in result.passages} <= {"verbatim", "light_edit"}


def test_a_passage_inside_a_longer_text_is_partial_reuse(pipeline: Pipeline) -> None:
    original = read("bridge_original.txt")
    paragraphs = [p for p in original.split("\n\n") if p.strip()]
    borrowed = "\n\n".join(paragraphs[9:16])
    host = read("bridge_related.txt") + "\n\n" + borrowed + "\n\n" + UNRELATED
    long_text = original.replace(borrowed, "")
    result = pipeline.compare(Document("a", host), Document("b", long_text + "\n\n" + borrowed))
    assert result.is_reuse
    assert result.verdict in ("partial_reuse", "rewrite")
    host_start = host.index(borrowed)
    assert any(p.a[0] >= host_start - 1 for p in result.passages)


def test_a_short_text_copied_whole_into_a_long_one_is_partial_reuse(pipeline: Pipeline) -> None:
    # Coverage is high on the short side only: that is a passage inside a longer text, not a rewrite.
    paragraphs = [p for p in read("bridge_original.txt").split("\n\n") if p.strip()]
    borrowed = "\n\n".join(paragraphs[9:13])
    host = read("bridge_related.txt") + "\n\n" + borrowed + "\n\n" + UNRELATED
    result = pipeline.compare(Document("source", borrowed), Document("host", host))
    assert result.coverage_a > 0.8 and result.coverage_b < 0.3
    assert result.verdict == "partial_reuse"


def test_identical_documents_are_flagged(pipeline: Pipeline) -> None:
    text = read("bridge_original.txt")
    result = pipeline.compare(Document("a", text), Document("b", text))
    assert result.verdict == "near_duplicate"
    assert result.coverage_a == result.coverage_b == 1.0
    assert "the two documents are identical" in result.warnings


def test_non_english_input_is_warned_about(pipeline: Pipeline) -> None:
    german = (
        "Die Ingenieure haben die Brücke über den Fluss am Dienstag gesperrt, nachdem Prüfer einen "
        "fast zwei Meter langen Riss in einem Stahlträger entdeckt hatten. Der Verkehr wird über "
        "eine lange Umleitung geführt, und die Reparatur soll mindestens sechs Wochen dauern."
    )
    result = pipeline.compare(Document("de.txt", german), Document("b", read("bridge_original.txt")))
    assert any("de.txt does not look like English" in w for w in result.warnings)


def test_offsets_point_into_the_original_texts(pipeline: Pipeline) -> None:
    a_text = read("bridge_original.txt").replace("\n", "\r\n")
    b_text = read("bridge_rewrite.txt")
    result = pipeline.compare(Document("a", a_text), Document("b", b_text))
    for passage in result.passages:
        for link in passage.links:
            sentence = a_text[link.a[0] : link.a[1]]
            assert sentence == sentence.strip() and sentence[-1] in '.!?"'


@pytest.mark.parametrize("text", ["", "   \n\t  "])
def test_empty_documents_are_refused(pipeline: Pipeline, text: str) -> None:
    with pytest.raises(InputError, match="empty"):
        pipeline.represent(Document("e.txt", text))


def test_documents_above_the_limit_are_refused() -> None:
    pipe = Pipeline(retold.load_config(overrides={"limits.max_chars": "1000"}))
    with pytest.raises(InputError, match="limit of 1,000"):
        pipe.represent(Document("big.txt", "word " * 300))


def test_compare_from_python_returns_the_contract() -> None:
    result = retold.compare(read("bridge_original.txt"), read("bridge_rewrite.txt"))
    data = result.to_dict()
    assert data["schema"] == "retold.comparison/1"
    assert data["verdict"] == "rewrite"
    assert data["a"]["id"] == "a" and data["b"]["id"] == "b"


def test_differences_can_be_skipped_for_passage_only_work(pipeline: Pipeline) -> None:
    a = pipeline.represent(Document("a", read("bridge_original.txt")))
    b = pipeline.represent(Document("b", read("bridge_rewrite.txt")))
    full = pipeline.compare_represented(a, b)
    bare = pipeline.compare_represented(a, b, with_differences=False)
    assert full.differences and not bare.differences
    assert (bare.verdict, bare.score, bare.passages) == (full.verdict, full.score, full.passages)


def test_one_shared_stock_sentence_is_not_reuse(pipeline: Pipeline) -> None:
    # Two court stories about different people; the only sentence they share is stock wording.
    first = (
        "A former mayor of Eastbridge appeared in court on Tuesday charged with taking bribes from a "
        "building contractor. Prosecutors say he accepted cash payments over three years in return for "
        "planning approvals. He has denied any wrongdoing. The trial is expected to last six weeks."
    )
    second = (
        "The chief executive of a shipping firm was questioned by police over missing pension funds. "
        "Investigators are examining transfers made to accounts abroad between 2019 and 2021. "
        "He has denied any wrongdoing. His lawyers said he would cooperate fully with the inquiry."
    )
    result = pipeline.compare(Document("a", first), Document("b", second))
    assert result.verdict not in ("near_duplicate", "rewrite", "partial_reuse")
    assert result.score < pipeline.calibration.threshold
