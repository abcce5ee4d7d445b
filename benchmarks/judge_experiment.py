"""Try judge features and thresholds under the calibration protocol, without touching the package.

    python benchmarks/judge_experiment.py --news ../shared/data/ai-news-rewrites/dev.jsonl \
        --pan ../shared/data/pan13-train [--pan-pairs 100] [--cache /tmp/judge-cache.pkl] \
        [--siblings] [--sets lexical|mutual]

Every pair is aligned once (cached); each candidate feature set is then scored
the way ``retold calibrate`` ships a judge: grouped 5-fold cross-validation over
the pooled news and PAN pairs, the threshold at the best pooled out-of-fold F1,
and the news measures of issue 7 (rewrite vs same-story AUC, F1, same-story
called reuse) on the out-of-fold probabilities at that threshold. A second
block fits on news pairs only, to show what the pooling costs. Candidate
features are computed here; a set that wins moves into ``retold.judge``.
"""

from __future__ import annotations

import argparse
import pickle
from collections.abc import Callable
from pathlib import Path

import numpy as np

from retold.align import Alignment, Representation, align, coverage
from retold.evaluation.calibrate import best_f1_threshold
from retold.evaluation.datasets import REWRITE, SAME_STORY, UNRELATED, ai_news_pairs, pan_sample
from retold.evaluation.judgement import Example, cross_validate, represent_once
from retold.judge import FEATURES, features
from retold.pipeline import Pipeline

# The judge's features before mutual was added (2026-11-22), for the log's rows.
BEFORE = tuple(name for name in FEATURES if name != "mutual")


def _shorter_rows(a: Representation, b: Representation, matrix: np.ndarray) -> np.ndarray:
    return matrix if len(a.sentences) <= len(b.sentences) else matrix.T


def candidates(a: Representation, b: Representation, alignment: Alignment) -> dict[str, float]:
    """Features not in the judge (mutual is, since this experiment)."""
    out: dict[str, float] = {}
    sims = np.array([link.similarity for link in alignment.links]) if alignment.links else np.zeros(1)
    out["link_p75"] = float(np.percentile(sims, 75))
    out["link_p25"] = float(np.percentile(sims, 25))
    out["strong_share"] = float(np.mean(sims >= 0.7)) if alignment.links else 0.0
    out.update(passage_candidates(alignment))
    if alignment.similarity.size == 0:
        matrix_features = ("best_mean", "best_p25", "peak", "peak_cos", "best_cos", "peak5", "peak5x")
        for name in (*matrix_features, "mutual_strong"):
            out[name] = 0.0
        return out
    rows = _shorter_rows(a, b, alignment.similarity)
    best = rows.max(axis=1)
    out["best_mean"] = float(best.mean())
    out["best_p25"] = float(np.percentile(best, 25))
    cos = _shorter_rows(a, b, alignment.cosine)
    out["peak"] = float(np.mean(best - rows.mean(axis=1)))
    top = -np.sort(-rows, axis=1)[:, :5]
    out["peak5"] = float(np.mean(best - top.mean(axis=1)))
    out["peak5x"] = float(np.mean(best - top[:, 1:].mean(axis=1))) if rows.shape[1] > 1 else 0.0
    out["best_cos"] = float(cos.max(axis=1).mean())
    out["peak_cos"] = float(np.mean(cos.max(axis=1) - np.median(cos, axis=1)))
    forward = rows.argmax(axis=1)
    backward = rows.argmax(axis=0)
    # Share of the shorter side whose best counterpart is a mutual best at 0.5 or more.
    strong_mutual = (backward[forward] == np.arange(len(forward))) & (best >= 0.5)
    out["mutual_strong"] = float(strong_mutual.mean())
    return out


def lexical_candidates(a: Representation, b: Representation, alignment: Alignment) -> dict[str, float]:
    """Candidates of the wording experiment (the winners, link_wording and shared_phrasing, are shipped).

    Cosine alone on the links; coverage of linked sentences instead of passages
    (a summary passage is widened over the whole body); names one side states
    alone, smoothed or counted.
    """
    from retold.judge import _specifics

    out: dict[str, float] = {}
    links = alignment.links
    out["link_cosine"] = (
        float(np.mean([alignment.cosine[x.a_index, x.b_index] for x in links])) if links else 0.0
    )
    cov_a = coverage(a.sentences, [link.a for link in links])
    cov_b = coverage(b.sentences, [link.b for link in links])
    out["link_cov_max"], out["link_cov_min"] = max(cov_a, cov_b), min(cov_a, cov_b)
    shorter_a = len(a.sentences) <= len(b.sentences)
    out["link_largest"] = max(
        (
            coverage(a.sentences if shorter_a else b.sentences, [x.a if shorter_a else x.b for x in p.links])
            for p in alignment.passages
        ),
        default=0.0,
    )
    names_a, names_b = _specifics(a), _specifics(b)
    small, large = sorted((names_a, names_b), key=len)
    out["specifics_smooth"] = len(small & large) / (len(small) + 3)
    out["novel_specifics"] = float(np.log1p(len(small - large)))
    return out


