"""Compare corresponding sentences: numbers, names, quotations; then what has no counterpart."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from retold.align import Alignment, Passage, Representation
from retold.differences._unmatched import Difference, DifferenceType, linked_rows, unmatched
from retold.differences.entities import Entity, capitalised_inside, entities, mentions, word_set
from retold.differences.quantities import Quantity, quantities
from retold.differences.quotes import Quote, quotes, same_speaker, speaker, words
from retold.fingerprints import content_terms
from retold.graph import edge_groups

Span = tuple[int, int]
# A quotation is turned into indirect speech only if its counterpart keeps at least
# this share of its content words; otherwise the counterpart says something else.
_INDIRECT_SHARE = 0.2


class _Found(Protocol):
    """Something found in a sentence, with offsets into it."""

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


T = TypeVar("T", bound=_Found)


@dataclass(frozen=True, slots=True)
class _Side:
    """One document as the comparisons read it: each sentence's numbers and names, found once."""

    rep: Representation
    text: str
    linked: frozenset[int]
    numbers: tuple[list[tuple[Span, Quantity]], ...]  # per body sentence
    names: tuple[list[tuple[Span, Entity]], ...]
    words: tuple[frozenset[str], ...]  # per body sentence, as mentions() compares them
    body_words: frozenset[str]

    @classmethod
    def of(cls, rep: Representation, text: str, linked: set[int]) -> _Side:
        known = capitalised_inside([s.text for s in rep.sentences])
        rows = range(len(rep.sentences))
        words = tuple(word_set(s.text) for s in rep.sentences)
        return cls(
            rep=rep,
            text=text,
            linked=frozenset(linked),
            numbers=tuple(_located(rep, text, row, quantities) for row in rows),
            names=tuple(_located(rep, text, row, lambda s: entities(s, known)) for row in rows),
            words=words,
            body_words=frozenset().union(*words),
        )

    def numbers_in(self, rows: Iterable[int]) -> list[tuple[Span, Quantity]]:
        return [found for row in rows for found in self.numbers[row]]

    def names_in(self, rows: Iterable[int]) -> list[tuple[Span, Entity]]:
        return [found for row in rows for found in self.names[row]]

    def words_in(self, rows: Iterable[int]) -> frozenset[str]:
        return frozenset().union(*(self.words[row] for row in rows))


def _components(passage: Passage) -> list[tuple[list[int], list[int]]]:
    """Groups of sentences joined by links (a merge links one sentence to two)."""
    edges = [(("a", link.a_index), ("b", link.b_index)) for link in passage.links]
    return [
        (sorted({edges[e][0][1] for e in members}), sorted({edges[e][1][1] for e in members}))
        for members in edge_groups(edges)
    ]


def _located(
    rep: Representation, text: str, row: int, extract: Callable[[str], list[T]]
) -> list[tuple[Span, T]]:
    """What ``extract`` finds in one sentence, with spans into the whole text."""
    sentence = rep.sentences[row]
    found = extract(text[sentence.start : sentence.end])
    return [((sentence.start + item.start, sentence.start + item.end), item) for item in found]


def _numbers(
    a: _Side,
    b: _Side,
    a_rows: list[int],
    b_rows: list[int],
    stated: dict[str, set[tuple[float, str]]],
) -> list[Difference]:
    """Numbers of linked sentences: changed (paired by unit) or missing.

    A number missing from the counterpart but stated elsewhere in the other text
    (``stated``: every amount of each side) moved rather than went missing.
    """
    left = a.numbers_in(a_rows)
    unpaired_right = b.numbers_in(b_rows)
    unpaired_left: list[tuple[Span, Quantity]] = []
    for span, q in left:
        match = next((r for r in unpaired_right if r[1].key == q.key), None)
        if match is None:
            unpaired_left.append((span, q))
        else:
            unpaired_right.remove(match)
    out = []
    for span, q in unpaired_left:
        # A change needs a unit to pair on, or, without one, the same counted word:
        # "nine civilians" against "eight civilians"; "19 games" against "three goals" is no change.
        same_unit = [r for r in unpaired_right if r[1].unit == q.unit and (q.unit or _counts_same(q, r[1]))]
        if same_unit:
            other = same_unit[0]
            unpaired_right.remove(other)
            o = other[1]
            out.append(Difference("number_changed", span, other[0], q.text, o.text, f"{q.text} → {o.text}"))
        elif q.key not in stated["b"]:
            out.append(Difference("number_missing", span, None, q.text, None, f"{q.text} is only in A"))
    for span, o in unpaired_right:
        if o.key not in stated["a"]:
            out.append(Difference("number_missing", None, span, None, o.text, f"{o.text} is only in B"))
    return out


