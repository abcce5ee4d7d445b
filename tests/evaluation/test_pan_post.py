"""From reported passages to PAN detections: bounds, merging, overlaps, summaries, size."""

from __future__ import annotations

from dataclasses import replace

from retold.evaluation.pan_measures import Feature
from retold.evaluation.pan_post import DetectionConfig, exact_bounds, post_process, trim_source

CFG = DetectionConfig()

COPIED = (
    "The harbour authority said on Tuesday that the northern pier will close for repairs from the "
    "first of May, and that ferries to the islands will leave from the old fish market until the work "
    "is finished in late September"
)
SUSPICIOUS = (
    "Traders along the quay were unhappy this week. According to a notice pinned at the ticket office, "
    + COPIED
    + ", which several skippers called far too long. Cafe owners expect fewer visitors."
)
SOURCE = (
    "Island transport update.\n\n"
    + COPIED
    + ". The authority apologised for the inconvenience and promised extra staff at the market."
)


def filler(prefix: str, chars: int) -> str:
    """Text of about ``chars`` characters whose words occur nowhere else (``prefix`` + counting letters)."""
    words: list[str] = []
    while sum(len(w) + 1 for w in words) < chars:
        count, letters = len(words), ""
        for _ in range(3):
            count, digit = divmod(count, 26)
            letters = chr(ord("a") + digit) + letters
        words.append(prefix + letters)
    return " ".join(words)


def span(text: str, feature: Feature, side: str) -> str:
    if side == "this":
        return text[feature.this_offset : feature.this_offset + feature.this_length]
    return text[feature.source_offset : feature.source_offset + feature.source_length]


def sentence_bounds(text: str, inner: str) -> tuple[int, int]:
    """The sentence around ``inner``: from the previous full stop to the next (what the aligner reports)."""
    start = text.index(inner)
    first = text.rfind(". ", 0, start)
    first = 0 if first < 0 else first + 2
    last = text.find(".", start + len(inner))
    return first, (len(text) if last < 0 else last + 1) - first


def test_a_copy_inside_a_longer_sentence_is_bounded_to_the_copied_words() -> None:
    this_offset, this_length = sentence_bounds(SUSPICIOUS, COPIED)
    source_offset, source_length = sentence_bounds(SOURCE, COPIED)
    rough = Feature("s", this_offset, this_length, "r", source_offset, source_length)
    # The aligner's sentence starts at "According" and runs to "long."; the copy is inside it.
    assert span(SUSPICIOUS, rough, "this") != COPIED

    found = exact_bounds(rough, SUSPICIOUS, SOURCE, CFG)
    assert span(SUSPICIOUS, found, "this") == COPIED
    assert span(SOURCE, found, "source") == COPIED


def test_a_copy_reported_short_of_its_ends_is_widened_within_the_margin() -> None:
    start, end = SUSPICIOUS.index(COPIED), SUSPICIOUS.index(COPIED) + len(COPIED)
    source_start = SOURCE.index(COPIED)
    # Only the middle third was reported on both sides.
    third = len(COPIED) // 3
    rough = Feature("s", start + third, third, "r", source_start + third, third)
    found = exact_bounds(rough, SUSPICIOUS, SOURCE, CFG)
    assert (found.this_offset, found.this_offset + found.this_length) == (start, end)
    assert span(SOURCE, found, "source") == COPIED


def test_a_paraphrase_keeps_the_aligners_bounds() -> None:
    suspicious = (
        "Repairs will shut the north pier from May, the port's managers announced, so boats bound for "
        "the islands are moving to the former fish market until the autumn."
    )
    rough = Feature("s", 0, len(suspicious), "r", 0, len(SOURCE))
    assert exact_bounds(rough, suspicious, SOURCE, CFG) == rough
    assert post_process([rough], suspicious, SOURCE, CFG) == [rough]


def test_close_detections_become_one_and_distant_ones_stay_apart() -> None:
    suspicious, source = filler("s", 5000), filler("r", 8000)
    first = Feature("s", 100, 400, "r", 1000, 400)
    near = Feature("s", 700, 400, "r", 2600, 400)  # 200 characters on, 1,200 on in the source
    far = Feature("s", 2000, 400, "r", 5000, 400)  # 900 characters on
    found = post_process([far, near, first], suspicious, source, CFG)
    assert found == [Feature("s", 100, 1000, "r", 1000, 2000), far]

    # Near on the suspicious side but far apart in the source: two reuses.
    elsewhere = replace(near, source_offset=6000)
    assert post_process([first, elsewhere], suspicious, source, CFG) == [first, elsewhere]


def test_a_stretch_claimed_twice_keeps_the_longer_origin() -> None:
    suspicious, source = filler("s", 4000), filler("r", 8000)
    longer = Feature("s", 1000, 800, "r", 500, 800)
    # Most of the shorter one lies inside the longer one on the suspicious side, from elsewhere in the source.
    repeated = Feature("s", 1100, 500, "r", 5000, 500)
    assert post_process([repeated, longer], suspicious, source, CFG) == [longer]

    # Overlapping by less than half of the shorter one: both stay.
    neighbour = Feature("s", 1700, 500, "r", 5000, 500)
    assert post_process([neighbour, longer], suspicious, source, CFG) == [longer, neighbour]


