"""Clock sweep benchmark: N open deadline rows (mixed kinds and calendars), then one
sweep (claim every due row and act on it; raise every escalation whose point passed),
then a second sweep that must change nothing.

Rows are clocks of the complaint and protection kinds, their due times and escalation
points computed by `casework.core.clocks` for four program calendars (New York, Chicago
with Illinois holidays, Los Angeles with California holidays and a closure, Phoenix):
calendar days, business days and hours. `--due-fraction` of the rows are past their
limit and `--escalating-fraction` past an escalation point at NOW.

  .venv/bin/python bench/clocks.py --rows 1000000 --database sqlite
  .venv/bin/python bench/clocks.py --rows 1000000 --database postgres \
      --database-url postgres://postgres@127.0.0.1:5432/casework_bench_clocks

Prints the seeding time, each sweep's wall time and counts, and the table's state
counts before and after the second sweep (they must be equal: idempotent). Target: the
first sweep over 1,000,000 rows in under 10 s. Each run starts from an empty database.
"""

import argparse
import os
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from worklist import Loader, reset_and_migrate

NOW = datetime(2026, 6, 1, 15, 0, tzinfo=UTC)
KINDS = [
    "complaint_resolve",
    "complaint_acknowledge",
    "abuse_oral_report",
    "abuse_written_report",
    "incident_osha_decision",
    "ethics_review",
]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/casework_bench_clocks"
    )
    parser.add_argument("--data-dir", default="/tmp/casework-bench-clocks")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--due-fraction", type=float, default=0.005)
    parser.add_argument("--escalating-fraction", type=float, default=0.02)
    return parser.parse_args()


def setup_django(args: argparse.Namespace) -> None:
    os.environ["CASEWORK_DATA_DIR"] = args.data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "casework.settings.test"
    Path(args.data_dir).mkdir(parents=True, exist_ok=True)
    if args.database == "postgres":
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
        for suffix in ("", "-wal", "-shm"):
            Path(args.data_dir, f"casework.sqlite3{suffix}").unlink(missing_ok=True)
    import django

    django.setup()


def calendars() -> list[Any]:
    from casework.core.clocks import HolidayCalendar

    return [
        HolidayCalendar(time_zone="America/New_York"),
        HolidayCalendar(time_zone="America/Chicago", subdivision="IL"),
        HolidayCalendar(
            time_zone="America/Los_Angeles",
            subdivision="CA",
            closures=frozenset({date(2026, 5, 22)}),
        ),
        HolidayCalendar(time_zone="America/Phoenix", subdivision="AZ"),
    ]


def rules() -> list[Any]:
    from casework.core.clocks import ClockRule, ClockUnit

    return [
        ClockRule(code="MC-2", amount=90, unit=ClockUnit.CALENDAR_DAYS),
        ClockRule(code="PP-ACK", amount=5, unit=ClockUnit.BUSINESS_DAYS, escalate_at=(0.5,)),
        ClockRule(code="CA-ORAL", amount=1, unit=ClockUnit.HOURS, escalate_at=(0.5,)),
        ClockRule(code="CA-WRITTEN", amount=2, unit=ClockUnit.BUSINESS_DAYS),
        ClockRule(code="OSHA-1", amount=7, unit=ClockUnit.CALENDAR_DAYS),
        ClockRule(code="MC-5", amount=72, unit=ClockUnit.HOURS),
    ]


def seed(args: argparse.Namespace) -> None:
    from casework.core import clocks

    cals, rule_list = calendars(), rules()

    @cache
    def schedule(
        kind_index: int, cal_index: int, start: datetime
    ) -> tuple[datetime, list[datetime]]:
        rule, cal = rule_list[kind_index], cals[cal_index]
        due = clocks.due_at(start=start, rule=rule, calendar=cal)
        assert due is not None
        return due, clocks.escalation_times(start=start, due=due, rule=rule)

    random.seed(7)
    loader = Loader()
    due_n = int(args.rows * args.due_fraction)
    escalating_n = int(args.rows * args.escalating_fraction)

    def rows() -> Any:
        for i in range(args.rows):
            k, c = i % len(KINDS), i % len(cals)
            if i < due_n:
                # Past the limit: started long enough ago.
                start = NOW - timedelta(days=100, hours=i % 24)
            elif i < due_n + escalating_n:
                # Past the first escalation point, before the limit: start so that the
                # halfway point has passed (with days to spare for day clocks).
                rule = rule_list[k]
                span = {"hours": timedelta(hours=rule.amount)}.get(
                    str(rule.unit), timedelta(days=rule.amount)
                )
                start = NOW - span * 0.8 + timedelta(minutes=10 * (i % 3))
            else:
                start = NOW + timedelta(hours=i % 200) - timedelta(minutes=30)
            start = start.replace(second=0, microsecond=0)
            due, points = schedule(k, c, start)
            upcoming = next((p for p in points if p > start), None)
            yield (
                KINDS[k],
                "bench",
                i + 1,
                None,
                None,
                loader.dt(due),
                "open",
                "",
                0,
                "1",
                None,
                loader.dt(start),
                rule_list[k].code,
                loader.dt(start),
                "[]",
                "[]",
                None,
                "[" + ", ".join(f'"{p.isoformat()}"' for p in points) + "]",
                loader.dt(upcoming),
            )

    loader.load(
        "core_deadline",
        [
            "kind", "subject_type", "subject_id", "consumer_id", "owner_id", "due_at",
            "state", "pause_reason", "escalation_level", "rule_version", "swept_at",
            "created_at", "rule_code", "started_at", "pauses", "extensions",
            "notice_due_at", "escalations", "escalates_at",
        ],
        rows(),
    )  # fmt: skip


def state_counts() -> dict[str, int]:
    from django.db.models import Count

    from casework.core.models import Deadline

    counts = Deadline.objects.values("state", "escalation_level").annotate(n=Count("id"))
    return {f"{row['state']}/L{row['escalation_level']}": row["n"] for row in counts}


def sweep(profile: bool = False) -> tuple[float, int, int]:
    import time_machine

    from casework.core.deadlines import deadlines_escalate
    from casework.core.sweep import deadlines_sweep

    with time_machine.travel(NOW, tick=False):
        started = time.perf_counter()
        overdue, _reminders = deadlines_sweep()
        escalated = deadlines_escalate(now=NOW)
        return time.perf_counter() - started, overdue, escalated


def main() -> None:
    args = parse_args()
    setup_django(args)
    from django.db import connection, transaction

    reset_and_migrate(connection.vendor)
    started = time.perf_counter()
    with transaction.atomic():
        seed(args)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE core_deadline")
    print(f"seeded {args.rows:,} open rows in {time.perf_counter() - started:.1f} s")
    first, overdue, escalated = sweep()
    print(f"sweep 1: {first:6.2f} s  claimed {overdue:,} breached, raised {escalated:,} levels")
    before = state_counts()
    second, overdue2, escalated2 = sweep()
    after = state_counts()
    print(f"sweep 2: {second:6.2f} s  claimed {overdue2:,} breached, raised {escalated2:,} levels")
    print(f"states: {dict(sorted(after.items()))}")
    idempotent = before == after and overdue2 == 0 and escalated2 == 0
    print(f"idempotent: {idempotent}; target < 10 s: {'met' if first < 10 else 'NOT met'}")
    if not idempotent:
        sys.exit(1)


if __name__ == "__main__":
    main()