def _counts_same(first: Quantity, second: Quantity) -> bool:
    """Whether two unit-less numbers count the same thing: the word one counts is near the other.

    "six planes" and "five Regional Express passenger planes" both count planes;
    "19 games this season" and "three goals this season" do not.
    """
    return bool(
        (first.nouns and first.nouns[0] in second.nouns) or (second.nouns and second.nouns[0] in first.nouns)
    )


def _entity_differences(a: _Side, b: _Side, alignment: Alignment) -> list[Difference]:
    all_a = a.names_in(range(len(a.rep.sentences)))
    all_b = b.names_in(range(len(b.rep.sentences)))
    names_a, names_b = [e for _, e in all_a], [e for _, e in all_b]
    out: list[Difference] = []
    reported: dict[str, list[frozenset[str]]] = {"a": [], "b": []}

    def seen(side: str, entity: Entity) -> bool:
        # "Neal" after "James Neal"; but "Pacific Division" after "Central Division" is new.
        return any(entity.head <= key or key <= entity.key for key in reported[side])

    for passage in alignment.passages:
        a_rows = sorted({link.a_index for link in passage.links})
        b_rows = sorted({link.b_index for link in passage.links})
        here_a, here_b = a.names_in(a_rows), b.names_in(b_rows)
        for side, mine, theirs, their_words, everywhere, body_words in (
            ("a", here_a, here_b, b.words_in(b_rows), names_b, b.body_words),
            ("b", here_b, here_a, a.words_in(a_rows), names_a, a.body_words),
        ):
            their_names = [e for _, e in theirs]
            for span, entity in mine:
                if seen(side, entity) or mentions(entity, their_names, their_words):
                    continue
                if mentions(entity, everywhere, body_words):
                    continue  # named elsewhere in the other text: moved, not missing
                reported[side].append(entity.key)
                other = "B" if side == "a" else "A"
                detail = f"{entity.text} is in an aligned passage but nowhere in {other}"
                out.append(_one_sided("entity_missing", side, span, entity.text, detail))
    for side, mine, everywhere, body_words in (
        ("a", all_a, names_b, b.body_words),
        ("b", all_b, names_a, a.body_words),
    ):
        for span, entity in mine:
            if seen(side, entity) or mentions(entity, everywhere, body_words):
                continue
            reported[side].append(entity.key)
            other = "B" if side == "a" else "A"
            out.append(
                _one_sided("entity_missing", side, span, entity.text, f"{entity.text} is not in {other}")
            )
    return out


def _one_sided(kind: DifferenceType, side: str, span: Span, text: str, detail: str) -> Difference:
    if side == "a":
        return Difference(kind, span, None, text, None, detail)
    return Difference(kind, None, span, None, text, detail)


def _trimmed(first: list[str], second: list[str]) -> bool:
    """Whether one quotation is a contiguous run of the other's words (quoted in part, not altered)."""
    short, long = sorted((first, second), key=len)
    if not short:
        return True
    return any(long[k : k + len(short)] == short for k in range(len(long) - len(short) + 1))


