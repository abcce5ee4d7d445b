"""The HTML report in a real browser: Debian's Chromium driven by Playwright for Python.

Runs where ``chromium`` is on PATH and ``playwright`` is installed (``.ci/run``
installs both); skipped elsewhere. Playwright's own browser download is not
used: the system Chromium is passed as ``executable_path``.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from retold.documents import Document
from retold.pipeline import Pipeline
from retold.report import render_html
from tests.conftest import read

pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed")
    from importlib.metadata import version

    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        print(f"\nbrowser test: Chromium {launched.version}, Playwright {version('playwright')}")
        yield launched
        launched.close()


@pytest.fixture()
def page(browser: Any, tmp_path: Path, pipeline: Pipeline) -> Any:
    a = (ROOT / "examples" / "original.txt").read_text(encoding="utf-8")
    b = (ROOT / "examples" / "rewrite.txt").read_text(encoding="utf-8")
    path = tmp_path / "report.html"
    path.write_text(render_html(pipeline.compare(Document("a", a), Document("b", b)), a, b), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1400, "height": 800})
    page.goto(path.as_uri())
    yield page
    page.close()


def test_passages_are_coloured_on_both_sides(page: Any) -> None:
    for side in ("a", "b"):
        colour = page.eval_on_selector(f"#text-{side} span.p", "el => getComputedStyle(el).backgroundColor")
        assert colour not in ("rgba(0, 0, 0, 0)", "transparent")


def test_hovering_a_passage_lights_its_counterpart(page: Any) -> None:
    first = page.locator("#text-a span.p").first
    passage = first.get_attribute("data-p").split()[0]
    first.hover()
    page.wait_for_selector("#text-b span.p.hl")
    lit = page.eval_on_selector_all("#text-b span.p.hl", "els => els.map(e => e.dataset.p)")
    assert lit and all(passage in ids.split() for ids in lit)


def test_clicking_a_difference_scrolls_its_text_into_view(page: Any) -> None:
    items = page.locator("#differences li[data-d]")
    assert items.count() > 0
    target = items.nth(items.count() - 1)  # the last one lies far down a text
    number = target.get_attribute("data-d")
    target.click()
    marked = page.locator(f'main span.d[data-d~="{number}"]').first
    page.wait_for_function(
        """n => { const el = document.querySelector(`main span.d[data-d~="${n}"]`);
                  const box = el.getBoundingClientRect();
                  return box.top >= 0 && box.bottom <= window.innerHeight; }""",
        arg=number,
    )
    assert "hl" in (marked.get_attribute("class") or "")


def test_script_in_a_document_renders_as_text(browser: Any, tmp_path: Path, pipeline: Pipeline) -> None:
    hostile = "<script>window.owned = true; alert('owned')</script>" + read("bridge_original.txt")
    other = read("bridge_rewrite.txt")
    path = tmp_path / "hostile.html"
    result = pipeline.compare(Document("a", hostile), Document("b", other))
    path.write_text(render_html(result, hostile, other), encoding="utf-8")
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(path.as_uri())
    assert page.evaluate("() => window.owned === undefined")
    assert not dialogs
    assert "<script>window.owned" in page.inner_text("#text-a")
    page.close()


def test_the_families_overview_links_each_member_to_its_report(browser: Any, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from retold import Index
    from retold.cli import main
    from tests.index.test_families_index import corpus

    with Index(tmp_path / "idx", create=True) as index:
        index.add(corpus(), workers=1)
    overview = tmp_path / "families.html"
    result = CliRunner().invoke(
        main, ["families", "--index", str(tmp_path / "idx"), "--format", "html", "-o", str(overview)]
    )
    assert result.exit_code == 0, result.output
    page = browser.new_page(viewport={"width": 1400, "height": 800})
    page.goto(overview.as_uri())
    assert page.locator("section").count() == 1
    assert page.locator("section .original").count() == 1  # the probable original is marked
    page.locator("section a").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("family1-bridge-rewrite.html")
    # The member's side-by-side report opens, with its passages drawn on both texts.
    assert page.locator("#text-a span.p").count() >= 1 and page.locator("#text-b span.p").count() >= 1
    page.close()
