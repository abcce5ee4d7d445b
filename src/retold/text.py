"""Normalise and segment text, keeping offsets into the original.

The original text is never modified: every segment carries ``[start, end)``
offsets into it, and its normalised text is derived from that slice. Three
kinds of scraped-page noise are recognised by general rules (never by lists of
phrases): lines that carry no sentence punctuation (section names, headlines),
lines printed twice, and short non-sentence lines (footers, link bait).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

import syntok.segmenter as syntok

from retold.documents import Sentence, SentenceKind

__all__ = [
    "SegmentConfig",
    "english_share",
    "normalize",
    "segment",
]

# Typographic variants that paraphrasers and CMSs swap freely.
_NON_SPACE = re.compile(r"\S+")
_CHAR_MAP = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u2033": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2015": "-",
    "\u2212": "-",
    "\u2026": "...",
    "\u00a0": " ",
    "\u202f": " ",
    "\u2009": " ",
    "\u200b": "",
    "\u200c": "",
    "\u200d": "",
    "\ufeff": "",
    "\u00ad": "",
}
_TERMINAL = re.compile(r"""[.!?;:…]["'”’»)\]]*\s*$""")
_WORD = re.compile(r"\w+", re.UNICODE)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")

# The most frequent English function words: their share of the tokens tells
# English from other languages with a large margin on anything longer than a
# sentence or two (about 0.4 in English news, under 0.05 in other languages).
_ENGLISH_FUNCTION_WORDS = frozenset(
    [
        "the",
        "of",
        "and",
        "to",
        "a",
        "in",
        "is",
        "that",
        "for",
        "it",
        "as",
        "was",
        "with",
        "be",
        "by",
        "on",
        "not",
        "he",
        "i",
        "this",
        "are",
        "or",
        "his",
        "from",
        "at",
        "which",
        "but",
        "have",
        "an",
        "they",
        "you",
        "were",
        "her",
        "she",
        "there",
        "been",
        "has",
        "their",
        "one",
        "all",
        "we",
        "can",
        "its",
        "who",
        "will",
        "would",
        "more",
        "if",
        "no",
        "so",
        "said",
        "what",
        "up",
        "out",
        "about",
        "than",
        "into",
        "them",
        "could",
        "only",
        "other",
        "then",
        "these",
        "our",
        "also",
        "after",
        "over",
        "new",
        "two",
        "some",
    ]
)


@dataclass(frozen=True, slots=True)
class SegmentConfig:
    """How documents are cut into sentences.

    Attributes:
        max_noise_words: a line without sentence punctuation and at most this many
            words is boilerplate (footers, navigation, link bait).
        max_heading_words: a line without sentence punctuation and at most this many
            words is a heading; longer ones are kept as (unpunctuated) body text.
        max_sentence_chars: longer sentences are cut into pieces of about this size,
            so one run-on block cannot swallow a whole passage.
    """

    max_noise_words: int = 8
    max_heading_words: int = 25
    max_sentence_chars: int = 600


def normalize(text: str) -> tuple[str, list[int]]:
    r"""Unify quotes, dashes, invisible characters and whitespace, with an offset map.

    Returns the normalised text and, for each of its characters, the offset of the
    original character it came from. Runs of whitespace become one space, and
    leading and trailing whitespace is dropped.

    Examples:
        >>> normalize("“Hi”\u2014 there")[0]
        '"Hi"- there'
    """
    out: list[str] = []
    offsets: list[int] = []
    if text.isascii():  # the usual case, word by word: nothing to map but whitespace
        for match in _NON_SPACE.finditer(text):
            if out:
                out.append(" ")
                offsets.append(match.start())
            out.append(match.group())
            offsets.extend(range(match.start(), match.end()))
        return "".join(out), offsets
    pending_space = False
    for i, ch in enumerate(text):
        mapped = _CHAR_MAP.get(ch)
        if mapped is None:
            mapped = unicodedata.normalize("NFKC", ch) if ord(ch) > 127 else ch
        for piece in mapped:
            if piece.isspace():
                pending_space = bool(out)
                continue
            if pending_space:
                out.append(" ")
                offsets.append(i)
                pending_space = False
            out.append(piece)
            offsets.append(i)
    return "".join(out), offsets


def english_share(texts: list[str]) -> float:
    """Share of word tokens that are frequent English function words (0..1)."""
    words = [w.lower() for t in texts for w in _WORD.findall(t)]
    if not words:
        return 0.0
    return sum(w in _ENGLISH_FUNCTION_WORDS for w in words) / len(words)


