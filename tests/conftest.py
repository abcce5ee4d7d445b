from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from retold.pipeline import Pipeline

DATA = Path(__file__).parent / "data"
SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"

settings.register_profile("ci", deadline=None, max_examples=200, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", deadline=None, max_examples=60)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


def read(name: str) -> str:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return handle.read()


@pytest.fixture(scope="session")
def pipeline() -> Pipeline:
    """The real default pipeline with the bundled model (loads in well under a second)."""
    return Pipeline()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Name the browser and driver the browser test ran with (printed even with -q)."""
    import shutil
    import subprocess
    from importlib.metadata import PackageNotFoundError, version

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    try:
        playwright = version("playwright")
    except PackageNotFoundError:
        playwright = "not installed"
    browser = "not installed"
    if chromium:
        try:
            command = [chromium, "--version"]
            run = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
            browser = run.stdout.strip() or chromium
        except (OSError, subprocess.SubprocessError):
            browser = chromium
    terminalreporter.write_line(f"browser test: {browser}; playwright {playwright}")
