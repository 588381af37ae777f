"""API throughput benchmark: requests per second of the server process's own CPU.

Creates a fresh data directory and database (SQLite by default; with --database-url a
PostgreSQL database of that name, created for the run and dropped afterwards), migrates,
seeds a program with a case manager (signed confidentiality statement, API token) whose
caseload holds --cases active cases, each with work items and notes, then starts the app
exactly as `casework serve` does (a child process, dev settings, the sweeper thread on)
and drives it over loopback from --clients keep-alive clients (threads, http.client)
for --seconds per endpoint:

  case read     GET  /api/v1/cases/{id}          200, one `read` event
  worklist      GET  /api/v1/cases               200, one `list` event (my open cases)
  note create   POST /api/v1/cases/{id}/notes    201, one `create` event

For each endpoint it prints the requests, the errors (any other status or a broken
connection), wall requests/s, requests per server-CPU-second (utime + stime of the
server process and its children, read from /proc before and after), p50/p95 latency,
and checks that the audit trail grew by exactly one event per request, of that action.

  .venv/bin/python bench/api.py                          # SQLite, 20 s per endpoint
  .venv/bin/python bench/api.py --seconds 5 --endpoints case
  .venv/bin/python bench/api.py \
      --database-url postgres://postgres@127.0.0.1:5432/casework_apibench

The machine is saturated for the duration of the run: keep it short while developing.
Extra arguments after `--` go to `casework serve` (e.g. `-- --threads 4`).
"""

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
TARGET = 200.0  # requests per server-CPU-second for the case read (issue 11)
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Endpoint:
    key: str
    label: str
    method: str
    status: int
    action: str  # the audit action each request must write


ENDPOINTS = [
    Endpoint("case", "case read    GET  /api/v1/cases/{id}", "GET", 200, "read"),
    Endpoint("worklist", "worklist     GET  /api/v1/cases", "GET", 200, "list"),
    Endpoint("note", "note create  POST /api/v1/cases/{id}/notes", "POST", 201, "create"),
    # Not in the default set: the fixed cost of a request (server, Django, token), no event.
    Endpoint("me", "who am I    GET  /api/v1/me", "GET", 200, ""),
]


def parse_args() -> tuple[argparse.Namespace, list[str]]:
    argv = sys.argv[1:]
    serve_extra: list[str] = []
    if "--" in argv:
        cut = argv.index("--")
        argv, serve_extra = argv[:cut], argv[cut + 1 :]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default="",
        help="postgres://user@host:port/NAME: NAME is created for the run and dropped "
        "after it (refused if it exists); default: SQLite in the fresh data directory",
    )
    parser.add_argument("--seconds", type=float, default=20.0, help="timed seconds per endpoint")
    parser.add_argument("--warmup", type=float, default=2.0, help="untimed seconds per endpoint")
    parser.add_argument("--clients", type=int, default=8, help="keep-alive client threads")
    parser.add_argument("--cases", type=int, default=300, help="cases on the timed caseload")
    parser.add_argument("--other-cases", type=int, default=100, help="cases of two colleagues")
    parser.add_argument(
        "--endpoints",
        default="case,worklist,note",
        help="comma-separated, of: " + ",".join(e.key for e in ENDPOINTS) + " (me: GET "
        "/api/v1/me, the fixed cost of a request, writes no event; not in the default)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the data directory")
    parser.add_argument(
        "--profile",
        default="",
        help="directory: sample the server with py-spy during each timed phase and write "
        "<endpoint>.txt (collapsed stacks; py-spy must be installed)",
    )
    args = parser.parse_args(argv)
    if not 1 <= args.clients <= 64:
        parser.error("--clients must be between 1 and 64")
    if not 0 < args.seconds <= 600:
        parser.error("--seconds must be in (0, 600]")
    known = {e.key for e in ENDPOINTS}
    chosen = [k.strip() for k in args.endpoints.split(",") if k.strip()]
    if not chosen or set(chosen) - known:
        parser.error(f"--endpoints: choose from {', '.join(sorted(known))}")
    args.endpoints = chosen
    return args, serve_extra


# --- the database -------------------------------------------------------------------------