def _context(rep: Representation, text: str, rows: list[int], quote: Quote) -> str:
    """The sentences around a quotation, the quotation itself blanked out."""
    start, end = rep.sentences[rows[0]].start, rep.sentences[rows[-1]].end
    return text[start : quote.start] + " " * (quote.end - quote.start) + text[quote.end : end]


def _speaker_change(
    a: Representation,
    b: Representation,
    a_text: str,
    b_text: str,
    quote: Quote,
    rows: list[int],
    other: Quote,
    other_rows: list[int],
) -> list[Difference]:
    context_a, context_b = _context(a, a_text, rows, quote), _context(b, b_text, other_rows, other)
    who_a, who_b = speaker(context_a), speaker(context_b)
    if not (who_a and who_b) or same_speaker(who_a, who_b):
        return []
    if set(who_a.split()) & set(words(context_b)) or set(who_b.split()) & set(words(context_a)):
        return []  # both sentences name both people: the attribution was read from the wrong clause
    return [
        Difference(
            "quote_speaker_changed",
            (quote.start, quote.end),
            (other.start, other.end),
            quote.text,
            other.text,
            f"attributed to {who_a} in A, to {who_b} in B",
        )
    ]


def _quote_differences(
    a: Representation, b: Representation, a_text: str, b_text: str, alignment: Alignment
) -> list[Difference]:
    links_ab: dict[int, set[int]] = defaultdict(set)
    links_ba: dict[int, set[int]] = defaultdict(set)
    for link in alignment.links:
        links_ab[link.a_index].add(link.b_index)
        links_ba[link.b_index].add(link.a_index)

    def placed(rep: Representation, text: str) -> list[tuple[Quote, list[int]]]:
        out = []
        for quote in quotes(text):
            rows = [k for k, s in enumerate(rep.sentences) if s.start < quote.end and quote.start < s.end]
            if rows:
                out.append((quote, rows))
        return out

    quotes_a, quotes_b = placed(a, a_text), placed(b, b_text)
    used_b: set[int] = set()
    out: list[Difference] = []
    # The same words in quotation marks on both sides (whole or in part) are the same
    # quotation wherever the aligner put their sentences.
    verbatim: dict[int, int] = {}
    for n, (quote, _) in enumerate(quotes_a):
        mine_words = words(quote.text)
        for k, (other, _) in enumerate(quotes_b):
            theirs_words = words(other.text)
            if k in used_b or min(len(mine_words), len(theirs_words)) < 2:
                continue
            if _trimmed(mine_words, theirs_words):
                verbatim[n] = k
                used_b.add(k)
                break
    for n, (quote, rows) in enumerate(quotes_a):
        if n in verbatim:
            other, other_rows = quotes_b[verbatim[n]]
            out += _speaker_change(a, b, a_text, b_text, quote, rows, other, other_rows)
            continue
        partners = sorted(set().union(*(links_ab[r] for r in rows)))
        if not partners:
            if len(words(quote.text)) > 1:
                out.append(
                    _one_sided(
                        "quote_dropped", "a", (quote.start, quote.end), quote.text, "quotation only in A"
                    )
                )
            continue
        candidates = [
            (k, q, r) for k, (q, r) in enumerate(quotes_b) if set(r) & set(partners) and k not in used_b
        ]
        mine = set(words(quote.text))
        best = max(
            candidates,
            key=lambda c: len(mine & set(words(c[1].text))) / max(1, len(mine | set(words(c[1].text)))),
            default=None,
        )
        if best is not None:
            theirs = set(words(best[1].text))
            shared = len(mine & theirs) / max(1, len(mine | theirs))
            quoted_in_part = _trimmed(words(quote.text), words(best[1].text))
            short_pair = (
                len(candidates) == 1
                and max(len(mine), len(theirs)) <= 6
                and not (quote.label or best[1].label)
            )
            if shared < 0.3 and not quoted_in_part and not short_pair:
                # Unrelated quotations in corresponding sentences (a title, a nickname):
                # only a short one facing a short one is the same quotation reworded.
                best = None
        if best is None:
            if len(mine) < 2:
                continue  # a quoted word or gloss ("dagger") that B simply does not quote
            start, end = b.sentences[partners[0]].start, b.sentences[partners[-1]].end
            said = set(content_terms(quote.text))
            if said and len(said & set(content_terms(b_text[start:end]))) < _INDIRECT_SHARE * len(said):
                # Indirect speech keeps some of the words; a counterpart without them
                # reports something else, and the quotation is simply gone.
                out.append(
                    _one_sided(
                        "quote_dropped", "a", (quote.start, quote.end), quote.text, "quotation only in A"
                    )
                )
                continue
            out.append(
                Difference(
                    "quote_to_indirect",
                    (quote.start, quote.end),
                    (start, end),
                    quote.text,
                    b_text[start:end],
                    "quoted in A, reported without quotation marks in B",
                )
            )
            continue
        k, other, other_rows = best
        used_b.add(k)
        if words(quote.text) != words(other.text) and not _trimmed(words(quote.text), words(other.text)):
            out.append(
                Difference(
                    "quote_altered",
                    (quote.start, quote.end),
                    (other.start, other.end),
                    quote.text,
                    other.text,
                    "the quotation's words differ",
                )
            )
        out += _speaker_change(a, b, a_text, b_text, quote, rows, other, other_rows)
    for k, (quote, rows) in enumerate(quotes_b):
        if k in used_b:
            continue
        partners = sorted(set().union(*(links_ba[r] for r in rows)))
        if len(words(quote.text)) < 2:
            continue  # an unpaired quoted word: emphasis or a gloss, not a quotation to report
        if not partners:
            out.append(
                _one_sided("quote_added", "b", (quote.start, quote.end), quote.text, "quotation only in B")
            )
            continue
        start, end = a.sentences[partners[0]].start, a.sentences[partners[-1]].end
        out.append(
            Difference(
                "quote_from_indirect",
                (start, end),
                (quote.start, quote.end),
                a_text[start:end],
                quote.text,
                "reported without quotation marks in A, quoted in B",
            )
        )
    return out


