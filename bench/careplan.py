"""Plan-of-care benchmark: seed a large program, then time the case page with its current
plan and the plan PDF (issue 4, Benchmark).

Seeds 100,000 consumers, each with one active case, a granted consent, two care-team
members, a PHQ-9 assessment with one need, and a plan of care whose current version
holds 3 problems, 3 goals, 6 interventions and 3 barriers, plus an agreement; bulk
inserts (executemany on SQLite, COPY on PostgreSQL) as in bench/worklist.py. Then times,
signed in as a case manager through the Django test client:
  case   GET /cases/<id>/ (the case page with assessments, needs and the current plan),
         over 200 requests spread over the manager's cases; target p95 < 80 ms
  plan   GET /cases/<id>/plan/ (the plan page), over 200 requests
  pdf    GET /cases/<id>/plan/plan-of-care.pdf, over 50 requests; target < 1 s

  .venv/bin/python bench/careplan.py --database sqlite
  .venv/bin/python bench/careplan.py --database postgres \
      --database-url postgres://postgres@127.0.0.1:5432/casework_care_bench

Each run without --reuse starts from an empty database (see bench/worklist.py).
"""

import argparse
import json
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from worklist import Loader, percentile, reset_and_migrate, sign_confidentiality

CONSUMERS = 100_000
CASES_PER_MANAGER = 80
TEAM_SIZE = 10
REQUESTS = 200
PDF_REQUESTS = 50
TARGET_PAGE_P95_MS = 80.0
TARGET_PDF_MS = 1000.0
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
PROBLEMS = 3
INTERVENTIONS_PER_GOAL = 2
PROBLEM_NAMES = ("Food insecurity", "Medication adherence", "Caregiver strain")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/casework_care_bench",
        help="PostgreSQL database to use (its public schema is dropped first)",
    )
    parser.add_argument("--data-dir", default="/tmp/casework-care-bench")
    parser.add_argument("--consumers", type=int, default=CONSUMERS)
    parser.add_argument("--requests", type=int, default=REQUESTS)
    parser.add_argument("--pdf-requests", type=int, default=PDF_REQUESTS)
    parser.add_argument("--reuse", action="store_true", help="skip seeding")
    return parser.parse_args()


def setup_django(args: argparse.Namespace) -> None:
    from pathlib import Path

    os.environ["CASEWORK_DATA_DIR"] = args.data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "casework.settings.test"
    Path(args.data_dir).mkdir(parents=True, exist_ok=True)
    if args.database == "postgres":
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
        if not args.reuse:
            for suffix in ("", "-wal", "-shm"):
                Path(args.data_dir, f"casework.sqlite3{suffix}").unlink(missing_ok=True)
    import django

    django.setup()


def load_model(db: Loader, model: Any, rows: Iterable[dict[str, Any]]) -> int:
    """Bulk-insert dicts keyed by field attname; a column the row does not give takes the
    field's default (so a new field with a default needs no change here)."""
    fields = model._meta.concrete_fields
    columns = [f.column for f in fields]
    names = [f.attname for f in fields]
    kinds = [f.get_internal_type() for f in fields]
    defaults = {f.attname: f.get_default() for f in fields}

    def convert(value: Any, kind: str) -> Any:
        if kind == "DateTimeField":
            return db.dt(value)
        if kind == "BooleanField":
            return db.flag(value)
        if kind == "JSONField":
            return json.dumps(value)
        if kind == "DateField" and hasattr(value, "isoformat"):
            return value.isoformat()
        return value

    def tuples() -> Iterator[tuple[Any, ...]]:
        for row in rows:
            yield tuple(
                convert(row[n] if n in row else defaults[n], k)
                for n, k in zip(names, kinds, strict=True)
            )

    return db.load(model._meta.db_table, columns, tuples())


