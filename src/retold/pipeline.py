"""The comparison pipeline: segment → represent → align → judge → differences.

A :class:`Pipeline` holds the loaded encoder and calibration, so a batch of
pairs loads the model once, and :meth:`Pipeline.represent` lets a caller embed
a document once and compare it with many others.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator

from retold.align import Alignment, Representation, align
from retold.comparison import Comparison, Side
from retold.config import PipelineConfig, user_calibration_dir
from retold.differences import differences as find_differences
from retold.documents import Document, Sentence
from retold.encoders import DEFAULT_MODEL, Encoder, load_encoder
from retold.errors import CalibrationError, InputError
from retold.fingerprints import content_terms
from retold.judge import Calibration, judge, load_calibration
from retold.text import english_share, segment

logger = logging.getLogger(__name__)

__all__ = ["Pipeline", "Represented"]

ENGLISH_MIN_SHARE = 0.12
ENGLISH_MIN_WORDS = 20


class Represented:
    """A document with its segments and representation, reusable across pairs."""

    __slots__ = ("document", "english", "representation", "segments")

    def __init__(
        self,
        document: Document,
        segments: list[Sentence],
        representation: Representation,
        english: float,
    ) -> None:
        self.document = document
        self.segments = segments
        self.representation = representation
        self.english = english


class Pipeline:
    """Compare documents with one loaded encoder and calibration.

    Examples:
        >>> pipe = Pipeline()
        >>> text = ("The council approved the new budget on Monday. It includes more money "
        ...         "for road repairs. The vote was seven to two.")
        >>> edited = text.replace("Monday", "Monday evening").replace("more", "extra")
        >>> pipe.compare(Document("a", text), Document("b", edited)).verdict
        'near_duplicate'
    """

    def __init__(
        self,
        config: PipelineConfig | None = None,
        *,
        encoder: Encoder | None = None,
        calibration: Calibration | None = None,
    ) -> None:
        self.config = config or PipelineConfig()
        self.encoder = encoder or load_encoder(self.config.model, threads=self.config.threads)
        self._warnings: tuple[str, ...] = ()
        if calibration is None:
            try:
                calibration = load_calibration(self.encoder.name, (user_calibration_dir(),))
            except CalibrationError as exc:
                if self.encoder.name == DEFAULT_MODEL:
                    raise
                calibration = load_calibration(DEFAULT_MODEL)
                self._warnings = (f"{exc}; scores use the calibration of '{DEFAULT_MODEL}' and may be off",)
        self.calibration = calibration

    def represent(self, document: Document) -> Represented:
        """Segment and embed one document.

        Raises:
            InputError: the document is empty, too large, or has no sentence of body text.
        """
        limit = self.config.limits.max_chars
        if len(document.text) > limit:
            raise InputError(
                f"{document.id}: {len(document.text):,} characters is more than the limit of "
                f"{limit:,} (set limits.max_chars to raise it, or split the document)"
            )
        if not document.text.strip():
            raise InputError(f"{document.id}: the document is empty")
        segments = segment(document.text, self.config.segment)
        body = tuple(s for s in segments if s.is_body)
        if not body:
            raise InputError(f"{document.id}: no sentence of body text (only headings or boilerplate)")
        texts = [s.text for s in body]
        embeddings = self.encoder.encode(texts)
        terms = tuple(tuple(content_terms(t)) for t in texts)
        return Represented(document, segments, Representation(body, embeddings, terms), english_share(texts))

    def _language_warnings(self, item: Represented) -> list[str]:
        words = sum(len(s.text.split()) for s in item.representation.sentences)
        if words >= ENGLISH_MIN_WORDS and item.english < ENGLISH_MIN_SHARE:
            return [
                f"{item.document.id} does not look like English text; the model "
                f"'{self.encoder.name}' is English-only, so this verdict is unreliable"
            ]
        return []

    def compare_represented(
        self, a: Represented, b: Represented, *, with_differences: bool = True
    ) -> Comparison:
        """Compare two documents already represented with this pipeline.

        ``with_differences=False`` skips quotes, numbers and names (the PAN
        interface needs only passages), leaving ``differences`` empty.
        """
        return self.compare_aligned(a, b, with_differences=with_differences)[0]

    def compare_aligned(
        self, a: Represented, b: Represented, *, with_differences: bool = True
    ) -> tuple[Comparison, Alignment]:
        """:meth:`compare_represented`, also returning the alignment with its similarity matrices."""
        alignment = align(a.representation, b.representation, self.config.align)
        judgement = judge(a.representation, b.representation, alignment, self.calibration)
        differences = (
            find_differences(a.representation, b.representation, alignment, a.document.text, b.document.text)
            if with_differences
            else []
        )
        warnings = list(self._warnings)
        warnings += self._language_warnings(a) + self._language_warnings(b)
        if a.document.text == b.document.text:
            warnings.append("the two documents are identical")
        comparison = Comparison(
            a=_side(a),
            b=_side(b),
            verdict=judgement.verdict,
            score=judgement.score,
            coverage_a=judgement.coverage_a,
            coverage_b=judgement.coverage_b,
            passages=alignment.passages,
            differences=tuple(differences),
            model=self.encoder.name,
            features=judgement.features,
            warnings=tuple(warnings),
        )
        return comparison, alignment

    def compare(self, a: Document, b: Document) -> Comparison:
        """Compare two documents."""
        return self.compare_represented(self.represent(a), self.represent(b))

    def compare_many(self, pairs: Iterable[tuple[Document, Document]]) -> Iterator[Comparison]:
        """Compare pairs lazily, embedding each distinct document object once."""
        cache: dict[int, Represented] = {}
        for a, b in pairs:
            for doc in (a, b):
                if id(doc) not in cache:
                    cache[id(doc)] = self.represent(doc)
            yield self.compare_represented(cache[id(a)], cache[id(b)])


def _side(item: Represented) -> Side:
    doc = item.document
    extracted = doc.metadata.get("extracted_from")
    return Side(
        id=doc.id,
        chars=doc.chars,
        sentences=len(item.representation.sentences),
        text=doc.text if extracted else None,
    )
