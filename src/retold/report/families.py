"""Families written out: JSONL, flat rows (CSV, Parquet), and an HTML overview.

The overview is one self-contained page, largest family first; each member
links to its side-by-side report with the family's original (written by the
caller next to the page, see ``report_name``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from importlib import resources
from string import Template

from retold.families import Family

__all__ = ["ROW_FIELDS", "family_rows", "render_families_html", "report_name"]

ROW_FIELDS = ("family", "size", "id", "title", "date", "source", "is_original", "original", "original_reason")


def family_rows(families: Sequence[Family]) -> list[dict[str, object]]:
    """One flat row per member (for CSV and Parquet), families numbered from 1."""
    rows: list[dict[str, object]] = []
    for number, family in enumerate(families, start=1):
        for member in family.members:
            rows.append(
                {
                    "family": number,
                    "size": len(family.members),
                    "id": member.id,
                    "title": member.title or "",
                    "date": member.date or "",
                    "source": member.source or "",
                    "is_original": member.id == family.original,
                    "original": family.original,
                    "original_reason": family.reason,
                }
            )
    return rows


def report_name(number: int, member_id: str) -> str:
    """File name of one member's report: the family number and a safe form of its id."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", member_id)[:80]
    return f"family{number}-{safe}.html"


def render_families_html(families: Sequence[Family], reports_dir: str | None, total_documents: int) -> str:
    """The overview page; members link to ``reports_dir/report_name(...)`` when a folder is given."""
    sections = []
    for number, family in enumerate(families, start=1):
        items = []
        for member in family.members:
            name = html.escape(member.title or member.id)
            if reports_dir is not None and member.id != family.original:
                href = html.escape(f"{reports_dir}/{report_name(number, member.id)}", quote=True)
                name = f'<a href="{href}">{name}</a>'
            edge = next((e for e in family.edges if member.id in (e.source, e.copy)), None)
            verdict = ""
            if member.id != family.original and edge is not None:
                verdict = f"{edge.verdict.replace('_', ' ')} {edge.score:.2f}"
            badge = '<span class="original">original</span> ' if member.id == family.original else ""
            items.append(
                f"<tr><td>{badge}{name}<div class=id>{html.escape(member.id)}</div></td>"
                f"<td>{html.escape(member.date or '')}</td><td>{html.escape(member.source or '')}</td>"
                f"<td>{html.escape(verdict)}</td></tr>"
            )
        partial = (
            f"<p class=partial>{len(family.partial)} partial-reuse link(s) besides the family's edges</p>"
            if family.partial
            else ""
        )
        if family.detached:
            partial += (
                f"<p class=partial>{len(family.detached)} rewrite verdict(s) to documents left out: "
                "judged apart from more of the family than they were found to reuse</p>"
            )
        sections.append(
            f'<section id="family{number}"><h2>Family {number}: {len(family.members)} documents</h2>'
            f"<p class=reason>Probable original: <b>{html.escape(family.original)}</b>, "
            f"{html.escape(family.reason)}</p>{partial}"
            "<table><thead><tr><th>document</th><th>date</th><th>source</th><th>against the original</th>"
            f"</tr></thead><tbody>{''.join(items)}</tbody></table></section>"
        )
    in_families = sum(len(f.members) for f in families)
    template = Template((resources.files("retold.report") / "templates" / "families.html").read_text("utf-8"))
    return template.substitute(
        summary=html.escape(
            f"{len(families):,} families holding {in_families:,} of {total_documents:,} documents"
        ),
        sections="".join(sections) or "<p>No document in this index reuses another.</p>",
    )
