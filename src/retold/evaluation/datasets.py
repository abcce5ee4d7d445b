"""Labelled document pairs from the development data (read from paths the caller gives).

Nothing here is bundled: the corpora are research-licensed and stay outside
the repository. Metadata that gives the answer away (``date``, ``source``,
``author``, ``gpt_feature``) is stripped, and documents get ids of our own.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from retold.documents import Document

__all__ = ["LabelledPair", "ai_news_pairs", "pan_pairs"]

REWRITE, SAME_STORY, UNRELATED, PARTIAL, NO_REUSE = (
    "rewrite",
    "same_story",
    "unrelated",
    "partial_reuse",
    "no_reuse",
)


@dataclass(frozen=True, slots=True)
class LabelledPair:
    a: Document
    b: Document
    label: str  # one of the constants above
    is_reuse: bool
    group: str  # for grouped cross-validation (family or source document)


def ai_news_pairs(path: Path, *, seed: int = 0) -> list[LabelledPair]:
    """Original vs rephrased (reuse), vs written-from-headline (same story), vs another family.

    Rewrites are about a third of the original's length; the written-from-headline
    texts are longer. Callers should report a length-only baseline beside results.
    """
    families: dict[int, dict[str, str]] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            kind = row["source"] if row["source"].startswith(("rephrase", "generated")) else "original"
            families.setdefault(int(row["family_id"]), {})[kind] = row["text"]
    rng = random.Random(seed)
    ids = sorted(families)
    pairs = []
    for n, fid in enumerate(ids):
        texts = families[fid]
        original = Document(f"f{n:03d}-o", texts["original"])
        for kind, label, reuse in (
            ("rephrase_base", REWRITE, True),
            ("rephrase_expert", REWRITE, True),
            ("generated_base", SAME_STORY, False),
            ("generated_expert", SAME_STORY, False),
        ):
            if kind in texts:
                other = Document(f"f{n:03d}-{kind[0]}{kind.split('_')[1][0]}", texts[kind])
                pairs.append(LabelledPair(original, other, label, reuse, f"f{n:03d}"))
        other_fid = rng.choice([f for f in ids if f != fid])
        other_n = ids.index(other_fid)
        stranger = Document(f"f{other_n:03d}-o", families[other_fid]["original"])
        pairs.append(LabelledPair(original, stranger, UNRELATED, False, f"f{n:03d}"))
    return pairs


def _read(path: Path) -> str:
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        return handle.read()


def pan_pairs(root: Path, classes: dict[str, int], *, seed: int = 0) -> Iterator[LabelledPair]:
    """A sample of PAN13 pairs per class folder: ``{"02-no-obfuscation": 40, ...}``.

    Pairs of class 05 without a case are no-reuse pairs (data README).
    """
    rng = random.Random(seed)
    for folder, count in classes.items():
        lines = (root / folder / "pairs").read_text().split("\n")
        pairs = [line.split() for line in lines if line.strip()]
        rng.shuffle(pairs)
        taken = 0
        for susp, src in pairs:
            if taken >= count:
                break
            truth = root / folder / f"{susp[:-4]}-{src[:-4]}.xml"
            has_case = truth.exists() and 'name="plagiarism"' in truth.read_text()
            if folder.startswith("05") and not has_case:
                continue
            reuse = has_case
            taken += 1
            yield LabelledPair(
                Document(susp, _read(root / "susp" / susp)),
                Document(src, _read(root / "src" / src)),
                PARTIAL if reuse else NO_REUSE,
                reuse,
                src,
            )
