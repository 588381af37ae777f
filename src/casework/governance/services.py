"""Writes for records governance (N4, N6, S28, S29, S42). One audit event each (one per
record a retention run destroys); clocks through `core.deadlines`. Who may is checked by
the web layer's guard: `disclosure.record` over the consumer for a disclosure,
`privacy.manage` for holds, retention and access requests, `compliance.manage` for the
register."""

from collections import Counter
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from casework.cases.models import Case
from casework.complaints.models import Complaint
from casework.consumers.models import Consumer
from casework.coordination.models import Communication
from casework.core import clock
from casework.core.actor import Actor
from casework.core.audit import audit_record
from casework.core.clocks import ClockError, end_of_local_day
from casework.core.deadlines import (
    clock_extend,
    clock_start,
    deadline_set,
    deadlines_close,
    deadlines_delete,
    program_calendar,
)
from casework.core.errors import RuleViolation, ValidationFailed
from casework.core.models import AuditAction, DeadlineState, Program
from casework.core.selectors import program_today
from casework.core.validation import validated
from casework.core.versioning import versioned_update
from casework.governance import rules
from casework.governance.deadlines import (
    ACCESS_SUBJECT,
    REQUIREMENT_SUBJECT,
    GovernanceDeadline,
)
from casework.governance.destruction import case_records_destroy
from casework.governance.models import (
    AccessRequest,
    ComplianceRequirement,
    DestructionCertificate,
    Disclosure,
    LegalHold,
    RetentionRule,
)
from casework.governance.rules import AccessRequestState, RecordType
from casework.governance.selectors import (
    access_request_clock,
    retention_plan,
    still_destroyable,
)
from casework.staff.models import User

# --- retention schedule ------------------------------------------------------------------


def retention_rule_set(
    *, actor: Actor, program: Program, record_type: str, years: int, reason: str
) -> RetentionRule:
    """Set the program's retention of one record type (never below its floor, never for a
    type no run destroys). Who may: privacy.manage. Audits one update (no consumer)."""
    problem = rules.retention_years_problem(record_type, years)
    if problem and record_type not in RecordType._value2member_map_:
        raise ValidationFailed.single("record_type", problem)
    if problem:
        raise ValidationFailed.single("years", problem)
    if not rules.RETENTION_DEFAULTS[RecordType(record_type)].destroyable:
        raise ValidationFailed.single(
            "record_type", _("this record type is kept by its own rule and cannot be changed")
        )
    if not reason.strip():
        raise ValidationFailed.single("reason", _("say why the program differs"))
    with transaction.atomic():
        rule, _created = RetentionRule.objects.update_or_create(
            program=program,
            record_type=record_type,
            defaults={
                "years": years,
                "reason": reason.strip(),
                "changed_by": actor.user,
                "changed_at": clock.now(),
            },
        )
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type="retention_rule",
            object_id=rule.pk,
            detail={"record_type": record_type, "years": years},
        )
    return rule


# --- legal holds -----------------------------------------------------------------------------


def legal_hold_place(
    *, actor: Actor, consumer: Consumer, reason: str, case_id: int | None = None
) -> LegalHold:
    """Place a legal hold on the consumer's records (or one case of theirs): nothing it
    covers is destroyed until it is released. Who may: privacy.manage. Audits one create."""
    case = None
    if case_id is not None:
        case = Case.objects.filter(pk=case_id, consumer_id=consumer.pk).first()
        if case is None:
            raise ValidationFailed.single("case_id", _("not a case of this consumer"))
    if not reason.strip():
        raise ValidationFailed.single("reason", _("say why the records are held"))
    with transaction.atomic():
        hold = validated(
            LegalHold(
                program_id=consumer.program_id,
                consumer=consumer,
                case=case,
                reason=reason.strip(),
                placed_by=actor.user,
                placed_at=clock.now(),
            )
        )
        hold.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            consumer_id=consumer.pk,
            object_type="legal_hold",
            object_id=hold.pk,
            detail={"case": case.pk if case else None},
        )
    return hold


