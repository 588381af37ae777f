"""Benchmark: population screening at scale on SQLFrame-DuckDB.

Generates deterministic synthetic members, claims (headers, diagnosis lines) and pharmacy
fills with DuckDB, writes them as staging Parquet, then times the full screening
(Charlson, van Walraven, LACE, HOSPITAL, stratification, bias report) and, separately,
Charlson alone against comorbidipy (if installed) on the same diagnoses, each tool in
processes of its own.

    python bench/population.py                      # 100,000 members (runs in < 2 min)
    python bench/population.py --members 1000000 --claim-lines 20000000 --fills 10000000
    python bench/population.py --full               # the issue's 1M / 20M / 10M target
    python bench/population.py --full --keep DIR    # and keep the generated files in DIR
    python bench/population.py --compare-in DIR     # only the Charlson comparison, on DIR

Prints wall time, rows per second, members per second and peak resident memory.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import importlib.util
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from casework.population.bias import BIAS_MIN_COUNT
from casework.population.criteria import criteria_load
from casework.population.engine import Engine, duckdb_engine
from casework.population.pipeline import Window, staging_read
from casework.population.plans import screening_execute
from casework.population.scores import charlson

CODES = [
    "I5022", "E1122", "N184", "E119", "J449", "I10", "I110", "C787", "C50911", "K7030",
    "F329", "I252", "I639", "G8190", "K259", "M069", "B20", "E669", "F1120", "Z5900",
    "J45909", "I480", "N390", "R0789", "Z0000", "E785", "M5450", "K219", "F419", "D649",
]  # fmt: skip
DRUG_CLASSES = ["insulin", "biguanide", "statin", "ace_inhibitor", "inhaled_corticosteroid"]
WINDOW_END = dt.date(2026, 6, 30)


def peak_memory_gib() -> float:
    """Peak resident set size of this process (DuckDB runs in-process).

    On Linux from ``VmHWM``: ``ru_maxrss`` survives ``exec``, so a child started by this
    benchmark would report its parent's peak."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / (1024 * 1024)
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (1024 * 1024)


