"""The PAN text-alignment format: pairs files, detection XML, truth XML, corpus scores.

A PAN corpus (2012-2015) has ``src/``, ``susp/``, a ``pairs`` file of
``suspicious-documentXXXXX.txt source-documentYYYYY.txt`` lines, and per
obfuscation class a folder with its own ``pairs`` and one XML per pair::

    <document reference="suspicious-document00001.txt">
      <feature name="plagiarism" this_offset="10" this_length="200"
               source_reference="source-document00294.txt" source_offset="0" source_length="180"/>
    </document>

Detections use the same shape with ``name="detected-plagiarism"``, in one file
per pair named ``suspicious-documentXXXXX-source-documentYYYYY.xml``.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from retold.align import Alignment
from retold.comparison import Comparison
from retold.errors import InputError
from retold.evaluation.baselines import NgramConfig, ngram_stretches
from retold.evaluation.pan_filter import PassageFilter, passage_features, stretch_features
from retold.evaluation.pan_measures import Feature, Scores, overlaps, score
from retold.evaluation.pan_post import DetectionConfig, post_process

__all__ = [
    "CorpusScores",
    "PanConfig",
    "copy_detections",
    "detection_file",
    "detections_from",
    "ngram_candidates",
    "read_features",
    "read_pair",
    "read_pan_pairs",
    "score_corpus",
    "write_detections",
]

DETECTION = "detected-plagiarism"
CASE = "plagiarism"


@dataclass(frozen=True, slots=True)
class PanConfig:
    """Which aligned passages become PAN detections.

    PAN scores passages, not pairs: a short passage inside a long book leaves
    the pair's reuse probability low, so by default every pair reports its
    passages. Where the encoder has a fitted passage filter
    (:mod:`retold.evaluation.pan_filter`), a passage is reported when the
    filter's probability reaches ``min_probability``; otherwise it must hold two
    links of similarity 0.6 (chosen on a 300-pair PAN13-train sample;
    docs/benchmarks.md). With the two texts, stretches where the two share
    many word n-grams are reported too (``copies``: a copy whose words were
    shuffled or partly replaced keeps short runs of them, while its sentences'
    embeddings drift apart); with a fitted stretch filter, weaker such stretches
    are reported when the filter accepts them (``weak_seeds``,
    ``min_stretch_probability``). Everything reported is turned into detections
    by :func:`retold.evaluation.pan_post.post_process` (character bounds,
    merging, overlaps, summaries, edges with an edge filter, size; ``detections``).

    Attributes:
        min_score: only pairs whose reuse probability is at least this report passages
            (0 reports the passages of every pair).
        min_links: without a filter, a passage needs at least this many sentence links ...
        min_similarity: ... and at least this mean link similarity.
        min_probability: with a filter, the least probability of a reported passage.
        min_support_probability: a passage below ``min_probability`` but at least this
            is not reported, but may complete a summary (``pan_post``, step 5).
        find_copies: also report the stretches of shared word n-grams (``copies``).
        copies: what such a stretch needs (chosen on PAN13-train; docs/experiments.md).
        weak_seeds: with a stretch filter, stretches with at least this many seeds (but
            fewer than ``copies.min_seeds``) are judged by it ...
        min_stretch_probability: ... and reported from this probability on.
        detections: how reported passages become detections.
    """

    min_score: float = 0.0
    min_links: int = 2
    min_similarity: float = 0.6
    min_probability: float = 0.6
    min_support_probability: float = 0.3
    find_copies: bool = True
    copies: NgramConfig = field(default_factory=lambda: NgramConfig(n=3, min_seeds=10))
    weak_seeds: int = 4
    min_stretch_probability: float = 0.9
    detections: DetectionConfig = field(default_factory=DetectionConfig)


def read_pan_pairs(path: Path) -> tuple[list[tuple[str, str]], list[str]]:
    """Read a PAN ``pairs`` file: ``(pairs, problems)``; a malformed line is a problem, not an error.

    Raises:
        InputError: the file is missing, unreadable or holds no pair.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such pairs file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the pairs file: {exc}") from None
    pairs: list[tuple[str, str]] = []
    problems: list[str] = []
    seen: set[tuple[str, str]] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        fields = line.split()
        if not fields:
            continue
        if len(fields) != 2 or any("/" in f or "\\" in f for f in fields):
            problems.append(f"{path.name}, line {number}: expected two file names, got {line.strip()!r}")
            continue
        pair = (fields[0], fields[1])
        if pair not in seen:
            seen.add(pair)
            pairs.append(pair)
    if not pairs:
        raise InputError(f"{path}: no pairs in the file")
    return pairs, problems


def detection_file(suspicious: str, source: str) -> str:
    """``suspicious-document00001-source-document00002.xml`` for a pair of file names."""
    return f"{Path(suspicious).stem}-{Path(source).stem}.xml"


