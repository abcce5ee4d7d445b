"""The ``retold`` command: thin wrappers that parse, call the library, and print.

Exit codes (also in README.md): 0 success; 1 other retold error; 2 bad usage or
configuration; 3 bad input (missing, empty, binary, undecodable, too large,
or some pairs of a ``--pairs`` run failed); 4 model or calibration problem;
130 interrupted.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Any, TextIO, TypeVar

import click

from retold import __version__
from retold.errors import IndexFileError, InputError, RetoldError

F = TypeVar("F", bound=Callable[..., Any])
logger = logging.getLogger("retold")


def _handle_errors(func: F) -> F:
    """Map retold's errors to a message and an exit code, in one place."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        verbose = click.get_current_context().find_root().params.get("verbose", False)
        try:
            return func(*args, **kwargs)
        except RetoldError as exc:
            if verbose:
                logger.exception("details")
            click.echo(f"retold: error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except sqlite3.DatabaseError as exc:  # an index database damaged after it was opened
            if verbose:
                logger.exception("details")
            click.echo(f"retold: error: the index database is damaged ({exc}); rebuild the index", err=True)
            sys.exit(IndexFileError.exit_code)
        except KeyboardInterrupt:
            click.echo("retold: interrupted", err=True)
            sys.exit(130)
        except BrokenPipeError:
            sys.exit(0)

    return wrapper  # type: ignore[return-value]


def _parse_sets(values: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"expected KEY=VALUE, got {item!r}", param_hint="--set")
        out[key.strip()] = value.strip()
    return out


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="retold")
@click.option("-v", "--verbose", is_flag=True, help="Log progress and show error details.")
def main(verbose: bool) -> None:
    """Find text that was retold: rewrites, aligned passages and what changed."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="retold: %(levelname)s: %(message)s",
        stream=sys.stderr,
    )


@contextmanager
def _output(path: Path | None) -> Iterator[TextIO]:
    if path is None:
        yield sys.stdout
        return
    try:
        handle = path.open("w", encoding="utf-8", newline="\n")
    except OSError as exc:
        raise InputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    with handle:
        yield handle


@main.command()
@click.argument("a", required=False)
@click.argument("b", required=False)
@click.option(
    "--pairs",
    "pairs_file",
    type=click.Path(path_type=Path),
    help="File of pairs (two paths per line); writes JSONL.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "html"]),
    default="text",
    show_default=True,
    help="html: one self-contained file with both texts side by side (use with -o).",
)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write to this file instead of stdout.")
@click.option(
    "--model", help="Bundled model (minilm-l6-int8, minilm-l6-static) or a sentence-transformers name."
)
@click.option("--encoding", help="Encoding of the inputs (default: detect; UTF-8 first).")
@click.option("--html/--no-html", "html", default=None, help="Force or forbid HTML main-text extraction.")
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="TOML configuration file.")
@click.option(
    "--set",
    "settings",
    multiple=True,
    metavar="KEY=VALUE",
    help="Override a setting, e.g. align.link_threshold=0.55.",
)
@_handle_errors
def compare(
    a: str | None,
    b: str | None,
    pairs_file: Path | None,
    fmt: str,
    output: Path | None,
    model: str | None,
    encoding: str | None,
    html: bool | None,
    config_path: Path | None,
    settings: tuple[str, ...],
) -> None:
    """Compare documents A and B (files, HTML files, or - for stdin).

    \b
    Examples:
      retold compare original.txt suspect.html
      retold compare a.txt b.txt --format json
      retold compare a.txt b.txt --format html -o report.html
      retold compare --pairs pairs.tsv -o results.jsonl
    """
    from retold.config import load_config
    from retold.ingest import read_document, read_pairs_file
    from retold.pipeline import Pipeline

    overrides = _parse_sets(settings)
    if model:
        overrides["model"] = model
    config = load_config(config_path, overrides)
    if pairs_file is not None:
        if a or b:
            raise click.UsageError("give either A and B or --pairs, not both")
        if fmt == "html":
            raise click.UsageError("--pairs writes JSONL; --format html is for one pair")
        pairs = read_pairs_file(pairs_file)
        pipeline = Pipeline(config)
        failed = _compare_pairs(pipeline, pairs, encoding, html, output)
        if failed:
            click.echo(f"retold: {failed} of {len(pairs)} pair(s) failed (reported above)", err=True)
            sys.exit(InputError.exit_code)
        return
    if not a or not b:
        raise click.UsageError("compare needs two documents A and B (or --pairs FILE)")
    if a == "-" and b == "-":
        raise click.UsageError("only one of A and B can be - (stdin)")
    doc_a = read_document(a, encoding=encoding, html=html)
    doc_b = read_document(b, encoding=encoding, html=html)
    comparison = Pipeline(config).compare(doc_a, doc_b)
    with _output(output) as out:
        if fmt == "json":
            from retold.report import to_json

            out.write(to_json(comparison) + "\n")
        elif fmt == "html":
            from retold.report import render_html

            out.write(render_html(comparison, doc_a.text, doc_b.text))
        else:
            from rich.console import Console

            from retold.report import render_terminal

            console = Console(file=out) if output is None else Console(file=out, no_color=True, width=120)
            render_terminal(comparison, doc_a.text, doc_b.text, console)
            if comparison.warnings and output is not None:
                for warning in comparison.warnings:
                    click.echo(f"retold: warning: {warning}", err=True)


def _compare_pairs(
    pipeline: Any,
    pairs: list[tuple[int, str, str]],
    encoding: str | None,
    html: bool | None,
    output: Path | None,
) -> int:
    """Compare each pair, one JSON line each; a bad pair is reported and skipped."""
    from retold.ingest import read_document
    from retold.report import to_json

    cache: dict[str, Any] = {}

    def represented(path: str) -> Any:
        if path not in cache:
            if len(cache) > 256:  # keep memory bounded on long pair lists
                cache.clear()
            cache[path] = pipeline.represent(read_document(path, encoding=encoding, html=html))
        return cache[path]

    failed = 0
    with _output(output) as out:
        for number, a, b in pairs:
            try:
                comparison = pipeline.compare_represented(represented(a), represented(b))
            except InputError as exc:
                failed += 1
                click.echo(f"retold: line {number}: skipped: {exc}", err=True)
                record = {"error": str(exc), "line": number, "a": a, "b": b}
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                continue
            out.write(to_json(comparison, indent=None) + "\n")
            out.flush()
    return failed


def _config(config_path: Path | None, settings: tuple[str, ...], model: str | None) -> Any:
    from retold.config import load_config

    overrides = _parse_sets(settings)
    if model:
        overrides["model"] = model
    return load_config(config_path, overrides)


def _workers_option(text: str) -> Callable[[F], F]:
    return click.option(
        "-j",
        "--workers",
        type=click.IntRange(min=1),
        default=lambda: os.cpu_count() or 1,
        show_default="all cores",
        help=text,
    )


_model_option = click.option(
    "--model", help="Bundled model (minilm-l6-int8, minilm-l6-static) or a sentence-transformers name."
)
_config_option = click.option(
    "--config", "config_path", type=click.Path(path_type=Path), help="TOML configuration file."
)
_set_option = click.option(
    "--set",
    "settings",
    multiple=True,
    metavar="KEY=VALUE",
    help="Override a setting, e.g. pan.min_score=0.3.",
)


@main.command()
@click.argument("pairs", type=click.Path(path_type=Path))
@click.argument("src_dir", type=click.Path(path_type=Path))
@click.argument("susp_dir", type=click.Path(path_type=Path))
@click.argument("out_dir", type=click.Path(path_type=Path))
@_workers_option("Worker processes (each runs the encoder on one thread).")
@_model_option
@_config_option
@_set_option
@_handle_errors
def pan(
    pairs: Path,
    src_dir: Path,
    susp_dir: Path,
    out_dir: Path,
    workers: int,
    model: str | None,
    config_path: Path | None,
    settings: tuple[str, ...],
) -> None:
    """PAN text alignment: one detection XML per line of PAIRS in OUT_DIR.

    PAIRS lines are 'suspicious-documentX.txt source-documentY.txt'; the files
    are read from SUSP_DIR and SRC_DIR. Pairs whose XML already exists in
    OUT_DIR are skipped, so an interrupted run continues where it stopped (use
    an empty OUT_DIR to rerun with other settings). Which aligned passages
    become detections: the model's fitted passage filter (pan.min_probability;
    passages it rejects from pan.min_support_probability on may still complete
    a summary), or pan.min_links and pan.min_similarity without one; stretches of shared
    word n-grams are reported beside them (pan.find_copies, pan.copies.*), and
    weaker stretches where the model's fitted stretch filter accepts them
    (pan.weak_seeds, pan.min_stretch_probability). The model's fitted edge
    filter cuts lines and sentences at a detection's ends that its other side
    does not share (pan.detections.edge_probability; 0 turns it off).

    \b
    Example:
      retold pan corpus/pairs corpus/src corpus/susp detections/
      retold eval pan corpus detections/
    """
    import time

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from retold.evaluation.pan import read_pan_pairs
    from retold.evaluation.pan_run import run_pan

    config = _config(config_path, settings, model)
    pair_list, problems = read_pan_pairs(pairs)
    for problem in problems:
        click.echo(f"retold: skipped: {problem}", err=True)
    already = len(pair_list) - _remaining(pair_list, out_dir)
    started = time.perf_counter()
    done = failed = detections = 0
    columns = (
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]} pairs/s"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, transient=True, console=_stderr_console()) as progress:
        task = progress.add_task("pairs", total=len(pair_list), completed=already, rate="-")
        for result in run_pan(pair_list, src_dir, susp_dir, out_dir, config=config, workers=workers):
            done += 1
            if result.error:
                failed += 1
                progress.console.print(
                    f"retold: pair {result.suspicious} {result.source} skipped: {result.error}",
                    soft_wrap=True,
                    markup=False,
                    highlight=False,
                )
            detections += result.detections
            rate = done / max(time.perf_counter() - started, 1e-9)
            progress.update(task, completed=already + done, rate=f"{rate:.1f}")
    seconds = time.perf_counter() - started
    click.echo(
        f"retold: {done - failed} pair(s) aligned in {seconds:.0f} s, {detections} detection(s); "
        f"{already} already done; {failed} failed",
        err=True,
    )
    if failed or problems:
        sys.exit(InputError.exit_code)


def _remaining(pairs: list[tuple[str, str]], out_dir: Path) -> int:
    from retold.evaluation.pan import detection_file

    if not out_dir.is_dir():
        return len(pairs)
    present = {p.name for p in out_dir.iterdir()}
    return sum(1 for p in pairs if detection_file(*p) not in present)


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


@main.group(name="eval")
def eval_group() -> None:
    """Measure retold on labelled data (PAN corpora, news rewrites, sentence pairs)."""


@eval_group.command(name="pan")
@click.argument("corpus", type=click.Path(path_type=Path))
@click.argument("detections", type=click.Path(path_type=Path))
@click.option(
    "--pairs",
    "pairs_file",
    type=click.Path(path_type=Path),
    help="Score only the pairs of this PAN pairs file (a sample run).",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_handle_errors
def eval_pan(corpus: Path, detections: Path, pairs_file: Path | None, fmt: str) -> None:
    """PAN measures of DETECTIONS (an OUT_DIR of retold pan) against CORPUS's truth.

    Reports plagdet, macro precision and recall, granularity and the share of
    cases detected per obfuscation class and overall, and the false detections
    in pairs without a case.
    """
    from retold.evaluation.pan import read_pan_pairs, score_corpus

    only = set(read_pan_pairs(pairs_file)[0]) if pairs_file else None
    result = score_corpus(corpus, detections, only=only)
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=2))
        return
    false_total = sum(result.false_detections.values())
    false_pairs = sum(result.pairs_with_false_detections.values())
    rows = []
    for name, scores in [*result.classes.items(), ("overall", result.overall)]:
        if name == "overall":
            pairs, false = sum(result.pairs.values()), f"{false_total} ({false_pairs})"
        else:
            pairs = result.pairs[name]
            false = f"{result.false_detections[name]} ({result.pairs_with_false_detections[name]})"
        rows.append(
            [
                name,
                str(pairs),
                str(scores.cases),
                f"{scores.plagdet:.3f}",
                f"{scores.precision:.3f}",
                f"{scores.recall:.3f}",
                f"{scores.granularity:.3f}",
                f"{scores.case_detection_rate:.3f}",
                false,
            ]
        )
    columns = ["class", "pairs", "cases", "plagdet", "precision", "recall", "granularity", "detected"]
    _table(f"PAN measures of {detections}", [*columns, "false detections (pairs)"], rows)
    if result.missing:
        click.echo(
            f"retold: {result.missing} pair(s) have no detection file (scored as no detection)", err=True
        )
    if result.dropped:
        click.echo(f"retold: {result.dropped} detection(s) dropped: they do not name their pair", err=True)


def _table(title: str, columns: list[str], rows: list[list[str]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    for n, column in enumerate(columns):
        table.add_column(column, justify="left" if n == 0 else "right")
    for row in rows:
        table.add_row(*row)
    console = Console()
    Console(width=console.width if console.is_terminal else 200).print(table)


@eval_group.command(name="news")
@click.argument("dataset", type=click.Path(path_type=Path))
@click.option("--folds", type=click.IntRange(min=2), default=5, show_default=True)
@click.option(
    "--rounds", type=click.IntRange(min=10), default=1000, show_default=True, help="Bootstrap rounds."
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option(
    "--siblings",
    is_flag=True,
    help="Also score the pairs inside a family that do not involve the original "
    "(the two rewrites: reuse; a text written from the headline against the others: same story).",
)
@_model_option
@_config_option
@_set_option
@_handle_errors
def eval_news(
    dataset: Path,
    folds: int,
    rounds: int,
    fmt: str,
    siblings: bool,
    model: str | None,
    config_path: Path | None,
    settings: tuple[str, ...],
) -> None:
    """Rewrite vs same story vs unrelated on an ai-news-rewrites JSONL file.

    Metadata that gives the answer away is stripped. Rows: the judge cross-validated
    with folds grouped by family; the shipped calibration (fitted on development
    data, so optimistic there); a length-only baseline cross-validated the same way.
    Each measure has a 95% family-bootstrap interval.
    """
    import numpy as np

    from retold.evaluation.datasets import ai_news_pairs
    from retold.evaluation.judgement import (
        collect,
        cross_validate,
        feature_matrix,
        jaccard_matrix,
        length_matrix,
        news_measures,
    )
    from retold.judge import probability
    from retold.pipeline import Pipeline

    pipeline = Pipeline(_config(config_path, settings, model))
    examples = collect(pipeline, ai_news_pairs(dataset, siblings=siblings))
    threshold = pipeline.calibration.threshold
    x = feature_matrix(examples)
    shipped = np.array([probability(e.features, pipeline.calibration) for e in examples])
    rows = {
        "retold, CV": cross_validate(x, examples, folds=folds),
        "retold, shipped calibration (in-sample)": shipped,
        "length ratio only, CV": cross_validate(length_matrix(examples), examples, folds=folds),
        "word 5-gram Jaccard only, CV": cross_validate(jaccard_matrix(examples), examples, folds=folds),
    }
    results = {name: news_measures(examples, p, threshold, rounds=rounds) for name, p in rows.items()}
    if fmt == "json":
        out = {name: {k: v.to_dict() for k, v in measures.items()} for name, measures in results.items()}
        click.echo(json.dumps({"pairs": len(examples), "threshold": threshold, "rows": out}, indent=2))
        return
    names = list(next(iter(results.values())))
    _table(
        f"{dataset.name}: {len(examples)} pairs, {pipeline.encoder.name}, reuse at probability >= "
        f"{threshold}, CV = grouped {folds}-fold cross-validation, [95% family bootstrap]",
        ["row", *[n.replace("_", " ") for n in names]],
        [[row, *[str(m[n]) for n in names]] for row, m in results.items()],
    )


def _threshold(value: str) -> str:
    if value == "f1":
        return value
    try:
        number = float(value)
    except ValueError:
        raise click.BadParameter("expected a probability between 0 and 1, or 'f1'") from None
    if not 0.0 < number < 1.0:
        raise click.BadParameter("expected a probability between 0 and 1, or 'f1'")
    return value


@main.command()
@click.option(
    "--news",
    type=click.Path(path_type=Path),
    help="ai-news-rewrites-style JSONL (family_id, source, text): rewrites vs same story vs unrelated.",
)
@click.option(
    "--siblings/--no-siblings",
    default=True,
    show_default=True,
    help="Also fit on pairs inside a --news family that do not involve the original (the two rewrites: "
    "reuse; a text written from the headline against the others: same story), as a corpus search meets them.",
)
@click.option("--pan", type=click.Path(path_type=Path), help="A PAN text-alignment corpus directory.")
@click.option(
    "--pan-pairs",
    type=click.IntRange(min=0),
    default=100,
    show_default=True,
    help="PAN pairs to sample (40% without reuse, the rest spread over the classes with cases).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Where to write the calibration (default: the user calibration directory, used automatically).",
)
@click.option("--folds", type=click.IntRange(min=2), default=5, show_default=True)
@click.option(
    "--threshold",
    default="f1",
    show_default=True,
    callback=lambda ctx, param, value: _threshold(value),
    help="Reuse threshold on the probability: 'f1' picks the best out-of-fold F1; or a number.",
)
@_model_option
@_config_option
@_set_option
@_handle_errors
def calibrate(
    news: Path | None,
    siblings: bool,
    pan: Path | None,
    pan_pairs: int,
    output: Path | None,
    folds: int,
    threshold: str,
    model: str | None,
    config_path: Path | None,
    settings: tuple[str, ...],
) -> None:
    """Fit the judge's probability and threshold for the active model on labelled pairs.

    Prints grouped cross-validated ROC-AUC, Brier score and expected calibration
    error, picks the threshold with the best out-of-fold F1 (or takes --threshold),
    fits on all pairs, and writes the calibration under the model's name.
    Pipelines using that model pick it up from then on.

    \b
    Example:
      retold calibrate --news ai-news-rewrites/dev.jsonl --pan pan13-train
      retold calibrate --model sentence-transformers/all-mpnet-base-v2 --news dev.jsonl
    """
    import numpy as np

    from retold.config import user_calibration_dir
    from retold.evaluation.calibrate import (
        best_f1_threshold,
        brier,
        expected_calibration_error,
        fit_calibration,
    )
    from retold.evaluation.datasets import ai_news_pairs, pan_sample
    from retold.evaluation.judgement import collect, cross_validate, feature_matrix
    from retold.judge import FEATURES, Calibration, calibration_file_name
    from retold.pipeline import Pipeline

    if news is None and pan is None:
        raise click.UsageError("name labelled data: --news FILE and/or --pan DIR")
    config = _config(config_path, settings, model)
    blank = Calibration(model=config.model, coefficients=(0.0,) * len(FEATURES), intercept=0.0)
    pipeline = Pipeline(config, calibration=blank)
    blank = dataclasses.replace(blank, model=pipeline.encoder.name)
    pairs = []
    described = []
    if news is not None:
        news_pairs = ai_news_pairs(news, siblings=siblings)
        pairs += news_pairs
        counts = {
            label: sum(p.label == label for p in news_pairs)
            for label in sorted({p.label for p in news_pairs})
        }
        described.append(f"{news.name}: " + ", ".join(f"{n} {label}" for label, n in counts.items()))
    if pan is not None and pan_pairs:
        sampled = pan_sample(pan, pan_pairs)
        pairs += sampled
        reuse = sum(p.is_reuse for p in sampled)
        described.append(f"{pan.name}: {reuse} pairs with a case, {len(sampled) - reuse} without")
    examples = collect(pipeline, pairs)
    y = np.array([e.is_reuse for e in examples], dtype=int)
    if len(set(y.tolist())) < 2:
        raise click.UsageError("calibration needs pairs with reuse and pairs without")
    probabilities = cross_validate(feature_matrix(examples), examples, folds=folds)
    from sklearn.metrics import roc_auc_score

    click.echo(
        f"{len(examples)} pairs; grouped {folds}-fold CV: ROC-AUC {roc_auc_score(y, probabilities):.3f}, "
        f"Brier {brier(probabilities, y):.3f}, ECE {expected_calibration_error(probabilities, y):.3f}"
    )
    chosen = best_f1_threshold(probabilities, y) if threshold == "f1" else float(threshold)
    called = probabilities >= chosen
    click.echo(
        f"threshold {chosen:.2f}: out-of-fold precision {y[called].mean() if called.any() else 0:.3f}, "
        f"recall {called[y == 1].mean():.3f}"
    )
    calibration = fit_calibration(
        [e.features for e in examples],
        y.astype(bool).tolist(),
        model=blank.model,
        base=blank,
        fitted_on="; ".join(described),
        threshold=chosen,
    )
    path = output or user_calibration_dir() / calibration_file_name(calibration.model)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(calibration.to_dict(), indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot write the calibration: {exc.strerror or exc}") from None
    click.echo(f"wrote {path}")


@eval_group.command(name="sentences")
@click.option("--mrpc", type=click.Path(path_type=Path), help="MRPC file (msr_paraphrase_*.txt).")
@click.option("--stsb", type=click.Path(path_type=Path), help="STS Benchmark file (sts-*.tsv).")
@click.option("--paws", type=click.Path(path_type=Path), help="PAWS file (dev.tsv).")
@click.option("--limit", type=click.IntRange(min=1), help="Read at most this many pairs of each file.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_model_option
@_config_option
@_set_option
@_handle_errors
def eval_sentences(
    mrpc: Path | None,
    stsb: Path | None,
    paws: Path | None,
    limit: int | None,
    fmt: str,
    model: str | None,
    config_path: Path | None,
    settings: tuple[str, ...],
) -> None:
    """The similarity layer on sentence pairs: MRPC, STS-B and PAWS.

    Binary sets report the aligner's link decision (combined similarity at or
    above align.link_threshold): accuracy, F1, the share of non-paraphrases that
    would be linked, and ROC-AUC of the combined, cosine and lexical similarity.
    STS-B reports Spearman correlations.
    """
    from retold.encoders import load_encoder
    from retold.evaluation.sentences import read_mrpc, read_paws, read_stsb, similarity_report

    sets = [(p, r) for p, r in ((mrpc, read_mrpc), (stsb, read_stsb), (paws, read_paws)) if p is not None]
    if not sets:
        raise click.UsageError("name at least one data set: --mrpc, --stsb or --paws")
    config = _config(config_path, settings, model)
    encoder = load_encoder(config.model, threads=config.threads)
    results = {}
    for path, reader in sets:
        pairs = reader(path, limit)
        if pairs.skipped:
            click.echo(
                f"retold: {pairs.name}: {pairs.skipped} row(s) skipped (header or malformed)", err=True
            )
        results[pairs.name] = similarity_report(encoder, pairs, config.align)
    if fmt == "json":
        click.echo(json.dumps({"model": encoder.name, "results": results}, indent=2))
        return
    for name, measures in results.items():
        _table(
            f"{name}, {encoder.name}, link threshold {config.align.link_threshold}",
            ["measure", "value"],
            [[k.replace("_", " "), f"{v:.0f}" if k == "pairs" else f"{v:.3f}"] for k, v in measures.items()],
        )


@eval_group.command(name="verdicts")
@click.option(
    "--news",
    type=click.Path(path_type=Path),
    help="ai-news-rewrites JSONL: rewrites should be rewrite, same-story related, others unrelated.",
)
@click.option(
    "--pan", type=click.Path(path_type=Path), help="A PAN corpus: pairs with a case should be partial_reuse."
)
@click.option("--pan-pairs", type=click.IntRange(min=1), default=200, show_default=True)
@click.option(
    "--bbc", type=click.Path(path_type=Path), help="BBC News folder: stored copies should be near_duplicate."
)
@click.option("--same-topic", type=click.IntRange(min=0), default=200, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_model_option
@_config_option
@_set_option
@_handle_errors
def eval_verdicts(
    news: Path | None,
    pan: Path | None,
    pan_pairs: int,
    bbc: Path | None,
    same_topic: int,
    fmt: str,
    model: str | None,
    config_path: Path | None,
    settings: tuple[str, ...],
) -> None:
    """Each verdict on data that fits it: the share of each verdict per kind of pair.

    News rewrites should be rewrite, texts on the same story written independently
    related, and different stories unrelated. PAN pairs with a case (a passage inside a longer text) should be
    partial_reuse, pairs without one below the threshold; BBC articles stored
    twice should be near_duplicate, and two articles of one topic no reuse.
    """
    from collections import Counter

    from retold.evaluation.datasets import ai_news_pairs, bbc_pairs, pan_sample
    from retold.evaluation.judgement import represent_once
    from retold.pipeline import Pipeline

    if news is None and pan is None and bbc is None:
        raise click.UsageError("name at least one data set: --news, --pan or --bbc")
    pipeline = Pipeline(_config(config_path, settings, model))
    pairs = []
    if news is not None:
        pairs += ai_news_pairs(news)
    if pan is not None:
        pairs += pan_sample(pan, pan_pairs, seed=1)
    if bbc is not None:
        pairs += bbc_pairs(bbc, same_topic=same_topic)
    represented = represent_once(pipeline)
    counts: dict[str, Counter[str]] = {}
    for pair in pairs:
        a, b = represented(pair.a), represented(pair.b)
        verdict = pipeline.compare_represented(a, b, with_differences=False).verdict
        label = f"{pair.label} ({pair.a.metadata['class']})" if "class" in pair.a.metadata else pair.label
        counts.setdefault(label, Counter())[verdict] += 1
    verdicts = ["near_duplicate", "rewrite", "partial_reuse", "related", "unrelated"]
    shares = {
        label: {v: counter[v] / sum(counter.values()) for v in verdicts} | {"pairs": sum(counter.values())}
        for label, counter in counts.items()
    }
    if fmt == "json":
        click.echo(json.dumps(shares, indent=2))
        return
    _table(
        f"verdicts per kind of pair ({pipeline.encoder.name})",
        ["pairs (truth)", "n", *verdicts],
        [[label, str(row["pairs"]), *[f"{row[v]:.3f}" for v in verdicts]] for label, row in shares.items()],
    )


# --------------------------------------------------------------------------- the index

_index_option = click.option(
    "--index",
    "index_dir",
    type=click.Path(path_type=Path),
    required=True,
    help="The index directory.",
)


@main.group(name="index")
def index_group() -> None:
    """Build and maintain an index of documents to search (see 'retold search')."""


@index_group.command(name="add")
@_index_option
@click.argument("inputs", nargs=-1, required=True)
@click.option("--id-field", default="id", show_default=True, help="Field (JSONL/CSV/Parquet) holding the id.")
@click.option("--text-field", default="text", show_default=True, help="Field holding the text.")
@click.option("--date-field", default="date", show_default=True, help="Field holding the date.")
@_workers_option("Worker processes for segmenting and embedding.")
@click.option("--no-wait", is_flag=True, help="Fail at once if another process is adding to the index.")
@_model_option
@_config_option
@_set_option
@_handle_errors
def index_add(
    index_dir: Path,
    inputs: tuple[str, ...],
    id_field: str,
    text_field: str,
    date_field: str,
    workers: int,
    no_wait: bool,
    model: str | None,
    config_path: Path | None,
    settings: tuple[str, ...],
) -> None:
    """Add the documents of INPUTS to the index (created on first use).

    INPUTS are folders (searched recursively), files or glob patterns: .txt and
    .html files (one document each, id = the path), JSONL, CSV/TSV, Parquet
    (fields id, text and optional title, url, date, source; others are kept as
    metadata) and WARC crawls (HTML responses, main text extracted, id = URL).
    A record without an id gets a stable one from its text. A document whose id
    is already indexed is updated if its text changed, else left alone, so an
    interrupted add continues where it stopped when run again. Bad records are
    reported and skipped.

    \b
    Examples:
      retold index add --index archive.idx articles/
      retold index add --index archive.idx crawl.warc.gz 'exports/*.jsonl'
      retold index add --index archive.idx stories.csv --id-field article_id
    """
    import time

    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from retold.index import AddReport, Index
    from retold.ingest.records import Fields, records

    config = _config(config_path, settings, model)
    fields = Fields(id=id_field, text=text_field, date=date_field)
    started = time.perf_counter()
    shown = 0
    with Index(index_dir, config, create=True) as index:
        columns = (
            SpinnerColumn(),
            TextColumn(
                "{task.fields[read]} read, {task.fields[added]} added, {task.fields[rate]} documents/s"
            ),
            TimeElapsedColumn(),
        )
        with Progress(*columns, transient=True, console=_stderr_console()) as progress:
            task = progress.add_task("add", read=0, added=0, rate="-")

            def update(report: AddReport) -> None:
                nonlocal shown
                for skipped in report.skipped[shown:]:
                    line = f"retold: skipped {skipped.where}: {skipped.reason}"
                    progress.console.print(line, soft_wrap=True, markup=False, highlight=False)
                shown = len(report.skipped)
                rate = report.read / max(time.perf_counter() - started, 1e-9)
                progress.update(
                    task, read=report.read, added=report.added + report.updated, rate=f"{rate:.0f}"
                )

            report = index.add(records(inputs, fields), workers=workers, wait=not no_wait, progress=update)
        for skipped in report.skipped[shown:]:
            click.echo(f"retold: skipped {skipped.where}: {skipped.reason}", err=True)
        total = len(index)
    rate = report.read / max(report.seconds, 1e-9)
    click.echo(
        f"retold: {report.added} added, {report.updated} updated, {report.unchanged} unchanged, "
        f"{len(report.skipped)} skipped in {report.seconds:.1f} s ({rate:.0f} documents/s); "
        f"the index holds {total} documents",
        err=True,
    )
    if report.skipped:
        sys.exit(InputError.exit_code)


def _match_all(index: Any) -> None:
    """``index.match_all()`` with a progress line on stderr and a summary after it."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from retold.index import MatchReport

    columns = (
        TextColumn("matching"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[verified]} pairs verified"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, transient=True, console=_stderr_console()) as progress:
        task = progress.add_task("match", total=None, verified=0)

        def update(report: MatchReport, total: int) -> None:
            progress.update(task, completed=report.documents, total=total, verified=report.verified)

        report = index.match_all(progress=update)
    click.echo(
        f"retold: matched {report.documents} new or changed document(s) in {report.seconds:.1f} s: "
        f"{report.candidates} candidate pairs, {report.tier1} judged on tier-1 vectors, "
        f"{report.verified} verified, {report.reuse} reuse",
        err=True,
    )


@main.command()
@_index_option
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write to this file instead of stdout.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv", "parquet", "html"]),
    default="jsonl",
    show_default=True,
    help="jsonl: one family per line with members and edges; csv/parquet: one row per member; "
    "html: an overview page, with each member's report against the original beside it.",
)
@click.option(
    "--keep-list",
    type=click.Path(path_type=Path),
    help="Also write the ids to keep when deduplicating: the probable original of each family and "
    "every document in no family, one per line.",
)
@_model_option
@_config_option
@_set_option
@_handle_errors
def families(
    index_dir: Path,
    output: Path | None,
    fmt: str,
    keep_list: Path | None,
    model: str | None,
    config_path: Path | None,
    settings: tuple[str, ...],
) -> None:
    """Rewrite families of an index: documents that retell one another, and the probable original.

    Matches every document not matched before (the pair work is stored in the
    index, so after 'index add' only the new documents cost anything), then
    groups documents joined by rewrite or near-duplicate verdicts. A shared
    passage alone (partial reuse) is reported but never joins two families.
    The original is the earliest by date where members are dated, else the
    one the others' text is contained in; each family states the reason.

    \b
    Examples:
      retold families --index archive.idx -o families.jsonl
      retold families --index archive.idx --format html -o families.html
      retold families --index archive.idx --keep-list keep.txt -o families.csv --format csv
    """
    from retold.index import Index
    from retold.report.families import (
        ROW_FIELDS,
        family_rows,
        render_families_html,
        report_name,
    )

    if fmt in ("parquet", "html") and output is None:
        raise click.UsageError(f"--format {fmt} needs -o FILE")
    config = _config(config_path, settings, model)
    with Index(index_dir, config) as index:
        _match_all(index)
        found = index.families()
        total = len(index)
        if fmt == "jsonl":
            with _output(output) as out:
                for number, family in enumerate(found, start=1):
                    out.write(json.dumps(family.to_dict(number), ensure_ascii=False) + "\n")
        elif fmt == "csv":
            import csv

            with _output(output) as out:
                writer = csv.DictWriter(out, fieldnames=ROW_FIELDS, lineterminator="\n")
                writer.writeheader()
                writer.writerows(family_rows(found))
        elif fmt == "parquet":
            from retold.errors import require

            pyarrow = require("pyarrow", "index", "Parquet output")
            parquet = require("pyarrow.parquet", "index", "Parquet output")
            rows = family_rows(found)
            table = pyarrow.Table.from_pylist(rows) if rows else pyarrow.table({f: [] for f in ROW_FIELDS})
            assert output is not None
            try:
                parquet.write_table(table, output)
            except OSError as exc:
                raise InputError(f"{output}: cannot write: {exc}") from None
        else:
            assert output is not None
            from retold.report import render_html

            folder = output.with_name(output.stem + "_reports")
            try:
                folder.mkdir(parents=True, exist_ok=True)
                for number, family in enumerate(found, start=1):
                    original = index.get(family.original)
                    assert original is not None
                    for member in family.members:
                        if member.id == family.original:
                            continue
                        comparison = index.compare(family.original, member.id)
                        other = index.get(member.id)
                        assert other is not None
                        page = render_html(comparison, original.text, other.text)
                        (folder / report_name(number, member.id)).write_text(page, encoding="utf-8")
                output.write_text(render_families_html(found, folder.name, total), encoding="utf-8")
            except OSError as exc:
                raise InputError(f"{output}: cannot write: {exc.strerror or exc}") from None
        if keep_list is not None:
            grouped = {member.id for family in found for member in family.members}
            keep = [family.original for family in found]
            keep += [doc_id for doc_id in index.store.all_ids().values() if doc_id not in grouped]
            try:
                keep_list.write_text("".join(f"{doc_id}\n" for doc_id in keep), encoding="utf-8")
            except OSError as exc:
                raise InputError(f"{keep_list}: cannot write: {exc.strerror or exc}") from None
    members = sum(len(f.members) for f in found)
    click.echo(f"retold: {len(found)} families holding {members} of {total} documents", err=True)


