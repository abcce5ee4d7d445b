"""Edge pieces of PAN detections: how they are cut, described, judged and trimmed."""

from __future__ import annotations

from retold.encoders import DEFAULT_MODEL
from retold.evaluation.pan_edges import edge_pieces, pieces, trim_edges
from retold.evaluation.pan_filter import EDGE_FEATURES, PassageFilter, load_edge_filter
from retold.evaluation.pan_measures import Feature
from retold.evaluation.pan_post import DetectionConfig, post_process

# The suspicious page's own menu line, with no full stop, right before the reused report.
MENU = "Garden centre opening hours Monday to Saturday plus café vouchers\n"
REUSED = (
    "The river Lune rose by two metres overnight after heavy rain over the Pennines.\n"
    "Emergency crews evacuated forty homes in Caton and closed the old bridge to traffic.\n"
    "Forecasters expect the water to fall slowly from Thursday, the Environment Agency said."
)
SUSPICIOUS = "Welcome to our pages.\n" + MENU + REUSED + "\nLeave a comment below."
ORIGIN = (
    "Heavy rain over the Pennines made the river Lune rise two metres overnight. "
    "Crews evacuated forty homes in Caton and the old bridge was closed to traffic. "
    "The Environment Agency said forecasters expect the water to fall slowly from Thursday."
)
SOURCE = (
    "Weather desk, Lancaster.\n" + ORIGIN + "\nCricket results follow on page nine, with the league tables."
)


def _detection(a: tuple[int, int], b: tuple[int, int]) -> Feature:
    return Feature("susp", a[0], a[1] - a[0], "src", b[0], b[1] - b[0])


def _too_wide() -> Feature:
    """The reused report with the menu line before it, and on the source side the cricket line after."""
    start = SUSPICIOUS.index(MENU)
    source_start = SOURCE.index(ORIGIN)
    return _detection((start, start + len(MENU) + len(REUSED)), (source_start, len(SOURCE)))


def _cut_unshared() -> PassageFilter:
    """Keeps a piece unless it shares clearly fewer terms than the usual piece of its side."""
    weights = tuple(20.0 if name == "excess" else 0.0 for name in EDGE_FEATURES)
    return PassageFilter("m", weights, 6.0, features=EDGE_FEATURES)


def test_pieces_are_lines_and_sentences_with_exact_offsets() -> None:
    text = "First line\nA sentence ends here. Another one! (Quoted.) Last words"
    found = [text[s:e] for s, e in pieces(text, 0, len(text))]
    assert found == ["First line", "A sentence ends here.", "Another one!", "(Quoted.)", "Last words"]
    inner = pieces(text, 13, 45)
    assert [text[s:e] for s, e in inner] == ["sentence ends here.", "Another one!"]


def test_a_line_the_other_side_does_not_share_stands_out_from_the_usual_piece() -> None:
    found = edge_pieces(_too_wide(), SUSPICIOUS, SOURCE)
    assert all(len(p.features) == len(EDGE_FEATURES) for p in found)
    share, excess = EDGE_FEATURES.index("share"), EDGE_FEATURES.index("excess")
    first = next(p for p in found if p.suspicious_side and p.at_start and p.index == 0)
    assert SUSPICIOUS[slice(*first.span)] == MENU.strip()
    assert first.features[share] == 0.0 and first.features[excess] < -0.5
    last = next(p for p in found if not p.suspicious_side and not p.at_start and p.index == 0)
    assert SOURCE[slice(*last.span)].startswith("Cricket results")
    reused = next(p for p in found if p.suspicious_side and p.at_start and p.index == 1)
    assert reused.features[share] > 0.5


def test_trimming_cuts_the_unshared_ends_and_keeps_the_reused_text() -> None:
    [trimmed] = trim_edges([_too_wide()], SUSPICIOUS, SOURCE, _cut_unshared(), 0.5)
    a = SUSPICIOUS[trimmed.this_offset : trimmed.this_offset + trimmed.this_length]
    b = SOURCE[trimmed.source_offset : trimmed.source_offset + trimmed.source_length]
    assert a == REUSED
    assert b == ORIGIN


def test_trimming_never_cuts_a_side_away_and_leaves_summaries_and_kept_pieces_alone() -> None:
    cut_all = PassageFilter("m", (0.0,) * len(EDGE_FEATURES), -60.0, features=EDGE_FEATURES)
    keep_all = PassageFilter("m", (0.0,) * len(EDGE_FEATURES), 60.0, features=EDGE_FEATURES)
    wide = _too_wide()
    [kept] = trim_edges([wide], SUSPICIOUS, SOURCE, keep_all, 0.5)
    assert kept == wide
    [cut] = trim_edges([wide], SUSPICIOUS, SOURCE, cut_all, 0.5, most=5)
    assert cut.this_length > 0 and cut.source_length > 0
    assert (
        cut.this_offset >= wide.this_offset
        and cut.this_offset + cut.this_length <= wide.this_offset + wide.this_length
    )
    summary = _detection((wide.this_offset, wide.this_offset + wide.this_length), (0, len(SOURCE)))
    assert trim_edges([summary], SUSPICIOUS, SOURCE, cut_all, 0.5) == [summary]
    assert edge_pieces(summary, SUSPICIOUS, SOURCE) == []
    one_line = _detection((0, len("Welcome to our pages.")), (0, len("Weather desk, Lancaster.")))
    assert trim_edges([one_line], SUSPICIOUS, SOURCE, cut_all, 0.5) == [one_line]


def test_the_shipped_edge_filter_ranks_unshared_pieces_lowest_and_cuts_the_unshared_source_line() -> None:
    shipped = load_edge_filter(DEFAULT_MODEL)
    assert shipped is not None and shipped.model == DEFAULT_MODEL and shipped.features == EDGE_FEATURES
    found = edge_pieces(_too_wide(), SUSPICIOUS, SOURCE)
    chance = {p.span: shipped.probability(list(p.features)) for p in found}
    menu = next(p.span for p in found if p.suspicious_side and p.at_start and p.index == 0)
    cricket = next(p.span for p in found if not p.suspicious_side and not p.at_start and p.index == 0)
    shared = [c for span, c in chance.items() if span not in (menu, cricket)]
    assert max(chance[menu], chance[cricket]) < min(shared)
    [trimmed] = trim_edges([_too_wide()], SUSPICIOUS, SOURCE, shipped, DetectionConfig().edge_probability)
    assert SOURCE[trimmed.source_offset : trimmed.source_offset + trimmed.source_length] == ORIGIN


def test_post_processing_trims_edges_with_a_filter_and_not_when_turned_off() -> None:
    cfg = DetectionConfig(margin=0)
    wide = _too_wide()
    [plain] = post_process([wide], SUSPICIOUS, SOURCE, cfg)
    assert plain.this_offset == wide.this_offset
    [trimmed] = post_process([wide], SUSPICIOUS, SOURCE, cfg, edge_filter=_cut_unshared())
    assert trimmed.this_offset == SUSPICIOUS.index(REUSED)
    off = DetectionConfig(margin=0, edge_probability=0.0)
    assert post_process([wide], SUSPICIOUS, SOURCE, off, edge_filter=_cut_unshared()) == [plain]
