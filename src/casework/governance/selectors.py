"""Reads for records governance: the retention schedule and what a run would destroy,
legal holds, disclosures and the accounting, access requests, the compliance register.
Who may is checked by the web layer's guard before any of these is called."""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from casework.cases.models import Case, CaseState
from casework.complaints.models import Complaint
from casework.complaints.rules import ComplaintState
from casework.coordination.models import Communication
from casework.core.actor import Actor
from casework.core.models import Deadline, DeadlineState
from casework.governance import rules
from casework.governance.deadlines import (
    ACCESS_SUBJECT,
    REQUIREMENT_SUBJECT,
    GovernanceDeadline,
)
from casework.governance.models import (
    AccessRequest,
    ComplianceRequirement,
    DestructionCertificate,
    Disclosure,
    LegalHold,
    RetentionRule,
)
from casework.governance.rules import RecordType

# A case is destroyed as a whole record once it has ended, counted from its end.
ENDED_CASE_STATES = (CaseState.CLOSED, CaseState.DECLINED, CaseState.WITHDRAWN)


@dataclass(frozen=True)
class ScheduleRow:
    record_type: RecordType
    years: int
    default_years: int
    floor_years: int
    counted_from: str
    citation: str
    destroyable: bool
    reason: str  # why the program differs from the default ("" when it does not)


def retention_schedule(*, program_id: int) -> list[ScheduleRow]:
    """Every record type with the program's retention (its own rule, or the default)."""
    own = {r.record_type: r for r in RetentionRule.objects.filter(program_id=program_id)}
    rows = []
    for record_type, default in rules.RETENTION_DEFAULTS.items():
        rule = own.get(record_type)
        rows.append(
            ScheduleRow(
                record_type=record_type,
                years=rule.years if rule else default.years,
                default_years=default.years,
                floor_years=default.floor_years,
                counted_from=default.counted_from,
                citation=default.citation,
                destroyable=default.destroyable,
                reason=rule.reason if rule else "",
            )
        )
    return rows


def _active_holds(program_id: int) -> QuerySet[LegalHold]:
    return LegalHold.objects.filter(program_id=program_id, released_at__isnull=True)


def _consumer_held(program_id: int, consumer_ref: str) -> Q:
    return Q(
        Exists(_active_holds(program_id).filter(consumer_id=OuterRef(consumer_ref), case=None))
    )


def _candidates(record_type: RecordType, program_id: int, cutoff: datetime) -> tuple[Any, Q]:
    """The rows of a type past `cutoff`, and the filter of those under a legal hold."""
    if record_type == RecordType.COMMUNICATION:
        qs: Any = Communication.objects.filter(case__program_id=program_id, occurred_at__lt=cutoff)
        held = _consumer_held(program_id, "case__consumer_id") | Q(
            Exists(_active_holds(program_id).filter(case_id=OuterRef("case_id")))
        )
        return qs, held
    if record_type == RecordType.COMPLAINT:
        qs = Complaint.objects.filter(
            program_id=program_id,
            state=ComplaintState.RESOLVED,
            resolved_at__lt=cutoff,
        )
        return qs, _consumer_held(program_id, "consumer_id")
    if record_type == RecordType.DISCLOSURE:
        # A disclosure waits for the corrections that name it.
        newer = Disclosure.objects.filter(corrects_id=OuterRef("pk"), disclosed_at__gte=cutoff)
        qs = Disclosure.objects.filter(program_id=program_id, disclosed_at__lt=cutoff)
        return qs, _consumer_held(program_id, "consumer_id") | Q(Exists(newer))
    if record_type == RecordType.ACCESS_REQUEST:
        qs = AccessRequest.objects.filter(
            program_id=program_id,
            state__in=[rules.AccessRequestState.FULFILLED, rules.AccessRequestState.DENIED],
            closed_at__lt=cutoff,
        )
        return qs, _consumer_held(program_id, "consumer_id")
    if record_type == RecordType.CASE:
        qs = Case.objects.filter(
            program_id=program_id, state__in=ENDED_CASE_STATES, ended_at__lt=cutoff
        )
        held = _consumer_held(program_id, "consumer_id") | Q(
            Exists(_active_holds(program_id).filter(case_id=OuterRef("pk")))
        )
        return qs, held
    raise ValueError(f"{record_type} is never destroyed by a retention run")


@dataclass
class PlanRow:
    record_type: RecordType
    years: int
    citation: str
    cutoff_at: datetime
    due_ids: list[int] = field(default_factory=list)
    held_ids: list[int] = field(default_factory=list)


def retention_plan(*, program_id: int, now: datetime) -> list[PlanRow]:
    """What a retention run would destroy now, per destroyable record type: the ids past
    retention and not held (`due_ids`), and those a legal hold keeps (`held_ids`). Two
    queries per record type."""
    plan = []
    for row in retention_schedule(program_id=program_id):
        if not row.destroyable:
            continue
        cutoff = rules.retention_cutoff(now, row.years)
        qs, held = _candidates(row.record_type, program_id, cutoff)
        plan.append(
            PlanRow(
                record_type=row.record_type,
                years=row.years,
                citation=row.citation,
                cutoff_at=cutoff,
                due_ids=sorted(qs.exclude(held).values_list("pk", flat=True)),
                held_ids=sorted(qs.filter(held).values_list("pk", flat=True)),
            )
        )
    return plan


