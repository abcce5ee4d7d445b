import math

import pytest

from retold.evaluation.pan_measures import Feature, case_detected, score

SUSP, SRC = "suspicious-document00001.txt", "source-document00001.txt"


def feature(this: tuple[int, int], source: tuple[int, int], *, susp: str = SUSP, src: str = SRC) -> Feature:
    return Feature(susp, this[0], this[1] - this[0], src, source[0], source[1] - source[0])


CASE = feature((0, 100), (0, 50))


def test_perfect_detection_scores_one() -> None:
    scores = score([CASE], [feature((0, 100), (0, 50))])
    assert (scores.precision, scores.recall, scores.granularity, scores.plagdet) == (1.0, 1.0, 1.0, 1.0)
    assert scores.case_detection_rate == 1.0


def test_a_case_split_in_two_detections_is_punished_by_granularity() -> None:
    scores = score([CASE], [feature((0, 50), (0, 25)), feature((50, 100), (25, 50))])
    assert scores.precision == 1.0
    assert scores.recall == 1.0
    assert scores.granularity == 2.0
    assert scores.plagdet == pytest.approx(1 / math.log2(3))


def test_a_duplicate_detection_counts_twice_in_granularity_only() -> None:
    scores = score([CASE], [feature((0, 100), (0, 50)), feature((0, 100), (0, 50))])
    assert (scores.precision, scores.recall, scores.granularity) == (1.0, 1.0, 2.0)


def test_a_missed_case_halves_recall() -> None:
    other = feature((10, 30), (40, 60), susp="suspicious-document00002.txt")
    scores = score([CASE, other], [feature((0, 100), (0, 50))])
    assert scores.precision == 1.0
    assert scores.recall == 0.5
    assert scores.f1 == pytest.approx(2 / 3)
    assert scores.case_detection_rate == 0.5


def test_partial_overlap_counts_characters_on_both_sides() -> None:
    case = feature((0, 100), (0, 100))
    detection = feature((50, 150), (50, 150))
    scores = score([case], [detection])
    # 50 shared characters on each side, of 200 in the case and 200 in the detection.
    assert scores.precision == 0.5
    assert scores.recall == 0.5


def test_detection_overlapping_only_the_suspicious_side_detects_nothing() -> None:
    detection = feature((0, 100), (60, 90))
    assert not case_detected(CASE, detection)
    scores = score([CASE], [detection])
    assert (scores.precision, scores.recall) == (0.0, 0.0)


def test_wrong_source_reference_detects_nothing() -> None:
    detection = feature((0, 100), (0, 50), src="source-document00999.txt")
    scores = score([CASE], [detection])
    assert (scores.precision, scores.recall, scores.detected_cases) == (0.0, 0.0, 0)
    assert scores.plagdet == 0.0


def test_empty_class_without_detections_is_perfect() -> None:
    scores = score([], [])
    assert (scores.precision, scores.recall, scores.plagdet) == (1.0, 1.0, 1.0)


def test_detections_where_there_is_no_case_score_zero() -> None:
    scores = score([], [feature((0, 10), (0, 10))])
    assert (scores.precision, scores.recall, scores.detections) == (0.0, 0.0, 1)


def test_one_detection_covering_two_cases_is_precise_for_both() -> None:
    first, second = feature((0, 50), (0, 50)), feature((100, 150), (100, 150))
    scores = score([first, second], [feature((0, 150), (0, 150))])
    # The detection's 300 characters hold 200 of the cases': precision 2/3, recall 1.
    assert scores.precision == pytest.approx(2 / 3)
    assert scores.recall == 1.0
    assert scores.granularity == 1.0


def test_zero_length_detections_are_ignored() -> None:
    scores = score([CASE], [feature((0, 100), (0, 50)), feature((5, 5), (5, 5))])
    assert scores.detections == 1
    assert scores.plagdet == 1.0