@index_group.command(name="remove")
@_index_option
@click.argument("ids", nargs=-1, required=True)
@_handle_errors
def index_remove(index_dir: Path, ids: tuple[str, ...]) -> None:
    """Delete the documents with these IDS from the index."""
    from retold.index import Index

    with Index(index_dir) as index:
        removed, missing = index.remove(ids)
    for doc_id in missing:
        click.echo(f"retold: no document '{doc_id}' in the index", err=True)
    click.echo(f"retold: {removed} document(s) removed", err=True)
    if missing:
        sys.exit(InputError.exit_code)


@index_group.command(name="info")
@_index_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_handle_errors
def index_info(index_dir: Path, fmt: str) -> None:
    """Counts, size on disk, model and parameters of an index."""
    import json

    from retold.index import Index

    with Index(index_dir) as index:
        info = index.info()
    if fmt == "json":
        click.echo(json.dumps(info, indent=2))
        return
    per_doc = info["bytes"] / max(1, info["documents"])
    click.echo(f"index        {info['path']} ({info['format']}, created {info['created']})")
    click.echo(f"documents    {info['documents']:,} ({info['characters']:,} characters)")
    click.echo(f"sentences    {info['sentences']:,} ({info['neighbour_entries']:,} in the neighbour file)")
    click.echo(f"size         {info['bytes'] / 2**20:,.1f} MiB ({per_doc / 1024:,.1f} KiB per document)")
    click.echo(f"models       tier 1 {info['parameters']['tier1_model']}, verifying {info['model']}")
    click.echo(f"parameters   {json.dumps(info['parameters'])}")
    click.echo(f"cached       contextual vectors of {info['contextual_cached']:,} documents")


