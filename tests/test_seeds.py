"""The founding example (read from ../shared/seeds when present)."""

from __future__ import annotations

import pytest

from retold.documents import Document
from retold.pipeline import Pipeline
from tests.conftest import SEEDS

pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not present")


def _seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    with path.open(encoding="utf-8", newline="") as handle:
        return handle.read()


def _sentence(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


def test_seeds_are_a_rewrite_with_the_right_links(pipeline: Pipeline) -> None:
    a, b = _seed("000"), _seed("001")
    result = pipeline.compare(Document("000", a), Document("001", b))
    assert result.verdict == "rewrite"
    links = [link for p in result.passages for link in p.links]

    def linked(phrase_a: str, phrase_b: str) -> bool:
        return any(phrase_a in a[lk.a[0] : lk.a[1]] and phrase_b in b[lk.b[0] : lk.b[1]] for lk in links)

    assert linked("The White House called the barrage", "The White House described the rocket strikes")
    assert linked("Russia maintains that it is not aiming at civilians", "Russia has repeatedly denied")
    assert linked("six Kinzhal hypersonic cruise missiles", "six hypersonic missiles")
    assert linked("The West claims the destroyed city", "The West maintains")

    def unlinked_a(phrase: str) -> bool:
        return not any(phrase in a[lk.a[0] : lk.a[1]] for lk in links)

    def unlinked_b(phrase: str) -> bool:
        return not any(phrase in b[lk.b[0] : lk.b[1]] for lk in links)

    assert unlinked_a("Prigozhin")
    assert unlinked_a("range of more than 2,000 kilometers")
    assert unlinked_b("Oleg Zhdanov")


def test_scraped_boilerplate_of_the_seed_is_not_aligned(pipeline: Pipeline) -> None:
    a, b = _seed("000"), _seed("001")
    result = pipeline.compare(Document("000", a), Document("001", b))
    footer = b.rindex("Our readers")
    headline_end = b.index("Kyiv expressed")
    for passage in result.passages:
        assert passage.b[0] >= headline_end
        assert passage.b[1] <= footer
