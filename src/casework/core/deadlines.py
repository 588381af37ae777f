"""Deadlines as rows (F1): the kind registry, set, close and sweep. Overdue is a query,
never a flag to trust.

Core owns no deadline kind: each context registers its kinds, with what the sweep does
when one falls due, in its `AppConfig.ready()` (`deadline_kind_register`). The sweep looks
the kind up here and nowhere else.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal, Protocol

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils.functional import Promise

from casework.core import clock, clocks
from casework.core.models import Deadline, DeadlineState, Program, ProgramClosure


class SweepTally(StrEnum):
    """Which count of the sweep's result a claimed deadline of a kind adds to."""

    OVERDUE = "overdue"
    REMINDER = "reminder"


class DeadlineHandler(Protocol):
    """What the sweep calls with a claimed row of a kind, inside the claim's transaction."""

    def __call__(self, *, deadline: Deadline) -> object: ...


@dataclass(frozen=True)
class DeadlineKindSpec:
    """A deadline kind and what the sweep does with a claimed (breached) row of it: run
    `handle` in the claim's transaction, then leave the row breached or mark it met."""

    kind: str
    label: str | Promise
    handle: DeadlineHandler | None = None
    on_breach: Literal["met", "breached"] = "breached"
    tally: SweepTally | None = None
    page: str = ""
    """The URL name of the page of a row's subject (reversed with its `subject_id`): a
    kind with a page is listed on its owner's worklist (`deadline_worklist`)."""


DEADLINE_KINDS: dict[str, DeadlineKindSpec] = {}


def deadline_kind_register(
    kind: str,
    label: str | Promise,
    handle: DeadlineHandler | None = None,
    *,
    on_breach: Literal["met", "breached"] = "breached",
    tally: SweepTally | None = None,
    page: str = "",
) -> DeadlineKindSpec:
    """Register a deadline kind of the calling context (from its `AppConfig.ready()`).
    Registering the same spec twice is harmless; a different spec for a taken kind is a
    programming error."""
    spec = DeadlineKindSpec(
        kind=str(kind), label=label, handle=handle, on_breach=on_breach, tally=tally, page=page
    )
    known = DEADLINE_KINDS.get(spec.kind)
    if known is not None and known != spec:
        raise ValueError(f"deadline kind '{spec.kind}' is already registered differently")
    DEADLINE_KINDS[spec.kind] = spec
    return spec


def deadline_kind_spec(kind: str) -> DeadlineKindSpec | None:
    """The registered spec of a kind; None for a kind no context registers."""
    return DEADLINE_KINDS.get(kind)


OUTSTANDING = Q(state__in=(DeadlineState.OPEN, DeadlineState.PAUSED)) | Q(
    state=DeadlineState.BREACHED, closed_at=None
)
"""Clocks whose work is still to do: running, paused, or missed and not yet done."""


def deadlines_finish(rows: QuerySet[Deadline], *, state: str = DeadlineState.MET) -> int:
    """The work `rows` waited for is done: a running or paused clock becomes `state`
    (met, or waived when the work was cancelled); a breached one keeps its miss on record
    and is marked done. Either way it leaves the worklists and stops escalating."""
    now = clock.now()
    finished = rows.filter(state__in=(DeadlineState.OPEN, DeadlineState.PAUSED)).update(
        state=state, escalates_at=None, closed_at=now
    )
    return finished + rows.filter(state=DeadlineState.BREACHED, closed_at=None).update(
        escalates_at=None, closed_at=now
    )


def deadline_worklist(*, owner_ids: list[int], due_before: datetime) -> list[dict[str, Any]]:
    """Outstanding clocks owned by `owner_ids` of every kind that names a page, due before
    `due_before` (overdue and breached ones included), soonest first: the worklist's
    "Clocks due".
    Each row: kind, label, due_at, paused, escalation_level, owner and the subject's page.
    One query; the rows name no consumer (the page they link to checks access)."""
    from django.urls import reverse

    pages = {kind: spec.page for kind, spec in DEADLINE_KINDS.items() if spec.page}
    rows = (
        Deadline.objects.filter(
            OUTSTANDING,
            owner_id__in=owner_ids,
            kind__in=sorted(pages),
            due_at__lt=due_before,
        )
        .order_by("due_at", "id")
        .values(
            "id",
            "kind",
            "subject_id",
            "due_at",
            "state",
            "escalation_level",
            "owner__first_name",
            "owner__last_name",
            "owner__username",
        )[:WORKLIST_CLOCKS]
    )
    return [
        {
            **row,
            "label": DEADLINE_KINDS[row["kind"]].label,
            "paused": row["state"] == DeadlineState.PAUSED,
            "url": reverse(pages[row["kind"]], args=[row["subject_id"]]),
        }
        for row in rows
    ]