def seed(consumers: int) -> int:
    """Seed the program; returns the id of the case manager to time."""
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from casework.assessments.models import AssessmentResponse, Instrument, Need
    from casework.careplans.models import (
        CarePlan,
        CarePlanVersion,
        PlanAgreement,
        PlanBarrier,
        PlanGoal,
        PlanIntervention,
        PlanProblem,
    )
    from casework.cases.models import Case, Consent, Referral
    from casework.consumers.models import Consumer
    from casework.coordination.models import CareTeamMember
    from casework.core.models import Program, Team
    from casework.staff.models import User

    db = Loader()
    managers = max(1, consumers // CASES_PER_MANAGER)
    teams = max(1, managers // TEAM_SIZE)
    phq9 = Instrument.objects.get(code="phq9", is_current=True)
    answers = {f"phq9_{n}": "LA6569-3" for n in range(1, 10)}
    answers["phq9_9"] = "LA6568-5"
    result = {
        "total": 8,
        "band": "mild",
        "band_label": "Mild depression",
        "domains": {"depression": "negative"},
        "urgent": [],
        "complete": True,
    }
    opened = NOW - timedelta(days=200)
    with transaction.atomic():
        program = Program.objects.create(
            code="bench",
            name="Benchmark program",
            purpose_statement="p",
            complaint_contact="Call 555-0100",
            after_closure_contact="a",
        )
        team_rows = Team.objects.bulk_create(
            [Team(program=program, name=f"Team {t}") for t in range(teams)]
        )
        cms = User.objects.bulk_create(
            [
                User(
                    username=f"cm{m}",
                    role="case_manager",
                    program=program,
                    team=team_rows[min(m // TEAM_SIZE, teams - 1)],
                    first_name="Case",
                    last_name=f"Manager {m}",
                )
                for m in range(managers)
            ]
        )
        cm_ids = [u.pk for u in cms]
        cm_team = [u.team_id for u in cms]
        print(f"  staff: {managers} case managers in {teams} teams")
        ids = range(1, consumers + 1)
        load_model(
            db,
            Consumer,
            (
                {
                    "id": i, "program_id": program.pk, "mrn": f"MRN{i:07d}",
                    "member_id": f"M{i:07d}", "given_name": f"Given{i % 997}",
                    "family_name": f"Family{i % 1009}",
                    "birth_date": f"19{40 + i % 60}-0{1 + i % 9}-1{i % 9}",
                    "sex": "female" if i % 2 else "male",
                    "preferred_language": "es" if i % 5 == 0 else "en",
                    "interpreter_needed": i % 5 == 0, "cultural_preferences": "",
                    "makes_own_decisions": True, "phone": "555-0100", "email": "",
                    "address": "", "race": "", "ethnicity": "", "created_at": opened,
                    "updated_at": opened, "version": 1,
                }
                for i in ids
            ),
        )  # fmt: skip
        load_model(
            db,
            Referral,
            (
                {
                    "id": i, "program_id": program.pk, "consumer_id": i, "source": "self",
                    "referrer_name": "", "referrer_organization": "", "referrer_contact": "",
                    "reason": "Needs help", "received_at": opened, "external_key": None,
                    "detail": {}, "created_by_id": None, "created_at": opened,
                }
                for i in ids
            ),
        )  # fmt: skip

        def manager(i: int) -> int:
            return (i - 1) % managers

        load_model(
            db,
            Case,
            (
                {
                    "id": i, "program_id": program.pk, "consumer_id": i, "referral_id": i,
                    "state": "active", "assigned_to_id": cm_ids[manager(i)],
                    "team_id": cm_team[manager(i)], "complexity": "moderate",
                    "opened_at": opened, "engaged_at": opened, "activated_at": opened,
                    "ended_at": None, "closure_reason": "", "closure_summary": "",
                    "closure_instructions": "", "version": 1,
                }
                for i in ids
            ),
        )  # fmt: skip
        load_model(
            db,
            Consent,
            (
                {
                    "id": i, "case_id": i, "decision": "granted", "given_by": "consumer",
                    "surrogate_id": None, "scope": "Case management services",
                    "method": "written", "decided_at": opened, "evidence": "",
                    "recorded_by_id": cm_ids[manager(i)], "recorded_at": opened,
                }
                for i in ids
            ),
        )  # fmt: skip
        load_model(
            db,
            CareTeamMember,
            (
                {
                    "id": 2 * i - k, "consumer_id": i, "user_id": None,
                    "name": ("Dr. Kim", "Luis Caregiver")[k], "role": ("PCP", "Caregiver")[k],
                    "organization": "", "phone": "555-0101", "email": "",
                    "is_external_provider": k == 0, "started_at": opened, "ended_at": None,
                }
                for i in ids
                for k in (0, 1)
            ),
        )  # fmt: skip
        load_model(
            db,
            AssessmentResponse,
            (
                {
                    "id": i, "case_id": i, "instrument_id": phq9.pk, "answers": answers,
                    "result": result, "total_score": 8, "band": "mild", "urgent": False,
                    "language": "en", "participants": "Consumer",
                    "interpreter_used": False, "administered_by_id": cm_ids[manager(i)],
                    "administered_at": opened,
                }
                for i in ids
            ),
        )  # fmt: skip
        load_model(
            db,
            Need,
            (
                {
                    "id": i, "case_id": i, "kind": "problem", "domain": "food",
                    "description": "Food insecurity", "status": "confirmed", "acuity": 1,
                    "consumer_priority": 1, "source_response_id": i,
                    "created_by_id": cm_ids[manager(i)], "created_at": opened,
                    "decided_by_id": cm_ids[manager(i)], "decided_at": opened, "version": 2,
                }
                for i in ids
            ),
        )  # fmt: skip
        load_model(
            db,
            CarePlan,
            ({"id": i, "case_id": i, "current_id": None, "created_at": opened, "version": 2}
             for i in ids),
        )  # fmt: skip
        load_model(
            db,
            CarePlanVersion,
            (
                {
                    "id": i, "plan_id": i, "number": 1, "reason": "Initial plan",
                    "author_id": cm_ids[manager(i)], "created_at": opened,
                }
                for i in ids
            ),
        )  # fmt: skip
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {CarePlan._meta.db_table} SET current_id = id")
        target = (NOW + timedelta(days=60)).date()
        due = (NOW + timedelta(days=14)).date()
        load_model(
            db,
            PlanProblem,
            (
                {
                    "id": PROBLEMS * (i - 1) + p + 1, "plan_version_id": i, "key": f"p{p}",
                    "need_id": i if p == 0 else None,
                    "description": PROBLEM_NAMES[p],
                    "priority": p + 1, "consumer_priority": p + 1,
                }
                for i in ids
                for p in range(PROBLEMS)
            ),
        )  # fmt: skip
        load_model(
            db,
            PlanGoal,
            (
                {
                    "id": PROBLEMS * (i - 1) + p + 1, "plan_version_id": i,
                    "problem_id": PROBLEMS * (i - 1) + p + 1, "key": f"g{p}",
                    "description": f"Goal {p + 1}", "target_value": "0 missed",
                    "observable_outcome": "", "target_date": target, "status": "active",
                    "guideline": "",
                }
                for i in ids
                for p in range(PROBLEMS)
            ),
        )  # fmt: skip
        load_model(
            db,
            PlanIntervention,
            (
                {
                    "id": PROBLEMS * INTERVENTIONS_PER_GOAL * (i - 1)
                    + INTERVENTIONS_PER_GOAL * p + k + 1,
                    "plan_version_id": i, "goal_id": PROBLEMS * (i - 1) + p + 1,
                    "key": f"i{p}{k}", "kind": ("referral", "monitoring")[k],
                    "description": f"Step {k + 1} for goal {p + 1}",
                    "responsible_id": 2 * i - k, "due_date": due, "status": "planned",
                    "guideline": "",
                }
                for i in ids
                for p in range(PROBLEMS)
                for k in range(INTERVENTIONS_PER_GOAL)
            ),
        )  # fmt: skip
        load_model(
            db,
            PlanBarrier,
            (
                {
                    "id": PROBLEMS * (i - 1) + p + 1, "plan_version_id": i,
                    "goal_id": PROBLEMS * (i - 1) + p + 1, "description": "No car",
                }
                for i in ids
                for p in range(PROBLEMS)
            ),
        )  # fmt: skip
        load_model(
            db,
            PlanAgreement,
            (
                {
                    "id": i, "plan_version_id": i, "agreed_by": "Consumer", "role": "consumer",
                    "method": "in_person", "participants": "Consumer and family",
                    "agreed_at": opened, "recorded_by_id": cm_ids[manager(i)],
                    "recorded_at": opened,
                }
                for i in ids
            ),
        )  # fmt: skip
        models = [
            Consumer, Referral, Case, Consent, CareTeamMember, AssessmentResponse, Need,
            CarePlan, CarePlanVersion, PlanProblem, PlanGoal, PlanIntervention, PlanBarrier,
            PlanAgreement,
        ]  # fmt: skip
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return cm_ids[0]


def timed(label: str, fn: Callable[[int], object], n: int, target: float) -> None:
    fn(0)
    wall: list[float] = []
    cpu: list[float] = []
    for k in range(n):
        started, started_cpu = time.perf_counter(), time.process_time()
        fn(k)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    p50, p95 = statistics.median(wall), percentile(wall, 95)
    verdict = "OK" if p95 < target else f"MISSES the {target:.0f} ms target"
    print(
        f"  {label:<5} p50 {p50:7.2f} ms   p95 {p95:7.2f} ms   ({n} requests) {verdict}\n"
        f"  {'':<5} cpu p50 {statistics.median(cpu):6.2f} ms   "
        f"cpu p95 {percentile(cpu, 95):6.2f} ms"
    )


def run_benchmark(user_id: int, args: argparse.Namespace) -> None:
    import time_machine
    from django.conf import settings
    from django.db import connection, reset_queries
    from django.test import Client

    from casework.cases.models import Case
    from casework.staff.models import User

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    user = User.objects.get(pk=user_id)
    case_ids = list(Case.objects.filter(assigned_to=user).values_list("id", flat=True))
    sign_confidentiality(user)
    client = Client()
    client.force_login(user)
    with time_machine.travel(NOW, tick=True):
        first = case_ids[0]
        settings.DEBUG = True
        reset_queries()
        assert client.get(f"/cases/{first}/").status_code == 200
        print(f"  case manager {user.username}: {len(case_ids)} cases; case page runs "
              f"{len(connection.queries)} queries")  # fmt: skip
        settings.DEBUG = False

        def case_page(k: int) -> None:
            response = client.get(f"/cases/{case_ids[k % len(case_ids)]}/")
            assert response.status_code == 200
            assert b"Goal 3" in response.content

        def plan_page(k: int) -> None:
            response = client.get(f"/cases/{case_ids[k % len(case_ids)]}/plan/")
            assert response.status_code == 200

        def pdf(k: int) -> None:
            response = client.get(f"/cases/{case_ids[k % len(case_ids)]}/plan/plan-of-care.pdf")
            assert response.status_code == 200 and response.content.startswith(b"%PDF")

        timed("case", case_page, args.requests, TARGET_PAGE_P95_MS)
        timed("plan", plan_page, args.requests, TARGET_PAGE_P95_MS)
        timed("pdf", pdf, args.pdf_requests, TARGET_PDF_MS)


def main() -> None:
    started = time.perf_counter()
    args = parse_args()
    setup_django(args)
    from django.db import connection

    vendor = connection.vendor
    print(
        f"care plan benchmark on {vendor} ({os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.1f}, Python {sys.version.split()[0]})"
    )
    if args.reuse:
        from casework.staff.models import User

        user_id = User.objects.get(username="cm0").pk
    else:
        reset_and_migrate(vendor)
        print("seeding:")
        seed_started = time.perf_counter()
        user_id = seed(args.consumers)
        print(f"  seeded in {time.perf_counter() - seed_started:.1f} s")
    print("timing:")
    run_benchmark(user_id, args)
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"wall time {time.perf_counter() - started:.1f} s; peak memory {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