def detections_from(
    comparison: Comparison,
    config: PanConfig,
    alignment: Alignment | None = None,
    passage_filter: PassageFilter | None = None,
    texts: tuple[str, str] | None = None,
    stretch_filter: PassageFilter | None = None,
    edge_filter: PassageFilter | None = None,
) -> list[Feature]:
    """The passages of a comparison (``a`` suspicious, ``b`` source) that become detections.

    With ``passage_filter`` and the ``alignment`` the comparison was made from,
    the filter decides which passages are reported (and which, too weak for
    that, may still complete a summary); otherwise the rule of ``config``.
    With ``texts`` (the suspicious and the source text the
    comparison's offsets refer to), shared n-gram stretches are added
    (:func:`copy_detections`, judged by ``stretch_filter`` where weak) and the
    reported passages are post-processed into detections
    (``config.detections``, with ``edge_filter`` judging their ends); without,
    each passage is one detection.
    """
    if comparison.score < config.min_score:
        return []
    out = []
    judged: list[tuple[Feature, float]] = []
    support = []
    for passage in comparison.passages:
        (a_start, a_end), (b_start, b_end) = passage.a, passage.b
        found = Feature(comparison.a.id, a_start, a_end - a_start, comparison.b.id, b_start, b_end - b_start)
        if passage_filter is not None and alignment is not None:
            probability = passage_filter.probability(passage_features(passage, alignment))
            judged.append((found, probability))
            if probability < config.min_probability:
                if probability >= config.min_support_probability:
                    support.append(found)
                continue
        elif len(passage.links) < config.min_links or passage.similarity < config.min_similarity:
            continue
        out.append(found)
    if texts is not None:
        if config.find_copies:
            out += copy_detections(comparison.a.id, comparison.b.id, texts, config, stretch_filter, judged)
        out = post_process(out, texts[0], texts[1], config.detections, support, edge_filter)
    return out


def ngram_candidates(
    suspicious: str,
    source: str,
    texts: tuple[str, str],
    config: PanConfig,
    judged: Sequence[tuple[Feature, float]] | None = None,
) -> tuple[list[Feature], list[tuple[Feature, list[float]]]]:
    """The pair's stretches of shared word n-grams: ``(copies, weak)``.

    Copies hold ``config.copies.min_seeds`` seeds and are reported as they are.
    With ``judged`` (the pair's aligned passages with their passage-filter
    probabilities, for the ``aligned`` feature), the weak ones, with
    ``config.weak_seeds`` seeds or more, come with the stretch filter's
    features; without, there are none.
    """
    least = config.copies.min_seeds if judged is None else min(config.weak_seeds, config.copies.min_seeds)
    copies: list[Feature] = []
    weak: list[tuple[Feature, list[float]]] = []
    for stretch in ngram_stretches(*texts, dataclasses.replace(config.copies, min_seeds=least)):
        (a0, a1), (b0, b1) = stretch.a, stretch.b
        found = Feature(suspicious, a0, a1 - a0, source, b0, b1 - b0)
        if stretch.seeds >= config.copies.min_seeds:
            copies.append(found)
        elif judged is not None:
            aligned = max((p for passage, p in judged if overlaps(found, passage)), default=0.0)
            weak.append((found, stretch_features(stretch, *texts, aligned)))
    return copies, weak


def copy_detections(
    suspicious: str,
    source: str,
    texts: tuple[str, str],
    config: PanConfig,
    stretch_filter: PassageFilter | None = None,
    judged: Sequence[tuple[Feature, float]] = (),
) -> list[Feature]:
    """The stretches of shared word n-grams between the two texts, as detections before post-processing.

    A stretch with ``config.copies.min_seeds`` seeds is reported; with
    ``stretch_filter``, so is a weaker one (``config.weak_seeds`` seeds or more)
    that it gives ``config.min_stretch_probability`` (see :func:`ngram_candidates`).
    """
    if stretch_filter is None:
        return ngram_candidates(suspicious, source, texts, config)[0]
    copies, weak = ngram_candidates(suspicious, source, texts, config, judged)
    copies += [
        found
        for found, values in weak
        if stretch_filter.probability(values) >= config.min_stretch_probability
    ]
    return copies


