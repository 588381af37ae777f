"""Command line for population screening, wired by the project as ``casework screen`` and
``casework criteria``. This is the only place that picks an engine (and the only place
allowed to call ``sqlframe.activate()``; we do not need to, see engine.py).

    screen INPUT --criteria ID_OR_FILE --out RUN_DIR [--engine duckdb|spark]
           [--spark-master URL]
           [--window-end YYYY-MM-DD] [--max-reject-rate 0.05] [--bias-min-count 11]
           [--json] [--plan-cache DIR | --no-plan-cache]
    criteria list [--reviews LOG]
    criteria prepare [ID_OR_FILE ...] [--plan-cache DIR] [--bias-min-count 11]
    criteria review ID_OR_FILE --reviewer NAME [--date YYYY-MM-DD] [--notes TEXT]
           [--reviews LOG]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path

from casework.population.bias import BIAS_MIN_COUNT
from casework.population.criteria import (
    CriteriaError,
    criteria_library,
    criteria_load,
    criteria_review,
    criteria_review_due,
)
from casework.population.readers import (
    DEFAULT_REJECT_THRESHOLD,
    InputError,
    RejectRateExceededError,
)

DEFAULT_REVIEW_LOG = "criteria_reviews.jsonl"
PLAN_CACHE_FOLDER = "plan_cache"


def _plan_cache(args: argparse.Namespace) -> Path | None:
    """The plan cache folder: ``--plan-cache``, else ``population/plan_cache`` under
    ``CASEWORK_DATA_DIR``, else ``casework/population-plans`` under the user's cache
    folder (``XDG_CACHE_HOME`` or ``~/.cache``); ``None`` with ``--no-plan-cache``."""
    if args.no_plan_cache:
        return None
    if args.plan_cache is not None:
        return Path(args.plan_cache)
    data = os.environ.get("CASEWORK_DATA_DIR")
    if data:
        return Path(data) / "population" / PLAN_CACHE_FOLDER
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "casework" / "population-plans"


def _today() -> dt.date:
    """The day it is where the command runs (its `TZ`, e.g. TZ=America/New_York): the
    day the operator calls today, which UTC's runs ahead of every evening in the
    Americas. The default window ends on it; `--window-end` names another."""
    return dt.date.today()


def _review_log(value: str | None) -> Path:
    if value:
        return Path(value)
    base = os.environ.get("CASEWORK_DATA_DIR", ".")
    return Path(base) / "population" / DEFAULT_REVIEW_LOG


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="casework", description="Population screening")
    commands = parser.add_subparsers(dest="command", required=True)
    screen = commands.add_parser("screen", help="screen an input folder or FHIR export")
    screen.add_argument("input", type=Path)
    screen.add_argument("--criteria", required=True)
    screen.add_argument("--out", required=True, type=Path)
    screen.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb")
    screen.add_argument(
        "--spark-master",
        default=None,
        help="Spark master URL with --engine spark (default local[2]; spark://HOST:7077, "
        "yarn, k8s://https://HOST:443)",
    )
    screen.add_argument("--window-end", type=dt.date.fromisoformat, default=None)
    screen.add_argument("--max-reject-rate", type=float, default=DEFAULT_REJECT_THRESHOLD)
    screen.add_argument(
        "--bias-min-count",
        type=int,
        default=BIAS_MIN_COUNT,
        help="groups (and runs) with fewer members (selections) get no bias ratio",
    )
    screen.add_argument(
        "--json",
        action="store_true",
        help="write the run summary as one JSON object on stdout (messages go to stderr)",
    )
    caching = screen.add_mutually_exclusive_group()
    caching.add_argument(
        "--plan-cache",
        default=None,
        help="folder of the stage SQL rendered per criteria set and window (default "
        "$CASEWORK_DATA_DIR/population/plan_cache, else ~/.cache/casework/population-plans)",
    )
    caching.add_argument(
        "--no-plan-cache",
        action="store_true",
        help="build every plan afresh and keep nothing",
    )
    criteria = commands.add_parser("criteria", help="list or review criteria sets")
    actions = criteria.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list")
    listing.add_argument("--reviews", default=None)
    prepare = actions.add_parser(
        "prepare",
        help="build the stage plans of criteria sets into the plan cache, so that the first "
        "screening with each runs from the cache (an install step)",
    )
    prepare.add_argument("criteria", nargs="*", help="default: every shipped criteria set")
    prepare.add_argument("--plan-cache", default=None, help="as for screen")
    prepare.add_argument("--bias-min-count", type=int, default=BIAS_MIN_COUNT)
    review = actions.add_parser("review")
    review.add_argument("criteria")
    review.add_argument("--reviewer", required=True)
    review.add_argument("--date", type=dt.date.fromisoformat, default=None)
    review.add_argument("--notes", default="")
    review.add_argument("--reviews", default=None)
    return parser


def main(argv: list[str]) -> int:
    """Run the command in ``argv`` (without the program name); return the exit status."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "screen":
            return _screen(args)
        if args.action == "list":
            log = _review_log(args.reviews)
            for criteria_id in sorted(criteria_library()):
                criteria = criteria_load(criteria_id)
                due = criteria_review_due(criteria, log)
                state = "OVERDUE" if due < _today() else "ok"
                print(f"{criteria_id}\t{criteria.version}\treview due {due}\t{state}")
            return 0
        if args.action == "prepare":
            return _prepare(args)
        criteria = criteria_load(args.criteria)
        review = criteria_review(
            criteria,
            reviewer=args.reviewer,
            reviewed_on=args.date or _today(),
            notes=args.notes,
            log_path=_review_log(args.reviews),
        )
        print(
            f"recorded review of {review.criteria_id} {review.version} by {review.reviewer} "
            f"on {review.reviewed_on}; next review due {review.next_review_due}"
        )
        return 0
    except (CriteriaError, InputError, RejectRateExceededError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def _prepare(args: argparse.Namespace) -> int:
    from casework.population.engine import engine_create
    from casework.population.pipeline import Window
    from casework.population.plans import plans_prepare

    if args.bias_min_count < 1:
        raise InputError("--bias-min-count must be at least 1")
    args.no_plan_cache = False
    cache = _plan_cache(args)
    assert cache is not None
    engine = engine_create("duckdb")
    for name in args.criteria or sorted(criteria_library()):
        criteria = criteria_load(name)
        kept = plans_prepare(
            engine=engine,
            criteria=criteria,
            cache_dir=cache,
            bias_min_count=args.bias_min_count,
            window=Window.ending(_today(), criteria.lookback_days),
        )
        state = "plans in" if kept else "plans NOT cacheable, built on every run; not in"
        print(f"{criteria.criteria_id}\t{criteria.version}\t{state} {cache}")
    return 0


def _screen(args: argparse.Namespace) -> int:
    from casework.population.engine import engine_create
    from casework.population.progress import Progress
    from casework.population.runs import run_execute

    if args.bias_min_count < 1:
        raise InputError("--bias-min-count must be at least 1")
    if args.spark_master is not None and args.engine != "spark":
        raise InputError("--spark-master needs --engine spark")
    human = sys.stderr if args.json else sys.stdout

    def notify(message: str) -> None:
        print(message, file=sys.stderr if message.startswith("warning:") else human)

    criteria = criteria_load(args.criteria)
    window_end = args.window_end or _today()
    if args.window_end is None:
        notify(f"--window-end not given: the window ends today, {window_end}")
    engine = engine_create(args.engine, spark_master=args.spark_master)
    summary = run_execute(
        engine=engine,
        input_path=args.input,
        criteria=criteria,
        run_dir=args.out,
        window_end=window_end,
        max_reject_rate=args.max_reject_rate,
        bias_min_count=args.bias_min_count,
        notify=notify,
        progress=Progress.for_terminal(),
        plan_cache=_plan_cache(args),
    )
    excluded = sum(summary.excluded_records.values())
    print(
        f"screened {summary.members} members, selected {summary.selected}; "
        f"{summary.deceased_excluded} deceased members excluded from selection; "
        f"{summary.rejected_rows} of {summary.rows_read} input rows rejected; "
        f"{excluded} input records not scored (status); "
        f"run folder {summary.run_dir}",
        file=human,
    )
    if args.json:
        print(json.dumps(summary.as_json(), sort_keys=True))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main(sys.argv[1:]))
