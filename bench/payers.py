"""Payer interface and denials benchmark (issue 15 items 5 and 8).

A fresh data directory and database (SQLite by default; with --database-url a
PostgreSQL database of that name, dropped and recreated), migrated, with one program, its
three preset payers and --stays in-house stays fed through the ADT applier (on --units
units). Each stay gets an authorization notified and decided, every other one a denial
and every fourth an appeal. Prints:

1. writes: authorizations, denials and appeals per second through the services (each a
   transaction with its clocks and audit event);
2. the denials page (`/denials/`) p50/p95 for a case manager covering one unit;
3. the stay page p50/p95 for a stay with an authorization, a denial and an appeal.
Target for both pages: p95 < 100 ms (the census's target).

  .venv/bin/python bench/payers.py                          # 2,000 stays
  .venv/bin/python bench/payers.py --stays 600              # a busy machine
  .venv/bin/python bench/payers.py --database-url postgres://postgres@127.0.0.1:5432/cw_payers
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
TARGET_P95_MS = 100.0
PAYERS = (("Acme Medicaid", "MCD"), ("Gold Advantage", "MA"), ("Employer Health", "HMO"))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stays", type=int, default=2_000)
    parser.add_argument("--units", type=int, default=10)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--database-url", default="")
    return parser.parse_args()


def ts(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y%m%d%H%M%S+0000")


def admit(n: int, at: datetime, unit: str) -> str:
    payer, kind = PAYERS[n % len(PAYERS)]
    pv1 = ["PV1", "1", "I", f"{unit}^{n}^A^H", "", "", "", "77^House^Greg"] + [""] * 10
    pv1 += ["", f"PV{n:06d}^^^H^VN"] + [""] * 24 + [ts(at), ""]
    return (
        "\r".join(
            [
                f"MSH|^~\\&|BENCH|H|CASEWORK|CW|{ts(at)}||ADT^A01^ADT_A01|P{n:07d}|P|2.5.1",
                f"EVN|A01|{ts(at)}",
                f"PID|1||P{n:06d}^^^H^MR||Patient{n}^Bench||19500101|F",
                "|".join(pv1),
                f"IN1|1|{kind}^{payer}||{payer}" + "|" * 11 + kind,
            ]
        )
        + "\r"
    )


def timed(client: object, url: str, requests: int) -> tuple[float, float, float]:
    """p50 and p95 wall time, and the mean CPU time, in ms (on a shared machine the wall
    time includes waiting for a core)."""
    times, cpu = [], 0.0
    for _ in range(requests):
        t0, c0 = time.perf_counter(), time.process_time()
        response = client.get(url, HTTP_HOST="127.0.0.1")  # type: ignore[attr-defined]
        times.append((time.perf_counter() - t0) * 1000)
        cpu += (time.process_time() - c0) * 1000
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times), statistics.quantiles(times, n=20)[18], cpu / requests


def main() -> None:
    args = parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="payers-bench-"))
    env = {**os.environ, "CASEWORK_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT / "src")}
    env["DJANGO_SETTINGS_MODULE"] = "casework.settings.dev"
    if args.database_url:
        name = args.database_url.rsplit("/", 1)[1]
        subprocess.run(["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", name])
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
        env["DATABASE_URL"] = args.database_url
    else:
        env.pop("DATABASE_URL", None)
    os.environ.update(env)
    subprocess.run([sys.executable, "-m", "casework.cli", "migrate", "-v0"], env=env, check=True)

    import django

    django.setup()
    from django.test import Client

    from casework.core.actor import actor_for
    from casework.core.models import Program
    from casework.core.roles import Role
    from casework.staff.models import (
        AttestationDocument,
        AttestationKind,
        AttestationSignature,
        User,
    )
    from casework.stays.adt import adt_receive
    from casework.stays.models import Stay, Unit
    from casework.stays.payers import services
    from casework.stays.services import unit_assign

    program = Program.objects.create(
        code="bench", name="Bench", purpose_statement="x", complaint_contact="x",
        after_closure_contact="x",
    )  # fmt: skip
    for name, kind in zip(
        [p[0] for p in PAYERS], ["medicaid_managed_care", "medicare_advantage", "commercial"],
        strict=True,
    ):  # fmt: skip
        services.payer_settings_from_preset(program=program, name=name, payer_type=kind)
    for u in range(args.units):
        Unit.objects.create(program=program, code=f"U{u}", name=f"Unit {u}")
    now = datetime.now(UTC)
    for n in range(args.stays):
        adt_receive(admit(n, now - timedelta(days=3), f"U{n % args.units}"), program=program)
    cm = User.objects.create_user(username="cm_bench", password=None, role=Role.CASE_MANAGER,
                                  program=program)  # fmt: skip
    document = AttestationDocument.objects.create(
        program=program, kind=AttestationKind.CONFIDENTIALITY, version=1, title="C", body="C",
        published_at=now - timedelta(days=2),
    )  # fmt: skip
    AttestationSignature.objects.create(user=cm, document=document, signed_at=now)
    unit_assign(unit=Unit.objects.get(program=program, code="U0"), user=cm, actor=None)
    actor = actor_for(cm, address="127.0.0.1")

    stays = list(Stay.objects.order_by("pk"))
    writes, started = 0, time.perf_counter()
    sample = None
    for i, stay in enumerate(stays):
        authorization = services.authorization_open(
            actor=actor,
            stay=stay,
            facts=services.AuthorizationFacts(
                level_of_care="acute",
                requested_days=3,
                notification_sent_at=now - timedelta(days=2),
            ),
        )
        services.authorization_step(
            actor=actor,
            authorization=authorization,
            version=authorization.version,
            facts=services.StepFacts(
                step="decided", at=now - timedelta(days=1), decision="partly_approved",
                authorized_days=2,
            ),
        )  # fmt: skip
        writes += 2
        if i % 2:
            continue
        denial = services.denial_record(
            actor=actor,
            stay=stay,
            facts=services.DenialFacts(
                kind="medical_necessity", reason="Not necessary", received_date=now.date(),
                denied_days=1, denied_amount=Decimal("1200.00"), reason_category="criteria_not_met",
            ),
        )  # fmt: skip
        writes += 1
        if i % 4 == 0:
            services.appeal_file(
                actor=actor, denial=denial, version=denial.version,
                facts=services.AppealFacts(filed_at=now - timedelta(minutes=5)),
            )  # fmt: skip
            writes += 1
            sample = sample or stay
    elapsed = time.perf_counter() - started
    database = "PostgreSQL" if args.database_url else "SQLite"
    print(f"writes ({database}): {writes} authorization steps, denials and appeals for "
          f"{len(stays)} stays in {elapsed:.1f} s = {writes / elapsed:.0f}/s")  # fmt: skip

    client = Client()
    client.force_login(cm)
    p50, p95, cpu = timed(client, "/denials/", args.requests)
    print(f"denials page ({database}): p50 {p50:.1f} ms, p95 {p95:.1f} ms, CPU {cpu:.1f} ms "
          f"(target < {TARGET_P95_MS:.0f} ms) over {args.requests} requests")  # fmt: skip
    assert sample is not None and sample.unit is not None and sample.unit.code == "U0"
    p50, p95, cpu = timed(client, f"/stays/{sample.pk}/", args.requests)
    print(f"stay page ({database}): p50 {p50:.1f} ms, p95 {p95:.1f} ms, CPU {cpu:.1f} ms "
          f"(target < {TARGET_P95_MS:.0f} ms) over {args.requests} requests")  # fmt: skip


if __name__ == "__main__":
    main()
