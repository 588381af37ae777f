"""Community-resource benchmark (issue 16, Benchmark): resource directory search over a
large HSDS 3.0 data set.

Writes a synthetic HSDS 3.0 CSV data package (datapackage.json + CSVs) of N services
(default 50,000) — each with an organization, a location with an address in one of 400
cities / 2,000 postal codes, one or two languages out of 12, one to three taxonomy terms
out of 200, an age range on a third of them, 10 % not active — imports it through the
real importer (`casework resources import`'s service), then times the search as the API
runs it (count + first page of 20, evaluated) over a mix of filter combinations:

  need        one taxonomy code
  need+place  a code and a postal code
  place+lang  a city and a language
  all         code, city, language and age
  eligibility code and a word of the eligibility text

Target: p95 < 100 ms per mix on SQLite and PostgreSQL.

`--part follow-up` (issue 16, Benchmark, second half) seeds a program with N discharges
(default 5,000) in the last 30 days, each with its follow-up clock (a third still open,
some escalated) and up to two attempts, on four units, and times the follow-up worklist
as the page runs it (`transitions.selectors.follow_up_worklist`, first 100 rows): for a
case manager covering one unit and for a program-wide reader. Target: p95 < 100 ms.

  .venv/bin/python bench/transitions.py --database sqlite [--services 50000]
  createdb -h 127.0.0.1 -U postgres casework_resources_bench
  .venv/bin/python bench/transitions.py --database postgres \
      --database-url postgres://postgres@127.0.0.1:5432/casework_resources_bench

Each run without --reuse starts from an empty database (see bench/worklist.py).
"""

import argparse
import csv
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from worklist import percentile, reset_and_migrate

SERVICES = 50_000
DISCHARGES = 5_000
REQUESTS = 200
TARGET_P95_MS = 100.0
CITIES = 400
POSTALS = 2_000
TERMS = 200
LANGUAGES = [
    ("en", "English"), ("es", "Spanish"), ("zh", "Chinese"), ("vi", "Vietnamese"),
    ("ar", "Arabic"), ("fr", "French"), ("ht", "Haitian Creole"), ("pt", "Portuguese"),
    ("ru", "Russian"), ("ko", "Korean"), ("so", "Somali"), ("ur", "Urdu"),
]  # fmt: skip
WORDS = ["residents", "seniors", "veterans", "families", "youth", "uninsured", "disabled"]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/casework_resources_bench",
        help="PostgreSQL database to use (its public schema is dropped first)",
    )
    parser.add_argument("--data-dir", default="/tmp/casework-resources-bench")
    parser.add_argument("--services", type=int, default=SERVICES)
    parser.add_argument("--requests", type=int, default=REQUESTS)
    parser.add_argument("--reuse", action="store_true", help="skip seeding")
    parser.add_argument("--part", choices=["search", "follow-up"], default="search")
    parser.add_argument("--discharges", type=int, default=DISCHARGES)
    return parser.parse_args()


def setup_django(args: argparse.Namespace) -> None:
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


