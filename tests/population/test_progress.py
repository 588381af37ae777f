"""Progress on a terminal, silence elsewhere (issue 14, item 11)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from casework.population.criteria import criteria_load
from casework.population.engine import Engine
from casework.population.progress import Progress
from casework.population.runs import run_execute
from tests.population.conftest import FIXTURES


def test_progress_is_silent_when_not_a_terminal() -> None:
    stream = io.StringIO()
    progress = Progress.for_terminal(stream)
    progress("read input", 10)
    assert (progress.enabled, stream.getvalue()) == (False, "")


def test_a_run_reports_each_stage_with_rows(duck: Engine, tmp_path: Path) -> None:
    stream = io.StringIO()
    messages: list[str] = []
    run_execute(
        engine=duck,
        input_path=FIXTURES / "claims",
        criteria=criteria_load("readmission-risk"),
        run_dir=tmp_path,
        window_end=dt.date(2026, 6, 30),
        notify=messages.append,
        progress=Progress(enabled=True, file=stream),
    )
    lines = [line.split(" s  ", 1)[1].split() for line in stream.getvalue().splitlines()]
    stages = [words[0] if words[0] != "stage" else f"stage {words[1]}" for words in lines]
    assert lines[0] == ["read", "input", "29", "rows"]
    # 6 members, 14 encounters, 20 diagnoses, 3 procedures, 5 fills
    assert lines[1] == ["write", "staging", "48", "rows"]
    assert stages[-3:] == ["stage bias_groups", "stage bias_report", "write"]
    assert lines[-1] == ["write", "run", "folder", "6", "rows"]
    assert "stage results" in stages
    # DuckDB stages report their row counts: 6 members scored, 5 with a tier, 17 bias rows
    assert ["stage", "results", "6", "rows"] in lines
    assert ["stage", "tiers", "5", "rows"] in lines
    assert ["stage", "bias_report", "17", "rows"] in lines
    assert messages == ["window 2025-07-01 to 2026-06-30 (365 days)"]
    assert duck.listeners == []