WORKLIST_CLOCKS = 50
"""At most this many clocks on a worklist (the complaint and protection lists hold all)."""


def deadline_kind_choices() -> list[tuple[str, str | Promise]]:
    """The registered kinds as field choices (`Deadline.kind`), in registration order."""
    return [(spec.kind, spec.label) for spec in DEADLINE_KINDS.values()]


def deadline_set(
    *,
    kind: str,
    subject_type: str,
    subject_id: int,
    due_at: datetime,
    owner_id: int | None,
    consumer_id: int | None,
) -> Deadline:
    """Create or move the open deadline of this kind for the subject. The kind must be
    registered (`deadline_kind_register`), so the sweep knows what to do with it."""
    if kind not in DEADLINE_KINDS:
        raise ValueError(
            f"unknown deadline kind '{kind}': register it with deadline_kind_register "
            "in its context's AppConfig.ready()"
        )
    deadline, _ = Deadline.objects.update_or_create(
        kind=kind,
        subject_type=subject_type,
        subject_id=subject_id,
        defaults={
            "due_at": due_at,
            "owner_id": owner_id,
            "consumer_id": consumer_id,
            "state": DeadlineState.OPEN,
            "swept_at": None,
        },
        create_defaults={
            "due_at": due_at,
            "owner_id": owner_id,
            "consumer_id": consumer_id,
            "created_at": clock.now(),
        },
    )
    return deadline


def deadlines_create(
    *,
    subject_type: str,
    subject_id: int,
    owner_id: int | None,
    consumer_id: int | None,
    due: dict[str, datetime],
) -> list[Deadline]:
    """The first deadlines of a new subject (`{kind: due at}`), written in one INSERT.
    Each kind must be registered, as for `deadline_set`."""
    unknown = sorted(set(due) - set(DEADLINE_KINDS))
    if unknown:
        raise ValueError(f"unknown deadline kind(s) {unknown}: register them first")
    now = clock.now()
    return Deadline.objects.bulk_create(
        [
            Deadline(
                kind=kind,
                subject_type=subject_type,
                subject_id=subject_id,
                due_at=at,
                owner_id=owner_id,
                consumer_id=consumer_id,
                created_at=now,
            )
            for kind, at in due.items()
        ]
    )


def deadlines_close(*, subject_type: str, subject_id: int, state: str) -> int:
    """Close the subject's open or breached deadlines (met when done, waived when cancelled)."""
    return Deadline.objects.filter(
        subject_type=subject_type,
        subject_id=subject_id,
        state__in=[DeadlineState.OPEN, DeadlineState.BREACHED],
    ).update(state=state, closed_at=clock.now())


def deadlines_delete(*, subject_type: str, subject_ids: list[int]) -> int:
    """Delete the deadlines of subjects being destroyed (a retention run: the subject and
    its clocks go together; the audit trail keeps that they existed)."""
    return Deadline.objects.filter(subject_type=subject_type, subject_id__in=subject_ids).delete()[
        0
    ]


def deadlines_due(*, now: datetime, limit: int) -> list[int]:
    return list(
        Deadline.objects.filter(state=DeadlineState.OPEN, due_at__lte=now)
        .order_by("due_at")
        .values_list("id", flat=True)[:limit]
    )


def deadlines_claim(*, now: datetime, limit: int) -> list[Deadline]:
    """Claim up to `limit` due rows (open → breached), oldest first, in the caller's
    transaction: on PostgreSQL the rows are locked with SKIP LOCKED, so concurrent
    sweepers take different rows; SQLite runs IMMEDIATE transactions, so sweepers take
    turns. Returns the rows claimed."""
    assert connection.in_atomic_block, "claim inside the transaction that acts on the rows"
    due = Deadline.objects.filter(state=DeadlineState.OPEN, due_at__lte=now).order_by(
        "due_at", "pk"
    )
    if connection.features.has_select_for_update_skip_locked:
        due = due.select_for_update(skip_locked=True)
    ids = [row.pk for row in due.only("pk")[:limit]]
    if not ids:
        return []
    Deadline.objects.filter(pk__in=ids, state=DeadlineState.OPEN).update(
        state=DeadlineState.BREACHED, swept_at=now
    )
    return list(Deadline.objects.filter(pk__in=ids, state=DeadlineState.BREACHED, swept_at=now))