def legal_hold_release(*, actor: Actor, hold: LegalHold, version: int, reason: str) -> LegalHold:
    """Release a hold in force, with the reason. Who may: privacy.manage. Audits one update."""
    if not reason.strip():
        raise ValidationFailed.single("reason", _("say why the hold is released"))
    with transaction.atomic():
        versioned_update(
            hold,
            version=version,
            changes={
                "released_at": clock.now(),
                "released_by_id": actor.user.pk,
                "release_reason": reason.strip(),
            },
            where=Q(released_at__isnull=True),
            refused=RuleViolation(_("the hold was already released")),
        )
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            consumer_id=hold.consumer_id,
            object_type="legal_hold",
            object_id=hold.pk,
            detail={"released": True},
        )
    return hold


# --- the retention run ---------------------------------------------------------------------


def _consumers_of(record_type: RecordType, ids: list[int]) -> dict[int, int]:
    pairs: Any
    if record_type == RecordType.COMMUNICATION:
        pairs = Communication.objects.filter(pk__in=ids).values_list("pk", "case__consumer_id")
    elif record_type == RecordType.COMPLAINT:
        pairs = Complaint.objects.filter(pk__in=ids).values_list("pk", "consumer_id")
    elif record_type == RecordType.DISCLOSURE:
        pairs = Disclosure.objects.filter(pk__in=ids).values_list("pk", "consumer_id")
    elif record_type == RecordType.CASE:
        pairs = Case.objects.filter(pk__in=ids).values_list("pk", "consumer_id")
    else:
        pairs = AccessRequest.objects.filter(pk__in=ids).values_list("pk", "consumer_id")
    return dict(pairs)


def _destroy(record_type: RecordType, ids: list[int]) -> Counter[str]:
    """Delete the rows `ids` of `record_type` with what hangs from them; rows per kind."""
    counts: Counter[str] = Counter()
    if record_type == RecordType.CASE:
        return case_records_destroy(case_ids=ids)
    if record_type == RecordType.COMMUNICATION:
        counts[record_type] = Communication.objects.filter(pk__in=ids).delete()[0]
    elif record_type == RecordType.COMPLAINT:
        counts["deadline"] = deadlines_delete(subject_type="complaint", subject_ids=ids)
        _, by_model = Complaint.objects.filter(pk__in=ids).delete()
        counts[record_type] = by_model.get("complaints.Complaint", 0)
        counts["complaint_note"] = by_model.get("complaints.ComplaintNote", 0)
    elif record_type == RecordType.DISCLOSURE:
        # Corrections first: a correction names the row it corrects.
        counts[record_type] = (
            Disclosure.objects.filter(pk__in=ids, corrects__isnull=False).delete()[0]
            + Disclosure.objects.filter(pk__in=ids).delete()[0]
        )
    elif record_type == RecordType.ACCESS_REQUEST:
        counts["deadline"] = deadlines_delete(subject_type=ACCESS_SUBJECT, subject_ids=ids)
        counts[record_type] = AccessRequest.objects.filter(pk__in=ids).delete()[0]
    return Counter({kind: n for kind, n in counts.items() if n})


DESTROY_BATCH = 500
"""Records looked up and deleted per statement (below every database's parameter limit)."""