def uid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def write_package(folder: Path, services: int, rng: random.Random) -> None:
    """A synthetic HSDS 3.0 CSV data package of `services` services."""
    tables: dict[str, list[dict[str, Any]]] = {
        t: []
        for t in (
            "taxonomies", "taxonomy_terms", "organizations", "services", "locations",
            "addresses", "service_at_location", "languages", "attributes",
        )
    }  # fmt: skip
    taxonomy = uid(rng)
    tables["taxonomies"].append({"id": taxonomy, "name": "Bench", "description": "Bench"})
    terms = []
    for n in range(TERMS):
        term = uid(rng)
        terms.append(term)
        tables["taxonomy_terms"].append(
            {"id": term, "code": f"T-{n:04d}", "name": f"Need {n}", "description": "Need",
             "taxonomy_id": taxonomy}
        )  # fmt: skip
    for n in range(services):
        org, svc, loc = uid(rng), uid(rng), uid(rng)
        tables["organizations"].append({"id": org, "name": f"Org {n}", "description": "Org"})
        young = rng.random() < 0.33
        tables["services"].append(
            {
                "id": svc, "organization_id": org, "name": f"Service {n:06d}",
                "status": "active" if rng.random() < 0.9 else "inactive",
                "eligibility_description": f"For {rng.choice(WORDS)} and {rng.choice(WORDS)}",
                "minimum_age": rng.choice([0, 12, 18]) if young else "",
                "maximum_age": rng.choice([24, 64, 99]) if young else "",
            }
        )  # fmt: skip
        tables["locations"].append({"id": loc, "location_type": "physical", "name": f"L{n}"})
        postal = rng.randrange(POSTALS)
        tables["addresses"].append(
            {"id": uid(rng), "location_id": loc, "address_1": f"{n} Main St",
             "city": f"City {postal % CITIES}", "state_province": "MA",
             "postal_code": f"{postal:05d}", "country": "US", "address_type": "physical"}
        )  # fmt: skip
        tables["service_at_location"].append(
            {"id": uid(rng), "service_id": svc, "location_id": loc}
        )
        for code, name in rng.sample(LANGUAGES, rng.choice([1, 2])):
            tables["languages"].append(
                {"id": uid(rng), "service_id": svc, "code": code, "name": name}
            )
        for term in rng.sample(terms, rng.choice([1, 2, 3])):
            tables["attributes"].append(
                {"id": uid(rng), "link_id": svc, "link_entity": "service", "taxonomy_term_id": term}
            )
    resources = []
    for table, rows in tables.items():
        fields = list(dict.fromkeys(k for row in rows for k in row))
        with (folder / f"{table}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=fields)
            writer.writeheader()
            writer.writerows(rows)
        resources.append({"name": table, "path": f"{table}.csv"})
    (folder / "datapackage.json").write_text(json.dumps({"name": "bench", "resources": resources}))


def mixes(rng: random.Random) -> dict[str, Callable[[], Any]]:
    from casework.resources.selectors import Search

    def code() -> str:
        return f"T-{rng.randrange(TERMS):04d}"

    return {
        "need": lambda: Search(need=code()),
        "need+place": lambda: Search(need=code(), place=f"{rng.randrange(POSTALS):05d}"),
        "place+lang": lambda: Search(
            place=f"City {rng.randrange(CITIES)}", language=rng.choice(LANGUAGES)[0]
        ),
        "all": lambda: Search(
            need=code(),
            place=f"City {rng.randrange(CITIES)}",
            language=rng.choice(LANGUAGES)[1],
            age=rng.randrange(90),
        ),
        "eligibility": lambda: Search(need=code(), eligibility=rng.choice(WORDS)),
    }


def seed_discharges(discharges: int, rng: random.Random) -> None:
    """A program with `discharges` discharges in the last 30 days and their clocks."""
    from datetime import UTC, date, datetime, timedelta

    from django.db import transaction

    from casework.consumers.models import Consumer
    from casework.core.models import Deadline, DeadlineState, Program
    from casework.staff.models import User
    from casework.stays.models import Stay, Unit, UnitAssignment
    from casework.transitions.deadlines import STAY_SUBJECT
    from casework.transitions.models import FollowUpAttempt
    from casework.transitions.rules import TransitionDeadline

    now = datetime.now(UTC)
    with transaction.atomic():
        program = Program.objects.create(code="bench", name="Bench")
        units = Unit.objects.bulk_create(
            [Unit(program=program, code=f"U{n}", name=f"Unit {n}") for n in range(4)]
        )
        cm = User.objects.create(username="cm.bench", role="case_manager", program=program)
        User.objects.create(username="qa.bench", role="quality_analyst", program=program)
        UnitAssignment.objects.create(unit=units[0], user=cm, assigned_at=now)
        consumers = Consumer.objects.bulk_create(
            [
                Consumer(program=program, given_name=f"Given{n}", family_name=f"Family{n}",
                         birth_date=date(1940 + n % 50, 1 + n % 12, 1 + n % 28),
                         created_at=now, updated_at=now)
                for n in range(discharges)
            ],
            batch_size=1000,
        )  # fmt: skip
        stays = []
        for n, consumer in enumerate(consumers):
            discharged = now - timedelta(minutes=rng.randrange(30 * 24 * 60))
            admitted = discharged - timedelta(days=rng.randrange(1, 10))
            stays.append(
                Stay(program=program, consumer=consumer, visit_number=f"B{n:06d}",
                     stay_class="inpatient", state="discharged", admitted_at=admitted,
                     class_since=admitted, inpatient_at=admitted, discharged_at=discharged,
                     unit=units[n % 4], created_at=now, updated_at=now)
            )  # fmt: skip
        stays = Stay.objects.bulk_create(stays, batch_size=1000)
        deadlines, attempts = [], []
        for stay in stays:
            assert stay.discharged_at is not None
            due = stay.discharged_at + timedelta(hours=72)
            open_ = rng.random() < 0.33
            deadlines.append(
                Deadline(kind=TransitionDeadline.FOLLOW_UP, subject_type=STAY_SUBJECT,
                         subject_id=stay.pk, consumer_id=stay.consumer_id, owner=cm, due_at=due,
                         state=DeadlineState.OPEN if open_ else DeadlineState.MET,
                         escalation_level=1 if open_ and rng.random() < 0.3 else 0,
                         created_at=now)
            )  # fmt: skip
            for k in range(rng.randrange(3)):
                attempts.append(
                    FollowUpAttempt(stay=stay,
                                    attempted_at=stay.discharged_at + timedelta(hours=k + 1),
                                    channel="phone", outcome="no_answer", recorded_by=cm,
                                    recorded_at=now)
                )  # fmt: skip
        Deadline.objects.bulk_create(deadlines, batch_size=1000)
        FollowUpAttempt.objects.bulk_create(attempts, batch_size=1000)


def follow_up_benchmark(args: argparse.Namespace) -> None:
    from django.db import connection

    from casework.core import clock
    from casework.core.policy import Permission
    from casework.staff.models import User
    from casework.stays.models import Stay
    from casework.transitions.selectors import follow_up_worklist
    from casework.web.access import stay_reach_q

    started = time.perf_counter()
    if not args.reuse:
        reset_and_migrate(connection.vendor)
        t0 = time.perf_counter()
        seed_discharges(args.discharges, random.Random(16))
        print(f"seeded {args.discharges:,} discharges in {time.perf_counter() - t0:.1f} s")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    print(f"{connection.vendor}: {Stay.objects.count():,} discharged stays")
    load = os.getloadavg()
    print(f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} (shared machine)")
    worst = 0.0
    for label, username in (("unit cm", "cm.bench"), ("program", "qa.bench")):
        user = User.objects.get(username=username)
        wall: list[float] = []
        cpu: list[float] = []
        sizes: list[int] = []
        for _ in range(args.requests):
            w0, c0 = time.perf_counter(), time.process_time()
            rows = follow_up_worklist(
                reach=stay_reach_q(user, Permission.CONSUMER_READ), now=clock.now()
            )
            wall.append((time.perf_counter() - w0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
            sizes.append(len(rows))
        p95 = percentile(wall, 95)
        worst = max(worst, p95)
        print(
            f"{label:8s} p50 {statistics.median(wall):6.1f} ms  p95 {p95:6.1f} ms  "
            f"(CPU p50 {statistics.median(cpu):5.1f} / p95 {percentile(cpu, 95):5.1f} ms)  "
            f"rows {statistics.median(sizes):,.0f}"
        )
    verdict = "met" if worst < TARGET_P95_MS else "MISSED"
    print(f"worst p95 {worst:.1f} ms; target p95 < {TARGET_P95_MS:.0f} ms: {verdict}")
    print(f"run took {time.perf_counter() - started:.0f} s")


def main() -> None:
    args = parse_args()
    setup_django(args)
    if args.part == "follow-up":
        follow_up_benchmark(args)
        return
    from django.db import connection

    from casework.resources.models import Service
    from casework.resources.selectors import service_search
    from casework.resources.services import directory_import

    started = time.perf_counter()
    rng = random.Random(16)
    if not args.reuse:
        reset_and_migrate(connection.vendor)
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            write_package(Path(tmp), args.services, rng)
            t1 = time.perf_counter()
            report = directory_import(Path(tmp))
            t2 = time.perf_counter()
        print(
            f"package written in {t1 - t0:.1f} s; imported in {t2 - t1:.1f} s "
            f"({len(report.rejects)} rejects)"
        )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    print(f"{connection.vendor}: {Service.objects.count():,} services")
    load = os.getloadavg()
    print(f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} (shared machine)")
    worst = 0.0
    for label, make in mixes(random.Random(7)).items():
        wall: list[float] = []
        cpu: list[float] = []
        hits: list[int] = []
        for _ in range(args.requests):
            search = make()
            w0, c0 = time.perf_counter(), time.process_time()
            found = service_search(search)
            count = found.count()
            rows = list(found[:20])
            wall.append((time.perf_counter() - w0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
            hits.append(count)
            assert len(rows) == min(20, count)
        p95 = percentile(wall, 95)
        worst = max(worst, p95)
        print(
            f"{label:12s} p50 {statistics.median(wall):6.1f} ms  p95 {p95:6.1f} ms  "
            f"(CPU p50 {statistics.median(cpu):5.1f} / p95 {percentile(cpu, 95):5.1f} ms)  "
            f"median hits {statistics.median(hits):,.0f}"
        )
    verdict = "met" if worst < TARGET_P95_MS else "MISSED"
    print(f"worst p95 {worst:.1f} ms; target p95 < {TARGET_P95_MS:.0f} ms: {verdict}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"run took {time.perf_counter() - started:.0f} s; peak memory {peak:.0f} MB")


if __name__ == "__main__":
    main()
