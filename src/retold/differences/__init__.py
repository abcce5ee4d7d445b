"""What changed between two aligned texts: quotes, numbers, names, content with no counterpart.

Every difference reads from A to B ("dropped" is in A and not in B) and has
``[start, end)`` spans into the original texts on the side(s) that have it.
Comparisons are made between sentences the aligner linked to each other, so
"the number changed" means: in corresponding sentences, the amounts differ.
"""

from __future__ import annotations

from retold.differences._compare import differences
from retold.differences._unmatched import Difference, DifferenceType, unmatched

__all__ = ["Difference", "DifferenceType", "differences", "unmatched"]
