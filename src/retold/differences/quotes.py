"""Direct quotations and who they are attributed to, by rule.

A quotation is text between double quotation marks (straight or curly) of up
to 1,500 characters; a single quoted word counts too (the White House's word
"appalling" is what a rewrite changes). The speaker is read from the words around it: a
capitalised name next to a reporting verb ("said Marta Lindqvist", "Zelensky
told reporters", "according to the ministry"). Pronouns ("he said") name no
one. Written for English news; no model involved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from retold.fingerprints import content_terms

__all__ = ["Quote", "quotes", "same_speaker", "speaker", "words"]

_QUOTE = re.compile(r"“([^“”]{2,1500}?)”|\"([^\"\n]{2,1500}?)\"|„([^„“”]{2,1500}?)[“”]")
_VERBS = (
    r"said|says|told|tells|added|adds|stated|states|wrote|writes|commented|warned|insisted|"
    r"explained|announced|declared|noted|argued|claimed|asked|replied|tweeted|posted"
)
_NAME = r"(?:[A-Z][\w'’.-]+(?:\s+(?:de|van|von|bin|al|la|du)\b)?\s+){0,3}[A-Z][\w'’.-]+"
# After the verb the name may be split by a lower-case title: "said Rex chief
# operating officer Neville Howell" names Rex and Howell.
_AFTER_VERB = re.compile(
    rf"\b(?:{_VERBS}|according to)\s*,?\s+(?:the\s+)?({_NAME}(?:(?:\s+[a-z][\w-]*){{1,4}}\s+{_NAME})?)"
)
_BEFORE_VERB = re.compile(rf"({_NAME})(?:\s*,[^,]{{1,60}},)?\s+(?:has\s+|had\s+)?(?:{_VERBS})\b")
_TITLES = frozenset(
    [
        "president",
        "prime",
        "minister",
        "secretary",
        "spokesperson",
        "spokesman",
        "spokeswoman",
        "chief",
        "director",
        "mr",
        "mrs",
        "ms",
        "dr",
        "sen",
        "senator",
        "rep",
        "governor",
        "mayor",
        "general",
        "gen",
        "colonel",
        "officer",
        "official",
        "the",
        "a",
        "an",
    ]
)
_WORD = re.compile(r"[\w'’]+")
_NEXT = re.compile(r" [a-z][a-z-]*")  # the lower-case word right after a closing mark
_PRONOUNS = frozenset(["he", "she", "they", "it", "we", "i", "you", "this", "that"])


@dataclass(frozen=True, slots=True)
class Quote:
    """A quotation: the ``[start, end)`` of the quoted words (marks excluded) and their text."""

    start: int
    end: int
    text: str
    # A short quoted term used as a modifier (the "Halo" concept, a "canopy" design):
    # a label, not something anyone said.
    label: bool = False


def quotes(text: str) -> list[Quote]:
    """Every quotation in ``text``.

    Examples:
        >>> [q.text for q in quotes('He said: “It won’t help them.” Then "no".')]
        ['It won’t help them.', 'no']
    """
    out = []
    for match in _QUOTE.finditer(text):
        group = next(k for k, g in enumerate(match.groups(), start=1) if g is not None)
        inner = match.group(group)
        if _WORD.search(inner):
            following = _NEXT.match(text, match.end())
            noun_after = following is not None and bool(content_terms(following.group()))
            label = len(words(inner)) <= 3 and noun_after
            out.append(Quote(match.start(group), match.end(group), inner, label))
    return out


def words(text: str) -> list[str]:
    """Lower-cased words, apostrophes unified: what two quotations are compared on."""
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


def speaker(context: str) -> str | None:
    """Who a sentence attributes its quotation to, if named: the name's words, titles dropped.

    ``context`` is the sentence with the quotation itself blanked out. Two
    attributions name the same speaker when they share a word (``same_speaker``):
    "Najib Razak" and "Mr Najib" are one man.

    Examples:
        >>> speaker('The occupiers can only terrorise, said President Volodymyr Zelensky.')
        'volodymyr zelensky'
        >>> speaker('Marta Lindqvist, the regional director, said on Tuesday.')
        'marta lindqvist'
        >>> speaker('he said.') is None
        True
    """
    for pattern in (_AFTER_VERB, _BEFORE_VERB):
        match = pattern.search(context)
        if match:
            tokens = [t.removesuffix("'s") for t in _WORD.findall(match.group(1)) if t[0].isupper()]
            tokens = [t.lower() for t in tokens if t.lower() not in _TITLES | _PRONOUNS]
            if tokens:
                return " ".join(tokens)
    return None


def same_speaker(first: str, second: str) -> bool:
    """Whether two ``speaker`` results share a name word.

    Examples:
        >>> same_speaker("najib razak", "najib"), same_speaker("rex neville howell", "neville howell")
        (True, True)
        >>> same_speaker("zelensky", "peskov")
        False
    """
    return bool(set(first.split()) & set(second.split()))
