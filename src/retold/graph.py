"""Connected components over edges between arbitrary hashable nodes (scipy's csgraph)."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

__all__ = ["edge_groups"]


def edge_groups(edges: Sequence[tuple[Hashable, Hashable]]) -> list[list[int]]:
    """Indices of ``edges`` grouped by the connected component they lie in.

    Each group keeps the input order, and groups come in the order of their
    first edge.

    Examples:
        >>> edge_groups([("a", 1), ("b", 2), (1, "c"), ("d", "d")])
        [[0, 2], [1], [3]]
    """
    if not edges:
        return []
    index: dict[Hashable, int] = {}
    rows = [index.setdefault(u, len(index)) for u, _ in edges]
    cols = [index.setdefault(v, len(index)) for _, v in edges]
    graph = coo_matrix((np.ones(len(edges)), (rows, cols)), shape=(len(index), len(index)))
    _, labels = connected_components(graph, directed=False)
    groups: dict[int, list[int]] = {}
    for k, row in enumerate(rows):
        groups.setdefault(int(labels[row]), []).append(k)
    return list(groups.values())
