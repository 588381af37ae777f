"""Backup and restore benchmark: the worklist benchmark's data set, backed up and restored.

Seeds the worklist benchmark's program (bench/worklist.py: 100,000 consumers, one referral
and one case each, 1,000,000 work items and 1,000,000 audit events by default), seals the
audit chain, then times:
  backup          casework backup (snapshot + encrypt), with the archive's size
  restore verify  casework restore --verify: decrypt, restore into a scratch database,
                  count rows, walk the audit chain
  restore into    casework restore --into a new database (the recovery itself), with its
                  checks
and prints each phase, the wall time and the peak memory.

  .venv/bin/python bench/restore.py --database sqlite
  .venv/bin/python bench/restore.py --database postgres \\
      --database-url postgres://postgres@127.0.0.1:5432/casework_bench
  .venv/bin/python bench/restore.py --database sqlite --scale 0.1   # 10x smaller

Like bench/worklist.py, each run starts from an empty database (give it one of its own);
on PostgreSQL the restore target is a new database beside it (<name>_restored), dropped
at the end. The backup key is generated for the run unless CASEWORK_BACKUP_KEY is set.
"""

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import worklist  # the seeding of the worklist benchmark


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/casework_bench"
    )
    parser.add_argument("--data-dir", default="/tmp/casework-bench-restore")
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="fraction of the full data set (1.0: 100,000 consumers, 1,000,000 audit events)",
    )
    parser.add_argument("--no-seal", action="store_true", help="leave the audit events unsealed")
    return parser.parse_args()


def seal_chain() -> float:
    from casework.core.audit import audit_seal

    started = time.perf_counter()
    sealed = audit_seal(batch_size=5000)
    seconds = time.perf_counter() - started
    print(f"  sealed {sealed:,} audit events in {seconds:.1f} s")
    return seconds


def phases(timings: dict[str, float]) -> str:
    return ", ".join(f"{name} {seconds:.1f} s" for name, seconds in timings.items())


def main() -> None:
    started = time.perf_counter()
    args = parse_args()
    consumers = int(worklist.CONSUMERS * args.scale)
    audit_events = int(worklist.AUDIT_EVENTS * args.scale)
    args.reuse = False
    Path(args.data_dir).mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("CASEWORK_BACKUP_KEY", "")
    worklist.setup_django(args)
    from django.conf import settings
    from django.db import connection

    from casework.core import backup
    from casework.core.backup_archive import generate_key

    if not settings.CASEWORK_BACKUP_KEY:
        settings.CASEWORK_BACKUP_KEY = generate_key()
    vendor = connection.vendor
    print(
        f"restore benchmark on {vendor} ({os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.1f}, Python {sys.version.split()[0]}); scale {args.scale:g}: "
        f"{consumers:,} consumers, {consumers * worklist.WORK_ITEMS_PER_CASE:,} work items, "
        f"{audit_events:,} audit events"
    )
    worklist.reset_and_migrate(vendor)
    # A new database starts a new audit trail: the checkpoints an earlier run wrote for
    # its own chain would (rightly) make sealing refuse ("sealed events were deleted").
    from casework.core.audit_checkpoints import checkpoint_path

    checkpoint_path().unlink(missing_ok=True)
    print("seeding:")
    seed_started = time.perf_counter()
    worklist.seed(consumers, audit_events)
    print(f"  seeded in {time.perf_counter() - seed_started:.1f} s")
    if not args.no_seal:
        seal_chain()

    with tempfile.TemporaryDirectory(prefix="casework-bench-archive-") as folder:
        print("backup:")
        result = backup.create_backup(Path(folder) / "bench.cwbackup")
        total = sum(result.timings.values())
        print(
            f"  {total:.1f} s ({phases(result.timings)}); dump {result.dump_bytes / 1e6:,.1f} MB, "
            f"archive {result.archive_bytes / 1e6:,.1f} MB; "
            f"{sum(result.manifest['tables'].values()):,} rows"
        )
        print("restore --verify (scratch database):")
        verify_started = time.perf_counter()
        verified = backup.restore(result.archive)
        assert verified.check is not None and verified.check.ok, verified.check
        print(f"  {time.perf_counter() - verify_started:.1f} s ({phases(verified.timings)})")
        for line in verified.check.lines:
            print(f"    {line}")

        if vendor == "sqlite":
            target = f"sqlite:///{Path(folder) / 'restored.sqlite3'}"
        else:
            name = f"{connection.settings_dict['NAME']}_restored"
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
                cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
            target = backup.database_url({**connection.settings_dict, "NAME": name})
        print("restore --into (the recovery):")
        into_started = time.perf_counter()
        restored = backup.restore(result.archive, into=target)
        assert restored.check is not None and restored.check.ok, restored.check
        print(f"  {time.perf_counter() - into_started:.1f} s ({phases(restored.timings)})")
        if vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"wall time {time.perf_counter() - started:.1f} s; peak memory (max RSS) {peak_mb:.0f} MB"
    )


if __name__ == "__main__":
    main()
