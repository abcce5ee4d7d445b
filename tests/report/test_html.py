"""The HTML report as a file: escaping, self-containment, structure."""

from __future__ import annotations

import html
import re
from pathlib import Path

from click.testing import CliRunner

from retold.cli import main
from retold.documents import Document
from retold.pipeline import Pipeline
from retold.report import render_html
from tests.conftest import read

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = (
    "<script>alert('owned')</script> The <b>council</b> met on Monday & voted "
    '7-2 to close the bridge. <img src=x onerror="alert(1)"> Repairs will take six weeks.'
)


def text_of(report: str, side: str) -> str:
    match = re.search(rf'<div class="text" id="text-{side}">(.*?)</div>', report, re.S)
    assert match, f"no text-{side} block"
    return html.unescape(re.sub(r"<[^>]+>", "", match.group(1)))


def test_document_markup_is_escaped_and_texts_survive_exactly(pipeline: Pipeline) -> None:
    other = "The council voted 7-2 on Monday to shut the bridge, and repairs should last six weeks."
    result = pipeline.compare(Document("hostile.html", HOSTILE), Document("b", other))
    report = render_html(result, HOSTILE, other)
    assert "<script>alert" not in report and "<img src=x" not in report
    assert "&lt;script&gt;alert" in report
    assert text_of(report, "a") == HOSTILE
    assert text_of(report, "b") == other


def test_report_is_self_contained(pipeline: Pipeline) -> None:
    a, b = read("bridge_original.txt"), read("bridge_rewrite.txt")
    report = render_html(pipeline.compare(Document("a", a), Document("b", b)), a, b)
    assert not re.search(r"(?:src|href)\s*=\s*[\"']?(?:https?:)?//", report)
    assert "@import" not in report and "url(" not in report


def test_every_passage_and_difference_is_marked(pipeline: Pipeline) -> None:
    a, b = read("bridge_original.txt"), read("bridge_rewrite.txt")
    result = pipeline.compare(Document("a", a), Document("b", b))
    report = render_html(result, a, b)
    marked = {p for ids in re.findall(r'data-p="([\d ]+)"', report) for p in ids.split()}
    assert marked == {str(n) for n in range(len(result.passages))}
    assert len(re.findall(r'<li data-d="\d+"', report)) == len(result.differences)
    assert 'class="verdict rewrite"' in report
    assert text_of(report, "a") == a and text_of(report, "b") == b


def test_a_long_document_stays_a_manageable_page(pipeline: Pipeline) -> None:
    a = (read("bridge_original.txt") + "\n\n") * 20  # about 9,500 words
    b = (read("bridge_rewrite.txt") + "\n\n") * 20
    result = pipeline.compare(Document("a", a), Document("b", b))
    report = render_html(result, a, b)
    sentences = result.a.sentences + result.b.sentences
    assert report.count("<span") < 6 * sentences + 50
    assert text_of(report, "a") == a


def test_cli_writes_the_report(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    args = ["compare", str(ROOT / "examples" / "original.txt"), str(ROOT / "examples" / "rewrite.txt")]
    result = CliRunner().invoke(main, [*args, "--format", "html", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
