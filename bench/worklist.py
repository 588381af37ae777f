"""Worklist benchmark: seed a large program, then time the worklist query and page.

Seeds 100,000 consumers (one referral and one case each), 1,000,000 work items and
1,000,000 audit events with bulk inserts (executemany on SQLite, COPY on PostgreSQL),
then times, for a case manager with 60 open cases, over 200 requests each:
  query  cases.selectors.worklist_build (the page's one selector), fully evaluated
  page   GET reverse("worklist") through the Django test client (skipped, with a
         message, while the page does not exist)
and prints p50/p95, the wall time and the peak memory (max RSS).

  .venv/bin/python bench/worklist.py --database sqlite
  .venv/bin/python bench/worklist.py --database postgres \
      --database-url postgres://postgres@127.0.0.1:5432/casework_bench

Each run starts from an empty database: the SQLite file in --data-dir is deleted; on
PostgreSQL the public schema of the given database is dropped and recreated. Use a
database of its own. The seeding is heavy (minutes): run it once per database.
"""

import argparse
import os
import random
import resource
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import Any

CONSUMERS = 100_000
WORK_ITEMS_PER_CASE = 10
AUDIT_EVENTS = 1_000_000
CASES_PER_MANAGER = 80  # 60 open and 20 ended, for every case manager
OPEN_PER_MANAGER = 60
TEAM_SIZE = 10
REQUESTS = 200
TARGET_P95_MS = 50.0
CHUNK = 20_000
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def sign_confidentiality(user: Any) -> None:
    """The timed user signs the program's confidentiality statement, without which every
    consumer page sends them to sign it first (staff governance, S41)."""
    from casework.staff.models import AttestationDocument, AttestationKind, AttestationSignature

    document, _ = AttestationDocument.objects.get_or_create(
        program_id=user.program_id,
        kind=AttestationKind.CONFIDENTIALITY,
        version=1,
        defaults={
            "title": "Confidentiality statement",
            "body": "I keep consumer information confidential.",
            "published_at": NOW - timedelta(days=2),
        },
    )
    AttestationSignature.objects.get_or_create(
        user=user, document=document, defaults={"signed_at": NOW - timedelta(days=1)}
    )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/casework_bench",
        help="PostgreSQL database to use (its public schema is dropped first)",
    )
    parser.add_argument(
        "--data-dir", default="/tmp/casework-bench", help="where the SQLite file goes"
    )
    parser.add_argument("--consumers", type=int, default=CONSUMERS)
    parser.add_argument("--audit-events", type=int, default=AUDIT_EVENTS)
    parser.add_argument("--requests", type=int, default=REQUESTS)
    parser.add_argument(
        "--reuse", action="store_true", help="skip seeding: time an already seeded database"
    )
    return parser.parse_args()


def setup_django(args: argparse.Namespace) -> None:
    """Configure settings before Django is imported (env decides the database)."""
    os.environ["CASEWORK_DATA_DIR"] = args.data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "casework.settings.test"
    if args.database == "postgres":
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
        if not args.reuse:
            for suffix in ("", "-wal", "-shm"):
                Path(args.data_dir, f"casework.sqlite3{suffix}").unlink(missing_ok=True)
    import django

    django.setup()


def reset_and_migrate(vendor: str) -> None:
    from django.core.management import call_command
    from django.db import connection

    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0)


