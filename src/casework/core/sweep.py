"""The sweep: seal the audit chain, then act on due deadline rows (F1; docs/deadlines.md).

Due rows are claimed a batch at a time (`deadlines_claim`: row locks with SKIP LOCKED on
PostgreSQL, IMMEDIATE transactions on SQLite), and a batch's claims and the tasks they
enqueue commit together: a row is acted on exactly once, however many sweepers run, and
a crash between the two leaves the rows open for the next sweep. What a row's
kind does is registered by the context that owns the kind (`core.deadlines`).
"""

import logging
import threading
from collections import defaultdict
from dataclasses import dataclass

from django.db import close_old_connections, connection, transaction

from casework.core import clock
from casework.core.audit import AuditTampered, audit_seal
from casework.core.deadlines import (
    SweepTally,
    deadline_kind_spec,
    deadlines_claim,
    deadlines_escalate,
)
from casework.core.models import Deadline, DeadlineState

logger = logging.getLogger("casework.sweep")


@dataclass(frozen=True)
class SweepResult:
    """What one sweep did."""

    sealed: int
    overdue: int
    reminders: int
    escalated: int = 0

    def __str__(self) -> str:
        return (
            f"sealed {self.sealed} audit event(s); {self.overdue} work item(s) overdue; "
            f"{self.reminders} reminder(s) enqueued; {self.escalated} clock(s) escalated"
        )


def _act_on(deadlines: list[Deadline]) -> tuple[int, int]:
    """Act on claimed (now breached) deadlines as each kind's registered spec says, in the
    claim's transaction; returns the (overdue, reminders) they add. A clock is set to its
    last escalation level; an unknown kind is left breached."""
    overdue = reminders = 0
    last_level: dict[int, list[int]] = defaultdict(list)
    met: list[int] = []
    for deadline in deadlines:
        if deadline.escalations:
            # A clock past its limit is at its last level: one past its escalation points.
            last_level[len(deadline.escalations) + 1].append(deadline.pk)
        spec = deadline_kind_spec(deadline.kind)
        if spec is None:
            logger.warning(
                "deadline %s has unknown kind %s: left breached", deadline.pk, deadline.kind
            )
            continue
        if spec.handle is not None:
            spec.handle(deadline=deadline)
        if spec.on_breach == "met":
            met.append(deadline.pk)
        overdue += spec.tally == SweepTally.OVERDUE
        reminders += spec.tally == SweepTally.REMINDER
    for level, ids in last_level.items():
        Deadline.objects.filter(pk__in=ids).update(escalation_level=level, escalates_at=None)
    if met:
        Deadline.objects.filter(pk__in=met).update(state=DeadlineState.MET)
    return overdue, reminders


def deadlines_sweep(*, batch_size: int = 1000) -> tuple[int, int]:
    """Claim and act on every deadline due now; returns (overdue, reminders).

    A batch of due rows is claimed and acted on in one transaction (`deadlines_claim`),
    so its claims and the tasks they enqueue commit together: a crash or an error rolls
    the batch back, to be swept again, and a row is never acted on twice. A million open
    rows with thousands due cost a few statements per batch (bench/clocks.py)."""
    now = clock.now()
    overdue = reminders = 0
    while True:
        with transaction.atomic():
            claimed = deadlines_claim(now=now, limit=batch_size)
            more_overdue, more_reminders = _act_on(claimed)
        overdue += more_overdue
        reminders += more_reminders
        if len(claimed) < batch_size:
            return overdue, reminders


# The background loop makes a full audit sealing pass every this many sweeps (5 min at
# the default 5 s interval) and a quick pass over the newest events otherwise.
FULL_SEAL_EVERY = 60


def sweep_once(*, full_seal: bool = True) -> SweepResult:
    """Seal the audit chain and act on due deadlines. Safe to run concurrently.

    A chain the sealer refuses to extend (AuditTampered) is logged as an error on every
    sweep until someone investigates; deadlines are still acted on."""
    try:
        sealed = audit_seal(full=full_seal)
    except AuditTampered as error:
        logger.error("audit chain: %s (run `casework audit verify`)", error.problem)
        sealed = 0
    overdue, reminders = deadlines_sweep()
    escalated = deadlines_escalate(now=clock.now())
    return SweepResult(sealed=sealed, overdue=overdue, reminders=reminders, escalated=escalated)


def _refresh_connections() -> None:
    """Drop broken or expired connections between sweeps, as Django does between requests
    (not inside a caller's transaction, e.g. a test's)."""
    if not connection.in_atomic_block:
        close_old_connections()


def tasks_run_ready(*, worker_id: str = "casework-sweeper") -> None:
    """Run every task that is ready now, in this thread (what `casework db_worker --batch`
    does), so `casework serve` needs no separate worker process."""
    from django_tasks_db.management.commands.db_worker import Worker

    Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    ).run()


def sweep_loop(
    *,
    interval: float,
    iterations: int = 0,
    stop: threading.Event | None = None,
    run_tasks: bool = False,
) -> int:
    """Sweep every `interval` seconds until `stop` is set (or `iterations` sweeps ran, when
    positive), then run the ready tasks when `run_tasks`. A failing sweep is logged and
    retried next time. Returns the sweeps run."""
    stop = stop or threading.Event()
    done = 0
    while not stop.is_set():
        _refresh_connections()
        try:
            result = sweep_once(full_seal=done % FULL_SEAL_EVERY == 0)
            if result.sealed or result.overdue or result.reminders or result.escalated:
                logger.info("sweep: %s", result)
            if run_tasks:
                tasks_run_ready()
        except Exception:
            logger.exception("sweep failed; retrying in %s s", interval)
        done += 1
        if iterations and done >= iterations:
            break
        stop.wait(interval)
    _refresh_connections()
    return done
