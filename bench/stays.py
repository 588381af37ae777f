"""Hospital stays benchmark (issue 15): ADT ingestion over MLLP and the census page.

1. Ingestion. A fresh data directory and database (SQLite by default; with
   --database-url a PostgreSQL database of that name, dropped and recreated), migrated,
   with one program and --units units. `casework adt listen` runs as a child process;
   --connections MLLP clients (a hospital runs several interface
   connections) send --messages ADT messages for --stays stays (an A01 for each stay,
   then A02 transfers and A08 updates in turn; each stay's messages on one connection,
   in order; a lean sender of our own, so that the senders leave the cores to the
   listener), each waiting for every ACK, which the listener sends only after the
   transaction holding the message committed. Prints the messages, the ACK codes,
   sustained messages per second, and checks that every message was applied exactly once.
2. Census. A second program, a hospital of --census-house patients in --units units
   (600 in 10 by default: 60 a unit), admitted through the same ADT code in-process; a
   case manager covering one unit opens GET /census/ through the Django test client
   --requests times; prints p50/p95 (target p95 < 100 ms), the CPU per request p50/p95
   and the patients shown.

The machine may be shared: ingestion also prints the listener's own CPU time per message
(user + system, from the child's rusage, less its start-up) and the load average, which
say more than the rate when other work competes for the cores.

  .venv/bin/python bench/stays.py                                   # 20,000 / 2,000
  .venv/bin/python bench/stays.py --messages 3000 --stays 600       # a busy machine
  .venv/bin/python bench/stays.py --messages 0                      # the census only
  .venv/bin/python bench/stays.py --connections 1                   # one feed
  .venv/bin/python bench/stays.py --database-url postgres://postgres@127.0.0.1:5432/cw_stays
  .venv/bin/python bench/stays.py --profile /path/to/py-spy   # the listener's stacks
"""

import argparse
import asyncio
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
TARGET_RATE = 300.0
TARGET_P95_MS = 100.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--stays", type=int, default=2_000)
    parser.add_argument("--units", type=int, default=10)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--census-house", type=int, default=600)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--profile", default="", help="py-spy executable: write the listener's collapsed stacks"
    )
    return parser.parse_args()


