"""Fixtures for the Django-free population tests.

The project's pytest config sets DJANGO_SETTINGS_MODULE; these tests never touch the
database. One SQLFrame-DuckDB engine serves the session; the PySpark engine (one JVM)
starts once per test run, only when a test marked ``spark`` asks for it, and every Spark
test (conformance, cluster-free CLI runs) reuses that session.
"""

from __future__ import annotations

import csv
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from casework.population.engine import Engine, duckdb_engine

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def shared_data(relative: str) -> Path:
    """Path of a file under ../shared/data; skip loudly when it is absent."""
    path = SHARED_DATA / relative
    if not path.exists():
        pytest.skip(f"SHARED DATA MISSING: {path} is absent; this test reads it in place")
    return path


@pytest.fixture(scope="session")
def duck() -> Engine:
    return duckdb_engine(threads=2)


SPARK_DRIVER_JAVA_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
"""The test session's JVM compiles with the client compiler (C1) only and collects
garbage on one thread. On fixtures this small no method runs long enough to repay the
optimising compiler (C2), which with the parallel collector's threads was half the JVM's
CPU: the conformance module's JVM took about 66 s of CPU, 33 s with these, on 2 cores.
Neither option changes what a query computes."""


@pytest.fixture(scope="session")
def spark() -> Iterator[Engine]:
    if shutil.which("java") is None:
        pytest.skip("SPARK LEG SKIPPED: no java on PATH (Java 17 is required)")
    from casework.population.engine import spark_engine

    # Read when the JVM starts (pyspark's launcher); options given there still win.
    submit_args = os.environ.get("PYSPARK_SUBMIT_ARGS", "pyspark-shell")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(
            "PYSPARK_SUBMIT_ARGS",
            f"--driver-java-options '{SPARK_DRIVER_JAVA_OPTIONS}' {submit_args}",
        )
        engine = spark_engine(master="local[2]")
    yield engine
    engine.session.stop()


def write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def screen_fixture_claims(run_dir: Path, *extra: str) -> Path:
    """Screen fixtures/claims through the CLI into ``run_dir``."""
    from casework.population.cli import main

    argv = [
        "screen",
        str(FIXTURES / "claims"),
        "--criteria",
        "readmission-risk",
        "--out",
        str(run_dir),
        "--window-end",
        "2026-06-30",
        *extra,
    ]
    assert main(argv) == 0
    return run_dir


@pytest.fixture(scope="session")
def fixture_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One screening of fixtures/claims through the CLI, shared by the run tests."""
    return screen_fixture_claims(tmp_path_factory.mktemp("runs") / "fixture-run")


@pytest.fixture(scope="session")
def fixture_run_unsuppressed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same screening with the bias report's minimum count at 1 (no suppression):
    the six fixture members are all below the default of 11."""
    run_dir = tmp_path_factory.mktemp("runs") / "fixture-run-unsuppressed"
    return screen_fixture_claims(run_dir, "--bias-min-count", "1")


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))
