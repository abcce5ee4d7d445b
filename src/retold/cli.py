"""The ``retold`` command: thin wrappers that parse, call the library, and print.

Exit codes (also in README.md): 0 success; 1 other retold error; 2 bad usage or
configuration; 3 bad input (missing, empty, binary, undecodable, too large,
or some pairs of a ``--pairs`` run failed); 4 model or calibration problem;
130 interrupted.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Any, TextIO, TypeVar

import click

from retold import __version__
from retold.errors import InputError, RetoldError

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
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
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
    r"""Compare documents A and B (files, HTML files, or - for stdin).

    \b
    Examples:
      retold compare original.txt suspect.html
      retold compare a.txt b.txt --format json
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