def chunks(rows: Iterable[tuple[Any, ...]], size: int = CHUNK) -> Iterator[list[tuple[Any, ...]]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


class Loader:
    """Bulk-inserts raw rows: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self) -> None:
        from django.db import connection

        self.connection = connection
        self.vendor = connection.vendor

    def dt(self, value: datetime | None) -> Any:
        if value is None or self.vendor == "postgresql":
            return value
        return value.replace(tzinfo=None).isoformat(sep=" ")

    def flag(self, value: bool) -> Any:
        return value if self.vendor == "postgresql" else int(value)

    def defaults(self, table: str, columns: list[str]) -> tuple[list[str], tuple[Any, ...]]:
        """The NOT NULL columns of `table` with a default that `columns` leave out (a column
        added after this benchmark was written), with their defaults as the database
        takes them: the rows get them, as Django's own inserts would."""
        from django.apps import apps

        model = next(m for m in apps.get_models() if m._meta.db_table == table)
        extra = [
            f
            for f in model._meta.concrete_fields
            if f.column not in columns and not f.null and f.has_default()
        ]
        values = tuple(f.get_db_prep_save(f.get_default(), self.connection) for f in extra)
        return [f.column for f in extra], values

    def load(self, table: str, columns: list[str], rows: Iterable[tuple[Any, ...]]) -> int:
        started = time.perf_counter()
        count = 0
        more, values = self.defaults(table, columns)
        if more:
            columns = [*columns, *more]
            rows = (row + values for row in rows)
        names = ", ".join(columns)
        with self.connection.cursor() as cursor:
            if self.vendor == "postgresql":
                raw = cursor.cursor
                with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                        count += 1
            else:
                marks = ", ".join("?" for _ in columns)
                sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"
                for batch in chunks(rows):
                    cursor.cursor.executemany(sql, batch)
                    count += len(batch)
        print(f"  {table:<24} {count:>9,} rows in {time.perf_counter() - started:6.1f} s")
        return count


def seed(consumers: int, audit_events: int) -> int:
    """Seed the program; returns the id of the case manager to time."""
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from casework.cases.models import Case, Referral
    from casework.consumers.models import Consumer
    from casework.coordination.models import WorkItem
    from casework.core.audit import event_mac
    from casework.core.models import AuditEvent, Program, Team
    from casework.staff.models import User

    rnd = random.Random(2)
    db = Loader()
    managers = consumers // CASES_PER_MANAGER
    teams = max(1, managers // TEAM_SIZE)
    with transaction.atomic():
        program = Program.objects.create(
            code="bench",
            name="Benchmark program",
            purpose_statement="p",
            complaint_contact="c",
            after_closure_contact="a",
        )
        team_rows = Team.objects.bulk_create(
            [Team(program=program, name=f"Team {t}") for t in range(teams)]
        )
        supervisors = User.objects.bulk_create(
            [
                User(username=f"sup{t}", role="supervisor", program=program, team=team_rows[t])
                for t in range(teams)
            ]
        )
        for team, supervisor in zip(team_rows, supervisors, strict=True):
            team.supervisor = supervisor
        Team.objects.bulk_update(team_rows, ["supervisor"])
        cms = User.objects.bulk_create(
            [
                User(
                    username=f"cm{m}",
                    role="case_manager",
                    program=program,
                    team=team_rows[min(m // TEAM_SIZE, teams - 1)],
                )
                for m in range(managers)
            ]
        )
        cm_ids = [u.pk for u in cms]
        cm_team = [u.team_id for u in cms]
        print(f"  staff: {teams} supervisors, {managers} case managers")

        opened = NOW - timedelta(days=200)
        consumer_cols = [
            "id", "program_id", "mrn", "member_id", "given_name", "family_name",
            "birth_date", "sex", "preferred_language", "interpreter_needed",
            "cultural_preferences", "makes_own_decisions", "phone", "email", "address",
            "payer", "race", "ethnicity", "created_at", "updated_at", "version",
        ]  # fmt: skip
        db.load(
            Consumer._meta.db_table,
            consumer_cols,
            (
                (
                    i, program.pk, f"MRN{i:07d}", f"M{i:07d}", f"Given{i % 997}",
                    f"Family{i % 1009}", f"19{40 + i % 60}-0{1 + i % 9}-1{i % 9}",
                    "female" if i % 2 else "male", "es" if i % 5 == 0 else "en",
                    db.flag(i % 5 == 0), "", db.flag(True), "555-0100", "", "", "", "", "",
                    db.dt(opened), db.dt(opened), 1,
                )
                for i in range(1, consumers + 1)
            ),
        )  # fmt: skip
        db.load(
            Referral._meta.db_table,
            [
                "id", "program_id", "consumer_id", "source", "referrer_name",
                "referrer_organization", "referrer_contact", "reason", "received_at",
                "external_key", "detail", "created_by_id", "created_at",
            ],
            (
                (
                    i, program.pk, i, "self", "", "", "", "Needs help", db.dt(opened),
                    None, "{}", None, db.dt(opened),
                )
                for i in range(1, consumers + 1)
            ),
        )  # fmt: skip

        open_states = ["referred", "engaged", "active", "active", "active"]
        ended_states = ["closed", "closed", "declined", "withdrawn"]

        def case_of(i: int) -> tuple[int, int, bool, str]:
            """(manager index, its case number, open?, state) of case i (1-based)."""
            manager = (i - 1) % managers
            number = (i - 1) // managers
            is_open = number < OPEN_PER_MANAGER
            state = (open_states if is_open else ended_states)[i % (5 if is_open else 4)]
            return manager, number, is_open, state

        def case_rows() -> Iterator[tuple[Any, ...]]:
            for i in range(1, consumers + 1):
                manager, _, is_open, state = case_of(i)
                ended = None if is_open else db.dt(NOW - timedelta(days=i % 90))
                yield (
                    i, program.pk, i, i, state, cm_ids[manager], cm_team[manager],
                    "moderate", "moderate", db.dt(opened + timedelta(minutes=i)), None, None,
                    ended,
                    "" if is_open else "goals_met", "", "", 1,
                )  # fmt: skip

        db.load(
            Case._meta.db_table,
            [
                "id", "program_id", "consumer_id", "referral_id", "state", "assigned_to_id",
                "team_id", "complexity", "severity", "opened_at", "engaged_at", "activated_at",
                "ended_at", "closure_reason", "closure_summary", "closure_instructions",
                "version",
            ],
            case_rows(),
        )  # fmt: skip

        def work_item_rows() -> Iterator[tuple[Any, ...]]:
            n = 0
            for i in range(1, consumers + 1):
                manager, _, is_open, _ = case_of(i)
                owner = cm_ids[manager]
                for k in range(WORK_ITEMS_PER_CASE):
                    n += 1
                    still_open = is_open and k < 3
                    due = NOW + timedelta(days=(-5, 3, 20)[k] if k < 3 else -30 - k, hours=i % 24)
                    yield (
                        n, i, f"Work item {k}", "", "service", owner, db.dt(due),
                        "open" if still_open else "completed",
                        None if still_open else db.dt(due - timedelta(days=1)),
                        "", owner, db.dt(opened), 1,
                    )  # fmt: skip

        db.load(
            WorkItem._meta.db_table,
            [
                "id", "case_id", "title", "description", "kind", "owner_id", "due_at",
                "status", "completed_at", "outcome", "created_by_id", "created_at", "version",
            ],
            work_item_rows(),
        )  # fmt: skip

        actions = ["read", "read", "read", "list", "create", "update"]

        def audit_rows() -> Iterator[tuple[Any, ...]]:
            # Each event with the MAC `audit_record` would have given it (core/audit.py),
            # so that `casework audit verify` and a restore's checks find a sound trail.
            for n in range(1, audit_events + 1):
                event = AuditEvent(
                    id=n, occurred_at=NOW - timedelta(seconds=(audit_events - n) * 30),
                    actor_id=cm_ids[n % managers], actor_username=f"cm{n % managers}",
                    actor_role="case_manager", action=actions[n % 6], outcome="success",
                    consumer_id=1 + n % consumers, object_type="case",
                    object_id=str(1 + n % consumers), purpose_of_use="CAREMGT",
                    client_address="10.0.0.1", break_glass=False, detail={},
                )  # fmt: skip
                yield (
                    n, db.dt(event.occurred_at), event.actor_id, event.actor_username,
                    event.actor_role, event.action, event.outcome, event.consumer_id,
                    event.object_type, event.object_id, event.purpose_of_use,
                    event.client_address, db.flag(False), "{}", event_mac(event),
                )  # fmt: skip

        db.load(
            AuditEvent._meta.db_table,
            [
                "id", "occurred_at", "actor_id", "actor_username", "actor_role", "action",
                "outcome", "consumer_id", "object_type", "object_id", "purpose_of_use",
                "client_address", "break_glass", "detail", "mac",
            ],
            audit_rows(),
        )  # fmt: skip
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(
                no_style(), [Consumer, Referral, Case, WorkItem, AuditEvent]
            ):
                cursor.execute(sql)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    del rnd
    return cm_ids[0]


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def timed(
    label: str, fn: Callable[[], object], n: int, target: float | None = TARGET_P95_MS
) -> tuple[float, float]:
    """p50 and p95 wall time in ms over n calls; CPU time (process_time) is printed too,
    because on a shared machine the wall time includes waiting for a core."""
    fn()  # warm up (connection, query plan, caches)
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(n):
        started, started_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    p50, p95 = statistics.median(wall), percentile(wall, 95)
    verdict = ""
    if target is not None:
        verdict = "OK" if p95 < target else f"MISSES the {target:.0f} ms target"
    print(
        f"  {label:<7} p50 {p50:7.2f} ms   p95 {p95:7.2f} ms   ({n} requests) {verdict}\n"
        f"  {'':<7} cpu p50 {statistics.median(cpu):5.2f} ms   "
        f"cpu p95 {percentile(cpu, 95):5.2f} ms"
    )
    return p50, p95


def explain(vendor: str, user_id: int) -> None:
    from casework.cases.selectors import case_list_for_worklist
    from casework.coordination.selectors import work_item_list_for_worklist
    from casework.staff.models import User

    user = User.objects.get(pk=user_id)
    options = {"analyze": True} if vendor == "postgresql" else {}
    print("  plan: case_list_for_worklist")
    plan = case_list_for_worklist(user=user, team=False, states=None).explain(**options)
    print("    " + plan.replace("\n", "\n    "))
    print("  plan: work_item_list_for_worklist")
    plan = work_item_list_for_worklist(
        owner_ids=[user.pk], program_id=user.program_id or 0, now=NOW
    ).explain(**options)
    print("    " + plan.replace("\n", "\n    "))


def run_benchmark(user_id: int, requests: int) -> None:
    import time_machine
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from casework.cases.selectors import case_list_for_worklist, worklist_build
    from casework.coordination.selectors import work_item_list_for_worklist
    from casework.staff.models import User

    # The test client without setup_test_environment(): that instruments every template
    # render (a context copy per template, for assertions) and would inflate the page.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    user = User.objects.get(pk=user_id)
    program_id = user.program_id or 0
    with time_machine.travel(NOW, tick=True):
        cases = list(case_list_for_worklist(user=user, team=False, states=None))
        items = list(
            work_item_list_for_worklist(owner_ids=[user.pk], program_id=program_id, now=NOW)
        )
        print(
            f"  case manager {user.username}: {len(cases)} open cases, "
            f"{sum(c.overdue_items for c in cases)} overdue work items, "
            f"{len(items)} work items due within 7 days"
        )
        explain(connection.vendor, user_id)

        def query() -> None:
            worklist_build(user=user, team=False)

        timed("query", query, requests)
        try:
            url = reverse("worklist")
        except NoReverseMatch:
            print("  page    SKIPPED: the worklist page (URL name 'worklist') does not exist yet")
            return
        sign_confidentiality(user)
        client = Client()
        client.force_login(user)
        response = client.get(url)
        if response.status_code != 200:
            print(f"  page    SKIPPED: GET {url} answered {response.status_code}")
            return

        def page() -> None:
            assert client.get(url).status_code == 200

        timed("page", page, requests)
    audit_report_benchmark(program_id, max(requests // 10, 10))


def audit_report_benchmark(program_id: int, requests: int) -> None:
    """A compliance officer's audit report (S25): the default last seven days and every
    event since 2000 (the whole seeded trail), one page of 50 with its count each time."""
    import time_machine
    from django.test import Client
    from django.urls import reverse

    from casework.core.roles import Role
    from casework.staff.models import User

    officer, _ = User.objects.get_or_create(
        username="bench-compliance",
        defaults={"role": Role.COMPLIANCE_OFFICER, "program_id": program_id},
    )
    sign_confidentiality(officer)
    client = Client()
    client.force_login(officer)
    url = reverse("audit_report")
    with time_machine.travel(NOW, tick=True):
        for label, query in (("audit 7 days", ""), ("audit all", "?since=2000-01-01")):

            def report(query: str = query) -> None:
                assert client.get(url + query).status_code == 200

            timed(label, report, requests, target=None)


def main() -> None:
    started = time.perf_counter()
    args = parse_args()
    setup_django(args)
    from django.db import connection

    vendor = connection.vendor
    print(
        f"worklist benchmark on {vendor} ({os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.1f}, Python {sys.version.split()[0]})"
    )
    if args.reuse:
        from casework.staff.models import User

        user_id = User.objects.get(username="cm0").pk
    else:
        reset_and_migrate(vendor)
        print("seeding:")
        seed_started = time.perf_counter()
        user_id = seed(args.consumers, args.audit_events)
        print(f"  seeded in {time.perf_counter() - seed_started:.1f} s")
    print("timing:")
    run_benchmark(user_id, args.requests)
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"wall time {time.perf_counter() - started:.1f} s; peak memory (max RSS) {peak_mb:.0f} MB"
    )


if __name__ == "__main__":
    main()
