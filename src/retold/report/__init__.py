"""Renderers of a :class:`~retold.comparison.Comparison`: JSON and terminal."""

from retold.report.json import to_json
from retold.report.terminal import render_terminal

__all__ = ["render_terminal", "to_json"]
