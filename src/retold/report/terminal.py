"""A readable terminal view: verdict, score, coverage, passages side by side, differences."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from retold.comparison import Comparison

_VERDICT_STYLE = {
    "near_duplicate": "bold red",
    "rewrite": "bold red",
    "partial_reuse": "bold yellow",
    "related": "bold cyan",
    "unrelated": "bold green",
}
_EXCERPT = 400


def _excerpt(text: str, limit: int = _EXCERPT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render_terminal(comparison: Comparison, a_text: str, b_text: str, console: Console) -> None:
    """Print the comparison; rich drops colour by itself when output is not a terminal."""
    c = comparison
    header = Text()
    header.append(c.verdict.replace("_", " ").upper(), style=_VERDICT_STYLE[c.verdict])
    header.append(f"   score {c.score:.3f}")
    header.append(f"   coverage A {c.coverage_a:.0%} · B {c.coverage_b:.0%}")
    header.append(f"   {len(c.passages)} passage(s), {sum(len(p.links) for p in c.passages)} link(s)")
    sides = Text(
        f"A: {c.a.id} ({c.a.chars:,} chars, {c.a.sentences} sentences)\n"
        f"B: {c.b.id} ({c.b.chars:,} chars, {c.b.sentences} sentences)   model: {c.model}",
        style="dim",
    )
    console.print(Panel(Group(header, sides), title="retold compare", expand=True))
    for warning in c.warnings:
        console.print(f"[yellow]warning:[/yellow] {warning}", highlight=False)
    for n, p in enumerate(c.passages, start=1):
        table = Table(
            show_lines=True,
            expand=True,
            title=f"Passage {n}: {p.kind.replace('_', ' ')}, similarity {p.similarity:.2f}, "
            f"A[{p.a[0]}:{p.a[1]}] ↔ B[{p.b[0]}:{p.b[1]}]",
        )
        table.add_column(f"A  {c.a.id}", ratio=1)
        table.add_column(f"B  {c.b.id}", ratio=1)
        table.add_column("sim", width=5, justify="right")
        previous: tuple[int, int] | None = None
        for link in p.links:
            # One sentence linked to several (merge or split) is printed once.
            a_cell = "〃" if link.a == previous else _excerpt(a_text[link.a[0] : link.a[1]])
            table.add_row(
                Text(a_cell), Text(_excerpt(b_text[link.b[0] : link.b[1]])), f"{link.similarity:.2f}"
            )
            previous = link.a
        console.print(table)
    if c.differences:
        table = Table(expand=True, title="Differences", show_lines=False)
        table.add_column("type", width=12)
        table.add_column("A", ratio=1)
        table.add_column("B", ratio=1)
        for d in c.differences:
            table.add_row(
                d.type.replace("_", " "),
                Text(_excerpt(d.a_text or "—", 160), style="" if d.a_text else "dim"),
                Text(_excerpt(d.b_text or "—", 160), style="" if d.b_text else "dim"),
            )
        console.print(table)