def deadline_claim(*, deadline_id: int, now: datetime) -> Deadline | None:
    """Compare-and-swap open → breached; only one sweeper wins a row."""
    with transaction.atomic():
        won = Deadline.objects.filter(
            Q(pk=deadline_id), Q(state=DeadlineState.OPEN), Q(due_at__lte=now)
        ).update(state=DeadlineState.BREACHED, swept_at=now)
        if not won:
            return None
        return Deadline.objects.get(pk=deadline_id)


# --- regulatory clocks on deadline rows (core.clocks; docs/deadlines.md "Clocks") --------


def program_calendar(*, program_id: int | None) -> clocks.HolidayCalendar:
    """The working calendar of a program: its time zone, public-holiday table and its own
    closure dates (the defaults when the program is unknown)."""
    program = Program.objects.filter(pk=program_id).first() if program_id else None
    if program is None:
        return clocks.HolidayCalendar()
    closures = frozenset(
        ProgramClosure.objects.filter(program_id=program.pk).values_list("date", flat=True)
    )
    return clocks.HolidayCalendar(
        time_zone=program.time_zone,
        country=program.holiday_country,
        subdivision=program.holiday_subdivision,
        closures=closures,
    )


def _stamp(at: datetime | None) -> str | None:
    return at.isoformat() if at is not None else None


