"""Numbers and quantities in a sentence, normalised so that equal amounts compare equal.

"2,000 kilometers", "2000 km" and "two thousand kilometres" are all 2000 km;
"a quarter of them" and "25%" are both 25 %; "a five-month-old campaign" is 5 months;
"$2.5bn", "2.5 billion dollars" and "US$2,500 million" are all 2.5e9 USD;
"40%", "40 percent" and "forty per cent" are all 40 %. Rules, not a model:
written for English news, documented in each pattern.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from retold.fingerprints import content_terms

__all__ = ["Quantity", "quantities"]

_SMALL = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "dozen": 12, "hundred": 100,
}  # fmt: skip
_SCALE = {
    "hundred": 1e2, "thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "m": 1e6,
    "billion": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12,
}  # fmt: skip
_UNITS = {
    "%": "%", "percent": "%", "per cent": "%", "percentage points": "pp",
    "km": "km", "kilometer": "km", "kilometers": "km", "kilometre": "km", "kilometres": "km",
    "mile": "mi", "miles": "mi", "mi": "mi",
    "metre": "m", "metres": "m", "meter": "m", "meters": "m",
    "kg": "kg", "kilogram": "kg", "kilograms": "kg", "tonne": "t", "tonnes": "t", "ton": "t", "tons": "t",
    "dollar": "USD", "dollars": "USD", "euro": "EUR", "euros": "EUR", "pound": "GBP", "pounds": "GBP",
    "yen": "JPY", "rubles": "RUB", "roubles": "RUB", "hryvnias": "UAH",
    "second": "s", "seconds": "s", "minute": "min", "minutes": "min", "hour": "h", "hours": "h",
    "day": "day", "days": "day", "week": "week", "weeks": "week", "month": "month", "months": "month",
    "year": "year", "years": "year",
}  # fmt: skip
_CURRENCY = {"$": "USD", "us$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}

_FRACTIONS = {"half": 50.0, "a third": 100 / 3, "one third": 100 / 3, "a quarter": 25.0, "one quarter": 25.0,
              "three quarters": 75.0, "two thirds": 200 / 3}  # fmt: skip
_FRACTION = re.compile(
    r"\b(?P<fraction>" + "|".join(sorted(_FRACTIONS, key=len, reverse=True)) + r")\s+of\b", re.IGNORECASE
)
# "6 1/2 games", "6½": a whole number and a simple fraction are one amount.
_MIXED = re.compile(r"(?<![\w.,/])(?P<n>\d+)(?:\s+(?P<num>[1-7])/(?P<den>[2348])(?![\w/])|(?P<glyph>[½⅓¼¾]))")
_GLYPHS = {"½": 0.5, "⅓": 1 / 3, "¼": 0.25, "¾": 0.75}
_CLOCK = re.compile(r"(?<![\w:])(?P<h>\d{1,2}):(?P<m>\d{2})(?![\w:])")  # 7:37, 13:17
_ORDINAL = re.compile(r"(?<![\w.,])(?P<n>\d+)(?:st|nd|rd|th)\b", re.IGNORECASE)  # 17th, 2nd
_ARTICLE = re.compile(r"\b(?:an?|one)\s+(?P<scale>dozen|hundred|thousand|million|billion)\b", re.IGNORECASE)
_ARTICLE_VALUES = {"dozen": 12.0, "hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9}
_WORD_NUMBER = "|".join(sorted(_SMALL, key=len, reverse=True))
# Most sentences hold no number: one cheap search decides whether the patterns below run.
_ANY_NUMBER = re.compile(
    rf"\d|\b(?:{_WORD_NUMBER}|half|thirds?|quarters?|thousand|million|billion)\b", re.IGNORECASE
)
_URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|org|net|co|ly|io)/\S*", re.IGNORECASE)
_SCALE_WORD = "|".join(sorted(_SCALE, key=len, reverse=True))
_UNIT_WORD = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))
_PATTERN = re.compile(
    rf"""
    (?P<currency>US\$|\$|€|£|¥)?\s?
    (?:
        (?P<digits>(?<![\w.,])\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|(?<![\w.,])\d+(?:\.\d+)?)
      | (?P<words>\b(?:{_WORD_NUMBER})(?:[\s-](?:{_WORD_NUMBER}))*\b)
    )
    (?:\s?(?P<scale>(?:{_SCALE_WORD})\b))?
    (?:[\s-]?(?P<unit>(?:{_UNIT_WORD})(?!\w|-(?!old\b|long\b))))?
    """,
    re.IGNORECASE | re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number found in a text: ``[start, end)`` offsets, its value and canonical unit ("" if none)."""

    start: int
    end: int
    value: float
    unit: str
    text: str
    # The content words after it up to the clause's end (at most five, stemmed):
    # the first is usually what a unit-less number counts.
    nouns: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[float, str]:
        return (round(self.value, 6), self.unit)