def _lines(text: str) -> list[tuple[int, int]]:
    """Non-empty lines as ``(start, end)`` offsets, whitespace trimmed."""
    spans = []
    start = 0
    for match in _LINE_BREAK.finditer(text + "\n"):
        end = match.start()
        line = text[start:end]
        stripped = line.strip()
        if stripped:
            lead = len(line) - len(line.lstrip())
            spans.append((start + lead, start + lead + len(stripped)))
        start = match.end()
    return spans


def _blocks(text: str) -> list[tuple[int, int]]:
    """Group lines into blocks: paragraphs, or single lines that stand alone.

    Hard-wrapped prose (Gutenberg books, e-mail) continues a sentence across a
    line break, so a line break only ends a block after sentence punctuation, at
    a blank line, or after a line much shorter than the document's usual line
    (a headline or section name above unwrapped paragraphs).
    """
    lines = _lines(text)
    if not lines:
        return []
    lengths = sorted(e - s for s, e in lines)
    typical = lengths[len(lengths) * 3 // 4]
    blocks: list[tuple[int, int]] = []
    block_start, block_end = lines[0]
    for start, end in lines[1:]:
        gap = text[block_end:start]
        prev = text[block_start:block_end]
        last_line_len = block_end - max(block_start, text.rfind("\n", 0, block_end) + 1)
        breaks = (
            gap.count("\n") + gap.count("\r") - gap.count("\r\n") >= 2
            or _TERMINAL.search(prev) is not None
            or last_line_len < 0.6 * typical
        )
        if breaks:
            blocks.append((block_start, block_end))
            block_start = start
        block_end = end
    blocks.append((block_start, block_end))
    return blocks


def _split_long(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """Cut a run-on segment at commas or spaces into pieces of at most ``limit`` chars."""
    pieces = []
    while end - start > limit:
        window = text[start : start + limit]
        cut = max(window.rfind(", "), window.rfind("; "))
        if cut < limit // 3:
            cut = window.rfind(" ")
        if cut <= 0:
            cut = limit - 1
        pieces.append((start, start + cut + 1))
        start += cut + 1
        while start < end and text[start].isspace():
            start += 1
    if start < end:
        pieces.append((start, end))
    return pieces


def _sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence offsets inside one block, from syntok's tokens (which keep offsets)."""
    block = text[start:end]
    spans = []
    for paragraph in syntok.analyze(block):
        for sentence in paragraph:
            tokens = [t for t in sentence if t.value]
            if tokens:
                first, last = tokens[0], tokens[-1]
                spans.append((start + first.offset, start + last.offset + len(last.value)))
    return spans


def segment(text: str, config: SegmentConfig | None = None) -> list[Sentence]:
    """Cut ``text`` into sentences with offsets into it, marking scraped-page noise.

    Examples:
        >>> [s.text for s in segment("Dr. Smith arrived. He said “hello”.")]
        ['Dr. Smith arrived.', 'He said "hello".']
    """
    cfg = config or SegmentConfig()
    blocks = _blocks(text)
    block_keys = [normalize(text[s:e])[0].casefold() for s, e in blocks]
    seen_count = Counter(block_keys)
    seen: set[str] = set()
    sentences: list[Sentence] = []
    for (b_start, b_end), key in zip(blocks, block_keys, strict=True):
        block_text = text[b_start:b_end]
        punctuated = _TERMINAL.search(block_text) is not None
        words = len(_WORD.findall(block_text))
        kind = SentenceKind.BODY
        if seen_count[key] > 1 and not punctuated and words <= cfg.max_heading_words:
            kind = SentenceKind.REPEATED
        elif not punctuated and words <= cfg.max_noise_words:
            kind = SentenceKind.BOILERPLATE
        elif not punctuated and words <= cfg.max_heading_words:
            kind = SentenceKind.HEADING
        elif key in seen and words <= cfg.max_heading_words:
            kind = SentenceKind.REPEATED
        seen.add(key)
        if kind is not SentenceKind.BODY:
            sentences.append(Sentence(b_start, b_end, normalize(block_text)[0], kind))
            continue
        for s_start, s_end in _sentence_spans(text, b_start, b_end):
            for p_start, p_end in _split_long(text, s_start, s_end, cfg.max_sentence_chars):
                norm = normalize(text[p_start:p_end])[0]
                if _WORD.search(norm):
                    sentences.append(Sentence(p_start, p_end, norm, SentenceKind.BODY))
    if not any(s.is_body for s in sentences):
        # A page made only of unpunctuated lines (a listing, a poem): those lines
        # are its content, not noise around it.
        sentences = [
            Sentence(s.start, s.end, s.text, SentenceKind.BODY) if s.kind is SentenceKind.HEADING else s
            for s in sentences
        ]
    return sentences
