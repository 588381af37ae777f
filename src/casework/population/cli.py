"""Command line for population screening, wired by the project as ``casework screen`` and
``casework criteria``. This is the only place that picks an engine (and the only place
allowed to call ``sqlframe.activate()``; we do not need to, see engine.py).

    screen INPUT --criteria ID_OR_FILE --out RUN_DIR [--engine duckdb|spark]
           [--window-end YYYY-MM-DD] [--max-reject-rate 0.05]
    criteria list [--reviews LOG]
    criteria review ID_OR_FILE --reviewer NAME [--date YYYY-MM-DD] [--notes TEXT]
           [--reviews LOG]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

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


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


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
    screen.add_argument("--window-end", type=dt.date.fromisoformat, default=None)
    screen.add_argument("--max-reject-rate", type=float, default=DEFAULT_REJECT_THRESHOLD)
    criteria = commands.add_parser("criteria", help="list or review criteria sets")
    actions = criteria.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list")
    listing.add_argument("--reviews", default=None)
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


def _screen(args: argparse.Namespace) -> int:
    from casework.population.engine import engine_create
    from casework.population.runs import run_execute

    criteria = criteria_load(args.criteria)
    engine = engine_create(args.engine)
    summary = run_execute(
        engine=engine,
        input_path=args.input,
        criteria=criteria,
        run_dir=args.out,
        window_end=args.window_end or _today(),
        max_reject_rate=args.max_reject_rate,
    )
    print(
        f"screened {summary.members} members, selected {summary.selected}; "
        f"{summary.rejected_rows} of {summary.rows_read} input rows rejected; "
        f"run folder {summary.run_dir}"
    )
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main(sys.argv[1:]))
