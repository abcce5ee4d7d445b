"""Renderers of a :class:`~retold.comparison.Comparison`: JSON, terminal and HTML."""

from retold.report.html import render_html
from retold.report.json import to_json
from retold.report.terminal import render_terminal

__all__ = ["render_html", "render_terminal", "to_json"]
