"""Plain values that flow through the pipeline: documents and their sentences."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class SentenceKind(StrEnum):
    """What a segment of a document is.

    Only ``BODY`` sentences are aligned and count toward coverage; the others
    are scraped-page noise kept so that offsets and reports stay complete.
    """

    BODY = "body"
    HEADING = "heading"  # a line without sentence punctuation: headline, section name
    REPEATED = "repeated"  # a line printed again later in the same document
    BOILERPLATE = "boilerplate"  # a short non-sentence line: footer, link bait, navigation


@dataclass(frozen=True, slots=True)
class Sentence:
    """One segment with ``[start, end)`` code-point offsets into the original text.

    Attributes:
        start: offset of the first character in the original text.
        end: offset one past the last character.
        text: the normalised text (quotes, dashes and whitespace unified), used for
            encoding and lexical evidence; never used for offsets.
        kind: whether the segment is body text or noise.
    """

    start: int
    end: int
    text: str
    kind: SentenceKind = SentenceKind.BODY

    @property
    def is_body(self) -> bool:
        return self.kind is SentenceKind.BODY


@dataclass(frozen=True, slots=True)
class Document:
    """A text as the user gave it, with an id and optional metadata.

    Examples:
        >>> Document("a.txt", "One sentence. Two.").chars
        18
    """

    id: str
    text: str
    metadata: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def chars(self) -> int:
        return len(self.text)
