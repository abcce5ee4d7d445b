from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from retold.documents import SentenceKind
from retold.text import SegmentConfig, english_share, normalize, segment
from tests.conftest import read


def texts() -> st.SearchStrategy[str]:
    alphabet = st.sampled_from(list("abc XYZ.!?,;:\"'\n\r\t“”‘’—–…-0123456789é\u00a0\u200b"))
    return st.text(alphabet, max_size=300)


@given(texts())
def test_normalize_is_idempotent(text: str) -> None:
    once, _ = normalize(text)
    assert normalize(once)[0] == once


@given(st.text(st.characters(max_codepoint=127), max_size=200))
def test_ascii_text_takes_the_word_by_word_path_with_the_same_result(text: str) -> None:
    # A trailing no-break space forces the character-by-character path and is dropped by it.
    assert normalize(text) == normalize(text + "\u00a0")


@given(texts())
def test_normalize_offsets_point_into_the_original(text: str) -> None:
    norm, offsets = normalize(text)
    assert len(offsets) == len(norm)
    assert offsets == sorted(offsets)
    assert all(0 <= o < len(text) for o in offsets)


@given(texts())
def test_segments_round_trip_to_the_original(text: str) -> None:
    for sentence in segment(text):
        assert 0 <= sentence.start < sentence.end <= len(text)
        assert normalize(text[sentence.start : sentence.end])[0] == sentence.text


def test_segments_are_ordered_and_disjoint() -> None:
    text = read("bridge_original.txt")
    spans = [(s.start, s.end) for s in segment(text)]
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in itertools.pairwise(spans))


def test_abbreviations_and_curly_quotes() -> None:
    text = "Dr. Smith met Mr. Jones in Washington, D.C. on Friday. “It’s over,” he said — finally."
    sentences = segment(text)
    assert [s.text for s in sentences] == [
        "Dr. Smith met Mr. Jones in Washington, D.C. on Friday.",
        '"It\'s over," he said - finally.',
    ]


def test_quote_spanning_sentences_keeps_its_closing_mark() -> None:
    text = 'She said: "We will stay. We will rebuild." Then she left.'
    pieces = [text[s.start : s.end] for s in segment(text)]
    assert pieces == ['She said: "We will stay.', 'We will rebuild."', "Then she left."]


def test_crlf_offsets_count_two_characters() -> None:
    text = "First line of prose here.\r\n\r\nSecond paragraph follows it."
    sentences = segment(text)
    assert text[sentences[1].start : sentences[1].end] == "Second paragraph follows it."
    assert sentences[1].start == 29


def test_hard_wrapped_prose_is_not_cut_at_line_breaks() -> None:
    text = (
        "It was a cold morning when the travellers set out from the old inn at the\n"
        "edge of the village, carrying little more than bread and a map that\n"
        "nobody trusted.\n"
    )
    sentences = segment(text)
    assert len(sentences) == 1
    assert sentences[0].kind is SentenceKind.BODY


def test_scraped_page_noise_is_recognised_by_rule() -> None:
    text = read("scraped_page.txt")
    kinds = [(text[s.start : s.end], s.kind) for s in segment(text)]
    body = [t for t, k in kinds if k is SentenceKind.BODY]
    noise = {t: k for t, k in kinds if k is not SentenceKind.BODY}
    assert len(body) == 3
    assert body[0].startswith("More than forty thousand")
    assert noise["Weekend Edition"] is SentenceKind.BOILERPLATE
    assert noise["Share this story"] is SentenceKind.BOILERPLATE
    assert noise["You might also enjoy these"] is SentenceKind.BOILERPLATE
    assert noise["Harbour Festival Draws Record Crowds Despite Rain"] is SentenceKind.REPEATED


def test_a_page_of_lines_only_keeps_its_lines_as_body() -> None:
    text = "Red Lion Inn at 4 Mill Street in Oxley\nThe Crown Hotel at 12 Bridge Road in Oxley\n"
    sentences = segment(text)
    assert sentences and all(s.kind is SentenceKind.BODY for s in sentences)
    assert sum(s.end - s.start for s in sentences) >= len(text.strip()) - 1


def test_run_on_text_is_cut_into_pieces() -> None:
    text = ", ".join(["the river rose again"] * 80) + "."
    pieces = segment(text, SegmentConfig(max_sentence_chars=200))
    assert len(pieces) > 5
    assert all(p.end - p.start <= 200 for p in pieces)


def test_english_share_tells_english_from_other_languages() -> None:
    english = read("bridge_original.txt")
    german = (
        "Die Ingenieure haben die Brücke am Dienstag gesperrt, nachdem Prüfer einen Riss "
        "in einem Stahlträger entdeckt hatten. Der Verkehr wird über eine Umleitung geführt."
    )
    assert english_share([english]) > 0.25
    assert english_share([german]) < 0.08
