"""A real Spark cluster (issue 14 item 10, B6): a standalone master and two workers on
127.0.0.1, started from the pyspark package's own launcher (``bin/spark-class``; the
pip package ships no ``sbin/start-master.sh``), screen the claims fixtures through
``casework screen --engine spark --spark-master spark://127.0.0.1:PORT`` and must write
the same bytes as the DuckDB engine. Then the cluster is stopped.

One cluster per test run (module fixture), small data; marked ``spark_cluster`` (and
``spark``) so that ``-m "not spark_cluster"`` leaves it out. The Django-free population
tests run on CI's first leg only, so the cluster starts once per CI run. The driver runs
in a subprocess: the ``spark`` fixture's local-mode session holds this process's only
SparkContext.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.population.conftest import FIXTURES, screen_fixture_claims

pytestmark = [pytest.mark.spark, pytest.mark.spark_cluster]
pyspark = pytest.importorskip("pyspark")

RUN_FILES = ("results.csv", "reasons.csv", "bias.csv", "selected.jsonl", "rejects.csv")
START_TIMEOUT_SECONDS = 180
"""Generous: on a loaded 2-core machine a JVM takes tens of seconds to come up."""


@dataclass
class Cluster:
    url: str
    logs: dict[str, Path]
    processes: dict[str, subprocess.Popen[bytes]]


def _wait_for(log: Path, pattern: str, process: subprocess.Popen[bytes]) -> re.Match[str]:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        match = re.search(pattern, log.read_text(errors="replace")) if log.exists() else None
        if match:
            return match
        if process.poll() is not None:
            pytest.fail(f"{log.name}: exited {process.returncode}:\n{log.read_text()[-2000:]}")
        time.sleep(0.2)
    pytest.fail(f"{log.name}: no {pattern!r} after {START_TIMEOUT_SECONDS} s")


def cluster_environment(folder: Path) -> dict[str, str]:
    """Everything on 127.0.0.1, logs and work files under ``folder``, no REST server
    (its fixed port 6066 would collide with another cluster on the machine)."""
    spark_home = Path(pyspark.__file__).parent
    return os.environ | {
        "SPARK_HOME": str(spark_home),
        "SPARK_LOCAL_IP": "127.0.0.1",
        "SPARK_LOG_DIR": str(folder / "logs"),
        "SPARK_WORKER_DIR": str(folder / "work"),
        "SPARK_MASTER_OPTS": "-Dspark.master.rest.enabled=false",
        "PYSPARK_PYTHON": sys.executable,
        "PYSPARK_DRIVER_PYTHON": sys.executable,
    }


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    if shutil.which("java") is None:
        pytest.skip("SPARK CLUSTER LEG SKIPPED: no java on PATH (Java 17 is required)")
    folder = tmp_path_factory.mktemp("spark-cluster")
    environment = cluster_environment(folder)
    spark_class = str(Path(environment["SPARK_HOME"], "bin", "spark-class"))
    processes: dict[str, subprocess.Popen[bytes]] = {}
    logs: dict[str, Path] = {}

    def start(name: str, *arguments: str) -> subprocess.Popen[bytes]:
        logs[name] = folder / f"{name}.log"
        with logs[name].open("wb") as log:
            processes[name] = subprocess.Popen(
                [spark_class, *arguments],
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        return processes[name]

    try:
        master = start(
            "master",
            "org.apache.spark.deploy.master.Master",
            *("--host", "127.0.0.1", "--port", "0", "--webui-port", "0"),
        )
        url = _wait_for(logs["master"], r"Starting Spark master at (spark://\S+)", master)[1]
        _wait_for(logs["master"], r"elected leader", master)
        for number in (1, 2):
            start(
                f"worker{number}",
                "org.apache.spark.deploy.worker.Worker",
                *("--host", "127.0.0.1", "--cores", "1", "--memory", "1g"),
                *("--webui-port", "0", "--work-dir", str(folder / f"work{number}"), url),
            )
        for number in (1, 2):
            name = f"worker{number}"
            _wait_for(logs[name], r"Successfully registered with master", processes[name])
        yield Cluster(url=url, logs=logs, processes=processes)
    finally:
        for process in reversed(processes.values()):
            process.terminate()
        for process in processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="module")
def cluster_run(cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``casework screen`` of the claims fixtures on the cluster, in a driver process of
    its own."""
    run_dir = tmp_path_factory.mktemp("cluster-run") / "run"
    command = [sys.executable, "-m", "casework.population.cli", "screen", str(FIXTURES / "claims")]
    command += ["--criteria", "readmission-risk", "--out", str(run_dir)]
    command += ["--window-end", "2026-06-30", "--bias-min-count", "1"]
    command += ["--engine", "spark", "--spark-master", cluster.url]
    environment = cluster_environment(run_dir.parent) | {
        "PYTHONPATH": os.pathsep.join(sys.path),
        # the run's four cores are the workers': one executor of one core on each
        "PYSPARK_SUBMIT_ARGS": "--conf spark.executor.cores=1 --conf spark.cores.max=2 "
        "--conf spark.executor.memory=512m pyspark-shell",
    }
    done = subprocess.run(
        command, env=environment, capture_output=True, text=True, timeout=900, check=False
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return run_dir


@pytest.fixture(scope="module")
def duckdb_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return screen_fixture_claims(
        tmp_path_factory.mktemp("duckdb-run") / "run", "--bias-min-count", "1"
    )


@pytest.mark.parametrize("name", RUN_FILES)
def test_cluster_run_files_are_byte_identical_to_duckdb(
    name: str, cluster_run: Path, duckdb_run: Path
) -> None:
    assert (cluster_run / name).read_bytes() == (duckdb_run / name).read_bytes()


def test_the_run_used_executors_on_both_workers(cluster: Cluster, cluster_run: Path) -> None:
    import json

    assert json.loads((cluster_run / "run.json").read_text())["engine"] == "spark"
    for name in ("worker1", "worker2"):
        assert "Asked to launch executor" in cluster.logs[name].read_text(errors="replace")
    master = cluster.logs["master"].read_text(errors="replace")
    assert "Registered app casework-population" in master