def retention_run(
    *, actor: Actor, program: Program, apply: bool = False
) -> list[DestructionCertificate]:
    """Destroy (with `apply`) what is past retention and not under a legal hold, per record
    type: one destruction certificate per type with anything destroyed, and one delete
    event per record. Audit events are never destroyed here (their own rule). Without
    `apply` nothing changes: the caller lists `retention_plan`, and one list event records
    that the plan was read. Who may: privacy.manage."""
    now = clock.now()
    plan = retention_plan(program_id=program.pk, now=now)
    if not apply:
        audit_record(
            actor=actor,
            action=AuditAction.LIST,
            object_type="retention_plan",
            detail={str(p.record_type): len(p.due_ids) for p in plan},
        )
        return []
    certificates = []
    with transaction.atomic():
        for row in plan:
            if not row.due_ids:
                continue
            # Newest first, in batches: a correction goes before the entry it corrects. Each
            # batch is checked against the holds again, so a hold placed since the plan was
            # read still protects what it covers.
            newest_first = row.due_ids[::-1]
            destroyed: list[int] = []
            counts: Counter[str] = Counter()
            events: list[tuple[int, int | None]] = []
            for start in range(0, len(newest_first), DESTROY_BATCH):
                batch = still_destroyable(
                    record_type=row.record_type,
                    program_id=program.pk,
                    cutoff=row.cutoff_at,
                    ids=newest_first[start : start + DESTROY_BATCH],
                )
                consumers = _consumers_of(row.record_type, batch)
                counts.update(_destroy(row.record_type, batch))
                destroyed.extend(batch)
                events.extend((record_id, consumers.get(record_id)) for record_id in batch)
            if not destroyed:
                continue
            certificate = DestructionCertificate.objects.create(
                program=program,
                record_type=row.record_type,
                count=len(destroyed),
                record_ids=sorted(destroyed),
                retention_years=row.years,
                citation=row.citation[:300],
                cutoff_at=row.cutoff_at,
                destroyed_at=now,
                destroyed_by=actor.user,
                held_back=len(row.held_ids) + len(row.due_ids) - len(destroyed),
                counts=dict(sorted(counts.items())),
            )
            for record_id, consumer_id in events:
                audit_record(
                    actor=actor,
                    action=AuditAction.DELETE,
                    consumer_id=consumer_id,
                    object_type=str(row.record_type),
                    object_id=record_id,
                    detail={"retention_years": row.years, "certificate": certificate.pk},
                )
            certificates.append(certificate)
    return certificates


# --- disclosures ----------------------------------------------------------------------------


def disclosure_record(
    *,
    actor: Actor,
    consumer: Consumer,
    disclosed_at: datetime,
    recipient: str,
    recipient_address: str,
    channel: str,
    description: str,
    purpose: str,
    authority: str,
    corrects_id: int | None = None,
) -> Disclosure:
    """Record a disclosure outside treatment, payment and operations (to whom, what, why,
    when, under which authority). Append-only: a correction is a new row naming the one it
    corrects. Who may: disclosure.record over the consumer. Audits one create."""
    errors: dict[str, list[str]] = {}
    if disclosed_at > clock.now():
        errors["disclosed_at"] = [_("cannot be in the future")]
    if channel not in rules.DisclosureChannel._value2member_map_:
        errors["channel"] = [_("not one of the choices")]
    if authority not in rules.DisclosureAuthority._value2member_map_:
        errors["authority"] = [_("not one of the choices")]
    for name, value in (
        ("recipient", recipient),
        ("description", description),
        ("purpose", purpose),
    ):
        if not value.strip():
            errors[name] = [_("this field is required")]
    corrected = None
    if corrects_id is not None:
        corrected = Disclosure.objects.filter(pk=corrects_id, consumer_id=consumer.pk).first()
        if corrected is None:
            errors["corrects_id"] = [_("not a disclosure of this consumer")]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        disclosure = validated(
            Disclosure(
                program_id=consumer.program_id,
                consumer=consumer,
                disclosed_at=disclosed_at,
                recipient=recipient.strip(),
                recipient_address=recipient_address.strip(),
                channel=channel,
                description=description.strip(),
                purpose=purpose.strip(),
                authority=authority,
                corrects=corrected,
                recorded_by=actor.user,
                recorded_at=clock.now(),
            )
        )
        disclosure.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            consumer_id=consumer.pk,
            object_type="disclosure",
            object_id=disclosure.pk,
            detail={"authority": authority, "corrects": corrects_id},
        )
    return disclosure