def postgres_admin(url: str) -> tuple[str, Any]:
    """The database name in `url` and a connect() to the server's maintenance database."""
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    if not name or not name.replace("_", "").isalnum():
        raise SystemExit(f"--database-url: name a database of letters, digits and _ ({name!r})")

    def connect() -> Any:
        from dj_database_url import parse

        cfg = parse(url)
        return psycopg.connect(
            host=cfg.get("HOST") or None,
            port=cfg.get("PORT") or None,
            user=cfg.get("USER") or None,
            password=cfg.get("PASSWORD") or None,
            dbname="postgres",
            autocommit=True,
        )

    return name, connect


def create_postgres(url: str) -> None:
    name, connect = postgres_admin(url)
    with connect() as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            raise SystemExit(f"database {name} exists: drop it or name another one")
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_postgres(url: str) -> None:
    name, connect = postgres_admin(url)
    with connect() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def setup_django(data_dir: Path, database_url: str) -> None:
    """The same environment the server gets: dev settings, this data dir, this database."""
    os.environ["CASEWORK_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "casework.settings.dev"
    # The list endpoints are rate-limited per user (600/min by default): lift it so the
    # worklist phase measures the endpoint, not the 429 path.
    os.environ["CASEWORK_API_LIST_RATE"] = "100000000"
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()


@dataclass
class Seeded:
    token: str
    user_id: int
    case_ids: list[int]


def seed(cases: int, other_cases: int) -> Seeded:
    """A program, a compliant case manager (signed statement) with `cases` active cases
    (consent granted), 4 work items and 3 notes each, and two colleagues with their own
    caseloads; built through the services, as the tests build their data."""
    sys.path.insert(0, str(ROOT))
    from django.db import transaction

    from casework.coordination import services as coordination
    from casework.core import clock
    from casework.core.roles import Role
    from casework.core.tokens import token_issue
    from tests import factories as f

    now = clock.now()
    with transaction.atomic():
        program = f.program("bench")
        team, _supervisor = f.team(program)
        cm = f.user(Role.CASE_MANAGER, program, team, username="cm_bench")
        colleagues = [f.user(Role.CASE_MANAGER, program, team) for _ in range(2)]
        case_ids = []
        owners = [(cm, cases)] + [(c, other_cases // 2) for c in colleagues]
        for owner, count in owners:
            actor = f.actor(owner)
            for n in range(count):
                case = f.active_case(owner)
                for w in range(4):
                    coordination.work_item_create(
                        actor=actor,
                        case=case,
                        title=f"Follow up {w + 1}",
                        kind="service",
                        owner=owner,
                        due_at=now + timedelta(days=3 + 5 * w + n % 7),
                    )
                for k in range(3):
                    coordination.note_create(
                        actor=actor,
                        case=case,
                        kind="progress",
                        text=f"Called the consumer; plan reviewed ({k + 1}).",
                    )
                if owner == cm:
                    case_ids.append(case.pk)
        _, raw = token_issue(user=cm, name="bench client")
    return Seeded(token=raw, user_id=cm.pk, case_ids=case_ids)


def audit_counts(user_id: int, after_id: int) -> tuple[int, dict[str, int], int]:
    """Events after `after_id`: (all, per action of the user's events, the highest id)."""
    from django.db.models import Count, Max

    from casework.core.models import AuditEvent

    events = AuditEvent.objects.filter(pk__gt=after_id)
    total = events.count()
    per_action = dict(
        events.filter(actor_id=user_id)
        .values_list("action")
        .annotate(n=Count("id"))
        .values_list("action", "n")
    )
    top = AuditEvent.objects.aggregate(top=Max("id"))["top"] or 0
    return total, per_action, top


# --- the server -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def process_tree(pid: int) -> list[int]:
    """`pid` and its live descendants (a pre-forking server's workers)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    tree, todo = [], [pid]
    while todo:
        p = todo.pop()
        tree.append(p)
        todo.extend(children.get(p, []))
    return tree


def cpu_seconds(pid: int) -> float:
    """User + system CPU of the server and its children (all threads), in seconds."""
    total = 0
    for p in process_tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / CLOCK_TICKS


def start_server(data_dir: Path, port: int, extra: list[str]) -> subprocess.Popen[bytes]:
    """`casework serve` in a child process, with the same environment as this one."""
    log = (data_dir / "serve.log").open("wb")
    command = [
        sys.executable,
        "-c",
        "from casework.cli import main; main()",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        *extra,
    ]
    return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=os.environ.copy())


def stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is not None:
        return
    server.send_signal(signal.SIGINT)  # serve stops its sweeper on Ctrl-C
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=5)


def wait_ready(server: subprocess.Popen[bytes], port: int, token: str, data_dir: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            break
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/v1/me", headers={"Authorization": f"Bearer {token}"})
            status = conn.getresponse().status
            conn.close()
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    print((data_dir / "serve.log").read_text()[-3000:], file=sys.stderr)
    raise SystemExit("the server did not answer GET /api/v1/me with 200 within 60 s")


# --- the clients ----------------------------------------------------------------------------


@dataclass
class ClientResult:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: dict[str, int] = field(default_factory=dict)


def request_for(endpoint: Endpoint, case_id: int, n: int) -> tuple[str, bytes | None]:
    if endpoint.key == "case":
        return f"/api/v1/cases/{case_id}", None
    if endpoint.key == "worklist":
        return "/api/v1/cases", None
    if endpoint.key == "me":
        return "/api/v1/me", None
    body = {"kind": "progress", "text": f"Benchmark note {n}: spoke with the consumer."}
    return f"/api/v1/cases/{case_id}/notes", json.dumps(body).encode()


def client(
    port: int,
    token: str,
    endpoint: Endpoint,
    case_ids: list[int],
    offset: int,
    stop_at: float,
    result: ClientResult,
) -> None:
    """One keep-alive connection; sends requests back to back until `stop_at`."""
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    if endpoint.method == "POST":
        headers["Content-Type"] = "application/json"
    conn: http.client.HTTPConnection | None = None
    n = offset
    while time.monotonic() < stop_at:
        path, body = request_for(endpoint, case_ids[n % len(case_ids)], n)
        n += 1
        started = time.perf_counter()
        try:
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request(endpoint.method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            status = str(response.status)
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = None
        except (OSError, http.client.HTTPException) as exc:
            status = type(exc).__name__
            if conn is not None:
                conn.close()
            conn = None
        result.latencies.append(time.perf_counter() - started)
        result.statuses[status] = result.statuses.get(status, 0) + 1
        if status != str(endpoint.status):
            result.errors += 1
    if conn is not None:
        conn.close()


def drive(
    port: int, token: str, endpoint: Endpoint, case_ids: list[int], clients: int, seconds: float
) -> tuple[list[ClientResult], float]:
    stop_at = time.monotonic() + seconds
    results = [ClientResult() for _ in range(clients)]
    threads = [
        threading.Thread(
            target=client,
            args=(port, token, endpoint, case_ids, i * 7919, stop_at, results[i]),
            daemon=True,
        )
        for i in range(clients)
    ]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 60)
    return results, time.perf_counter() - started


def percentile(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]  # type: ignore[index]


def run_endpoint(
    endpoint: Endpoint, args: argparse.Namespace, server_pid: int, port: int, seeded: Seeded
) -> dict[str, Any]:
    # Warm up untimed (imports, URL resolution, connections), then count from here.
    drive(port, seeded.token, endpoint, seeded.case_ids, args.clients, args.warmup)
    _, _, after_id = audit_counts(seeded.user_id, 0)
    profiler = None
    if args.profile:
        out = Path(args.profile).resolve() / f"{endpoint.key}.txt"
        out.parent.mkdir(parents=True, exist_ok=True)
        command = [shutil.which("py-spy") or "py-spy", "record", "--pid", str(server_pid)]
        command += ["--duration", str(max(1, round(args.seconds))), "--rate", "200"]
        command += ["--format", "raw", "--nonblocking", "-o", str(out)]
        profiler = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(0.5)
    cpu_before = cpu_seconds(server_pid)
    own_before = time.process_time()
    results, wall = drive(port, seeded.token, endpoint, seeded.case_ids, args.clients, args.seconds)
    if profiler is not None:
        profiler.wait(timeout=60)
    cpu = cpu_seconds(server_pid) - cpu_before
    own_cpu = time.process_time() - own_before
    latencies = [x for r in results for x in r.latencies]
    statuses: dict[str, int] = {}
    for r in results:
        for status, count in r.statuses.items():
            statuses[status] = statuses.get(status, 0) + count
    requests = len(latencies)
    errors = sum(r.errors for r in results)
    events, per_action, _ = audit_counts(seeded.user_id, after_id)
    expected_events = requests if endpoint.action else 0
    return {
        "endpoint": endpoint,
        "requests": requests,
        "errors": errors,
        "statuses": statuses,
        "wall": wall,
        "cpu": cpu,
        "client_cpu": own_cpu,
        "rps": requests / wall,
        "per_cpu": requests / cpu if cpu > 0 else float("inf"),
        "cpu_ms": 1000 * cpu / requests if requests else float("nan"),
        "p50": 1000 * percentile(latencies, 50),
        "p95": 1000 * percentile(latencies, 95),
        "events": events,
        "per_action": per_action,
        "audit_ok": events == expected_events
        and per_action == ({endpoint.action: requests} if endpoint.action else {}),
    }


def report(rows: list[dict[str, Any]]) -> bool:
    print()
    print(
        f"{'endpoint':<44}{'requests':>9}{'errors':>7}{'req/s':>8}{'req/CPU-s':>10}"
        f"{'CPU ms':>8}{'p50 ms':>8}{'p95 ms':>8}"
    )
    for row in rows:
        print(
            f"{row['endpoint'].label:<44}{row['requests']:>9}{row['errors']:>7}"
            f"{row['rps']:>8.1f}{row['per_cpu']:>10.1f}{row['cpu_ms']:>8.2f}"
            f"{row['p50']:>8.1f}{row['p95']:>8.1f}"
        )
    print()
    clean = True
    for row in rows:
        e = row["endpoint"]
        ok = "OK" if row["audit_ok"] else "MISMATCH"
        expected = {e.action: row["requests"]} if e.action else {}
        print(
            f"{e.key:<9} audit events +{row['events']} for {row['requests']} requests "
            f"(by action: {row['per_action']}; expected {expected}): "
            f"{ok}; statuses {row['statuses']}; server CPU {row['cpu']:.2f} s, "
            f"client CPU {row['client_cpu']:.2f} s"
        )
        if row["errors"] or not row["audit_ok"]:
            clean = False
    if not clean:
        print()
        print("!" * 78)
        print("!! THIS RUN HAD ERRORS OR AN AUDIT MISMATCH: its figures are not valid.")
        print("!" * 78)
    return clean


def main() -> int:
    args, serve_extra = parse_args()
    started = time.perf_counter()
    data_dir = Path(tempfile.mkdtemp(prefix="casework-apibench-"))
    database = "PostgreSQL" if args.database_url else "SQLite"
    if args.database_url:
        create_postgres(args.database_url)
    server = None
    try:
        setup_django(data_dir, args.database_url)
        from django.core.management import call_command
        from django.db import connection, connections

        print(
            f"API benchmark on {database} ({connection.vendor}), {os.cpu_count()} CPUs, "
            f"load average {os.getloadavg()[0]:.1f}, Python {sys.version.split()[0]}; "
            f"{args.clients} keep-alive clients, {args.seconds:g} s per endpoint "
            f"(+{args.warmup:g} s warm-up); data dir {data_dir}"
        )
        t0 = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(f"migrated in {time.perf_counter() - t0:.1f} s")
        t0 = time.perf_counter()
        seeded = seed(args.cases, args.other_cases)
        print(
            f"seeded {args.cases} + {args.other_cases} active cases (4 work items, "
            f"3 notes each) in {time.perf_counter() - t0:.1f} s"
        )
        connections.close_all()
        port = free_port()
        server = start_server(data_dir, port, serve_extra)
        wait_ready(server, port, seeded.token, data_dir)
        command = " ".join(["casework serve", *serve_extra])
        print(f"serving: pid {server.pid}, http://127.0.0.1:{port}/ ({command})")
        rows = []
        for endpoint in ENDPOINTS:
            if endpoint.key in args.endpoints:
                rows.append(run_endpoint(endpoint, args, server.pid, port, seeded))
                print(
                    f"  {endpoint.key}: {rows[-1]['requests']} requests, "
                    f"{rows[-1]['per_cpu']:.1f} per server-CPU-second",
                    flush=True,
                )
        clean = report(rows)
        for row in rows:
            if row["endpoint"].key == "case":
                met = "met" if row["per_cpu"] >= TARGET else "NOT met"
                print(
                    f"target >= {TARGET:.0f} requests per server-CPU-second for the case "
                    f"read: {met} ({row['per_cpu']:.1f})"
                )
        print(f"whole run {time.perf_counter() - started:.0f} s")
        return 0 if clean else 1
    finally:
        if server is not None:
            stop_server(server)
        try:
            from django.db import connections

            connections.close_all()
        except Exception as exc:  # Django may not be set up yet
            print(f"closing connections: {exc}", file=sys.stderr)
        if args.database_url:
            drop_postgres(args.database_url)
        if args.keep:
            print(f"kept {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
