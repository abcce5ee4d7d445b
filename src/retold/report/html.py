"""A self-contained HTML report: the two texts side by side, passages and differences marked.

One file, no network and no external assets: CSS and JavaScript are inline
(``templates/report.html``). Every piece of document text goes through
:func:`html.escape`, so a document holding ``<script>`` renders as text.
Each text is cut at every passage and difference boundary into ``<span>``
pieces carrying the ids of what covers them, which handles overlaps and keeps
a 10,000-word document to a few thousand elements.
"""

from __future__ import annotations

import html
import itertools
import json
from importlib import resources
from string import Template

from retold.comparison import Comparison

__all__ = ["render_html"]

PALETTE_SIZE = 8  # passage colours cycle through the template's --p0 … --p7


def _pieces(text: str, marks: list[tuple[int, int, str]], kinds: dict[str, str]) -> str:
    """``text`` as escaped spans; ``marks`` are ``(start, end, token)`` with tokens ``p3`` or ``d5``.

    ``kinds`` gives each difference id its type, which becomes a class (``t-unmatched``).
    """
    cuts = {0, len(text)}
    for start, end, _ in marks:
        cuts.update((max(0, min(start, len(text))), max(0, min(end, len(text)))))
    bounds = sorted(cuts)
    out = []
    for start, end in itertools.pairwise(bounds):
        if start == end:
            continue
        tokens = [t for s, e, t in marks if s <= start and end <= e]
        piece = html.escape(text[start:end])
        if not tokens:
            out.append(piece)
            continue
        passages = sorted({t[1:] for t in tokens if t[0] == "p"}, key=int)
        diffs = sorted({t[1:] for t in tokens if t[0] == "d"}, key=int)
        classes = []
        attributes = []
        if passages:
            classes.append(f"p c{int(passages[0]) % PALETTE_SIZE}")
            attributes.append(f'data-p="{" ".join(passages)}"')
        if diffs:
            classes.append("d")
            classes.extend(sorted({f"t-{kinds[d]}" for d in diffs}))
            attributes.append(f'data-d="{" ".join(diffs)}"')
        out.append(f'<span class="{" ".join(classes)}" {" ".join(attributes)}>{piece}</span>')
    return "".join(out)


def render_html(comparison: Comparison, a_text: str, b_text: str) -> str:
    """The report as one HTML document."""
    c = comparison
    marks_a: list[tuple[int, int, str]] = []
    marks_b: list[tuple[int, int, str]] = []
    for n, passage in enumerate(c.passages):
        for link in passage.links:
            marks_a.append((*link.a, f"p{n}"))
            marks_b.append((*link.b, f"p{n}"))
    rows = []
    kinds: dict[str, str] = {str(n): d.type for n, d in enumerate(c.differences)}
    for n, d in enumerate(c.differences):
        if d.a:
            marks_a.append((*d.a, f"d{n}"))
        if d.b:
            marks_b.append((*d.b, f"d{n}"))
        rows.append(
            f'<li data-d="{n}" class="t-{html.escape(d.type)}" tabindex="0">'
            f'<span class="type">{html.escape(d.type.replace("_", " "))}</span> '
            f"{html.escape(d.detail)}"
            + (f'<q class="side-a">{html.escape(_short(d.a_text))}</q>' if d.a_text else "")
            + (f'<q class="side-b">{html.escape(_short(d.b_text))}</q>' if d.b_text else "")
            + "</li>"
        )
    passages = "".join(
        f'<li data-p="{n}" tabindex="0"><span class="swatch c{n % PALETTE_SIZE}"></span>'
        f"Passage {n + 1}: {html.escape(p.kind.replace('_', ' '))}, similarity {p.similarity:.2f}, "
        f"{len(p.links)} link(s)</li>"
        for n, p in enumerate(c.passages)
    )
    summary = {
        "verdict": c.verdict,
        "score": round(c.score, 4),
        "coverage": {"a": round(c.coverage_a, 4), "b": round(c.coverage_b, 4)},
    }
    template = Template((resources.files("retold.report") / "templates" / "report.html").read_text("utf-8"))
    return template.substitute(
        title=html.escape(f"retold: {c.a.id} ↔ {c.b.id}"),
        verdict=html.escape(c.verdict.replace("_", " ")),
        verdict_class=html.escape(c.verdict),
        score=f"{c.score:.3f}",
        coverage_a=f"{c.coverage_a:.0%}",
        coverage_b=f"{c.coverage_b:.0%}",
        a_id=html.escape(c.a.id),
        b_id=html.escape(c.b.id),
        a_meta=html.escape(f"{c.a.chars:,} characters, {c.a.sentences} sentences"),
        b_meta=html.escape(f"{c.b.chars:,} characters, {c.b.sentences} sentences"),
        model=html.escape(c.model),
        warnings="".join(f"<li>{html.escape(w)}</li>" for w in c.warnings),
        passages=passages or "<li>No aligned passage.</li>",
        differences="".join(rows) or "<li>No difference found.</li>",
        difference_count=str(len(c.differences)),
        a_text=_pieces(a_text, marks_a, kinds),
        b_text=_pieces(b_text, marks_b, kinds),
        summary=json.dumps(summary).replace("</", "<\\/"),
    )


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