def ts(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y%m%d%H%M%S+0000")


def message(trigger: str, n: int, control: str, at: datetime, unit: str, bed: str) -> str:
    pv1 = ["PV1", "1", "I", f"{unit}^{bed}^A^H", "", "", "", "77^House^Greg"] + [""] * 10
    pv1 += ["", f"BV{n:06d}^^^H^VN"] + [""] * 24 + [ts(at), ""]
    return (
        "\r".join(
            [
                f"MSH|^~\\&|BENCH|H|CASEWORK|CW|{ts(at)}||ADT^{trigger}^ADT_A01|{control}|P|2.5.1",
                f"EVN|{trigger}|{ts(at)}",
                f"PID|1||B{n:06d}^^^H^MR||Patient{n}^Bench||19500101|F",
                "|".join(pv1),
                "IN1|1|MC^Medicare||Medicare" + "|" * 11 + "MC",
            ]
        )
        + "\r"
    )


def feed(count: int, stays: int, units: int, now: datetime) -> list[str]:
    out = []
    for i in range(count):
        n = i % stays
        unit = f"U{n % units}"
        if i < stays:
            out.append(message("A01", n, f"B{i:07d}", now - timedelta(hours=2), unit, str(n)))
        elif (i // stays) % 2:
            out.append(message("A08", n, f"B{i:07d}", now - timedelta(hours=1), unit, str(n)))
        else:
            other = f"U{(n + i // stays) % units}"
            out.append(message("A02", n, f"B{i:07d}", now - timedelta(hours=1), other, str(n)))
    return out


async def send_one_feed(port: int, raws: list[str]) -> list[str]:
    """A lean MLLP sender (framing and the MSA-1 code only): the `hl7` package's client
    parses every message it sends and every ACK, CPU the listener would not get on a
    2-core machine. The tests send with the library's client (tests/stays/test_mllp.py)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    codes = []
    for raw in raws:
        writer.write(b"\x0b" + raw.encode() + b"\x1c\r")
        ack = await reader.readuntil(b"\x1c\r")
        codes.append(ack.split(b"MSA|", 1)[1][:2].decode())
    writer.close()
    return codes


async def send_all(port: int, raws: list[str], connections: int, stays: int) -> list[str]:
    """Each stay's messages on connection (stay number mod `connections`), in order."""
    feeds: list[list[str]] = [[] for _ in range(connections)]
    for i, raw in enumerate(raws):
        feeds[(i % stays) % connections].append(raw)
    results = await asyncio.gather(*(send_one_feed(port, f) for f in feeds if f))
    return [code for codes in results for code in codes]


def process_cpu(pid: int) -> float:
    """The CPU seconds (user + system) process `pid` has used so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    args = parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="stays-bench-"))
    env = {**os.environ, "CASEWORK_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT / "src")}
    env["DJANGO_SETTINGS_MODULE"] = "casework.settings.dev"
    if args.database_url:
        name = args.database_url.rsplit("/", 1)[1]
        base = args.database_url.rsplit("/", 1)[0]
        subprocess.run(["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", name])
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
        env["DATABASE_URL"] = f"{base}/{name}"
    else:
        env.pop("DATABASE_URL", None)
    os.environ.update(env)
    cli = [sys.executable, "-m", "casework.cli"]
    subprocess.run([*cli, "migrate", "-v0"], env=env, check=True)

    import django

    django.setup()
    from casework.core.models import Program
    from casework.stays.models import AdtMessage, Unit

    program = Program.objects.create(
        code="bench", name="Bench", purpose_statement="x", complaint_contact="x",
        after_closure_contact="x",
    )  # fmt: skip
    for u in range(args.units):
        Unit.objects.create(program=program, code=f"U{u}", name=f"Unit {u}")
    from django.db import connection

    connection.close()

    server = subprocess.Popen(
        [*cli, "adt", "listen", "--port", "0"], env=env, stdout=subprocess.PIPE, text=True
    )
    assert server.stdout is not None
    port = int(server.stdout.readline().rsplit(":", 1)[1])
    startup = process_cpu(server.pid)  # Django's start-up, not the messages'
    spy = None
    if args.profile:  # py-spy samples the listener from outside (its CPU not counted)
        out = data_dir / "listener.txt"
        spy = subprocess.Popen([args.profile, "record", "-r", "100", "-f", "raw", "-o", str(out),
                                "--nonblocking", "--pid", str(server.pid)])  # fmt: skip
    raws = feed(args.messages, args.stays, args.units, datetime.now(UTC))
    started = time.perf_counter()
    codes = asyncio.run(send_all(port, raws, args.connections, args.stays))
    elapsed = time.perf_counter() - started
    if spy is not None:
        spy.send_signal(signal.SIGINT)
        spy.wait()
        print(f"listener profile (collapsed stacks): {data_dir / 'listener.txt'}")
    server.send_signal(signal.SIGINT)  # the listener prints its summary on the way out
    _, _, usage = os.wait4(server.pid, 0)
    server.returncode = 0
    cpu = usage.ru_utime + usage.ru_stime - startup  # the listener's CPU for the messages
    rate = len(codes) / elapsed
    applied = AdtMessage.objects.filter(outcome="applied").count()
    database = "PostgreSQL" if args.database_url else "SQLite"
    if codes:
        print(f"ingestion ({database}, {args.connections} connections): {len(codes)} messages "
              f"for {args.stays} stays in "
              f"{elapsed:.1f} s = {rate:.0f} msg/s (target >= {TARGET_RATE:.0f}); "
              f"ACKs {dict((c, codes.count(c)) for c in set(codes))}; applied once: "
              f"{applied == len(codes)}; listener CPU {cpu:.1f} s (start-up's {startup:.1f} s "
              f"not counted) = "
              f"{cpu * 1000 / max(len(codes), 1):.2f} ms a message; load average "
              f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")  # fmt: skip

    census(args, database)


def census(args: argparse.Namespace, database: str) -> None:
    """A hospital of --census-house patients in --units units; one case manager covering
    unit C0 opens the census --requests times."""
    from django.test import Client

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
    from casework.stays.services import unit_assign

    program = Program.objects.create(
        code="census", name="Census", purpose_statement="x", complaint_contact="x",
        after_closure_contact="x",
    )  # fmt: skip
    for u in range(args.units):
        Unit.objects.create(program=program, code=f"C{u}", name=f"Census unit {u}")
    now = datetime.now(UTC)
    for n in range(args.census_house):
        raw = message("A01", 500_000 + n, f"CEN{n:07d}", now - timedelta(hours=30),
                      f"C{n % args.units}", str(n))  # fmt: skip
        assert "MSA|AA" in adt_receive(raw, program=program).ack
    cm = User.objects.create_user(username="cm_bench", password=None, role=Role.CASE_MANAGER,
                                  program=program)  # fmt: skip
    document = AttestationDocument.objects.create(
        program=program, kind=AttestationKind.CONFIDENTIALITY, version=1, title="C", body="C",
        published_at=now - timedelta(days=2),
    )  # fmt: skip
    AttestationSignature.objects.create(user=cm, document=document, signed_at=now)
    unit_assign(unit=Unit.objects.get(program=program, code="C0"), user=cm, actor=None)
    in_house = Stay.objects.filter(program=program, state="in_house")
    on_unit = in_house.filter(unit__code="C0").count()
    client = Client()
    client.force_login(cm)
    client.get("/census/", HTTP_HOST="127.0.0.1")  # one warm-up: templates, first queries
    times, cpu_times = [], []
    for _ in range(args.requests):
        t0, c0 = time.perf_counter(), time.process_time()
        response = client.get("/census/", HTTP_HOST="127.0.0.1")
        times.append((time.perf_counter() - t0) * 1000)
        cpu_times.append((time.process_time() - c0) * 1000)
        assert response.status_code == 200, response.status_code
        assert response.content.count(b"Patient5") == on_unit  # each patient once
    p95 = statistics.quantiles(times, n=20)[18]
    print(f"census ({database}): {on_unit} patients on the unit of {in_house.count()} "
          f"in the house; p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms "
          f"(target < {TARGET_P95_MS:.0f} ms) over {args.requests} requests; CPU p50 "
          f"{statistics.median(cpu_times):.1f} ms, p95 "
          f"{statistics.quantiles(cpu_times, n=20)[18]:.1f} ms; load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")  # fmt: skip


if __name__ == "__main__":
    main()
