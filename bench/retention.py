"""Retention run benchmark (issue 17, N4/S42): a program seeded like the worklist
benchmark (`--consumers` consumers and cases), `--per-case` communications per case of
which `--old-fraction` are 11 years old, and legal holds on `--held` consumers; then the
dry-run plan, the run with --apply, and a second dry run that must find nothing due.

  .venv/bin/python bench/retention.py --database sqlite --consumers 20000
  .venv/bin/python bench/retention.py --database postgres --consumers 20000 \
      --database-url postgres://postgres@127.0.0.1:5432/casework_bench_retention

Prints the seeding time, the plan's time and counts, the run's wall time, records
destroyed per second (each with its audit event) and the certificate counts. Each run
starts from an empty database: give it one of its own.
"""

import argparse
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from worklist import NOW, Loader, chunks, reset_and_migrate, setup_django


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/casework_bench_retention"
    )
    parser.add_argument("--data-dir", default="/tmp/casework-bench-retention")
    parser.add_argument("--consumers", type=int, default=20_000)
    parser.add_argument("--per-case", type=int, default=5)
    parser.add_argument("--old-fraction", type=float, default=0.2)
    parser.add_argument("--held", type=int, default=100)
    parser.add_argument("--reuse", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    setup_django(args)
    from datetime import date

    import time_machine
    from django.db import connection, transaction

    from casework.cases.models import Case, Referral
    from casework.consumers.models import Consumer
    from casework.coordination.models import Communication
    from casework.core.actor import actor_for
    from casework.core.models import Program
    from casework.governance.models import LegalHold
    from casework.governance.selectors import retention_plan
    from casework.governance.services import retention_run
    from casework.staff.models import User

    reset_and_migrate(connection.vendor)
    started = time.perf_counter()
    program = Program.objects.create(
        code="bench", name="Bench", purpose_statement="p", complaint_contact="c",
        after_closure_contact="a",
    )  # fmt: skip
    officer = User.objects.create(username="privacy", role="compliance_officer", program=program)
    with transaction.atomic():
        for batch in chunks(((i,) for i in range(1, args.consumers + 1)), 5000):
            consumers = Consumer.objects.bulk_create(
                [
                    Consumer(
                        program=program, given_name=f"G{i}", family_name=f"F{i}",
                        birth_date=date(1950, 1, 1), created_at=NOW, updated_at=NOW,
                    )
                    for (i,) in batch
                ]
            )  # fmt: skip
            referrals = Referral.objects.bulk_create(
                [
                    Referral(
                        program=program, consumer=c, source="self", reason="r", received_at=NOW,
                        created_at=NOW,
                    )
                    for c in consumers
                ]
            )  # fmt: skip
            Case.objects.bulk_create(
                [
                    Case(
                        program=program, consumer=c, referral=r, state="closed",
                        opened_at=NOW, ended_at=NOW,
                    )
                    for c, r in zip(consumers, referrals, strict=True)
                ]
            )  # fmt: skip
    first_case = Case.objects.order_by("pk").values_list("pk", flat=True)[0]
    first_consumer = Consumer.objects.order_by("pk").values_list("pk", flat=True)[0]
    db = Loader()
    old_every = max(1, round(1 / args.old_fraction)) if args.old_fraction else 0
    total = args.consumers * args.per_case

    def rows():  # type: ignore[no-untyped-def]
        for n in range(1, total + 1):
            case_id = first_case + (n - 1) // args.per_case
            old = old_every and n % old_every == 0
            at = NOW - timedelta(days=11 * 366 if old else 30)
            yield (
                n, case_id, "phone", "outbound", "care", "Consumer", "Called.",
                db.dt(at), officer.pk, db.dt(at),
            )  # fmt: skip

    db.load(
        Communication._meta.db_table,
        [
            "id", "case_id", "channel", "direction", "topic", "parties", "summary",
            "occurred_at", "recorded_by_id", "recorded_at",
        ],
        rows(),
    )  # fmt: skip
    LegalHold.objects.bulk_create(
        [
            LegalHold(
                program=program,
                consumer_id=first_consumer + i,
                reason="bench",
                placed_by=officer,
                placed_at=NOW,
            )
            for i in range(args.held)
        ]
    )
    print(f"seeded {args.consumers} consumers, {total} communications in "
          f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    actor = actor_for(officer)
    with time_machine.travel(NOW, tick=False):
        t = time.perf_counter()
        plan = retention_plan(program_id=program.pk, now=NOW)
        comm = plan[0]
        print(f"plan: {time.perf_counter() - t:.2f} s; communications due "
              f"{len(comm.due_ids)}, held {len(comm.held_ids)}")  # fmt: skip
        t = time.perf_counter()
        certificates = retention_run(actor=actor, program=program, apply=True)
        elapsed = time.perf_counter() - t
        destroyed = sum(c.count for c in certificates)
        print(f"run --apply: {elapsed:.2f} s; destroyed {destroyed} "
              f"({destroyed / elapsed:.0f}/s with one audit event each); certificates "
              f"{[(c.record_type, c.count, c.held_back) for c in certificates]}")  # fmt: skip
        again = retention_plan(program_id=program.pk, now=NOW)
        assert sum(len(p.due_ids) for p in again) == 0, "a second run finds something due"
        print(f"second plan: nothing due; communications left {Communication.objects.count()}")


if __name__ == "__main__":
    main()
