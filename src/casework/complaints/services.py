"""Writes for complaints and grievances (K1). One audit event each; clocks through
`core.deadlines` (core.clocks). Who may: `complaint.manage` over the consumer (checked
by the web layer's guarded load)."""

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from casework.complaints import rules
from casework.complaints.deadlines import SUBJECT, ComplaintDeadline
from casework.complaints.models import Complaint, ComplaintNote
from casework.complaints.selectors import complaint_clock, complaint_policy
from casework.consumers.models import Consumer
from casework.core import clock
from casework.core.actor import Actor
from casework.core.audit import audit_record
from casework.core.clocks import ClockError, ClockRule
from casework.core.deadlines import (
    clock_extend,
    clock_pause,
    clock_resume,
    clock_start,
    deadline_set,
    deadlines_finish,
    program_calendar,
)
from casework.core.errors import RuleViolation, ValidationFailed
from casework.core.models import AuditAction, Deadline, DeadlineState
from casework.core.validation import validated
from casework.core.versioning import versioned_update
from casework.staff.models import User


def _audit(actor: Actor, action: str, complaint: Complaint, **detail: object) -> None:
    audit_record(
        actor=actor,
        action=action,
        consumer_id=complaint.consumer_id,
        object_type="complaint",
        object_id=complaint.pk,
        detail=detail or None,
    )


def _clock_error(error: ClockError) -> ValidationFailed:
    return ValidationFailed.single(error.field or "clock", str(error))


def complaint_rule(complaint: Complaint) -> ClockRule:
    policy, _row = complaint_policy(program_id=complaint.program_id)
    rule = rules.rule_by_code(complaint.rule_code, policy)
    assert rule is not None, complaint.rule_code
    return rule


def complaint_receive(
    *,
    actor: Actor,
    consumer: Consumer,
    kind: str,
    channel: str,
    received_at: datetime,
    complainant: str,
    complainant_relationship: str,
    about: str,
    category: str,
    severity: str,
    coverage: str,
    expedited: bool = False,
    expedite_reason: str = "",
) -> Complaint:
    """Record a complaint or grievance from any channel and start its clocks: the
    acknowledgement (program policy) and the resolution limit of the consumer's coverage.
    A disagreement about care options goes to the program's named reviewer. Audits one
    create."""
    now = clock.now()
    errors: dict[str, list[str]] = {}
    if received_at > now:
        errors["received_at"] = [_("cannot be in the future")]
    if expedited and not expedite_reason.strip():
        errors["expedite_reason"] = [_("say why health is at risk when expediting")]
    for name, value, enum in (
        ("kind", kind, rules.ComplaintKind),
        ("channel", channel, rules.ComplaintChannel),
        ("category", category, rules.Category),
        ("severity", severity, rules.ComplaintSeverity),
        ("coverage", coverage, rules.CoverageType),
    ):
        if value not in enum._value2member_map_:
            errors[name] = [_("not one of the choices")]
    if errors:
        raise ValidationFailed(errors)
    policy, policy_row = complaint_policy(program_id=consumer.program_id)
    reviewer: User | None = None
    if rules.routes_to_reviewer(category):
        reviewer = policy_row.care_options_reviewer if policy_row else None
        if reviewer is None or not reviewer.is_active:
            raise RuleViolation(
                _("the program has not named a reviewer for disagreements about care options")
            )
    rule = rules.resolution_rule(
        coverage=rules.CoverageType(coverage),
        kind=rules.ComplaintKind(kind),
        expedited=expedited,
        policy=policy,
    )
    calendar = program_calendar(program_id=consumer.program_id)
    with transaction.atomic():
        complaint = validated(
            Complaint(
                program_id=consumer.program_id,
                consumer=consumer,
                kind=kind,
                channel=channel,
                received_at=received_at,
                complainant=complainant.strip(),
                complainant_relationship=complainant_relationship.strip(),
                about=about.strip(),
                category=category,
                severity=severity,
                coverage=coverage,
                expedited=expedited,
                expedite_reason=expedite_reason.strip(),
                owner=actor.user,
                reviewer=reviewer,
                rule_code=rule.code,
                created_at=now,
            )
        )
        complaint.save()
        owner_id = (reviewer or actor.user).pk
        for kind_, rule_ in (
            (ComplaintDeadline.ACKNOWLEDGE, rules.acknowledgement_rule(policy)),
            (ComplaintDeadline.RESOLVE, rule),
        ):
            clock_start(
                kind=kind_,
                subject_type=SUBJECT,
                subject_id=complaint.pk,
                rule=rule_,
                calendar=calendar,
                started_at=received_at,
                owner_id=owner_id,
                consumer_id=consumer.pk,
            )
        _audit(actor, AuditAction.CREATE, complaint, rule=rule.code)
    return complaint


