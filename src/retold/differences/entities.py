"""Names of people, places and organisations, by rule (no model ships on PyPI for this).

A name is a run of capitalised words, joined by a few lower-case particles
("Bank of England", "Ibn al-Khattab"). A single capitalised word that opens a
sentence counts only if the document also capitalises it inside a sentence
("Moscow said" counts when "in Moscow" occurs; "Defiance and disgust" does
not) or an appositive follows it ("Ukrenergo, the power company, said");
months, weekdays and a few title words alone are not names. spaCy's
statistical models would do better but install only from GitHub releases,
not PyPI, so rules it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Entity", "capitalised_inside", "entities", "mentions", "word_set"]

_RUN = re.compile(
    r"(?<![\w’'])[A-Z][\w’'.&-]*(?:(?:\s+(?:of|for|the|de|del|da|van|von|bin|al|la|le|du|and)){0,2}\s+[A-Z][\w’'.&-]*)*"
)
_NOT_NAMES = frozenset(
    [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "gmt",
        "utc",
        "bst",
        "cet",
        "est",
        "edt",
        "pst",
        "pdt",
        "i",
        "a",
        "an",
        "the",
        "this",
        "that",
        "these",
        "those",
        "it",
        "its",
        "he",
        "she",
        "they",
        "we",
        "you",
        "his",
        "her",
        "their",
        "our",
        "mr",
        "mrs",
        "ms",
        "dr",
        "president",
        "minister",
        "but",
        "and",
        "or",
        "if",
        "in",
        "on",
        "at",
        "for",
        "from",
        "by",
        "with",
        "as",
        "after",
        "before",
        "while",
        "when",
        "where",
        "what",
        "who",
        "why",
        "how",
        "however",
    ]
)
_WORD = re.compile(r"[\w’']+")
_PARTICLE = re.compile(r"\s+(?:of|for|the|de|del|da|van|von|bin|al|la|le|du)\s+")


@dataclass(frozen=True, slots=True)
class Entity:
    """A name: ``[start, end)`` offsets, its text, and the words that identify it."""

    start: int
    end: int
    text: str
    key: frozenset[str]
    head: frozenset[str]  # the words before a joining particle: "Prigozhin" of "Prigozhin of Russia"


def _norm(token: str) -> str:
    token = token.lower().replace("’", "'").removesuffix("'s")
    return token[:-1] if len(token) > 4 and token.endswith("s") else token  # Kinzhals ~ Kinzhal


def _key(text: str) -> frozenset[str]:
    compact = text.replace(".", "")
    if compact.isupper() and 1 < len(compact) <= 8 and " " not in compact:
        return frozenset({compact.lower()}) - _NOT_NAMES  # U.S., UN, NATO; not GMT
    tokens = [_norm(t) for t in _WORD.findall(text)]
    return frozenset(t for t in tokens if t not in _NOT_NAMES and len(t) > 1)


def capitalised_inside(sentences: list[str]) -> frozenset[str]:
    """Lower-cased words that some sentence capitalises after its first word."""
    found = set()
    for sentence in sentences:
        for match in _WORD.finditer(sentence):
            if (
                match.start() > 0
                and match.group()[0].isupper()
                and sentence[: match.start()].strip(" “\"'‘(")
            ):
                found.add(match.group().lower().replace("’", "'").removesuffix("'s"))
    return frozenset(found)


_APPOSITIVE = re.compile(r",\s+(?:the|a|an)\s")  # "Ukrenergo, the power company, said"
_POSSESSIVE_BREAK = re.compile(r"(?<=[’'])\s+|(?<=[’']s)\s+")


def _runs(sentence: str) -> list[tuple[int, str]]:
    """Runs of capitalised words with their offsets, cut where one name ends and another begins.

    Cuts come after a possessive ("White Horse Pictures’ Nigel Sinclair") and at an
    "and" between two names of several words ("Jayson Jackson and White Horse
    Pictures"), but not inside one name ("News and Views", "Health Metrics and Evaluation").
    """
    out = []
    for match in _RUN.finditer(sentence):
        start = match.start()
        for part in _POSSESSIVE_BREAK.split(match.group()):
            left, joiner, right = part.partition(" and ")
            if joiner and len(left.split()) > 1 and len(right.split()) > 1:
                out.append((start, left))
                out.append((start + len(left) + len(joiner), right))
            else:
                out.append((start, part))
            start += len(part)
            start += len(sentence[start:]) - len(sentence[start:].lstrip())
    return out


def entities(sentence: str, known: frozenset[str]) -> list[Entity]:
    """Names in one sentence; ``known``: words the document capitalises inside sentences.

    Examples:
        >>> sentence = "Moscow confirmed a strike near Kharkiv, said Oleg Zhdanov."
        >>> [e.text for e in entities(sentence, frozenset({"moscow"}))]
        ['Moscow', 'Kharkiv', 'Oleg Zhdanov']
        >>> [e.text for e in entities("Defiance met the blitz.", frozenset())]
        []
    """
    out = []
    for run_start, raw in _runs(sentence):
        text = raw.rstrip("’'")
        if text.endswith(".") and "." not in text[:-1]:
            text = text[:-1]  # a full stop, not the end of an abbreviation such as U.S.
        for suffix in ("’s", "'s"):
            text = text.removesuffix(suffix)
        first = text.split()[0].lower()
        at_start = not sentence[:run_start].strip(" “\"'‘(")
        appositive = _APPOSITIVE.match(sentence, run_start + len(text)) is not None
        if len(text.split()) == 1 and at_start and first.replace("’", "'") not in known and not appositive:
            continue
        if at_start and len(text.split()) > 1 and (first in _NOT_NAMES or first not in known):
            # "Engineer Sofia Brandt said", "The White House": an opening word that is
            # capitalised only because it opens the sentence is not part of the name.
            drop = len(text.split()[0]) + 1
            text = text[drop:]
            start = run_start + drop
        else:
            start = run_start
        key = _key(text)
        if not key:
            continue
        head = _key(_PARTICLE.split(text)[0]) or key
        out.append(Entity(start, start + len(text), text, key, head))
    return out


def _initials(entity: Entity) -> str:
    """Initials of a name of several words: United States -> us, University of ... -> u...sf."""
    words = [w for w in _WORD.findall(entity.text) if w[0].isupper()]
    return "".join(w[0] for w in words).lower() if len(words) > 1 else ""


def _acronym(entity: Entity) -> str:
    """An acronym in lower case (U.S. -> us, UCSF -> ucsf), or "" for an ordinary word."""
    compact = entity.text.replace(".", "").replace(" ", "")
    return compact.lower() if compact.isupper() and 1 < len(compact) <= 8 else ""


def word_set(text: str) -> frozenset[str]:
    """A text's words as :func:`mentions` compares them (lower case, no possessive, singular)."""
    return frozenset(_norm(t) for t in _WORD.findall(text))


def mentions(entity: Entity, others: list[Entity], other_words: frozenset[str]) -> bool:
    """Whether a text (its names ``others``, its :func:`word_set`) mentions ``entity``.

    It does when one of its names shares a word with the entity's head, or when
    its words include, in any case, the head's last word (a surname: "Lindqvist
    said" mentions Marta Lindqvist) or all of the head's words.
    """
    if any(entity.head & other.key for other in others):
        return True
    initials, acronym = _initials(entity), _acronym(entity)
    for other in others:  # U.S. and United States, UCSF and University of California San Francisco
        if (initials and initials == _acronym(other)) or (acronym and acronym == _initials(other)):
            return True
    last = _key(_PARTICLE.split(entity.text)[0].split()[-1])
    return entity.head <= other_words or bool(last and last <= other_words)