def passage_candidates(alignment: Alignment) -> dict[str, float]:
    """The strongest passage, by links times mean similarity: what partial reuse rests on."""
    if not alignment.passages:
        return dict.fromkeys(("p_links", "p_sim", "p_min", "p_density", "p_lexical"), 0.0)
    best = max(alignment.passages, key=lambda p: len(p.links) * p.similarity)
    sims = [link.similarity for link in best.links]
    a_rows = {link.a_index for link in best.links}
    b_rows = {link.b_index for link in best.links}
    span = max(max(a_rows) - min(a_rows) + 1, max(b_rows) - min(b_rows) + 1)
    return {
        "p_links": float(np.log1p(len(best.links))),
        "p_sim": float(np.mean(sims)),
        "p_min": float(np.min(sims)),
        "p_density": min(len(a_rows), len(b_rows)) / span,
        "p_lexical": {"verbatim": 1.0, "light_edit": 0.5, "paraphrase": 0.0}[best.kind],
    }


def collect(args: argparse.Namespace) -> list[dict[str, object]]:
    if args.cache and args.cache.exists():
        with args.cache.open("rb") as handle:
            return pickle.load(handle)  # our own cache
    pipeline = Pipeline()
    represented = represent_once(pipeline)
    news = ai_news_pairs(args.news, siblings=args.siblings)
    pairs = news + (pan_sample(args.pan, args.pan_pairs) if args.pan else [])
    rows = []
    for pair in pairs:
        a = represented(pair.a).representation
        b = represented(pair.b).representation
        alignment = align(a, b, pipeline.config.align)
        row: dict[str, object] = {"label": pair.label, "reuse": pair.is_reuse, "group": pair.group}
        row.update(features(a, b, alignment))
        row.update(candidates(a, b, alignment))
        row.update(lexical_candidates(a, b, alignment))
        rows.append(row)
    if args.cache:
        with args.cache.open("wb") as handle:
            pickle.dump(rows, handle)
    return rows


NEWS = (REWRITE, SAME_STORY, UNRELATED)


def oof(
    x: np.ndarray, rows: list[dict[str, object]], train: Callable[[str], bool] | None = None
) -> np.ndarray:
    """Out-of-fold probabilities from the project's grouped cross-validation, fitted on ``train`` labels."""
    examples = [
        Example({}, bool(r["reuse"]), str(r["label"]), str(r["group"]), length_ratio=0.0, jaccard=0.0)
        for r in rows
    ]
    return cross_validate(x, examples, folds=5, train=train)


def report(name: str, rows: list[dict[str, object]], names: tuple[str, ...], pooled: bool) -> None:
    from sklearn.metrics import roc_auc_score

    x = np.array([[float(r[n]) for n in names] for r in rows])  # type: ignore[arg-type]
    y = np.array([bool(r["reuse"]) for r in rows], dtype=int)
    labels = np.array([r["label"] for r in rows])
    news = np.isin(labels, [REWRITE, SAME_STORY, UNRELATED])
    p = oof(x, rows, None if pooled else (lambda label: label in NEWS))
    threshold = best_f1_threshold(p if pooled else p[news], y if pooled else y[news])
    called = p >= threshold
    pair = np.isin(labels, [REWRITE, SAME_STORY])
    auc = roc_auc_score(y[pair], p[pair])
    tp = float(np.sum(called & news & (y == 1)))
    f1 = 2 * tp / (np.sum(called & news) + np.sum(news & (y == 1)))
    ss = float(called[labels == SAME_STORY].mean())
    recall = float(called[labels == REWRITE].mean())
    pan = ~news
    pan_text = ""
    if pan.any():
        pan_auc = roc_auc_score(y[pan], p[pan])
        pan_recall, pan_fp = called[pan & (y == 1)].mean(), called[pan & (y == 0)].mean()
        pan_text = f"  PAN AUC {pan_auc:.3f} recall {pan_recall:.2f} fp {pan_fp:.2f}"
    print(
        f"{name:<42} t={threshold:.2f}  AUC {auc:.3f}  F1 {f1:.3f}  rewrite recall {recall:.2f}  "
        f"same-story reuse {ss:.2f}{pan_text}"
    )