def disclosure_accounting_printed(
    *, actor: Actor, consumer: Consumer, count: int, form: str
) -> None:
    """The accounting was produced (page or PDF). Audits one print."""
    audit_record(
        actor=actor,
        action=AuditAction.PRINT,
        consumer_id=consumer.pk,
        object_type="disclosure_accounting",
        object_id=consumer.pk,
        detail={"count": count, "form": form},
    )


# --- right of access -------------------------------------------------------------------------


def access_request_receive(
    *, actor: Actor, consumer: Consumer, received_at: datetime, requested_by: str, format: str
) -> AccessRequest:
    """Record a request for the consumer's designated record set and start its 30-day
    clock (164.524(b)(2)), owned by the person recording it. Who may: privacy.manage.
    Audits one create."""
    errors: dict[str, list[str]] = {}
    if received_at > clock.now():
        errors["received_at"] = [_("cannot be in the future")]
    if format not in rules.AccessFormat._value2member_map_:
        errors["format"] = [_("not one of the choices")]
    if not requested_by.strip():
        errors["requested_by"] = [_("this field is required")]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        request = validated(
            AccessRequest(
                program_id=consumer.program_id,
                consumer=consumer,
                received_at=received_at,
                requested_by=requested_by.strip(),
                format=format,
                owner=actor.user,
                created_at=clock.now(),
            )
        )
        request.save()
        clock_start(
            kind=GovernanceDeadline.ACCESS_RESPOND,
            subject_type=ACCESS_SUBJECT,
            subject_id=request.pk,
            rule=rules.ACCESS_RULE,
            calendar=program_calendar(program_id=consumer.program_id),
            started_at=received_at,
            owner_id=actor.user.pk,
            consumer_id=consumer.pk,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            consumer_id=consumer.pk,
            object_type="access_request",
            object_id=request.pk,
            detail={"format": format},
        )
    return request


def access_request_extend(
    *, actor: Actor, request: AccessRequest, version: int, reason: str
) -> AccessRequest:
    """Take the one 30-day extension, before the first 30 days end, recording the reason
    given to the consumer in the written notice. Who may: privacy.manage. Audits one update."""
    if request.state not in rules.OPEN_ACCESS_STATES:
        raise RuleViolation(_("the request is closed"))
    deadline = access_request_clock(request_id=request.pk)
    if deadline is None:  # pragma: no cover - every request starts its clock
        raise RuleViolation(_("the request has no clock"))
    now = clock.now()
    try:
        with transaction.atomic():
            versioned_update(
                request,
                version=version,
                changes={"extension_reason": reason.strip()},
                where=Q(state=AccessRequestState.OPEN),
            )
            clock_extend(
                deadline=deadline,
                rule=rules.ACCESS_RULE,
                calendar=program_calendar(program_id=request.program_id),
                at=now,
                reason=reason,
                consumer_requested=True,  # the notice goes with the extension itself
            )
            audit_record(
                actor=actor,
                action=AuditAction.UPDATE,
                consumer_id=request.consumer_id,
                object_type="access_request",
                object_id=request.pk,
                detail={"extended": True},
            )
    except ClockError as error:
        raise ValidationFailed.single(error.field or "extension", str(error)) from error
    return request


def access_request_close(
    *, actor: Actor, request: AccessRequest, version: int, outcome: str, note: str
) -> AccessRequest:
    """Close the request as fulfilled or denied (a denial says why); its clock is met.
    Who may: privacy.manage. Audits one update."""
    if outcome not in (AccessRequestState.FULFILLED, AccessRequestState.DENIED):
        raise ValidationFailed.single("outcome", _("fulfilled or denied"))
    if outcome == AccessRequestState.DENIED and not note.strip():
        raise ValidationFailed.single("note", _("a denial says why (164.524(d))"))
    with transaction.atomic():
        versioned_update(
            request,
            version=version,
            changes={"state": outcome, "closed_at": clock.now(), "closing_note": note.strip()},
            where=Q(state=AccessRequestState.OPEN),
            refused=RuleViolation(_("the request is closed")),
        )
        deadlines_close(subject_type=ACCESS_SUBJECT, subject_id=request.pk, state=DeadlineState.MET)
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            consumer_id=request.consumer_id,
            object_type="access_request",
            object_id=request.pk,
            detail={"outcome": outcome},
        )
    return request