def test_a_short_passage_summarising_much_of_the_source_takes_the_whole_source() -> None:
    suspicious, source = filler("s", 3000), filler("r", 4000)
    summary = Feature("s", 200, 300, "r", 1000, 1200)  # four times longer, 30% of the source
    whole = replace(summary, source_offset=0, source_length=len(source))
    assert post_process([summary], suspicious, source, CFG) == [whole]

    rewrite = Feature("s", 200, 500, "r", 1000, 1200)  # 2.4 times longer: a reworded stretch
    assert post_process([rewrite], suspicious, source, CFG) == [rewrite]
    corner = Feature("s", 200, 150, "r", 1000, 380)  # 2.5 times longer but 9.5% of the source
    assert post_process([corner], suspicious, source, CFG) == [corner]
    assert post_process([summary], suspicious, source, replace(CFG, summary_cover=0)) == [summary]


def test_detections_shorter_than_min_chars_on_either_side_are_dropped() -> None:
    suspicious, source = filler("s", 3000), filler("r", 3000)
    heading = Feature("s", 0, 60, "r", 0, 60)
    short_source = Feature("s", 500, 400, "r", 500, 120)
    kept = Feature("s", 1500, 400, "r", 1500, 400)
    assert post_process([heading, short_source, kept], suspicious, source, CFG) == [kept]
    assert post_process([heading], suspicious, source, replace(CFG, min_chars=0)) == [heading]


def test_no_detections_and_empty_texts_are_handled() -> None:
    assert post_process([], "", "", CFG) == []
    rough = Feature("s", 0, 0, "r", 0, 0)
    assert exact_bounds(rough, "", "", CFG) == rough


ORIGIN = "The ferry to Lindholm and the harbour road were closed by floods for two days"
RETOLD = "Floods shut the harbour road and the Lindholm ferry for two days, officials said."
SHORT = replace(CFG, min_chars=50)  # the sentences above are shorter than a PAN passage


def test_a_source_side_far_wider_than_its_origin_is_cut_to_where_the_shared_terms_are() -> None:
    source = filler("r", 1500) + ". " + ORIGIN + ". " + filler("q", 1500) + "."
    wide = Feature("s", 0, len(RETOLD), "r", 0, len(source))
    [found] = post_process([wide], RETOLD, source, SHORT)
    assert span(source, found, "source") == ORIGIN[4:]  # from "ferry" to "days": the shared terms
    assert found.this_span == wide.this_span

    # Untrimmed, the passage stays as wide as it came (here: the whole source, as the summary rule has it).
    assert post_process([wide], RETOLD, source, replace(SHORT, trim_cover=0)) == [wide]


def test_a_summary_is_not_cut_its_terms_are_spread_over_the_source() -> None:
    parts = [
        "Heavy rain swept the coast on Monday morning",
        "The harbour road flooded near the old customs house",
        "Ferries to Lindholm stayed in port all afternoon",
        "Engineers inspected the sea wall after the storm",
    ]
    source = ". ".join(p + ". " + filler(k, 400) for p, k in zip(parts, "mnop", strict=True)) + "."
    summary = (
        "After heavy rain flooded the harbour road, Lindholm ferries stayed in port "
        "and engineers inspected the sea wall."
    )
    rough = Feature("s", 0, len(summary), "r", 200, len(source) - 200)
    assert trim_source(rough, summary, source, SHORT) == rough
    whole = replace(rough, source_offset=0, source_length=len(source))
    assert post_process([rough], summary, source, SHORT) == [whole]


def test_reworded_pieces_drawn_from_far_apart_are_one_summary_and_copied_ones_two_reuses() -> None:
    suspicious, source = filler("s", 3000), filler("r", 9000)
    first = Feature("s", 200, 300, "r", 500, 450)
    second = Feature("s", 600, 300, "r", 6000, 450)  # next on the suspicious side, far on in the source
    whole = Feature("s", 200, 700, "r", 0, len(source))
    assert post_process([first, second], suspicious, source, CFG) == [whole]

    copied = [replace(first, source_length=300), replace(second, source_length=300)]
    assert post_process(copied, suspicious, source, CFG) == copied


def test_a_weak_piece_beside_a_reported_one_completes_a_summary_but_is_never_reported_alone() -> None:
    suspicious, source = filler("s", 3000), filler("r", 9000)
    reported = Feature("s", 200, 300, "r", 500, 450)
    beside = Feature("s", 600, 300, "r", 6000, 450)  # too weak to report: next to it, far on in the source
    whole = Feature("s", 200, 700, "r", 0, len(source))
    assert post_process([reported], suspicious, source, CFG) == [reported]
    assert post_process([reported], suspicious, source, CFG, support=[beside]) == [whole]
    assert post_process([], suspicious, source, CFG, support=[beside]) == []

    over = Feature("s", 300, 300, "r", 6000, 450)  # over the reported piece: another reading of it
    assert post_process([reported], suspicious, source, CFG, support=[over]) == [reported]
    elsewhere = replace(beside, this_offset=2000)  # not close on the suspicious side
    assert post_process([reported], suspicious, source, CFG, support=[elsewhere]) == [reported]


def test_support_that_bridges_two_reported_pieces_without_a_summary_leaves_them_as_they_were() -> None:
    suspicious, source = filler("s", 3000), filler("r", 9000)
    first = Feature("s", 200, 300, "r", 500, 450)
    second = Feature("s", 1000, 300, "r", 7000, 450)  # 500 apart: not one group on their own
    bridge = Feature("s", 450, 600, "r", 3000, 450)  # joins them, lying over both
    alone = post_process([first, second], suspicious, source, CFG)
    assert alone == [first, second]
    assert post_process([first, second], suspicious, source, CFG, support=[bridge]) == alone