@main.command()
@_index_option
@click.argument("document", required=False)
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True, help="How many results.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: JSONL.",
)
@click.option(
    "--all-candidates",
    "include_unrelated",
    is_flag=True,
    help="Also list verified candidates below the threshold.",
)
@click.option(
    "--all",
    "every",
    is_flag=True,
    help="Match every indexed document (only the work not done before) and write each one's matches "
    "as JSONL.",
)
@click.option("--encoding", help="Encoding of DOCUMENT (default: detect; UTF-8 first).")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write to this file instead of stdout.")
@_model_option
@_config_option
@_set_option
@_handle_errors
def search(
    index_dir: Path,
    document: str | None,
    top: int,
    fmt: str,
    include_unrelated: bool,
    every: bool,
    encoding: str | None,
    output: Path | None,
    model: str | None,
    config_path: Path | None,
    settings: tuple[str, ...],
) -> None:
    """The indexed documents that DOCUMENT reuses or that reuse it, best first.

    DOCUMENT is a file (text or HTML, - for stdin) or the id of an indexed
    document. Each result is a comparison (retold.comparison/1) of DOCUMENT
    (side a) with the hit (side b): verdict, score, coverage and passages.

    \b
    Examples:
      retold search --index archive.idx suspect.html
      retold search --index archive.idx 'reuters-1234' --format json
      retold search --index archive.idx --all -o matches.jsonl

    With --all, each line is {"id": ..., "matches": [...]} for one indexed
    document, its matches being the verified comparisons of the pairs it is in
    (the document is side a or b of each); the pair work is stored in the
    index, so a later run only matches documents added or changed since.
    """
    from retold.index import Index
    from retold.ingest import read_document
    from retold.report import to_json

    config = _config(config_path, settings, model)
    if every == (document is not None):
        raise click.UsageError("give a DOCUMENT to search for, or --all (not both)")
    if every:
        with Index(index_dir, config) as index:
            _match_all(index)
            with _output(output) as out:
                for doc_id, found in index.matches():
                    out.write(json.dumps({"id": doc_id, "matches": found}, ensure_ascii=False) + "\n")
        return
    assert document is not None
    with Index(index_dir, config) as index:
        query: Any
        if document != "-" and not Path(document).exists() and document in index:
            query = document
        else:
            query = read_document(document, encoding=encoding)
        results = index.search(query, top=top, include_unrelated=include_unrelated)
    with _output(output) as out:
        if fmt == "json":
            for comparison in results:
                out.write(to_json(comparison, indent=None) + "\n")
            return
        if not results:
            out.write("no indexed document reuses or is reused by this one\n")
        for rank, c in enumerate(results, start=1):
            out.write(
                f"{rank:>3}  {c.verdict:<15} score {c.score:.2f}  coverage {c.coverage_a:.0%} / "
                f"{c.coverage_b:.0%}  {len(c.passages)} passage(s)  {c.b.id}\n"
            )