def _close(complaint: Complaint, kind: str, state: str = DeadlineState.MET) -> None:
    """Finish the clock: met (or `state`) if still running or paused; a breached clock
    keeps its miss and is marked done."""
    deadlines_finish(
        Deadline.objects.filter(kind=kind, subject_type=SUBJECT, subject_id=complaint.pk),
        state=state,
    )


def _update_open(complaint: Complaint, version: int, changes: dict[str, object]) -> None:
    versioned_update(
        complaint,
        version=version,
        changes=changes,
        where=Q(state__in=sorted(rules.OPEN_STATES)),
        refused=RuleViolation(_("the complaint is closed")),
    )


def _require_open(complaint: Complaint) -> None:
    if complaint.state not in rules.OPEN_STATES:
        raise RuleViolation(_("the complaint is closed"))


def complaint_acknowledge(
    *, actor: Actor, complaint: Complaint, version: int, method: str, acknowledged_at: datetime
) -> Complaint:
    """Record that receipt was acknowledged to the complainant (how and when); the
    acknowledgement clock is met. Audits one update."""
    if not rules.may_acknowledge(complaint.state):
        raise RuleViolation(_("the complaint was already acknowledged or is closed"))
    if method not in rules.ComplaintChannel._value2member_map_:
        raise ValidationFailed.single("method", _("not one of the choices"))
    if acknowledged_at > clock.now():
        raise ValidationFailed.single("acknowledged_at", _("cannot be in the future"))
    if acknowledged_at < complaint.received_at:
        raise ValidationFailed.single("acknowledged_at", _("cannot be before the complaint"))
    with transaction.atomic():
        _update_open(
            complaint,
            version,
            {
                "state": rules.ComplaintState.ACKNOWLEDGED,
                "acknowledged_at": acknowledged_at,
                "acknowledgement_method": method,
            },
        )
        _close(complaint, ComplaintDeadline.ACKNOWLEDGE)
        _audit(actor, AuditAction.UPDATE, complaint, step="acknowledged")
    return complaint


def complaint_note_add(*, actor: Actor, complaint: Complaint, text: str) -> ComplaintNote:
    """An investigation note. Audits one create."""
    _require_open(complaint)
    if not text.strip():
        raise ValidationFailed.single("text", _("This field is required."))
    with transaction.atomic():
        note = ComplaintNote.objects.create(
            complaint=complaint, author=actor.user, text=text.strip(), created_at=clock.now()
        )
        _audit(actor, AuditAction.CREATE, complaint, note=note.pk)
    return note


def _resolve_clock(complaint: Complaint) -> Deadline:
    row = complaint_clock(complaint_id=complaint.pk, kind=ComplaintDeadline.RESOLVE)
    if row is None:
        raise RuleViolation(_("the complaint has no resolution clock"))
    return row


def complaint_extend(
    *, actor: Actor, complaint: Complaint, version: int, reason: str, consumer_requested: bool
) -> Complaint:
    """Take the rule's extension of the resolution limit (before it passes, once, with a
    reason). When the consumer did not ask for it, a clock for the written notice starts.
    Audits one update."""
    _require_open(complaint)
    rule = complaint_rule(complaint)
    calendar = program_calendar(program_id=complaint.program_id)
    row = _resolve_clock(complaint)
    now = clock.now()
    with transaction.atomic():
        _update_open(complaint, version, {})
        try:
            grant = clock_extend(
                deadline=row,
                rule=rule,
                calendar=calendar,
                at=now,
                reason=reason,
                consumer_requested=consumer_requested,
            )
        except ClockError as error:
            raise _clock_error(error) from error
        if grant.notice_due_at is not None:
            deadline_set(
                kind=ComplaintDeadline.EXTENSION_NOTICE,
                subject_type=SUBJECT,
                subject_id=complaint.pk,
                due_at=grant.notice_due_at,
                owner_id=row.owner_id,
                consumer_id=complaint.consumer_id,
            )
        _audit(
            actor,
            AuditAction.UPDATE,
            complaint,
            step="extended",
            due_at=grant.due_at.isoformat(),
            consumer_requested=consumer_requested,
        )
    return complaint