def peak_memory_reset() -> None:
    """Start ``VmHWM`` again from the current resident size (Linux; else nothing)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def generate(connection: object, folder: Path, members: int, lines: int, fills: int) -> None:
    """Write the staging tables for a synthetic population as Parquet, laid out as
    ``readers.write_staging`` lays them out (with ``member_key``, in ``member_key`` order;
    the diagnosis code dictionary with ``code_key`` in code order)."""
    claims = max(lines // 2, 1)
    codes = "[" + ", ".join(f"'{c}'" for c in CODES) + "]"
    classes = "[" + ", ".join(f"'{c}'" for c in DRUG_CLASSES) + "]"
    statements = {
        "members": f"""
            SELECT 'M' || lpad(i::VARCHAR, 8, '0') AS member_id, i::INTEGER AS member_key,
                   'Given' AS given_name,
                   'Family' AS family_name,
                   DATE '1930-01-01' + (hash(i, 'b') % 27000)::INTEGER AS birth_date,
                   ['F', 'M', 'U'][1 + (hash(i, 's') % 3)::INTEGER] AS sex,
                   ['White', 'Black or African American', 'Asian', 'Other']
                       [1 + (hash(i, 'r') % 4)::INTEGER] AS race,
                   ['Hispanic or Latino', 'Not Hispanic or Latino']
                       [1 + (hash(i, 'e') % 2)::INTEGER] AS ethnicity,
                   ['en', 'es', 'vi', 'ar'][1 + (hash(i, 'l') % 4)::INTEGER] AS language,
                   NULL::DATE AS coverage_start_date, NULL::DATE AS coverage_end_date,
                   FALSE AS deceased
            FROM range({members}) t(i)""",
        "encounters": f"""
            SELECT 'C' || i::VARCHAR AS claim_id,
                   'M' || lpad((hash(i, 'm') % {members})::VARCHAR, 8, '0') AS member_id,
                   (hash(i, 'm') % {members})::INTEGER AS member_key,
                   CASE WHEN hash(i, 't') % 20 = 0 THEN 'inpatient'
                        WHEN hash(i, 't') % 20 < 3 THEN 'emergency'
                        ELSE 'outpatient' END AS claim_type,
                   NULL::VARCHAR AS place_of_service,
                   ['1', '2', '3'][1 + (hash(i, 'a') % 3)::INTEGER] AS admit_type,
                   DATE '2025-07-01' + (hash(i, 'd') % 365)::INTEGER AS service_date,
                   CASE WHEN hash(i, 't') % 20 = 0
                        THEN DATE '2025-07-01' + (hash(i, 'd') % 365)::INTEGER END
                        AS admission_date,
                   CASE WHEN hash(i, 't') % 20 = 0
                        THEN DATE '2025-07-01' + (hash(i, 'd') % 365)::INTEGER
                             + (hash(i, 'los') % 16)::INTEGER END AS discharge_date,
                   CASE WHEN hash(i, 'o') % 10 = 0 THEN 'oncology' END AS service_line,
                   ((hash(i, 'p') % 500000) / 100.0)::DECIMAL(14, 2) AS allowed_amount,
                   9.0 + (hash(i, 'h') % 60) / 10.0 AS discharge_hemoglobin_g_dl,
                   128.0 + (hash(i, 'n') % 150) / 10.0 AS discharge_sodium_mmol_l
            FROM range({claims}) t(i)
            ORDER BY member_key, i""",
        "diagnosis_codes": f"""
            SELECT (row_number() OVER (ORDER BY code) - 1)::INTEGER AS code_key,
                   'ICD10CM' AS code_system, code
            FROM (SELECT unnest({codes}) AS code)
            ORDER BY code_key""",
        "diagnoses": f"""
            SELECT 'M' || lpad((hash(c, 'm') % {members})::VARCHAR, 8, '0') AS member_id,
                   (hash(c, 'm') % {members})::INTEGER AS member_key,
                   'C' || c::VARCHAR AS claim_id, (i % 2 + 1)::INTEGER AS sequence,
                   'ICD10CM' AS code_system, d.code, d.code_key,
                   DATE '2025-07-01' + (hash(c, 'd') % 365)::INTEGER AS service_date,
                   DATE '2025-07-01' + (hash(c, 'd') % 365)::INTEGER AS active_until
            FROM (SELECT i, i // 2 AS c, {codes}[1 + (hash(i, 'x') % {len(CODES)})::INTEGER]
                         AS code FROM range({lines}) t(i)) AS lines
            JOIN read_parquet('{folder / "diagnosis_codes.parquet"}') AS d USING (code)
            ORDER BY member_key, i""",
        "procedures": f"""
            SELECT 'M' || lpad((hash(i, 'm') % {members})::VARCHAR, 8, '0') AS member_id,
                   (hash(i, 'm') % {members})::INTEGER AS member_key,
                   'C' || i::VARCHAR AS claim_id, 'CPT' AS code_system, '93306' AS code,
                   DATE '2025-07-01' + (hash(i, 'd') % 365)::INTEGER AS service_date
            FROM range({claims}) t(i) WHERE hash(i, 't') % 20 = 0 AND hash(i, 'q') % 2 = 0
            ORDER BY member_key, i""",
        "pharmacy": f"""
            SELECT 'R' || i::VARCHAR AS fill_id,
                   'M' || lpad((hash(i, 'm') % {members})::VARCHAR, 8, '0') AS member_id,
                   (hash(i, 'm') % {members})::INTEGER AS member_key,
                   DATE '2025-07-01' + (hash(i, 'd') % 365)::INTEGER AS fill_date,
                   'NDC' AS code_system, '00002821501' AS drug_code,
                   {classes}[1 + (hash(i, 'k') % {len(DRUG_CLASSES)})::INTEGER] AS drug_class,
                   30 AS days_supply, 10.00::DECIMAL(14, 2) AS allowed_amount
            FROM range({fills}) t(i)
            ORDER BY member_key, i""",
    }
    for name, query in statements.items():
        target = folder / f"{name}.parquet"
        connection.execute(f"COPY ({query}) TO '{target}' (FORMAT parquet)")  # type: ignore[attr-defined]


OURS = {
    "member_key": "ours, keyed by member_key",
    "member_id": "ours, with member_id",
}
"""The two shapes of our Charlson result that are timed: one score per ``member_key``
(the staging tables' member identifier, as comorbidipy gives one score per ``id``), and
the same with each member's ``member_id`` joined on."""


def charlson_ours(engine: Engine, paths: dict[str, Path], shape: str) -> tuple[float, Any]:
    """Seconds to read the staging files and materialise every member's Charlson score
    (as comorbidipy returns a frame of scores), and the scores (a staged DataFrame)."""
    started = time.perf_counter()
    diagnoses = staging_read(engine, "diagnoses", paths["diagnoses"], ("member_key", "code_key"))
    codes = staging_read(engine, "diagnosis_codes", paths["diagnosis_codes"])
    columns = ("member_key",) if shape == "member_key" else ("member_id", "member_key")
    units = staging_read(engine, "members", paths["members"], columns)
    scores = charlson(engine, diagnoses, units, "charlson1987", "member_key", codes=codes)
    result = engine.stage(scores, "bench")
    return time.perf_counter() - started, result


def comorbidipy_charlson(frame: Any) -> Any:
    """comorbidipy's Charlson (Quan ICD-10 coding, Charlson weights) of ``frame``."""
    import comorbidipy

    return comorbidipy.comorbidity(
        frame,
        score=comorbidipy.ScoreType.CHARLSON,
        icd=comorbidipy.ICDVersion.ICD10,
        variant=comorbidipy.MappingVariant.QUAN,
        weighting=comorbidipy.WeightingVariant.CHARLSON,
    )


def comorbidipy_frame(paths: dict[str, Path]) -> Any:
    """The diagnoses as comorbidipy takes them: a polars frame of ``id, code``."""
    import polars

    columns = ["member_id", "code"]
    return polars.read_parquet(paths["diagnoses"], columns=columns).rename({"member_id": "id"})


def time_tool(tool: str, paths: dict[str, Path], repeats: int, threads: int) -> dict[str, Any]:
    """In this process, one warm-up run (not counted) then ``repeats`` timed runs of
    ``tool``: ``ours`` (both result shapes, alternating) or ``comorbidipy`` (on its frame
    already in memory). Returns the seconds of each timed run by label."""
    runs: dict[str, Callable[[], float]] = {}
    if tool == "ours":
        engine = duckdb_engine(threads=threads)
        for shape in OURS:
            runs[shape] = functools.partial(lambda s: charlson_ours(engine, paths, s)[0], shape)
    else:
        frame = comorbidipy_frame(paths)

        def theirs() -> float:
            started = time.perf_counter()
            comorbidipy_charlson(frame)
            return time.perf_counter() - started

        runs["comorbidipy"] = theirs
    times: dict[str, list[float]] = {label: [] for label in runs}
    for run in range(repeats + 1):
        for label, once in runs.items():
            seconds = once()
            if run:
                times[label].append(seconds)
    return {"times": times, "peak_rss_gib": round(peak_memory_gib(), 2)}


def scores_agree(paths: dict[str, Path], threads: int) -> str:
    """How our scores (with ``member_id``) compare with comorbidipy's, member by member."""
    import polars

    engine = duckdb_engine(threads=threads)
    _, ours = charlson_ours(engine, paths, "member_id")
    mine = polars.from_arrow(engine.connection.sql(engine.sql_text(ours)).to_arrow_table())
    theirs = comorbidipy_charlson(comorbidipy_frame(paths))
    joined = mine.join(
        theirs.select(polars.col("id").alias("member_id"), "comorbidity_score"),
        on="member_id",
        how="left",
    ).with_columns(polars.col("comorbidity_score").fill_null(0))
    differ = joined.filter(polars.col("charlson") != polars.col("comorbidity_score")).height
    return (
        f"{joined.height - differ:,} of {joined.height:,} members score the same, {differ} differ"
    )


def charlson_comparison(
    folder: Path, rounds: int, repeats: int, threads: int, skip_comorbidipy: bool
) -> None:
    """Charlson alone, ours against comorbidipy, each tool in processes of its own.

    In each of ``rounds`` rounds a fresh process times ours (one warm-up run, then
    ``repeats`` runs) and then another times comorbidipy the same way, so that neither
    tool's allocations (gigabytes, for polars) land between the other's runs, while
    rounds spread a noisy neighbour over both. Prints every process's runs, the medians
    over all timed runs and their ratio, and checks once that both give the same scores.

    comorbidipy is timed on a frame already in memory (its Parquet read is not counted);
    ours is timed from the staging files on disk, plan building and SQL included.
    """
    tools = ["ours"]
    if not skip_comorbidipy:
        if importlib.util.find_spec("comorbidipy") is None:
            print("comorbidipy not installed: comparison skipped")
        else:
            tools.append("comorbidipy")
    times: dict[str, list[float]] = {}
    for number in range(1, rounds + 1):
        for tool in tools:
            command = [sys.executable, __file__, "--compare-in", str(folder), "--tool", tool]
            command += ["--threads", str(threads), "--repeat", str(repeats)]
            output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
            report = json.loads(output.strip().splitlines()[-1])
            parts = []
            for label, seconds in report["times"].items():
                times.setdefault(label, []).extend(seconds)
                name = OURS.get(label, label)
                parts.append(f"{name} " + " ".join(f"{s:.2f}" for s in seconds) + " s")
            rss = report["peak_rss_gib"]
            print(f"  round {number}, {tool} process (peak RSS {rss:.2f} GiB): " + "; ".join(parts))
    theirs = statistics.median(times["comorbidipy"]) if "comorbidipy" in times else None
    for shape, name in OURS.items():
        median = statistics.median(times[shape])
        summary = f"Charlson alone, median of {len(times[shape])} runs: {name} {median:.2f} s"
        if theirs is not None:
            summary += f", comorbidipy {theirs:.2f} s; comorbidipy/ours = {theirs / median:.1f}"
        print(summary)
    if theirs is not None:
        print("  " + scores_agree(paths_in(folder), threads))


def input_csv(connection: Any, staging: Path, folder: Path) -> None:
    """Write generated staging tables back out as input-schema CSV files (claims with
    their first two diagnoses, procedures as claim lines)."""

    def parquet(name: str) -> str:
        return f"read_parquet('{staging / f'{name}.parquet'}')"

    statements = {
        "eligibility": f"""SELECT member_id, given_name, family_name, birth_date, sex, race,
                   ethnicity, language FROM {parquet("members")} ORDER BY member_key""",
        "medical_claims": f"""
            SELECT e.claim_id, e.member_id, e.claim_type, e.admit_type, e.service_date,
                   e.admission_date, e.discharge_date, e.service_line, e.allowed_amount,
                   e.discharge_hemoglobin_g_dl, e.discharge_sodium_mmol_l,
                   'ICD10CM' AS dx_code_system,
                   max(CASE WHEN d.sequence = 1 THEN d.code END) AS dx_1,
                   max(CASE WHEN d.sequence = 2 THEN d.code END) AS dx_2
            FROM {parquet("encounters")} e LEFT JOIN {parquet("diagnoses")} d USING (claim_id)
            GROUP BY ALL ORDER BY e.claim_id""",
        "claim_lines": f"""SELECT claim_id, 1 AS line_number, service_date,
                   code_system AS procedure_code_system, code AS procedure_code
            FROM {parquet("procedures")} ORDER BY claim_id""",
        "pharmacy_claims": f"""SELECT fill_id, member_id, fill_date, drug_code AS ndc,
                   drug_class, days_supply, allowed_amount
            FROM {parquet("pharmacy")} ORDER BY fill_id""",
    }
    folder.mkdir(parents=True, exist_ok=True)
    for name, query in statements.items():
        connection.execute(f"COPY ({query}) TO '{folder / f'{name}.csv'}' (HEADER)")


def end_to_end(members: int, threads: int, repeats: int = 3) -> None:
    """Time ``casework screen`` in a fresh process over CSV input of ``members`` members
    (20 claim lines and 10 fills per member): imports, reading, validation, staging, the
    screening, the bias report and writing the run folder, as an operator runs it.

    As installed, the package and its dependencies have compiled bytecode: the runs use a
    bytecode cache of their own (``PYTHONPYCACHEPREFIX``; ``PYTHONDONTWRITEBYTECODE``
    unset), filled by one warm-up run that is not counted. Without it every run compiles
    ~700 modules from source (about 2 s of CPU). Three cases: the plan cache filled by
    the warm-up, for the same window; the first run of a new day (each run's window ends
    a day later than any before, the cache holding the plans of another window, as when
    the default window moves with today); and no plan cache at all (every plan built, as
    on the first run of a criteria set). Prints for each the median wall time and the
    median CPU time (user + system of the process; steadier on a loaded machine)."""
    engine = duckdb_engine(threads=threads)
    with tempfile.TemporaryDirectory(prefix="casework-e2e-") as tmp:
        staging, folder = Path(tmp, "staging"), Path(tmp, "input")
        staging.mkdir()
        generate(engine.connection, staging, members, members * 20, members * 10)
        input_csv(engine.connection, staging, folder)
        environment = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        environment["PYTHONPYCACHEPREFIX"] = str(Path(tmp, "pycache"))
        plans = ["--plan-cache", str(Path(tmp, "plans"))]
        new_days = iter(range(1, 1000))
        for label, cache, moves in (
            ("plan cache filled by the warm-up", plans, False),
            ("first run of a new day, plans cached for another window", plans, True),
            ("no plan cache, every plan built", ["--no-plan-cache"], False),
        ):
            walls, cpus = [], []
            for run in range(repeats + 1):
                window_end = WINDOW_END + dt.timedelta(days=next(new_days) if moves else 0)
                command = [sys.executable, "-m", "casework.population.cli", "screen", str(folder)]
                command += ["--criteria", "readmission-risk", "--out", str(Path(tmp, f"run{run}"))]
                command += ["--window-end", window_end.isoformat(), "--max-reject-rate", "1"]
                command += ["--json", *cache]
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                started = time.perf_counter()
                done = subprocess.run(
                    command, capture_output=True, text=True, check=True, env=environment
                )
                wall = time.perf_counter() - started
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
                if run:
                    walls.append(wall)
                    cpus.append(cpu)
            summary = json.loads(done.stdout)
            print(
                f"end to end (fresh process, CSV input, {members:,} members, "
                f"{summary['rows_read']:,} rows, {summary['rows_rejected']:,} rejected; {label}), "
                f"median of {repeats} after a warm-up: {statistics.median(walls):.2f} s wall, "
                f"{statistics.median(cpus):.2f} s CPU; target <= 1.6 s wall at 1,000 members "
                f"(runs: {' '.join(f'{w:.2f}' for w in walls)} s wall; "
                f"load average {os.getloadavg()[0]:.1f})"
            )


def table_count(engine: Engine, table: Any) -> int:
    """Rows of a stage table (by name on DuckDB) or of a DataFrame."""
    if isinstance(table, str):
        row = engine.connection.execute(f"SELECT count(*) FROM {table}").fetchone()
        return int(row[0])
    return int(table.count())


def paths_in(folder: Path) -> dict[str, Path]:
    """The staging files of the Charlson comparison under ``folder``."""
    return {
        name: folder / f"{name}.parquet" for name in ("members", "diagnoses", "diagnosis_codes")
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--claim-lines", type=int, default=2_000_000)
    parser.add_argument("--fills", type=int, default=1_000_000)
    parser.add_argument("--full", action="store_true", help="1M members, 20M lines, 10M fills")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--skip-comorbidipy", action="store_true")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per process")
    parser.add_argument("--rounds", type=int, default=2, help="Charlson comparison rounds")
    parser.add_argument(
        "--compare-in", type=Path, help="only the Charlson comparison, on staging files here"
    )
    parser.add_argument(
        "--keep", type=Path, help="write the generated staging files here and keep them"
    )
    parser.add_argument("--tool", choices=("ours", "comorbidipy"), help=argparse.SUPPRESS)
    parser.add_argument(
        "--end-to-end-members",
        type=int,
        default=1000,
        help="members of the end-to-end CLI run over CSV input (0 skips it)",
    )
    args = parser.parse_args(argv)
    if args.compare_in is not None and args.tool is not None:
        report = time_tool(args.tool, paths_in(args.compare_in), args.repeat, args.threads)
        print(json.dumps(report))
        return 0
    if args.compare_in is not None:
        charlson_comparison(
            args.compare_in, args.rounds, args.repeat, args.threads, args.skip_comorbidipy
        )
        return 0
    if args.full:
        args.members, args.claim_lines, args.fills = 1_000_000, 20_000_000, 10_000_000
    if args.end_to_end_members:
        end_to_end(args.end_to_end_members, args.threads)
        sys.stdout.flush()

    engine = duckdb_engine(threads=args.threads)
    with tempfile.TemporaryDirectory(prefix="casework-bench-") as tmp:
        folder = Path(tmp) if args.keep is None else args.keep
        folder.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        generate(engine.connection, folder, args.members, args.claim_lines, args.fills)
        print(
            f"generated {args.members:,} members, {args.claim_lines:,} claim lines "
            f"({args.claim_lines // 2:,} claims), {args.fills:,} fills "
            f"in {time.perf_counter() - started:.1f} s"
        )
        names = ("members", "encounters", "diagnosis_codes", "diagnoses", "procedures", "pharmacy")
        paths = {name: folder / f"{name}.parquet" for name in names}
        criteria = criteria_load("readmission-risk")
        window = Window.ending(WINDOW_END, criteria.lookback_days)

        plans_folder = Path(tmp, "plans")
        for label in ("plans built and recorded", "plans from the plan cache"):
            started = time.perf_counter()
            cpu_started = time.process_time()
            first_stage = len(engine.stage_seconds)
            tables = screening_execute(
                engine=engine,
                paths=paths,
                criteria=criteria,
                window=window,
                bias_min_count=BIAS_MIN_COUNT,
                cache_dir=plans_folder,
            )
            selected = table_count(engine, tables.tiers)
            groups = table_count(engine, tables.bias)
            wall = time.perf_counter() - started
            cpu = time.process_time() - cpu_started
            rows = args.members + args.claim_lines + args.fills
            print(
                f"full screening (4 scores, tiers, bias report) on DuckDB, {label}: "
                f"{wall:.1f} s wall ({cpu:.1f} s CPU), {args.members / wall:,.0f} members/s, "
                f"{rows / wall:,.0f} input rows/s, peak RSS {peak_memory_gib():.2f} GiB; "
                f"selected {selected:,}, {groups} bias groups; "
                f"load average {os.getloadavg()[0]:.1f}"
            )
            executing = sum(engine.stage_seconds[first_stage:])
            print(
                f"  of which DuckDB executing stages: {executing:.1f} s; building plans and SQL "
                f"in SQLFrame/sqlglot (or taking them from the plan cache): "
                f"{wall - executing:.1f} s "
                f"({(wall - executing) / wall:.0%} of the run; target < 20 %)"
            )
            stages = zip(
                engine.stages[first_stage:], engine.stage_seconds[first_stage:], strict=True
            )
            print("  stages: " + ", ".join(f"{n} {seconds:.1f}s" for (n, _), seconds in stages))
            # the next pass starts from an empty database and a fresh peak
            for table in engine.stage_tables[first_stage:]:
                engine.connection.execute(f"DROP TABLE IF EXISTS {table}")
            peak_memory_reset()

        # fresh processes: the full screening's stage tables (GBs in DuckDB's memory)
        # and its allocations would slow both sides of the comparison
        sys.stdout.flush()
        charlson_comparison(folder, args.rounds, args.repeat, args.threads, args.skip_comorbidipy)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
