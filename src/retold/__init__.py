"""retold: find text that was retold.

Decide whether one document is a rewrite of another even when every sentence
was reworded, align the corresponding passages with exact character offsets,
and show what changed.

Examples:
    >>> import retold
    >>> result = retold.compare(
    ...     "The council approved the new budget on Monday. It includes more money for road "
    ...     "repairs. The vote was seven to two.",
    ...     "On Monday the council passed its new budget. More funds go to fixing roads. Seven "
    ...     "members voted for it and two against.",
    ... )
    >>> result.verdict, result.is_reuse
    ('rewrite', True)
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Any

from retold.align import Link, Passage
from retold.comparison import Comparison, Side
from retold.config import PipelineConfig, load_config
from retold.differences import Difference
from retold.documents import Document, Sentence, SentenceKind
from retold.errors import (
    CalibrationError,
    ConfigError,
    IndexBusyError,
    IndexFileError,
    InputError,
    MissingDependencyError,
    ModelError,
    PairsFileError,
    RetoldError,
)
from retold.index import Index
from retold.pipeline import Pipeline

try:
    __version__ = version("retold")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0"

__all__ = [
    "CalibrationError",
    "Comparison",
    "ConfigError",
    "Difference",
    "Document",
    "Index",
    "IndexBusyError",
    "IndexFileError",
    "InputError",
    "Link",
    "MissingDependencyError",
    "ModelError",
    "PairsFileError",
    "Passage",
    "Pipeline",
    "PipelineConfig",
    "RetoldError",
    "Sentence",
    "SentenceKind",
    "Side",
    "__version__",
    "compare",
    "load_config",
]

_pipelines: dict[PipelineConfig, Pipeline] = {}


def compare(a: str | Document, b: str | Document, **overrides: Any) -> Comparison:
    """Compare two texts (or :class:`Document` values) with the default pipeline.

    Keyword overrides are dotted settings with ``__`` for the dot, for example
    ``compare(a, b, align__link_threshold="0.55")``.
    """
    config = load_config(overrides={k.replace("__", "."): str(v) for k, v in overrides.items()})
    pipeline = _pipelines.get(config)
    if pipeline is None:
        pipeline = _pipelines[config] = Pipeline(config)
    doc_a = a if isinstance(a, Document) else Document("a", a)
    doc_b = b if isinstance(b, Document) else Document("b", b)
    return pipeline.compare(doc_a, doc_b)