def still_destroyable(
    *, record_type: RecordType, program_id: int, cutoff: datetime, ids: list[int]
) -> list[int]:
    """Those of `ids` still past `cutoff` and under no hold, in the order given: asked
    again just before they are destroyed. One query."""
    qs, held = _candidates(record_type, program_id, cutoff)
    found = set(qs.filter(pk__in=ids).exclude(held).values_list("pk", flat=True))
    return [pk for pk in ids if pk in found]


def destruction_certificates(*, program_id: int) -> QuerySet[DestructionCertificate]:
    return (
        DestructionCertificate.objects.filter(program_id=program_id)
        .select_related("destroyed_by")
        .order_by("-destroyed_at", "-pk")
    )


def legal_holds(*, program_id: int, active_only: bool = True) -> QuerySet[LegalHold]:
    qs = LegalHold.objects.filter(program_id=program_id)
    if active_only:
        qs = qs.filter(released_at__isnull=True)
    return qs.select_related("consumer", "case", "placed_by", "released_by").order_by(
        "-placed_at", "-pk"
    )


def consumer_holds(*, consumer_id: int) -> QuerySet[LegalHold]:
    return (
        LegalHold.objects.filter(consumer_id=consumer_id)
        .select_related("placed_by", "released_by", "case")
        .order_by("-placed_at", "-pk")
    )


# --- disclosures ----------------------------------------------------------------------------


def disclosure_list(*, consumer_id: int) -> QuerySet[Disclosure]:
    return (
        Disclosure.objects.filter(consumer_id=consumer_id)
        .select_related("recorded_by")
        .order_by("-disclosed_at", "-pk")
    )


def disclosure_accounting(*, consumer_id: int, now: datetime) -> list[Disclosure]:
    """The consumer's accounting: every disclosure outside TPO in the six years before
    `now` (164.528(a)(1)), oldest first; one query."""
    return list(
        Disclosure.objects.filter(
            consumer_id=consumer_id,
            disclosed_at__gte=rules.accounting_since(now),
            disclosed_at__lte=now,
        )
        .select_related("recorded_by", "corrects")
        .order_by("disclosed_at", "pk")
    )


# --- access requests --------------------------------------------------------------------------


def access_request_clock(*, request_id: int) -> Deadline | None:
    return Deadline.objects.filter(
        kind=GovernanceDeadline.ACCESS_RESPOND, subject_type=ACCESS_SUBJECT, subject_id=request_id
    ).first()


def access_request_list(*, program_id: int, open_only: bool = False) -> QuerySet[AccessRequest]:
    qs = AccessRequest.objects.filter(program_id=program_id)
    if open_only:
        qs = qs.filter(state__in=sorted(rules.OPEN_ACCESS_STATES))
    return qs.select_related("consumer", "owner").order_by("-received_at", "-pk")


def access_request_clocks(*, request_ids: list[int]) -> dict[int, Deadline]:
    """The clock of each request, in one query."""
    rows = Deadline.objects.filter(
        kind=GovernanceDeadline.ACCESS_RESPOND,
        subject_type=ACCESS_SUBJECT,
        subject_id__in=request_ids,
    )
    return {d.subject_id: d for d in rows}


# --- compliance register ----------------------------------------------------------------------


def requirement_list(
    *, program_id: int, jurisdiction: str = "", status: str = ""
) -> QuerySet[ComplianceRequirement]:
    qs = ComplianceRequirement.objects.filter(program_id=program_id)
    if jurisdiction:
        qs = qs.filter(jurisdiction=jurisdiction)
    return qs.select_related("owner", "program").order_by("review_date", "pk")


def requirements_due(*, program_id: int, today: date) -> dict[str, list[ComplianceRequirement]]:
    """The register's due (within 30 days) and overdue requirements; one query."""
    out: dict[str, list[ComplianceRequirement]] = {"overdue": [], "due": []}
    for req in requirement_list(program_id=program_id):
        status = rules.review_due(req.review_date, today)
        if status in out:
            out[status].append(req)
    return out


def requirement_clock(*, requirement_id: int) -> Deadline | None:
    return Deadline.objects.filter(
        kind=GovernanceDeadline.REQUIREMENT_REVIEW,
        subject_type=REQUIREMENT_SUBJECT,
        subject_id=requirement_id,
        state__in=[DeadlineState.OPEN, DeadlineState.BREACHED],
    ).first()


@dataclass(frozen=True)
class RecordSet:
    """A consumer's designated record set as this product holds it (164.501): the
    communications and assessment responses of every case, oldest first."""

    communications: list[Communication]
    responses: list[Any]


def designated_record_set(*, consumer_id: int, actor: Actor) -> RecordSet:
    """Two queries, whatever the number of records. A Part 2 record (S40) is in it only
    when `actor`, who makes the export, may see it (`response_visible_q`): the export is a
    disclosure, and a Part 2 record leaves only under a consent that covers it."""
    from casework.assessments.models import AssessmentResponse
    from casework.assessments.selectors import response_visible_q

    communications = list(
        Communication.objects.filter(case__consumer_id=consumer_id).order_by("occurred_at", "pk")
    )
    responses = list(
        AssessmentResponse.objects.filter(response_visible_q(actor), case__consumer_id=consumer_id)
        .select_related("case", "instrument", "administered_by")
        .order_by("administered_at", "pk")
    )
    return RecordSet(communications=communications, responses=responses)
