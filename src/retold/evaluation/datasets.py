"""Labelled document pairs from the development data (read from paths the caller gives).

Nothing here is bundled: the corpora are research-licensed and stay outside
the repository. Metadata that gives the answer away (``date``, ``source``,
``author``, ``gpt_feature``) is stripped, and documents get ids of our own.
"""

from __future__ import annotations

import html
import itertools
import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from retold.documents import Document
from retold.errors import InputError
from retold.ingest.records import Fields, records

__all__ = [
    "LabelledPair",
    "ai_news_pairs",
    "bbc_pairs",
    "news_articles",
    "news_corpora",
    "pan_pairs",
    "pan_sample",
    "reuters_articles",
]

REWRITE, SAME_STORY, UNRELATED, PARTIAL, NO_REUSE, NEAR_DUPLICATE, SAME_TOPIC = (
    "rewrite",
    "same_story",
    "unrelated",
    "partial_reuse",
    "no_reuse",
    "near_duplicate",
    "same_topic",
)


@dataclass(frozen=True, slots=True)
class LabelledPair:
    a: Document
    b: Document
    label: str  # one of the constants above
    is_reuse: bool
    group: str  # for grouped cross-validation (family or source document)


def ai_news_pairs(path: Path, *, seed: int = 0, siblings: bool = False) -> list[LabelledPair]:
    """Original vs rephrased (reuse), vs written-from-headline (same story), vs another family.

    With ``siblings``, also the pairs a corpus-wide search meets inside a family:
    the two rewrites against each other (reuse: both retell the original), and
    each text written from the headline against the rewrites and the other such
    text (same story: nothing of one was taken from the other).

    Rewrites are about a third of the original's length; the written-from-headline
    texts are longer. Callers should report a length-only baseline beside results.
    """
    families: dict[int, dict[str, str]] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            kind = row["source"] if row["source"].startswith(("rephrase", "generated")) else "original"
            families.setdefault(int(row["family_id"]), {})[kind] = str(row["text"])
        except (json.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError) as exc:
            raise InputError(
                f"{path.name}, line {number}: expected a JSON object with family_id, source and text ({exc})"
            ) from None
    families = {fid: texts for fid, texts in families.items() if "original" in texts}
    if len(families) < 2:
        raise InputError(f"{path}: fewer than two families with an original article")
    rng = random.Random(seed)
    ids = sorted(families)
    pairs = []
    for n, fid in enumerate(ids):
        texts = families[fid]
        original = Document(f"f{n:03d}-o", texts["original"])
        derived = []
        for kind, label, reuse in (
            ("rephrase_base", REWRITE, True),
            ("rephrase_expert", REWRITE, True),
            ("generated_base", SAME_STORY, False),
            ("generated_expert", SAME_STORY, False),
        ):
            if kind in texts:
                other = Document(f"f{n:03d}-{kind[0]}{kind.split('_')[1][0]}", texts[kind])
                pairs.append(LabelledPair(original, other, label, reuse, f"f{n:03d}"))
                derived.append((other, reuse))
        if siblings:
            for (first, first_reuse), (second, second_reuse) in itertools.combinations(derived, 2):
                both = first_reuse and second_reuse
                label = REWRITE if both else SAME_STORY
                pairs.append(LabelledPair(first, second, label, both, f"f{n:03d}"))
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
                Document(susp, _read(root / "susp" / susp), {"class": folder}),
                Document(src, _read(root / "src" / src)),
                PARTIAL if reuse else NO_REUSE,
                reuse,
                src,
            )


def pan_sample(root: Path, pairs: int, *, seed: int = 0) -> list[LabelledPair]:
    """About ``pairs`` PAN pairs: 40% from the no-plagiarism class, the rest spread over the others.

    Raises:
        InputError: ``root`` holds no class folders.
    """
    folders = (
        sorted(p.name for p in root.iterdir() if p.is_dir() and (p / "pairs").is_file())
        if root.is_dir()
        else []
    )
    if not folders:
        raise InputError(f"{root}: not a PAN corpus (no class folders with a 'pairs' file)")
    negative = [f for f in folders if "no-plagiarism" in f]
    positive = [f for f in folders if f not in negative]
    counts = {f: round(pairs * 0.4 / len(negative)) for f in negative}
    counts |= {f: round(pairs * (0.6 if negative else 1.0) / len(positive)) for f in positive}
    return list(pan_pairs(root, counts, seed=seed))


def _bbc_articles(root: Path) -> list[Document]:
    """BBC News articles (one folder per topic), ids ``<topic>/<file>``, headline as title."""
    out = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []:
        for path in sorted(folder.glob("*.txt")):
            text = _read(path)
            if text.strip():
                title = text.strip().split("\n", 1)[0]
                out.append(Document(f"{folder.name}/{path.name}", text, {"title": title}))
    return out


