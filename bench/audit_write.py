"""Audit write-path benchmark: the cost of each event's own MAC (issue 12, defect 1).

Every request writes one audit event, so its insert must stay cheap. Times, on an empty
database of its own:
  record      `audit_record` as requests call it: the id, the MAC and the insert
              (autocommit, and inside a transaction as services call it)
  baseline    the same row through a plain `PreparedInsert` without id or MAC (what
              the write path was before), in the same two modes
  seal        `audit_seal` over the events written (CPU per event, checkpoint included)
  verify      `audit_verify` over them (CPU per event)

  .venv/bin/python bench/audit_write.py --database sqlite --events 2000
  createdb -h 127.0.0.1 -U postgres casework_audit_bench
  .venv/bin/python bench/audit_write.py --database postgres \
      --database-url postgres://postgres@127.0.0.1:5432/casework_audit_bench
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from worklist import reset_and_migrate


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/casework_audit_bench",
        help="PostgreSQL database to use (its public schema is dropped first)",
    )
    parser.add_argument("--data-dir", default="/tmp/casework-audit-bench")
    parser.add_argument("--events", type=int, default=2000)
    return parser.parse_args()


def setup_django(args: argparse.Namespace) -> None:
    os.environ["CASEWORK_DATA_DIR"] = args.data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "casework.settings.test"
    os.environ["CASEWORK_AUDIT_CHECKPOINT_FILE"] = str(
        Path(tempfile.mkdtemp(prefix="casework-audit-bench-")) / "checkpoints.log"
    )
    if args.database == "postgres":
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
        for suffix in ("", "-wal", "-shm"):
            Path(args.data_dir, f"casework.sqlite3{suffix}").unlink(missing_ok=True)
    import django

    django.setup()


def timed(label: str, count: int, write: Callable[[int], object], atomic: bool) -> float:
    """Run `write` `count` times (each its own transaction, or all in one); print and
    return the median microseconds of wall time per call (the mean, on a shared machine,
    is mostly other people's work)."""
    from django.db import transaction

    samples = []
    if atomic:
        with transaction.atomic():
            for i in range(count):
                start = time.perf_counter()
                write(i)
                samples.append(time.perf_counter() - start)
    else:
        for i in range(count):
            start = time.perf_counter()
            write(i)
            samples.append(time.perf_counter() - start)
    samples.sort()
    p50 = statistics.median(samples) * 1e6
    p95 = samples[int(len(samples) * 0.95)] * 1e6
    mode = "one transaction" if atomic else "autocommit"
    print(f"{label:<10} {mode:<16} p50 {p50:8.1f} us   p95 {p95:8.1f} us")
    return p50


def main() -> None:
    args = parse_args()
    setup_django(args)
    from django.db import connection

    from casework.core import audit, clock
    from casework.core.audit import audit_record, audit_seal, audit_verify
    from casework.core.models import AuditEvent
    from casework.core.prepared import PreparedInsert

    reset_and_migrate(connection.vendor)
    plain = PreparedInsert(AuditEvent)

    def record(i: int) -> object:
        return audit_record(
            actor=None,
            username="bench",
            action="read",
            consumer_id=i,
            object_type="case",
            object_id=i,
            detail={"ids": [i, i + 1], "count": 2},
            client_address="10.0.0.1",
        )

    def baseline(i: int) -> object:
        event = AuditEvent(
            occurred_at=clock.now(),
            actor_username="bench",
            action="read",
            outcome="success",
            consumer_id=i,
            object_type="case",
            object_id=str(i),
            client_address="10.0.0.1",
            detail={"ids": [i, i + 1], "count": 2},
        )
        return plain.insert(event)

    n = args.events
    print(f"{connection.vendor}: {n} events per mode; wall time on a shared 2-core machine")
    for atomic in (False, True):
        base = timed("baseline", n, baseline, atomic)
        with_mac = timed("record", n, record, atomic)
        print(f"{'':<10} {'':<16} extra per event (p50) {with_mac - base:8.1f} us")
    # The baseline rows have no MAC: the sealer would refuse them. Time the MAC'd ones.
    marked = AuditEvent.objects.filter(mac="").values_list("id", flat=True)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        else:
            connection.connection.create_function("casework_audit_locked", 0, lambda: 0)
        cursor.execute(f"DELETE FROM core_auditevent WHERE id IN ({','.join(map(str, marked))})")
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")
    # Deleting the baseline rows left gaps in SQLite's dense ids, which the sealer would
    # rightly refuse: seal as on PostgreSQL, where gaps are normal.
    audit.ids_are_dense = lambda using="default": False
    events = AuditEvent.objects.count()
    cpu = time.process_time()
    sealed = audit_seal()
    seal_cpu = time.process_time() - cpu
    cpu = time.process_time()
    result = audit_verify()
    verify_cpu = time.process_time() - cpu
    print(f"seal       {sealed} of {events} events: {seal_cpu / sealed * 1e6:.0f} us CPU per event")
    print(
        f"verify     ok={result.ok} over {result.checked} seals: "
        f"{verify_cpu / max(result.checked, 1) * 1e6:.0f} us CPU per event"
    )


if __name__ == "__main__":
    main()
