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