def _words_value(words: str) -> float | None:
    total, current = 0.0, 0.0
    for word in re.split(r"[\s-]+", words.lower()):
        if word == "hundred":
            current = max(current, 1.0) * 100
        elif word in _SMALL:
            current += _SMALL[word]
        else:
            return None
    return total + current


def quantities(text: str) -> list[Quantity]:
    """Every number in ``text`` with its unit, in order.

    Examples:
        >>> [(q.value, q.unit) for q in quantities("It flew 2,000 kilometers, or two thousand km.")]
        [(2000.0, 'km'), (2000.0, 'km')]
        >>> [(q.value, q.unit) for q in quantities("a $2.5bn deal, up 40 per cent")]
        [(2500000000.0, 'USD'), (40.0, '%')]
        >>> [q.value for q in quantities("ahead by 6 1/2 games, or 6½")]
        [6.5, 6.5]
    """
    if not _ANY_NUMBER.search(text):
        return []
    out = []
    for match in _FRACTION.finditer(text):  # "a quarter of them" is 25 %
        word = match.group("fraction")
        out.append(Quantity(match.start(), match.start() + len(word), _FRACTIONS[word.lower()], "%", word))
    for match in _MIXED.finditer(text):
        glyph = match.group("glyph")
        part = _GLYPHS[glyph] if glyph else int(match.group("num")) / int(match.group("den"))
        out.append(Quantity(match.start(), match.end(), int(match.group("n")) + part, "", match.group()))
    for match in _CLOCK.finditer(text):  # a time or a game clock is one amount
        minutes = float(int(match.group("h")) * 60 + int(match.group("m")))
        out.append(Quantity(match.start(), match.end(), minutes, "clock", match.group()))
    for match in _ORDINAL.finditer(text):  # an ordinal is a rank, not a count
        out.append(Quantity(match.start(), match.end(), float(match.group("n")), "ordinal", match.group()))
    for match in _ARTICLE.finditer(text):  # "a thousand particles", "a dozen drones"
        value = _ARTICLE_VALUES[match.group("scale").lower()]
        out.append(Quantity(match.start(), match.end(), value, "", match.group()))
    taken = [(q.start, q.end) for q in out]
    taken += [match.span() for match in _URL.finditer(text)]  # "t.co/6QT8m5": not a number
    for match in _PATTERN.finditer(text):
        if any(start < match.end() and match.start() < end for start, end in taken):
            continue
        if match.group("digits"):
            value = float(match.group("digits").replace(",", ""))
        else:
            words = match.group("words")
            if words.lower() in ("one",) and not (match.group("unit") or match.group("scale")):
                continue  # "one of the", "no one": rarely a quantity
            parsed = _words_value(words)
            if parsed is None:
                continue
            value = parsed
        scale = (match.group("scale") or "").lower()
        unit_word = (match.group("unit") or "").lower()
        currency = _CURRENCY.get((match.group("currency") or "").lower(), "")
        if scale in ("m", "b", "k") and not currency:
            # "5m" is five metres as often as five million: only money takes the short scales.
            if scale == "m" and not unit_word:
                unit_word = "metre"
            scale = ""
        value *= _SCALE.get(scale, 1.0)
        unit = currency or _UNITS.get(unit_word, "")
        start = min(match.start(g) for g in ("currency", "digits", "words") if match.group(g))
        end = max(match.end(g) for g in ("digits", "words", "scale", "unit") if match.group(g))
        out.append(Quantity(start, end, value, unit, text[start:end]))
    return sorted((_with_noun(q, text) for q in out), key=lambda q: q.start)


_CLAUSE_END = re.compile(r"[.,;:()\[\]!?\"“”]|\s-\s|\d")
_NOUN_WINDOW = 80


def _with_noun(quantity: Quantity, text: str) -> Quantity:
    after = text[quantity.end : quantity.end + _NOUN_WINDOW]
    stop = _CLAUSE_END.search(after)
    nouns = tuple(content_terms(after[: stop.start()] if stop else after)[:5])
    return Quantity(quantity.start, quantity.end, quantity.value, quantity.unit, quantity.text, nouns)