def complaint_extension_notice_send(
    *, actor: Actor, complaint: Complaint, version: int, sent_at: datetime
) -> Complaint:
    """Record the written notice of an extension as sent. Audits one update."""
    _require_open(complaint)
    notice = complaint_clock(complaint_id=complaint.pk, kind=ComplaintDeadline.EXTENSION_NOTICE)
    if notice is None:
        raise RuleViolation(_("no extension notice is owed"))
    if complaint.extension_notice_sent_at is not None:
        raise RuleViolation(_("the extension notice was already sent"))
    if sent_at > clock.now():
        raise ValidationFailed.single("sent_at", _("cannot be in the future"))
    with transaction.atomic():
        _update_open(complaint, version, {"extension_notice_sent_at": sent_at})
        _close(complaint, ComplaintDeadline.EXTENSION_NOTICE)
        _audit(actor, AuditAction.UPDATE, complaint, step="extension_notice_sent")
    return complaint


def complaint_pause(*, actor: Actor, complaint: Complaint, version: int, reason: str) -> Complaint:
    """Pause the resolution clock with a reason, where the rule allows it (e.g. waiting for
    information the consumer agreed to supply). Audits one update."""
    _require_open(complaint)
    rule = complaint_rule(complaint)
    row = _resolve_clock(complaint)
    with transaction.atomic():
        _update_open(complaint, version, {})
        try:
            clock_pause(
                deadline=row,
                rule=rule,
                calendar=program_calendar(program_id=complaint.program_id),
                at=clock.now(),
                reason=reason,
            )
        except ClockError as error:
            raise _clock_error(error) from error
        _audit(actor, AuditAction.UPDATE, complaint, step="paused")
    return complaint


def complaint_resume(*, actor: Actor, complaint: Complaint, version: int) -> Complaint:
    """Resume the paused resolution clock; the paused time does not count. Audits one update."""
    _require_open(complaint)
    rule = complaint_rule(complaint)
    row = _resolve_clock(complaint)
    with transaction.atomic():
        _update_open(complaint, version, {})
        try:
            clock_resume(
                deadline=row,
                rule=rule,
                calendar=program_calendar(program_id=complaint.program_id),
                at=clock.now(),
            )
        except ClockError as error:
            raise _clock_error(error) from error
        _audit(actor, AuditAction.UPDATE, complaint, step="resumed")
    return complaint


def complaint_resolve(
    *, actor: Actor, complaint: Complaint, version: int, outcome: str, resolution: str
) -> Complaint:
    """Close the complaint with its outcome and the resolution the letter states. A
    disagreement about care options is resolved only by the named reviewer. Every clock
    still running is met. Audits one update."""
    _require_open(complaint)
    errors: dict[str, list[str]] = {}
    if outcome not in rules.Outcome._value2member_map_:
        errors["outcome"] = [_("not one of the choices")]
    if not resolution.strip():
        errors["resolution"] = [_("This field is required.")]
    if errors:
        raise ValidationFailed(errors)
    if complaint.reviewer_id is not None and complaint.reviewer_id != actor.user.pk:
        raise RuleViolation(_("only the named reviewer resolves a disagreement about care options"))
    now = clock.now()
    with transaction.atomic():
        _update_open(
            complaint,
            version,
            {
                "state": rules.ComplaintState.RESOLVED,
                "outcome": outcome,
                "resolution": resolution.strip(),
                "resolved_at": now,
                "resolved_by_id": actor.user.pk,
                "acknowledged_at": complaint.acknowledged_at or now,
            },
        )
        for kind in ComplaintDeadline:
            _close(complaint, kind)
        _audit(actor, AuditAction.UPDATE, complaint, step="resolved", outcome=outcome)
    return complaint


def complaint_letter_printed(*, actor: Actor, complaint: Complaint, language: str) -> None:
    """Audit one print of the resolution letter (only a resolved complaint has one)."""
    if complaint.state != rules.ComplaintState.RESOLVED:
        raise RuleViolation(_("the resolution letter is written once the complaint is resolved"))
    _audit(actor, AuditAction.PRINT, complaint, document="resolution_letter", language=language)