def bbc_pairs(root: Path, *, same_topic: int = 200, seed: int = 0) -> list[LabelledPair]:
    """BBC News: every pair of copies with the same text, plus random same-topic pairs.

    The corpus (one folder per topic, one article per file, headline first)
    holds about a hundred articles stored twice; a copy pair should be a
    ``near_duplicate``, and two different articles of one topic no reuse.

    Raises:
        InputError: ``root`` holds no topic folders with ``.txt`` files.
    """
    articles = _bbc_articles(root)
    topics: dict[str, list[int]] = {}
    for k, article in enumerate(articles):
        topics.setdefault(article.id.split("/")[0], []).append(k)
    if not articles:
        raise InputError(f"{root}: no topic folders with .txt articles")
    by_text: dict[str, list[int]] = {}
    for k, doc in enumerate(articles):
        by_text.setdefault(" ".join(doc.text.split()), []).append(k)
    pairs = []
    for copies in by_text.values():
        for first, second in itertools.pairwise(copies):
            a, b = articles[first], articles[second]
            pairs.append(LabelledPair(a, b, NEAR_DUPLICATE, True, a.id))
    rng = random.Random(seed)
    duplicated = {k for copies in by_text.values() if len(copies) > 1 for k in copies}
    singles = {name: [k for k in members if k not in duplicated] for name, members in topics.items()}
    names = sorted(name for name, members in singles.items() if len(members) >= 2)
    for _ in range(same_topic if names else 0):
        first, second = rng.sample(singles[rng.choice(names)], 2)
        a, b = articles[first], articles[second]
        pairs.append(LabelledPair(a, b, SAME_TOPIC, False, a.id))
    return pairs


def news_articles(path: Path) -> list[Document]:
    """The articles of newsarticles-2017 (``NewsArticles.csv``), with ids ``na2017-<article_id>``.

    Several outlets cover the same events, some reworking the same agency copy,
    so pairs of its articles carry real edits: changed tolls, quotations made
    indirect, names added. Title, date and link are kept as metadata; rows
    without text are left out.

    Raises:
        InputError: the file cannot be read or has no ``text`` column.
    """
    fields = Fields(id="article_id", date="publish_date", url="article_source_link")
    return [
        Document(f"na2017-{doc.id}", doc.text, {k: doc.metadata.get(k, "") for k in ("title", "date", "url")})
        for doc in records([str(path)], fields)
        if isinstance(doc, Document)
    ]


_REUTERS = re.compile(r"<REUTERS[^>]*NEWID=\"(\d+)\"[^>]*>(.*?)</REUTERS>", re.DOTALL)
_FIELD = {name: re.compile(rf"<{name}>(.*?)</{name}>", re.DOTALL) for name in ("DATE", "TITLE", "BODY")}


def reuters_articles(root: Path) -> list[Document]:
    """The stories of Reuters-21578 (``reut2-*.sgm``) that have a body, ids ``reuters-<NEWID>``.

    Raises:
        InputError: ``root`` holds no ``reut2-*.sgm`` files.
    """
    files = sorted(root.glob("reut2-*.sgm")) if root.is_dir() else []
    if not files:
        raise InputError(f"{root}: no reut2-*.sgm files")
    out = []
    for path in files:
        for match in _REUTERS.finditer(path.read_text(encoding="latin-1")):
            fields = {k: rx.search(match.group(2)) for k, rx in _FIELD.items()}
            body = fields["BODY"]
            if body is None:
                continue
            text = html.unescape(body.group(1)).replace("\x03", "").strip()
            text = re.sub(r" *Reuter\s*$", "", text).strip()
            if not text:
                continue
            title, date = fields["TITLE"], fields["DATE"]
            metadata = {
                "title": html.unescape(title.group(1)).strip() if title else "",
                "date": date.group(1).strip() if date else "",
            }
            out.append(Document(f"reuters-{match.group(1)}", text, metadata))
    return out


def news_corpora(root: Path) -> list[Document]:
    """All three news corpora of the development data (Reuters-21578, BBC, newsarticles-2017).

    BBC articles get ids ``bbc-<topic>/<file>`` and their headline as title.
    """
    bbc = [Document(f"bbc-{d.id}", d.text, d.metadata) for d in _bbc_articles(root / "bbc")]
    return (
        reuters_articles(root / "reuters21578")
        + bbc
        + news_articles(root / "newsarticles-2017" / "NewsArticles.csv")
    )
