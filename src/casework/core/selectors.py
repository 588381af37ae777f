"""Reads of the audit trail: the audit report and its CSV export (S25, ONC 170.315(d)(3)).

Who may read it is decided by the caller (`Permission.AUDIT_READ`: compliance officers
and auditors, program scope); every read of the report is itself audited by the caller.
"""

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db.models import Case, CharField, Exists, F, OuterRef, Q, QuerySet, When
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce

from casework.core.models import AuditEvent
from casework.staff.models import User

AUDIT_SORTS: dict[str, str] = {
    "time": "occurred_at",
    "user": "actor_username",
    "consumer": "consumer_id",
    "action": "action",
    "category": "object_type",
}
"""Sort keys of the report (``-key`` for descending) and the column each sorts by."""

AUDIT_CSV_COLUMNS = (
    "id",
    "occurred_at",
    "actor_id",
    "actor_username",
    "actor_role",
    "action",
    "outcome",
    "consumer_id",
    "object_type",
    "object_id",
    "purpose_of_use",
    "client_address",
    "break_glass",
    "detail",
)

AUDIT_EXPORT_MAX_ROWS = 200_000
"""An export larger than this is refused: narrow the date range."""


@dataclass(frozen=True)
class AuditFilters:
    """What the report shows: a time range (``since`` inclusive, ``until`` exclusive), one
    user (username, case-insensitive), one consumer, one action, one outcome, and the
    sort key (see `AUDIT_SORTS`; ``-time`` by default)."""

    since: datetime | None = None
    until: datetime | None = None
    username: str = ""
    consumer_id: int | None = None
    consumer_ids: tuple[int, ...] | None = None
    """The consumers a typed name or record number matched (None: no such filter)."""
    action: str = ""
    outcome: str = ""
    sort: str = "-time"

    def described(self) -> dict[str, str]:
        """The filters as strings, for the audit event of the report read (no PHI)."""
        values = {
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "",
            "username": self.username,
            "consumer_id": str(self.consumer_id or ""),
            "consumer_ids": (
                ",".join(str(i) for i in self.consumer_ids) or "none"
                if self.consumer_ids is not None
                else ""
            ),
            "action": self.action,
            "outcome": self.outcome,
            "sort": self.sort,
        }
        return {k: v for k, v in values.items() if v}


def _concerns(users: QuerySet[User]) -> Q:
    """Events (annotated with `subject_key`) that concern one of `users`: the user named
    by `detail.user_id` (token issue and revoke, staff system jobs) or, for a user
    event (createstaff, role changes), by `object_id`; failing both, the user whose
    username the event records (a failed sign-in)."""
    keyed = users.annotate(key=Cast("pk", CharField())).filter(key=OuterRef("subject_key"))
    named = users.filter(username__iexact=OuterRef("actor_username"))
    return Q(Exists(keyed)) | (Q(subject_key__isnull=True) & Q(Exists(named)))


def audit_event_list(
    *, user: User, filters: AuditFilters, program_consumers: QuerySet[Any]
) -> QuerySet[AuditEvent]:
    """The audit events of ``user``'s program, filtered and sorted (ties by id, so the
    order is total and pages never overlap). An event belongs to a program when its actor
    is a member or its consumer is one of `program_consumers` (the ids of the program's
    consumers, given by the caller: core does not read the consumers context).

    Every event is reportable: one written without an actor and naming no consumer
    (failed sign-ins, token issue and revoke, `createstaff`, system jobs) belongs to the
    program of the staff member it concerns (`_concerns`), and one that concerns no
    member of any program (a failed sign-in under an unknown name) to every program."""

    key = filters.sort.removeprefix("-")
    if key not in AUDIT_SORTS:
        raise ValueError(f"unknown sort {filters.sort!r}")
    if user.program_id is None:
        return AuditEvent.objects.none()
    members = User.objects.filter(program_id=user.program_id)
    in_a_program = User.objects.filter(program__isnull=False)
    without_actor = Q(actor__isnull=True, consumer_id__isnull=True) & (
        _concerns(members) | ~_concerns(in_a_program)
    )
    subject_key = Coalesce(
        Cast(KT("detail__user_id"), CharField()),
        Case(When(object_type="user", then=F("object_id")), default=None),
    )
    qs = AuditEvent.objects.annotate(subject_key=subject_key).filter(
        Q(actor__program_id=user.program_id) | Q(consumer_id__in=program_consumers) | without_actor
    )
    if filters.since is not None:
        qs = qs.filter(occurred_at__gte=filters.since)
    if filters.until is not None:
        qs = qs.filter(occurred_at__lt=filters.until)
    if filters.username:
        qs = qs.filter(actor_username__iexact=filters.username)
    if filters.consumer_id is not None:
        qs = qs.filter(consumer_id=filters.consumer_id)
    if filters.consumer_ids is not None:
        qs = qs.filter(consumer_id__in=filters.consumer_ids)
    if filters.action:
        qs = qs.filter(action=filters.action)
    if filters.outcome:
        qs = qs.filter(outcome=filters.outcome)
    descending = filters.sort.startswith("-")
    column = AUDIT_SORTS[key]
    tie = "-id" if descending else "id"
    return qs.order_by(f"-{column}" if descending else column, tie)


def audit_csv_lines(events: QuerySet[AuditEvent]) -> Iterator[str]:
    """The events as CSV lines (header first), streamed in chunks; times in UTC ISO 8601."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def line(values: list[object]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(values)
        return buffer.getvalue()

    yield line(list(AUDIT_CSV_COLUMNS))
    for event in events.iterator(chunk_size=2000):
        yield line(
            [
                event.pk,
                event.occurred_at.isoformat(),
                event.actor_id or "",
                event.actor_username,
                event.actor_role,
                event.action,
                event.outcome,
                event.consumer_id or "",
                event.object_type,
                event.object_id,
                event.purpose_of_use,
                event.client_address or "",
                "true" if event.break_glass else "false",
                json.dumps(event.detail, sort_keys=True, separators=(",", ":")),
            ]
        )


def program_time_zone(*, program_id: int | None) -> str:
    """The program's IANA time zone name ('' without a program): local time (issue 13)."""
    from casework.core.models import Program

    if not program_id:
        return ""
    name = Program.objects.filter(pk=program_id).values_list("time_zone", flat=True).first()
    return name or ""


def program_today(*, program_id: int | None) -> date:
    """The day it is now in the program's time zone (the default zone without a program):
    the day a person there calls today, whatever zone the request runs in (the API's is
    UTC, whose date is ahead of New York's every evening)."""
    from casework.core.models import Program

    name = program_time_zone(program_id=program_id) or Program._meta.get_field("time_zone").default
    return zone_today(str(name))


def zone_today(name: str) -> date:
    """The day it is now in the IANA zone `name` (UTC for an unknown name)."""
    from casework.core import clock

    try:
        zone = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return clock.now().astimezone(zone).date()


def expired_session_user_id(*, session_key: str) -> str | None:
    """Who was signed in to a database session that has since expired (None when the
    row is gone: signed out, or cleared). Read only to keep a form typed into a session
    that ended (issue 13, item 10); the session itself stays expired."""
    from django.contrib.sessions.models import Session

    row = Session.objects.filter(session_key=session_key).first()
    if row is None:
        return None
    user_id = row.get_decoded().get("_auth_user_id")
    return str(user_id) if user_id is not None else None
