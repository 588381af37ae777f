"""Consumer search benchmark (issue 13, item 7): p95 of finding a consumer among 100,000.

Seeds one program with --consumers consumers (one case each, spread over case managers
of 80 cases), realistic names (1,000 family names x 500 given names), distinct record
numbers, member ids and phone numbers, then times over --requests searches each:
  query  consumers.selectors.consumer_search (what the page runs), fully evaluated,
         for a quality analyst (the whole program) and a case manager (their own),
         cycling through the kinds of search: a family name's start, a full name, a
         name and birth date, a record number, a member id, a phone number
  page   GET /consumers/?q=... through the Django test client, for both users
and prints p50/p95 per kind and overall, and the CPU time of this process (on a shared
machine wall time includes waiting for a core; on SQLite the CPU time includes the
database's work, on PostgreSQL it does not). Target: p95 under 100 ms.

  .venv/bin/python bench/search.py --database sqlite
  .venv/bin/python bench/search.py --database postgres \\
      --database-url postgres://postgres@127.0.0.1:5432/casework_search_bench

Each run starts from an empty database (the SQLite file in --data-dir is deleted; on
PostgreSQL the public schema is dropped). Use a database of its own.
"""

import argparse
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from worklist import (
    NOW,
    Loader,
    percentile,
    reset_and_migrate,
    setup_django,
    sign_confidentiality,
)

CONSUMERS = 100_000
CASES_PER_MANAGER = 80
REQUESTS = 300
TARGET_P95_MS = 100.0
SYLLABLES = ["ra", "mi", "lo", "ve", "san", "dor", "ki", "ta", "bel", "mon", "ar", "no"]


def _names(count: int, rnd: random.Random) -> list[str]:
    found: set[str] = set()
    while len(found) < count:
        parts = rnd.randint(2, 3)
        found.add("".join(rnd.choice(SYLLABLES) for _ in range(parts)).title())
    return sorted(found)


def seed(consumers: int) -> tuple[int, int, list[tuple[str, str, str, str, str, str]]]:
    """Seed the program; returns (quality analyst id, case manager id, people) where people
    are (family, given, birth date, mrn, member id, phone) of the case manager's consumers
    and of a sample of the program's."""
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from casework.cases.models import Case, Referral
    from casework.consumers.models import Consumer
    from casework.core.models import Program
    from casework.staff.models import User

    rnd = random.Random(7)
    families, givens = _names(1000, rnd), _names(500, rnd)
    db = Loader()
    managers = max(1, consumers // CASES_PER_MANAGER)
    with transaction.atomic():
        program = Program.objects.create(
            code="bench",
            name="Search benchmark",
            purpose_statement="p",
            complaint_contact="c",
            after_closure_contact="a",
        )
        cms = User.objects.bulk_create(
            [User(username=f"cm{m}", role="case_manager", program=program) for m in range(managers)]
        )
        quality = User.objects.create(username="qa", role="quality_analyst", program=program)
        people: dict[int, tuple[str, str, str, str, str, str]] = {}

        def consumer_rows() -> Any:
            for i in range(1, consumers + 1):
                family, given = rnd.choice(families), rnd.choice(givens)
                born = date(1930, 1, 1) + timedelta(days=rnd.randrange(365 * 75))
                phone = f"({200 + i % 700}) 555-{i % 10000:04d}"
                row = (family, given, born.isoformat(), f"MRN{i:07d}", f"M{i:07d}", phone)
                if i % 997 == 1 or (i - 1) % managers == 0:
                    people[i] = row
                yield (
                    i, program.pk, row[3], row[4], given, family, row[2], "female", "en",
                    db.flag(False), "", db.flag(True), phone, "", "", "", "", "",
                    db.dt(NOW), db.dt(NOW), 1, db.flag(False),
                )  # fmt: skip

        db.load(
            Consumer._meta.db_table,
            [
                "id", "program_id", "mrn", "member_id", "given_name", "family_name",
                "birth_date", "sex", "preferred_language", "interpreter_needed",
                "cultural_preferences", "makes_own_decisions", "phone", "email", "address",
                "payer", "race", "ethnicity", "created_at", "updated_at", "version",
                "mrn_link_pending",
            ],
            consumer_rows(),
        )  # fmt: skip
        db.load(
            Referral._meta.db_table,
            [
                "id", "program_id", "consumer_id", "source", "referrer_name",
                "referrer_organization", "referrer_contact", "reason", "received_at",
                "external_key", "detail", "created_by_id", "created_at",
            ],
            (
                (i, program.pk, i, "self", "", "", "", "Help", db.dt(NOW), None, "{}", None,
                 db.dt(NOW))
                for i in range(1, consumers + 1)
            ),
        )  # fmt: skip
        db.load(
            Case._meta.db_table,
            [
                "id", "program_id", "consumer_id", "referral_id", "state", "assigned_to_id",
                "team_id", "complexity", "severity", "opened_at", "engaged_at", "activated_at",
                "ended_at", "closure_reason", "closure_summary", "closure_instructions",
                "version",
            ],
            (
                (i, program.pk, i, i, "active", cms[(i - 1) % managers].pk, None, "moderate",
                 "moderate", db.dt(NOW), None, None, None, "", "", "", 1)
                for i in range(1, consumers + 1)
            ),
        )  # fmt: skip
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Consumer, Referral, Case]):
                cursor.execute(sql)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    for user in (quality, cms[0]):
        sign_confidentiality(user)
    return quality.pk, cms[0].pk, list(people.values())