def _document_xml(suspicious: str, features: Iterable[Feature], name: str) -> str:
    root = ET.Element("document", reference=suspicious)
    for f in features:
        ET.SubElement(
            root,
            "feature",
            name=name,
            this_offset=str(f.this_offset),
            this_length=str(f.this_length),
            source_reference=f.source,
            source_offset=str(f.source_offset),
            source_length=str(f.source_length),
        )
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write_detections(out_dir: Path, suspicious: str, source: str, features: Sequence[Feature]) -> Path:
    """Write one pair's detection XML atomically (a killed run never leaves half a file)."""
    path = out_dir / detection_file(suspicious, source)
    text = _document_xml(suspicious, features, DETECTION)
    handle, tmp = tempfile.mkstemp(dir=out_dir, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def read_features(path: Path, name: str) -> list[Feature]:
    """The ``<feature name=NAME>`` elements of one PAN XML file.

    Raises:
        InputError: the file is not well-formed PAN XML.
    """
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as exc:
        raise InputError(f"{path}: not readable PAN XML: {exc}") from None
    suspicious = root.get("reference")
    if root.tag != "document" or not suspicious:
        raise InputError(f"{path}: not PAN XML (expected <document reference=...>)")
    out = []
    for element in root.iter("feature"):
        if element.get("name") != name:
            continue
        try:
            out.append(
                Feature(
                    suspicious,
                    int(element.get("this_offset", "")),
                    int(element.get("this_length", "")),
                    element.get("source_reference", ""),
                    int(element.get("source_offset", "")),
                    int(element.get("source_length", "")),
                )
            )
        except ValueError:
            raise InputError(f"{path}: a feature lacks a numeric offset or length") from None
    return out


@dataclass(frozen=True, slots=True)
class CorpusScores:
    """PAN scores of one detection run against a corpus's truth."""

    classes: dict[str, Scores]  # per obfuscation class folder
    overall: Scores
    pairs: dict[str, int]  # pairs per class
    false_detections: dict[str, int]  # detections in pairs without a case, per class
    pairs_with_false_detections: dict[str, int]
    missing: int  # pairs of the corpus with no detection file at all
    dropped: int  # detections whose reference or source_reference does not name their pair

    def to_dict(self) -> dict[str, object]:
        return {
            "overall": self.overall.to_dict(),
            "classes": {
                name: {
                    **scores.to_dict(),
                    "pairs": self.pairs[name],
                    "false_detections": self.false_detections[name],
                    "pairs_with_false_detections": self.pairs_with_false_detections[name],
                }
                for name, scores in self.classes.items()
            },
            "missing_detection_files": self.missing,
            "dropped_detections": self.dropped,
        }


def read_pair(
    truth_folder: Path, detections_dir: Path, suspicious: str, source: str
) -> tuple[list[Feature], list[Feature] | None, int]:
    """One pair's cases, its detections (None without a detection file) and how many were dropped.

    A detection whose ``reference`` or ``source_reference`` does not name its
    pair is dropped, as the PAN evaluators do.

    Raises:
        InputError: an unreadable XML file.
    """
    name = detection_file(suspicious, source)
    truth = truth_folder / name
    cases = [c for c in (read_features(truth, CASE) if truth.is_file() else []) if c.source == source]
    found = detections_dir / name
    if not found.is_file():
        return cases, None, 0
    detections = read_features(found, DETECTION)
    named = [d for d in detections if (d.suspicious, d.source) == (suspicious, source)]
    return cases, named, len(detections) - len(named)


def score_corpus(
    truth_root: Path, detections_dir: Path, *, only: set[tuple[str, str]] | None = None
) -> CorpusScores:
    """Score a directory of detection XML against every class folder of a PAN corpus.

    Class folders are the subfolders of ``truth_root`` holding a ``pairs`` file.
    A pair without a detection file counts as a pair without detections; a
    detection whose ``reference`` or ``source_reference`` does not name its pair
    is dropped (as the PAN evaluators do) and counted. ``only`` restricts the
    scoring to those ``(suspicious, source)`` pairs (a run on a sample).

    Raises:
        InputError: no class folder, or an unreadable XML file.
    """
    folders = sorted(p for p in truth_root.iterdir() if p.is_dir() and (p / "pairs").is_file())
    if not folders:
        raise InputError(f"{truth_root}: no class folders (subfolders with a 'pairs' file)")
    if not detections_dir.is_dir():
        raise InputError(f"{detections_dir}: no such directory of detections")
    classes: dict[str, Scores] = {}
    pairs_count: dict[str, int] = {}
    false: dict[str, int] = {}
    false_pairs: dict[str, int] = {}
    all_cases: list[Feature] = []
    all_detections: list[Feature] = []
    missing = dropped = 0
    for folder in folders:
        pairs, _ = read_pan_pairs(folder / "pairs")
        if only is not None:
            pairs = [p for p in pairs if p in only]
        cases: list[Feature] = []
        detections: list[Feature] = []
        false[folder.name] = false_pairs[folder.name] = 0
        for suspicious, source in pairs:
            pair_cases, found, unnamed = read_pair(folder, detections_dir, suspicious, source)
            missing += found is None
            dropped += unnamed
            pair_detections = found or []
            if not pair_cases and pair_detections:
                false[folder.name] += len(pair_detections)
                false_pairs[folder.name] += 1
            cases += pair_cases
            detections += pair_detections
        classes[folder.name] = score(cases, detections)
        pairs_count[folder.name] = len(pairs)
        all_cases += cases
        all_detections += detections
    return CorpusScores(
        classes=classes,
        overall=score(all_cases, all_detections),
        pairs=pairs_count,
        false_detections=false,
        pairs_with_false_detections=false_pairs,
        missing=missing,
        dropped=dropped,
    )
