"""The ``retold.comparison/1`` JSON text."""

from __future__ import annotations

import json

from retold.comparison import Comparison


def to_json(comparison: Comparison, *, indent: int | None = 2) -> str:
    """Serialise a comparison; ``indent=None`` gives one line (for JSONL)."""
    return json.dumps(comparison.to_dict(), ensure_ascii=False, indent=indent)