def queries(people: list[tuple[str, str, str, str, str, str]]) -> list[tuple[str, str]]:
    """(kind, text) searches cycling through the kinds, built from real rows."""
    found = []
    for family, given, born, mrn, member, phone in people:
        found += [
            ("name start", family[:4]),
            ("full name", f"{given} {family}"),
            ("name + birth", f"{family} {born}"),
            ("record no.", mrn),
            ("member id", member.lower()),
            ("phone", phone.replace("(", "").replace(")", "")),
        ]
    return found


def run(user_id: int, searches: list[tuple[str, str]], requests: int, label: str) -> float:
    from django.test import Client

    from casework.consumers import rules, selectors
    from casework.core.policy import Permission
    from casework.staff.models import User
    from casework.web.access import reach_q

    user = User.objects.get(pk=user_id)
    reach = reach_q(user, Permission.CONSUMER_READ)
    client = Client()
    client.force_login(user)
    by_kind: dict[str, list[float]] = {}
    cpu: list[float] = []
    page: list[float] = []
    page_cpu: list[float] = []
    hits = 0
    for n in range(requests):
        kind, text = searches[n % len(searches)]
        started, started_cpu = time.perf_counter(), time.process_time()
        rows = selectors.consumer_search(reach=reach, terms=rules.search_terms(text))
        by_kind.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        hits += bool(rows)
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get("/consumers/", {"q": text})
        page.append((time.perf_counter() - started) * 1000)
        page_cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200, response.status_code
    every = [t for samples in by_kind.values() for t in samples]
    print(f"  {label}: {requests} searches, {hits} with results")
    for kind, samples in by_kind.items():
        print(
            f"    query {kind:<13} p50 {percentile(samples, 50):7.2f} ms"
            f"   p95 {percentile(samples, 95):7.2f} ms"
        )
    p95 = percentile(every, 95)
    verdict = "OK" if p95 < TARGET_P95_MS else f"MISSES the {TARGET_P95_MS:.0f} ms target"
    print(
        f"    query overall       p50 {percentile(every, 50):7.2f} ms   p95 {p95:7.2f} ms {verdict}"
    )
    print(f"    query cpu (this process) p95 {percentile(cpu, 95):7.2f} ms")
    page95 = percentile(page, 95)
    verdict = "OK" if page95 < TARGET_P95_MS else f"MISSES the {TARGET_P95_MS:.0f} ms target"
    print(
        f"    page  overall       p50 {percentile(page, 50):7.2f} ms"
        f"   p95 {page95:7.2f} ms {verdict}"
    )
    print(f"    page  cpu (this process) p95 {percentile(page_cpu, 95):7.2f} ms")
    return p95


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/casework_search_bench"
    )
    parser.add_argument("--data-dir", default="/tmp/casework-search-bench")
    parser.add_argument("--consumers", type=int, default=CONSUMERS)
    parser.add_argument("--requests", type=int, default=REQUESTS)
    args = parser.parse_args()
    args.reuse = False
    Path(args.data_dir).mkdir(parents=True, exist_ok=True)
    setup_django(args)
    import time_machine
    from django.conf import settings
    from django.db import connection

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    print(f"database: {connection.vendor}, {args.consumers:,} consumers")
    reset_and_migrate(connection.vendor)
    started = time.perf_counter()
    quality_id, cm_id, people = seed(args.consumers)
    print(f"  seeded in {time.perf_counter() - started:.1f} s")
    searches = queries(people)
    random.Random(3).shuffle(searches)
    with time_machine.travel(NOW, tick=True):
        run(quality_id, searches, args.requests, "quality analyst (whole program)")
        run(cm_id, searches, args.requests, "case manager (own consumers)")


if __name__ == "__main__":
    main()
