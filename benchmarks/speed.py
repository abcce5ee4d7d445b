"""Time retold compare: model load, sentences/s per tier, and whole pairs of several sizes.

    python benchmarks/speed.py [--seeds ../shared/seeds]

Long documents are built by repeating the bundled example articles with their
sentences shuffled (so they stay prose but are not verbatim copies of themselves).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

from retold.documents import Document
from retold.encoders import DEFAULT_MODEL, STATIC_MODEL, load_encoder
from retold.pipeline import Pipeline
from retold.text import segment

ROOT = Path(__file__).resolve().parents[1]


def words(text: str, n: int, seed: int) -> str:
    sentences = [text[s.start : s.end] for s in segment(text)]
    rng = random.Random(seed)
    out: list[str] = []
    while sum(len(s.split()) for s in out) < n:
        batch = sentences[:]
        rng.shuffle(batch)
        out.extend(batch)
    return " ".join(out)


def timed(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=Path)
    args = parser.parse_args()
    start = time.perf_counter()
    load_encoder.cache_clear()
    load_encoder(DEFAULT_MODEL)
    print(f"model load ({DEFAULT_MODEL}): {time.perf_counter() - start:.2f} s")
    start = time.perf_counter()
    load_encoder(STATIC_MODEL)
    print(f"model load ({STATIC_MODEL}): {time.perf_counter() - start:.2f} s")

    a_text = (ROOT / "examples" / "original.txt").read_text()
    b_text = (ROOT / "examples" / "rewrite.txt").read_text()
    sentences = [s.text for s in segment(a_text + "\n\n" + b_text)] * 10
    for name in (DEFAULT_MODEL, STATIC_MODEL):
        encoder = load_encoder(name)
        seconds = timed(lambda e=encoder: e.encode(sentences), 3)
        print(f"{name}: {len(sentences) / seconds:,.0f} sentences/s")
    # The same-run baseline: one ONNX session with two intra-op threads, sentences in sequence.
    sequential = load_encoder(DEFAULT_MODEL, threads=2)
    seconds = timed(lambda: sequential.encode(sentences), 3)
    print(f"{DEFAULT_MODEL}, sequential on 2 intra-op threads: {len(sentences) / seconds:,.0f} sentences/s")

    pipe = Pipeline()
    cases = [("example pair (~480 words each)", a_text, b_text)]
    cases.append(("600 words each", words(a_text, 600, 1), words(b_text, 600, 2)))
    if args.seeds and args.seeds.is_dir():
        seeds = sorted(args.seeds.glob("*.txt"))
        cases.insert(0, ("seeds", seeds[0].read_text(), seeds[1].read_text()))
    cases.append(("2,000 words each", words(a_text, 2000, 3), words(b_text, 2000, 4)))
    cases.append(("10,000 words each", words(a_text, 10000, 5), words(b_text, 10000, 6)))
    for label, a, b in cases:
        da, db = Document("a", a), Document("b", b)
        pipe.compare(da, db)
        seconds = timed(lambda da=da, db=db: pipe.compare(da, db), 5 if len(a) < 20000 else 2)
        print(f"compare, {label}: {seconds * 1000:,.0f} ms")


if __name__ == "__main__":
    main()