def two_models(rows: list[dict[str, object]]) -> None:
    """A rewrite model fitted on news and a passage model on PAN and news; reuse when either fires."""
    from sklearn.metrics import roc_auc_score

    y = np.array([bool(r["reuse"]) for r in rows], dtype=int)
    labels = np.array([r["label"] for r in rows])
    news = np.isin(labels, [REWRITE, SAME_STORY, UNRELATED])
    pan = ~news
    document = FEATURES
    passage_sets = {
        "judge features": FEATURES,
        "passage": ("p_links", "p_sim", "p_min", "p_density", "p_lexical"),
        "passage + current": (*FEATURES, "p_links", "p_sim", "p_min", "p_density", "p_lexical"),
        "passage + mutual": ("p_links", "p_sim", "p_min", "p_density", "p_lexical", "mutual"),
    }
    xd = np.array([[float(r[n]) for n in document] for r in rows])  # type: ignore[arg-type]
    pd_ = oof(xd, rows, lambda label: label in NEWS)
    td = best_f1_threshold(pd_[news], y[news])
    for name, names in passage_sets.items():
        for fit_on in ("PAN", "PAN+news"):
            xp = np.array([[float(r[n]) for n in names] for r in rows])  # type: ignore[arg-type]
            pp = oof(xp, rows, (lambda label: label not in NEWS) if fit_on == "PAN" else None)
            tp_ = best_f1_threshold(pp[pan], y[pan])
            called = (pd_ >= td) | (pp >= tp_)
            tp = float(np.sum(called & news & (y == 1)))
            f1 = 2 * tp / (np.sum(called & news) + np.sum(news & (y == 1)))
            print(
                f"two models, passage {name:<24} fit {fit_on:<8} td={td:.2f} tp={tp_:.2f} F1 {f1:.3f} "
                f"rewrite recall {called[labels == REWRITE].mean():.2f} "
                f"same-story {called[labels == SAME_STORY].mean():.2f} "
                f"PAN AUC {roc_auc_score(y[pan], pp[pan]):.3f} recall {called[pan & (y == 1)].mean():.2f} "
                f"fp {called[pan & (y == 0)].mean():.2f}"
            )


def lexical_sets(rows: list[dict[str, object]]) -> None:
    wording = ("link_wording", "shared_phrasing")
    before = tuple(n for n in FEATURES if n not in wording)
    sets: dict[str, tuple[str, ...]] = {"before wording (10 features)": before}
    for extra in ("link_wording", "link_cosine", "shared_phrasing", "specifics_smooth", "novel_specifics"):
        sets[f"+ {extra}"] = (*before, extra)
    sets["+ link_wording, shared_phrasing (shipped)"] = FEATURES
    sets["shipped + specifics_smooth"] = (*FEATURES, "specifics_smooth")
    sets["shipped + novel_specifics"] = (*FEATURES, "novel_specifics")
    linked = {
        "coverage_max": "link_cov_max",
        "coverage_min": "link_cov_min",
        "largest_passage": "link_largest",
    }
    sets["shipped, coverage of links not passages"] = tuple(linked.get(n, n) for n in FEATURES)
    sets["shipped + coverage of links"] = (*FEATURES, "link_cov_max", "link_cov_min", "link_largest")
    for protocol, pooled in (("pooled news+PAN", True), ("news only", False)):
        print(f"--- fitted on {protocol}")
        for name, names in sets.items():
            report(name, rows, names, pooled)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--news", type=Path, required=True)
    parser.add_argument("--pan", type=Path)
    parser.add_argument("--pan-pairs", type=int, default=100)
    parser.add_argument("--cache", type=Path)
    parser.add_argument(
        "--siblings", action="store_true", help="add the pairs inside families (calibrate's default)"
    )
    parser.add_argument("--sets", choices=("mutual", "lexical"), default="lexical")
    args = parser.parse_args()
    rows = collect(args)
    if args.sets == "lexical":
        lexical_sets(rows)
        return
    base = BEFORE
    sets: dict[str, tuple[str, ...]] = {"before (8 features)": base}
    extras = ("link_p75", "link_p25", "strong_share", "best_mean", "best_p25", "peak", "peak_cos")
    for extra in (*extras, "best_cos", "mutual_strong", "peak5x"):
        sets[f"+ {extra}"] = (*base, extra)
    sets["+ peak, mutual_strong"] = (*base, "peak", "mutual_strong")
    sets["+ mutual (shipped)"] = (*base, "mutual")
    sets["+ mutual, peak"] = (*base, "mutual", "peak")
    sets["+ mutual, peak5x"] = (*base, "mutual", "peak5x")
    sets["+ mutual, link_p75"] = (*base, "mutual", "link_p75")
    sets["+ mutual, peak, link_p75"] = (*base, "mutual", "peak", "link_p75")
    two_models(rows)
    protocols: list[tuple[str, bool]] = [("pooled news+PAN", True), ("news only", False)]
    for protocol, pooled in protocols:
        print(f"--- fitted on {protocol}")
        for name, names in sets.items():
            report(name, rows, names, pooled)


if __name__ == "__main__":
    main()
