"""Reads of complaints (K1): the program's policy, one complaint's clocks, the list."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet

from casework.complaints import rules
from casework.complaints.deadlines import SUBJECT, ComplaintDeadline
from casework.complaints.models import Complaint, ComplaintNote, ComplaintPolicy
from casework.core.models import Deadline, DeadlineState


def complaint_policy(
    *, program_id: int | None
) -> tuple[rules.ProgramPolicy, ComplaintPolicy | None]:
    """The program's complaint policy as the rules read it, and its row (None: defaults)."""
    row = (
        ComplaintPolicy.objects.filter(program_id=program_id or 0)
        .select_related("care_options_reviewer")
        .first()
    )
    if row is None:
        return rules.ProgramPolicy(), None
    return (
        rules.ProgramPolicy(
            acknowledge_business_days=row.acknowledge_business_days,
            resolve_days=row.resolve_days,
            expedited_hours=row.expedited_hours,
        ),
        row,
    )


def complaint_clock(*, complaint_id: int, kind: str) -> Deadline | None:
    return Deadline.objects.filter(kind=kind, subject_type=SUBJECT, subject_id=complaint_id).first()


def complaint_clocks(*, complaint_id: int) -> list[Deadline]:
    """The complaint's clocks in a fixed order: acknowledge, resolve, extension notice."""
    order = {kind.value: i for i, kind in enumerate(ComplaintDeadline)}
    rows = Deadline.objects.filter(subject_type=SUBJECT, subject_id=complaint_id)
    return sorted(rows, key=lambda d: order.get(d.kind, 99))


def complaint_notes(*, complaint_id: int) -> QuerySet[ComplaintNote]:
    return (
        ComplaintNote.objects.filter(complaint_id=complaint_id)
        .select_related("author")
        .order_by("created_at", "pk")
    )


def complaint_list(*, reach: Q, state: str = "", category: str = "") -> QuerySet[Complaint]:
    """Complaints the caller reaches (`reach` from the web layer), newest first."""
    qs = Complaint.objects.filter(reach).select_related("consumer", "owner")
    if state == "open":
        qs = qs.filter(state__in=sorted(rules.OPEN_STATES))
    elif state:
        qs = qs.filter(state=state)
    if category:
        qs = qs.filter(category=category)
    return qs.order_by("-received_at", "-pk")


@dataclass(frozen=True)
class ClockRow:
    complaint_id: int
    kind: str
    due_at: datetime
    state: str
    escalation_level: int
    pause_reason: str


def complaint_open_clocks(*, complaint_ids: list[int]) -> dict[int, list[Deadline]]:
    """The open, paused and breached clocks of these complaints, by complaint."""
    rows = Deadline.objects.filter(
        subject_type=SUBJECT,
        subject_id__in=complaint_ids,
        state__in=[DeadlineState.OPEN, DeadlineState.PAUSED, DeadlineState.BREACHED],
    ).order_by("due_at")
    grouped: dict[int, list[Deadline]] = {}
    for row in rows:
        grouped.setdefault(row.subject_id, []).append(row)
    return grouped


def complaint_trends(*, reach: Q, since: datetime) -> list[dict[str, object]]:
    """Complaints received since `since`, by category: received, open, resolved (K1)."""
    rows = (
        Complaint.objects.filter(reach, received_at__gte=since)
        .values("category")
        .annotate(
            received=Count("id"),
            open=Count("id", filter=Q(state__in=sorted(rules.OPEN_STATES))),
            resolved=Count("id", filter=Q(state=rules.ComplaintState.RESOLVED)),
        )
        .order_by("-received", "category")
    )
    return [dict(row) for row in rows]


def complaint_due_today(*, complaint_ids: list[int], now: datetime) -> int:
    return Deadline.objects.filter(
        subject_type=SUBJECT,
        subject_id__in=complaint_ids,
        state=DeadlineState.OPEN,
        due_at__lt=now + timedelta(days=1),
    ).count()


class ComplaintDetail:
    """A complaint with its clocks and notes, read once (what the API and page show)."""

    def __init__(self, complaint: Complaint) -> None:
        self.complaint = complaint
        self.clocks = complaint_clocks(complaint_id=complaint.pk)
        self.notes = list(complaint_notes(complaint_id=complaint.pk))

    def __getattr__(self, name: str) -> object:
        return getattr(self.complaint, name)