def _instant(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def clock_pauses(deadline: Deadline) -> list[clocks.Pause]:
    """The row's pauses, oldest first."""
    return [
        clocks.Pause(
            paused_at=_instant(p["paused_at"]) or deadline.created_at,
            reason=p["reason"],
            resumed_at=_instant(p.get("resumed_at")),
        )
        for p in deadline.pauses
    ]


def clock_extensions(deadline: Deadline) -> list[clocks.Extension]:
    """The row's extensions, oldest first."""
    return [
        clocks.Extension(
            granted_at=_instant(e["granted_at"]) or deadline.created_at,
            reason=e["reason"],
            consumer_requested=bool(e["consumer_requested"]),
            amount=int(e["amount"]),
            unit=clocks.ClockUnit(e["unit"]),
        )
        for e in deadline.extensions
    ]


def _clock_apply(
    deadline: Deadline,
    *,
    rule: clocks.ClockRule,
    calendar: clocks.HolidayCalendar,
    pauses: list[clocks.Pause],
    extensions: list[clocks.Extension],
    now: datetime,
) -> None:
    """Set the row's due time, state, pause reason and escalation schedule from its clock."""
    start = deadline.started_at
    assert start is not None
    deadline.rule_code = rule.code
    deadline.pauses = [
        {"paused_at": _stamp(p.paused_at), "reason": p.reason, "resumed_at": _stamp(p.resumed_at)}
        for p in pauses
    ]
    deadline.extensions = [
        {
            "granted_at": _stamp(e.granted_at),
            "reason": e.reason,
            "consumer_requested": e.consumer_requested,
            "amount": e.amount,
            "unit": str(e.unit),
        }
        for e in extensions
    ]
    state = clocks.clock_state(
        start=start, rule=rule, calendar=calendar, now=now, pauses=pauses, extensions=extensions
    )
    deadline.escalation_level = state.escalation_level
    if state.due_at is None:
        deadline.state = DeadlineState.PAUSED
        deadline.pause_reason = state.pause_reason
        deadline.escalations = []
        deadline.escalates_at = None
        return
    # A clock past its limit stays open: the sweep claims it and runs its kind's handler.
    deadline.state = DeadlineState.OPEN
    deadline.swept_at = None
    deadline.pause_reason = ""
    deadline.due_at = state.due_at
    times = clocks.escalation_times(start=start, due=state.due_at, rule=rule, pauses=pauses)
    deadline.escalations = [t.isoformat() for t in times]
    deadline.escalates_at = next((t for t in times if t > now), None)


CLOCK_FIELDS = [
    "rule_code",
    "pauses",
    "extensions",
    "state",
    "pause_reason",
    "due_at",
    "escalation_level",
    "escalations",
    "escalates_at",
    "swept_at",
    "notice_due_at",
]


def clock_start(
    *,
    kind: str,
    subject_type: str,
    subject_id: int,
    rule: clocks.ClockRule,
    calendar: clocks.HolidayCalendar,
    started_at: datetime,
    owner_id: int | None,
    consumer_id: int | None,
) -> Deadline:
    """Start (or restart) the clock of this kind for the subject under `rule`: one open
    deadline row whose due time, escalation schedule and state come from `core.clocks`."""
    if kind not in DEADLINE_KINDS:
        raise ValueError(f"unknown deadline kind '{kind}': register it first")
    now = clock.now()
    deadline = Deadline.objects.filter(
        kind=kind, subject_type=subject_type, subject_id=subject_id
    ).first() or Deadline(
        kind=kind, subject_type=subject_type, subject_id=subject_id, created_at=now
    )
    deadline.owner_id = owner_id
    deadline.consumer_id = consumer_id
    deadline.started_at = started_at
    deadline.notice_due_at = None
    _clock_apply(deadline, rule=rule, calendar=calendar, pauses=[], extensions=[], now=now)
    deadline.save()
    return deadline


def clock_pause(
    *,
    deadline: Deadline,
    rule: clocks.ClockRule,
    calendar: clocks.HolidayCalendar,
    at: datetime,
    reason: str,
) -> Deadline:
    """Pause a running clock with its reason (the rule must allow it); ClockError names
    why not."""
    if deadline.state != DeadlineState.OPEN:
        raise clocks.ClockError("only a running clock can be paused", field="pause")
    pauses = clock_pauses(deadline)
    pause = clocks.pause_check(rule=rule, pauses=pauses, at=at, reason=reason, due=deadline.due_at)
    _clock_apply(
        deadline,
        rule=rule,
        calendar=calendar,
        pauses=[*pauses, pause],
        extensions=clock_extensions(deadline),
        now=clock.now(),
    )
    deadline.save(update_fields=CLOCK_FIELDS)
    return deadline


def clock_resume(
    *, deadline: Deadline, rule: clocks.ClockRule, calendar: clocks.HolidayCalendar, at: datetime
) -> Deadline:
    """Resume a paused clock: the paused time does not count."""
    pauses = clocks.resume_check(pauses=clock_pauses(deadline), at=at)
    _clock_apply(
        deadline,
        rule=rule,
        calendar=calendar,
        pauses=pauses,
        extensions=clock_extensions(deadline),
        now=clock.now(),
    )
    deadline.save(update_fields=CLOCK_FIELDS)
    return deadline


def clock_extend(
    *,
    deadline: Deadline,
    rule: clocks.ClockRule,
    calendar: clocks.HolidayCalendar,
    at: datetime,
    reason: str,
    consumer_requested: bool,
) -> clocks.ExtensionGrant:
    """Take the rule's extension of a running clock; the row records it and, when the
    consumer did not ask for it, when its written notice is due."""
    if deadline.state != DeadlineState.OPEN:
        raise clocks.ClockError("only a running clock can be extended", field="extension")
    extensions = clock_extensions(deadline)
    grant = clocks.extension_grant(
        rule=rule,
        calendar=calendar,
        current_due_at=deadline.due_at,
        extensions_taken=len(extensions),
        at=at,
        reason=reason,
        consumer_requested=consumer_requested,
    )
    _clock_apply(
        deadline,
        rule=rule,
        calendar=calendar,
        pauses=clock_pauses(deadline),
        extensions=[*extensions, grant.extension],
        now=clock.now(),
    )
    deadline.notice_due_at = grant.notice_due_at
    deadline.save(update_fields=CLOCK_FIELDS)
    return grant


def deadlines_escalate(*, now: datetime, batch_size: int = 5000) -> int:
    """Raise the escalation level of every running clock whose next escalation point has
    passed, and move `escalates_at` to the point after it. Idempotent: a second run at the
    same instant finds nothing. One UPDATE statement per row, sent as one batch."""
    raised = 0
    table = Deadline._meta.db_table
    while True:
        with transaction.atomic():
            rows = list(
                Deadline.objects.filter(state=DeadlineState.OPEN, escalates_at__lte=now)
                .order_by("escalates_at", "pk")
                .values_list("pk", "escalations")[:batch_size]
            )
            if not rows:
                return raised
            changes = []
            for pk, escalations in rows:
                times = [datetime.fromisoformat(t) for t in escalations]
                upcoming = next((t for t in times if t > now), None)
                changes.append(
                    (
                        sum(1 for t in times if t <= now),
                        connection.ops.adapt_datetimefield_value(upcoming),
                        pk,
                    )
                )
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {table} SET escalation_level = %s, escalates_at = %s "  # noqa: S608
                    "WHERE id = %s",
                    changes,
                )
        raised += len(rows)
        if len(rows) < batch_size:
            return raised
