"""Page speed measured in the browser (issue 13, acceptance): the worklist, the case page
and finding a consumer, over a program of 100,000 consumers, served by waitress (as
`casework serve` does) and loaded by Debian's Chromium through Playwright.

Seeds the program of bench/search.py (--consumers consumers, one active case each,
case managers of 80 cases; the timed case manager's cases get three open work items
each, one overdue), signs in through the sign-in page, then loads each page --requests
times and reads the browser's Navigation Timing: the **server time** is
`responseStart - requestStart` (the request sent to the first byte back, on the loopback
interface: the server's work), and the page's full load time beside it, with the CPU
time of this process per page (the server's work, plus the small Playwright client; on
SQLite the database's too), the figure to read when the machine is shared. Targets: worklist
and case page p95 under 150 ms, search under 100 ms.

  .venv/bin/python bench/pages.py --database sqlite
  .venv/bin/python bench/pages.py --database postgres \\
      --database-url postgres://postgres@127.0.0.1:5432/casework_pages_bench

Each run starts from an empty database (as bench/search.py): use a database of its own.
"""

import argparse
import os
import random
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from search import CONSUMERS, queries, seed
from worklist import percentile, reset_and_migrate, setup_django

REQUESTS = 100
TARGETS_MS = {"worklist": 150.0, "case page": 150.0, "search": 100.0}
PASSWORD = "bench-pages-password-3c9e"
CHROMIUM = "/usr/bin/chromium"
TIMING = """() => {
  const n = performance.getEntriesByType('navigation')[0];
  return [n.responseStart - n.requestStart, n.loadEventEnd - n.startTime];
}"""


def prepare(cm_id: int, quality_id: int) -> list[int]:
    """Passwords for the timed users; three open work items on each of the case manager's
    cases (one overdue, one due in 3 days, one in 20). Returns the manager's case ids."""
    from casework.cases.models import Case
    from casework.coordination.models import WorkItem
    from casework.core import clock
    from casework.staff.models import User

    for user in User.objects.filter(pk__in=[cm_id, quality_id]):
        user.set_password(PASSWORD)
        user.save()
    case_ids = list(Case.objects.filter(assigned_to_id=cm_id).values_list("pk", flat=True))
    now = clock.now()
    WorkItem.objects.bulk_create(
        [
            WorkItem(
                case_id=case_id,
                title=f"Follow up {n}",
                kind="service",
                owner_id=cm_id,
                due_at=now + timedelta(days=days),
                created_by_id=cm_id,
                created_at=now,
            )
            for case_id in case_ids
            for n, days in enumerate((-2, 3, 20))
        ]
    )
    return case_ids


def serve() -> tuple[Any, str]:
    """waitress in a thread on a free port, with the application `casework serve` runs."""
    from waitress import create_server  # type: ignore[import-untyped]

    from casework.core.management.commands.serve import server_options
    from casework.wsgi import application

    server = create_server(application, host="127.0.0.1", port=0, threads=4, **server_options())
    threading.Thread(target=server.run, daemon=True).start()
    return server, f"http://127.0.0.1:{server.effective_port}"


def timed(page: Any, url: str, requests: int, label: str) -> float:
    server: list[float] = []
    load: list[float] = []
    cpu: list[float] = []
    for n in range(requests):
        started = time.process_time()
        response = page.goto(url(n) if callable(url) else url)
        cpu.append((time.process_time() - started) * 1000)
        assert response is not None and response.status == 200, (label, response)
        first_byte, whole = page.evaluate(TIMING)
        server.append(first_byte)
        load.append(whole)
    p95 = percentile(server, 95)
    target = TARGETS_MS[label.split(" (")[0]]
    verdict = "OK" if p95 < target else f"MISSES the {target:.0f} ms target"
    print(
        f"  {label:<32} server p50 {percentile(server, 50):7.1f} ms  p95 {p95:7.1f} ms"
        f"  {verdict}   (whole load p95 {percentile(load, 95):7.1f} ms;"
        f" process CPU p50 {percentile(cpu, 50):6.1f} / p95 {percentile(cpu, 95):6.1f} ms)"
    )
    return p95


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/casework_pages_bench"
    )
    parser.add_argument("--data-dir", default="/tmp/casework-pages-bench")
    parser.add_argument("--consumers", type=int, default=CONSUMERS)
    parser.add_argument("--requests", type=int, default=REQUESTS)
    args = parser.parse_args()
    args.reuse = False
    Path(args.data_dir).mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop
    setup_django(args)
    from django.db import connection
    from playwright.sync_api import sync_playwright

    print(f"database: {connection.vendor}, {args.consumers:,} consumers, load {os.getloadavg()}")
    reset_and_migrate(connection.vendor)
    started = time.perf_counter()
    quality_id, cm_id, people = seed(args.consumers)
    case_ids = prepare(cm_id, quality_id)
    print(f"  seeded in {time.perf_counter() - started:.1f} s")
    searches = queries(people)
    random.Random(3).shuffle(searches)
    from casework.staff.models import User

    users = User.objects.filter(pk__in=[cm_id, quality_id]).values_list("pk", "username")
    usernames = dict(users)
    server, base = serve()
    args_chromium = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-sync",
                     "--disable-background-networking", "--disable-component-update"]  # fmt: skip
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args_chromium)
            for user_id, who in ((cm_id, "case manager"), (quality_id, "quality analyst")):
                page = browser.new_page()
                page.goto(base + "/sign-in/")
                page.get_by_label("Username").fill(usernames[user_id])
                page.get_by_label("Password").fill(PASSWORD)
                page.get_by_role("button", name="Sign in").click()
                page.wait_for_load_state()
                if who == "case manager":
                    timed(page, base + "/worklist/", args.requests, "worklist")
                    timed(
                        page,
                        lambda n: f"{base}/cases/{case_ids[n % len(case_ids)]}/",
                        args.requests,
                        "case page",
                    )
                timed(
                    page,
                    lambda n: f"{base}/consumers/?q={searches[n % len(searches)][1]}",
                    args.requests,
                    f"search ({who})",
                )
                page.close()
            browser.close()
    finally:
        server.close()
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