def _unlinked_numbers(a: _Side, b: _Side, stated: dict[str, set[tuple[float, str]]]) -> list[Difference]:
    """Numbers in sentences with no counterpart that the other text never states."""
    out = []
    for side, mine, other_side in (("a", a, "b"), ("b", b, "a")):
        free = [k for k in range(len(mine.rep.sentences)) if k not in mine.linked]
        other = other_side.upper()
        for span, q in mine.numbers_in(free):
            if q.key not in stated[other_side]:
                detail = f"{q.text} is not in {other} (in a sentence with no counterpart)"
                out.append(_one_sided("number_missing", side, span, q.text, detail))
    return out


def differences(
    a: Representation, b: Representation, alignment: Alignment, a_text: str, b_text: str
) -> list[Difference]:
    """Every difference between two aligned texts, in reading order of A then B."""
    linked_a, linked_b = linked_rows(alignment)
    side_a, side_b = _Side.of(a, a_text, linked_a), _Side.of(b, b_text, linked_b)
    stated = {
        name: {q.key for _, q in side.numbers_in(range(len(side.rep.sentences)))}
        for name, side in (("a", side_a), ("b", side_b))
    }
    out: list[Difference] = []
    for passage in alignment.passages:
        for a_rows, b_rows in _components(passage):
            out += _numbers(side_a, side_b, a_rows, b_rows, stated)
    out += _unlinked_numbers(side_a, side_b, stated)
    out += _quote_differences(a, b, a_text, b_text, alignment)
    out += _entity_differences(side_a, side_b, alignment)
    out += unmatched(a, b, alignment, a_text, b_text)
    return sorted(out, key=lambda d: (d.a or (len(a_text), 0), d.b or (0, 0), d.type))
