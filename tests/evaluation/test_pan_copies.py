"""Copies whose words were shuffled and partly replaced: found by shared word n-grams."""

from __future__ import annotations

import random
from dataclasses import replace

from conftest import read

from retold.documents import Document
from retold.evaluation.baselines import NgramConfig
from retold.evaluation.pan import PanConfig, copy_detections, detections_from, ngram_candidates
from retold.evaluation.pan_filter import STRETCH_FEATURES, PassageFilter
from retold.evaluation.pan_measures import Feature
from retold.pipeline import Pipeline

OTHER = (
    "The regional chess championship opened on Saturday in the town library. Forty-two players "
    "registered, the youngest of them nine years old. The organisers moved the boards upstairs after "
    "the heating failed in the reading room. Play continued late into the evening, and the last game "
    "ended after midnight. A seed swap is planned for the first weekend of March at the community hall."
)


def obfuscate(text: str, seed: int = 0) -> str:
    """PAN's random obfuscation in small: words swapped with a neighbour, replaced, or dropped."""
    rng = random.Random(seed)
    words = text.split()
    for k in range(0, len(words) - 1, 2):
        if rng.random() < 0.35:
            words[k], words[k + 1] = words[k + 1], words[k]
    out = []
    for word in words:
        roll = rng.random()
        if roll < 0.12:
            continue
        out.append("thing" if roll < 0.25 else word)
    return " ".join(out)


def obfuscated_pair() -> tuple[str, str, tuple[int, int]]:
    original = read("bridge_original.txt")
    copied = obfuscate(" ".join(original.split("\n\n")[3:7]))
    suspicious = OTHER + "\n\n" + copied + "\n\n" + OTHER.replace("chess", "draughts")
    start = suspicious.index(copied)
    return suspicious, original, (start, start + len(copied))


def test_shuffled_and_replaced_words_still_leave_a_copy_stretch() -> None:
    suspicious, source, (start, end) = obfuscated_pair()
    [found] = copy_detections("s", "r", (suspicious, source), PanConfig())
    inside = min(end, found.this_offset + found.this_length) - max(start, found.this_offset)
    assert inside >= 0.8 * (end - start)
    assert found.this_offset >= start - 1 and found.this_offset + found.this_length <= end + 1
    assert copy_detections("s", "r", (OTHER, source), PanConfig()) == []


def test_copies_are_reported_beside_the_aligned_passages_and_can_be_turned_off(pipeline: Pipeline) -> None:
    suspicious, source, (start, end) = obfuscated_pair()
    a = pipeline.represent(Document("s", suspicious))
    b = pipeline.represent(Document("r", source))
    comparison, alignment = pipeline.compare_aligned(a, b, with_differences=False)
    without_passages = replace(comparison, passages=())  # what the copies add, alone
    texts = (suspicious, source)
    found = detections_from(without_passages, PanConfig(), alignment, None, texts)
    assert any(d.this_offset < end and start < d.this_offset + d.this_length for d in found)
    assert detections_from(without_passages, PanConfig(find_copies=False), alignment, None, texts) == []


def test_one_shared_sentence_has_the_seeds_but_not_the_size_of_a_copy() -> None:
    shared = "inspectors found a crack nearly two metres long in one of its steel support beams"
    suspicious = OTHER + " Last year " + shared + ", the paper recalled. " + OTHER
    source = read("bridge_original.txt")
    anywhere = PanConfig(copies=NgramConfig(n=3, min_seeds=10, min_chars=0))
    assert copy_detections("s", "r", (suspicious, source), anywhere) != []
    assert copy_detections("s", "r", (suspicious, source), PanConfig()) == []


HARBOUR_SOURCE = (
    "The council approved the new harbour plan on Tuesday after a long debate. Fishermen said the plan "
    "would cut their catch, while shop owners welcomed the promise of more visitors in the summer months. "
    "The mayor said work on the quay would start in the spring and last for two years."
)
HARBOUR_REWRITE = (  # nine 3-grams kept: too few for a copy on its own
    "After lengthy arguments, the new harbour plan won approval from councillors this week. Local "
    "fishermen fear the plan would cut their income; traders in town welcomed the promise of more "
    "visitors during summer. Building at the quay begins next spring, according to the mayor, and "
    "should take two years."
)


def test_a_weak_stretch_is_reported_only_when_the_stretch_filter_accepts_it() -> None:
    texts = (HARBOUR_REWRITE, HARBOUR_SOURCE)
    config = PanConfig()
    copies, weak = ngram_candidates("s", "r", texts, config, judged=[])
    assert copies == []
    [(stretch, values)] = weak
    assert len(values) == len(STRETCH_FEATURES)
    assert HARBOUR_REWRITE[stretch.this_offset :].startswith("the new harbour plan")
    zeros = tuple(0.0 for _ in STRETCH_FEATURES)
    keep_all = PassageFilter("m", zeros, 60.0, features=STRETCH_FEATURES)
    keep_none = PassageFilter("m", zeros, -60.0, features=STRETCH_FEATURES)
    assert copy_detections("s", "r", texts, config, keep_all) == [stretch]
    assert copy_detections("s", "r", texts, config, keep_none) == []
    assert copy_detections("s", "r", texts, config) == [], "without a stretch filter, weak stretches wait"
    assert copy_detections("s", "r", texts, replace(config, weak_seeds=10), keep_all) == []
    assert ngram_candidates("s", "r", texts, config) == ([], []), "without the passages, none are judged"


def test_a_weak_stretch_carries_the_probability_of_the_aligned_passage_over_it() -> None:
    texts = (HARBOUR_REWRITE, HARBOUR_SOURCE)
    over = Feature("s", 0, 120, "r", 0, 100)
    elsewhere = Feature("s", 0, 120, "r", 200, 80)  # overlaps on the suspicious side only
    aligned = STRETCH_FEATURES.index("aligned")
    [(_, values)] = ngram_candidates("s", "r", texts, PanConfig(), judged=[(over, 0.7), (elsewhere, 0.9)])[1]
    assert values[aligned] == 0.7
    [(_, values)] = ngram_candidates("s", "r", texts, PanConfig(), judged=[(elsewhere, 0.9)])[1]
    assert values[aligned] == 0.0