def access_request_exported(*, actor: Actor, request: AccessRequest, resources: int) -> None:
    """The designated record set was exported for the request. Audits one export."""
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        consumer_id=request.consumer_id,
        object_type="access_request",
        object_id=request.pk,
        detail={"resources": resources},
    )


# --- compliance register ------------------------------------------------------------------


def requirement_review_clock_set(requirement: ComplianceRequirement) -> None:
    """Set (or move) the requirement's review deadline to its review date, on its
    owner's worklist. Called inside the act that sets the date."""
    calendar = program_calendar(program_id=requirement.program_id)
    deadline_set(
        kind=GovernanceDeadline.REQUIREMENT_REVIEW,
        subject_type=REQUIREMENT_SUBJECT,
        subject_id=requirement.pk,
        due_at=end_of_local_day(requirement.review_date, calendar),
        owner_id=requirement.owner_id,
        consumer_id=None,
    )


def _register_checks(
    program_id: int, owner: User | None, evidence_links: list[str], jurisdiction: str
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if owner is None or owner.program_id != program_id or not owner.is_active:
        errors["owner_id"] = [_("not an active member of the program")]
    problem = rules.evidence_problem(evidence_links)
    if problem:
        errors["evidence_links"] = [problem]
    if not rules.jurisdiction_valid(jurisdiction):
        errors["jurisdiction"] = [_("US for a federal rule, or US-XX for a state")]
    return errors


def requirement_create(
    *,
    actor: Actor,
    program: Program,
    jurisdiction: str,
    kind: str,
    title: str,
    citation: str,
    owner_id: int,
    review_date: date,
    evidence_links: list[str],
) -> ComplianceRequirement:
    """Add a regulation or accreditation standard to the register, with its owner and
    next review (a deadline row on the owner's worklist). Who may: compliance.manage.
    Audits one create (no consumer)."""
    owner = User.objects.filter(pk=owner_id).first()
    errors = _register_checks(program.pk, owner, evidence_links, jurisdiction)
    if review_date < program_today(program_id=program.pk):
        errors["review_date"] = [_("cannot be in the past")]
    if kind not in rules.RequirementKind._value2member_map_:
        errors["kind"] = [_("not one of the choices")]
    if errors:
        raise ValidationFailed(errors)
    assert owner is not None
    with transaction.atomic():
        requirement = validated(
            ComplianceRequirement(
                program=program,
                jurisdiction=jurisdiction,
                kind=kind,
                title=title.strip(),
                citation=citation.strip(),
                owner=owner,
                review_date=review_date,
                evidence_links=evidence_links,
                created_at=clock.now(),
            )
        )
        requirement.save()
        requirement_review_clock_set(requirement)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type="compliance_requirement",
            object_id=requirement.pk,
        )
    return requirement


def requirement_review(
    *,
    actor: Actor,
    requirement: ComplianceRequirement,
    version: int,
    next_review_date: date,
    evidence_links: list[str],
) -> ComplianceRequirement:
    """Record a review: the evidence as it stands and the next review date (after today);
    the review clock moves to it. Who may: compliance.manage. Audits one update."""
    owner = requirement.owner
    errors = _register_checks(
        requirement.program_id, owner, evidence_links, requirement.jurisdiction
    )
    now = clock.now()
    if next_review_date <= program_today(program_id=requirement.program_id):
        errors["next_review_date"] = [_("the next review is after today")]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        versioned_update(
            requirement,
            version=version,
            changes={
                "review_date": next_review_date,
                "evidence_links": evidence_links,
                "last_reviewed_at": now,
            },
        )
        requirement_review_clock_set(requirement)
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type="compliance_requirement",
            object_id=requirement.pk,
        )
    return requirement
