"""Writes for protections (J1-J3). One audit event each; clocks through core.deadlines.
Who may record: `protection.report` over the consumer; who may read and work a record:
its recorder and the roles the program names (`protection.read`, restricted scope),
checked by the web layer's restricted load."""

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from casework.consumers.models import Consumer
from casework.core import clock
from casework.core.actor import Actor
from casework.core.audit import audit_record
from casework.core.clocks import ClockRule
from casework.core.deadlines import OUTSTANDING, clock_start, deadlines_finish, program_calendar
from casework.core.errors import RuleViolation, ValidationFailed
from casework.core.models import AuditAction, Deadline, DeadlineState, Program
from casework.core.validation import validated
from casework.core.versioning import versioned_update
from casework.protections import rules
from casework.protections.deadlines import ProtectionDeadline
from casework.protections.models import AbuseReport, EthicsConsultation, Incident, JurisdictionRule
from casework.protections.selectors import jurisdiction_rows
from casework.staff.models import User


def _audit(
    actor: Actor,
    action: str,
    object_type: str,
    record: object,
    consumer_id: int | None,
    **detail: object,
) -> None:
    audit_record(
        actor=actor,
        action=action,
        consumer_id=consumer_id,
        object_type=object_type,
        object_id=getattr(record, "pk", ""),
        detail=detail or None,
    )


def _start(
    kind: str,
    subject_type: str,
    subject_id: int,
    rule: ClockRule,
    *,
    program_id: int,
    started_at: datetime,
    owner_id: int,
    consumer_id: int | None,
) -> None:
    clock_start(
        kind=kind,
        subject_type=subject_type,
        subject_id=subject_id,
        rule=rule,
        calendar=program_calendar(program_id=program_id),
        started_at=started_at,
        owner_id=owner_id,
        consumer_id=consumer_id,
    )


def _meet(subject_type: str, subject_id: int, kind: str, state: str = DeadlineState.MET) -> None:
    """Finish a clock: a running or paused one becomes `state`; a breached one keeps its
    miss on record and is marked done."""
    deadlines_finish(
        Deadline.objects.filter(subject_type=subject_type, subject_id=subject_id, kind=kind),
        state=state,
    )


def _past(name: str, at: datetime, *, not_before: datetime | None = None) -> None:
    if at > clock.now():
        raise ValidationFailed.single(name, _("cannot be in the future"))
    if not_before is not None and at < not_before:
        raise ValidationFailed.single(name, _("cannot be before the event it follows"))


def _choice(name: str, value: str, enum: type) -> None:
    if value not in enum._value2member_map_:  # type: ignore[attr-defined]
        raise ValidationFailed.single(name, _("not one of the choices"))


# --- the jurisdiction table ------------------------------------------------------------


def jurisdiction_sample_install(*, program: Program) -> int:
    """Copy the shipped SAMPLE rows into a program's table (labelled as samples; the
    program verifies and edits them). Rows already there are left alone."""
    made = 0
    for row in rules.SAMPLE_JURISDICTION:
        _, created = JurisdictionRule.objects.get_or_create(
            program=program,
            state=row.state,
            victim_class=row.victim_class,
            setting=row.setting,
            injury=row.injury,
            defaults={
                "reporter_class": row.reporter_class,
                "oral_amount": row.oral_amount,
                "oral_unit": row.oral_unit,
                "written_amount": row.written_amount,
                "written_unit": row.written_unit,
                "agency": row.agency,
                "citation": row.citation,
                "note": f"{rules.SAMPLE_LABEL}. {row.note}".strip(),
                "sample": True,
            },
        )
        made += created
    return made


# --- abuse, neglect and exploitation (J1) ------------------------------------------------


def abuse_report_create(
    *,
    actor: Actor,
    consumer: Consumer,
    kind: str,
    victim_class: str,
    setting: str,
    state_code: str,
    serious_injury: bool,
    suspected_at: datetime,
    description: str,
) -> AbuseReport:
    """Record a suspicion and start its reporting clocks from the program's jurisdiction
    table (oral, and written where the row requires it). Audits one create."""
    _choice("kind", kind, rules.ReportKind)
    _choice("victim_class", victim_class, rules.VictimClass)
    _choice("setting", setting, rules.Setting)
    _past("suspected_at", suspected_at)
    state_code = state_code.strip().upper()
    if len(state_code) != 2 or not state_code.isalpha():
        raise ValidationFailed.single("state_code", _("two letters, e.g. CA"))
    if not description.strip():
        raise ValidationFailed.single("description", _("This field is required."))
    rows = jurisdiction_rows(program_id=consumer.program_id)
    match = rules.jurisdiction_match(
        [r for _row, r in rows],
        state=state_code,
        victim_class=victim_class,
        setting=setting,
        serious_injury=serious_injury,
    )
    if match is None:
        raise RuleViolation(
            _("the program's jurisdiction table has no row for this state, victim and setting")
        )
    stored = next(row for row, r in rows if r is match)
    oral, written = rules.report_rules(match)
    with transaction.atomic():
        report = validated(
            AbuseReport(
                program_id=consumer.program_id,
                consumer=consumer,
                kind=kind,
                victim_class=victim_class,
                setting=setting,
                state_code=state_code,
                serious_injury=serious_injury,
                suspected_at=suspected_at,
                description=description.strip(),
                rule=stored,
                recorded_by=actor.user,
                created_at=clock.now(),
            )
        )
        report.save()
        for kind_, rule in (
            (ProtectionDeadline.ORAL_REPORT, oral),
            (ProtectionDeadline.WRITTEN_REPORT, written),
        ):
            if rule is not None:
                _start(
                    kind_,
                    "abuse_report",
                    report.pk,
                    rule,
                    program_id=report.program_id,
                    started_at=suspected_at,
                    owner_id=actor.user.pk,
                    consumer_id=consumer.pk,
                )
        _audit(actor, AuditAction.CREATE, "abuse_report", report, consumer.pk, rule=stored.pk)
    return report


def abuse_report_agency_report(
    *,
    actor: Actor,
    report: AbuseReport,
    version: int,
    mode: str,
    reported_at: datetime,
    agency: str,
    reference: str,
) -> AbuseReport:
    """Record a report made to the agency (oral or written: agency, reference, time).
    When every report the row requires is made, the suspicion is reported. Audits one
    update."""
    if report.status == rules.ReportState.CLOSED:
        raise RuleViolation(_("the report is closed"))
    if mode not in ("oral", "written"):
        raise ValidationFailed.single("mode", _("not one of the choices"))
    if mode == "written" and report.rule.written_amount is None:
        raise ValidationFailed.single("mode", _("this jurisdiction requires no written report"))
    _past("reported_at", reported_at, not_before=report.suspected_at)
    if not agency.strip():
        raise ValidationFailed.single("agency", _("This field is required."))
    changes: dict[str, object] = {
        f"{mode}_reported_at": reported_at,
        f"{mode}_reference": reference.strip(),
        "reported_agency": agency.strip(),
    }
    oral_done = mode == "oral" or report.oral_reported_at is not None
    written_done = (
        report.rule.written_amount is None
        or mode == "written"
        or report.written_reported_at is not None
    )
    if oral_done and written_done:
        changes["status"] = rules.ReportState.REPORTED
    kind = ProtectionDeadline.ORAL_REPORT if mode == "oral" else ProtectionDeadline.WRITTEN_REPORT
    with transaction.atomic():
        versioned_update(
            report,
            version=version,
            changes=changes,
            where=~Q(status=rules.ReportState.CLOSED),
            refused=RuleViolation(_("the report is closed")),
        )
        _meet("abuse_report", report.pk, kind)
        _audit(
            actor,
            AuditAction.UPDATE,
            "abuse_report",
            report,
            report.consumer_id,
            step=f"{mode}_report",
        )
    return report


def abuse_report_close(
    *, actor: Actor, report: AbuseReport, version: int, note: str
) -> AbuseReport:
    """Close a reported suspicion with what the agency found or did. Audits one update."""
    if report.status != rules.ReportState.REPORTED:
        raise RuleViolation(_("record the reports the jurisdiction requires before closing"))
    if not note.strip():
        raise ValidationFailed.single("note", _("This field is required."))
    with transaction.atomic():
        versioned_update(
            report,
            version=version,
            changes={
                "status": rules.ReportState.CLOSED,
                "closure_note": note.strip(),
                "closed_at": clock.now(),
            },
            where=Q(status=rules.ReportState.REPORTED),
            refused=RuleViolation(_("the report is closed")),
        )
        _audit(actor, AuditAction.UPDATE, "abuse_report", report, report.consumer_id, step="closed")
    return report


# --- incidents (J2) -----------------------------------------------------------------------


def incident_create(
    *,
    actor: Actor,
    program_id: int,
    kind: str,
    occurred_at: datetime,
    learned_at: datetime,
    description: str,
    consumer: Consumer | None = None,
    staff_member: User | None = None,
    sharps_or_infectious: bool = False,
    privacy_requested: bool = False,
) -> Incident:
    """Record an incident and start its follow-up clocks: an exposure's post-exposure
    evaluation (at once), and for violence against staff or an exposure the OSHA
    recordability decision (7 days). Privacy cases withhold the name. Audits one create."""
    _choice("kind", kind, rules.IncidentKind)
    _past("occurred_at", occurred_at)
    _past("learned_at", learned_at, not_before=occurred_at)
    if not description.strip():
        raise ValidationFailed.single("description", _("This field is required."))
    if staff_member is not None and staff_member.program_id != program_id:
        raise ValidationFailed.single("staff_member", _("no such staff member in your program"))
    if kind in rules.STAFF_INCIDENTS and staff_member is None:
        raise ValidationFailed.single("staff_member", _("name the staff member affected"))
    with transaction.atomic():
        incident = Incident(
            program_id=program_id,
            consumer=consumer,
            kind=kind,
            occurred_at=occurred_at,
            learned_at=learned_at,
            description=description.strip(),
            staff_member=staff_member,
            privacy_case=rules.privacy_case(
                kind, sharps_or_infectious=sharps_or_infectious, requested=privacy_requested
            ),
            recorded_by=actor.user,
            created_at=clock.now(),
        )
        incident.save()
        consumer_id = consumer.pk if consumer else None
        if kind == rules.IncidentKind.EXPOSURE:
            _start(
                ProtectionDeadline.EVALUATION,
                "incident",
                incident.pk,
                rules.EVALUATION_RULE,
                program_id=program_id,
                started_at=learned_at,
                owner_id=actor.user.pk,
                consumer_id=consumer_id,
            )
        if rules.needs_osha_decision(kind, staff_involved=staff_member is not None):
            _start(
                ProtectionDeadline.OSHA_DECISION,
                "incident",
                incident.pk,
                rules.OSHA_DECISION_RULE,
                program_id=program_id,
                started_at=learned_at,
                owner_id=actor.user.pk,
                consumer_id=consumer_id,
            )
        _audit(actor, AuditAction.CREATE, "incident", incident, consumer_id, kind=kind)
    return incident


def _incident_update(
    actor: Actor, incident: Incident, version: int, changes: dict[str, object], step: str
) -> None:
    versioned_update(
        incident,
        version=version,
        changes=changes,
        where=Q(status=rules.IncidentState.OPEN),
        refused=RuleViolation(_("the incident is closed")),
    )
    _audit(actor, AuditAction.UPDATE, "incident", incident, incident.consumer_id, step=step)


def incident_evaluation_offer(
    *, actor: Actor, incident: Incident, version: int, offered_at: datetime
) -> Incident:
    """Record the post-exposure evaluation as offered; the written opinion clock starts
    (15 days). Audits one update."""
    if incident.kind != rules.IncidentKind.EXPOSURE:
        raise RuleViolation(_("only an exposure has a post-exposure evaluation"))
    if incident.evaluation_offered_at is not None:
        raise RuleViolation(_("the evaluation was already offered"))
    _past("offered_at", offered_at, not_before=incident.occurred_at)
    with transaction.atomic():
        _incident_update(
            actor, incident, version, {"evaluation_offered_at": offered_at}, "evaluation_offered"
        )
        _meet("incident", incident.pk, ProtectionDeadline.EVALUATION)
        _start(
            ProtectionDeadline.WRITTEN_OPINION,
            "incident",
            incident.pk,
            rules.WRITTEN_OPINION_RULE,
            program_id=incident.program_id,
            started_at=offered_at,
            owner_id=actor.user.pk,
            consumer_id=incident.consumer_id,
        )
    return incident


def incident_written_opinion(
    *, actor: Actor, incident: Incident, version: int, given_at: datetime
) -> Incident:
    """Record the healthcare professional's written opinion as given to the employee."""
    if incident.evaluation_offered_at is None:
        raise RuleViolation(_("record the evaluation first"))
    if incident.written_opinion_at is not None:
        raise RuleViolation(_("the written opinion was already given"))
    _past("given_at", given_at, not_before=incident.evaluation_offered_at)
    with transaction.atomic():
        _incident_update(
            actor, incident, version, {"written_opinion_at": given_at}, "written_opinion"
        )
        _meet("incident", incident.pk, ProtectionDeadline.WRITTEN_OPINION)
    return incident


def incident_osha_decide(
    *, actor: Actor, incident: Incident, version: int, recordable: bool, reason: str
) -> Incident:
    """Record whether the case goes on the OSHA 300 log, and why. Audits one update."""
    if not reason.strip():
        raise ValidationFailed.single("reason", _("This field is required."))
    if incident.osha_decided_at is not None:
        raise RuleViolation(_("the OSHA decision was already recorded"))
    with transaction.atomic():
        _incident_update(
            actor,
            incident,
            version,
            {
                "osha_recordable": recordable,
                "osha_reason": reason.strip(),
                "osha_decided_at": clock.now(),
            },
            "osha_decision",
        )
        _meet("incident", incident.pk, ProtectionDeadline.OSHA_DECISION)
    return incident


def incident_close(*, actor: Actor, incident: Incident, version: int, note: str) -> Incident:
    """Close an incident whose follow-ups are all recorded. Audits one update."""
    if not note.strip():
        raise ValidationFailed.single("note", _("This field is required."))
    pending = Deadline.objects.filter(
        OUTSTANDING, subject_type="incident", subject_id=incident.pk
    ).exists()
    if pending:
        raise RuleViolation(_("record every follow-up before closing the incident"))
    with transaction.atomic():
        _incident_update(
            actor,
            incident,
            version,
            {
                "status": rules.IncidentState.CLOSED,
                "closure_note": note.strip(),
                "closed_at": clock.now(),
            },
            "closed",
        )
    return incident


# --- ethics consultations and out-of-scope routing (J3) ------------------------------------


def consultation_request(
    *,
    actor: Actor,
    consumer: Consumer,
    kind: str,
    parties: Sequence[str],
    question: str,
    routed_to: str = "",
) -> EthicsConsultation:
    """Ask the ethics committee about a conflict (review clock: 5 business days), or route
    a need beyond the program's scope to the service named. Audits one create."""
    _choice("kind", kind, rules.ConsultationKind)
    errors: dict[str, list[str]] = {}
    bad = [p for p in parties if p not in rules.Party._value2member_map_]
    if bad:
        errors["parties"] = [_("not one of the choices")]
    if kind == rules.ConsultationKind.ETHICS and len(set(parties)) < 2:
        errors["parties"] = [_("name at least two parties to the conflict")]
    if kind == rules.ConsultationKind.OUT_OF_SCOPE and not routed_to.strip():
        errors["routed_to"] = [_("say where the need is routed")]
    if not question.strip():
        errors["question"] = [_("This field is required.")]
    if errors:
        raise ValidationFailed(errors)
    now = clock.now()
    with transaction.atomic():
        consultation = EthicsConsultation.objects.create(
            program_id=consumer.program_id,
            consumer=consumer,
            kind=kind,
            parties=sorted(set(parties)),
            question=question.strip(),
            routed_to=routed_to.strip(),
            requested_at=now,
            recorded_by=actor.user,
        )
        if kind == rules.ConsultationKind.ETHICS:
            _start(
                ProtectionDeadline.ETHICS_REVIEW,
                "ethics_consultation",
                consultation.pk,
                rules.ETHICS_REVIEW_RULE,
                program_id=consumer.program_id,
                started_at=now,
                owner_id=actor.user.pk,
                consumer_id=consumer.pk,
            )
        _audit(
            actor, AuditAction.CREATE, "ethics_consultation", consultation, consumer.pk, kind=kind
        )
    return consultation


def consultation_close(
    *,
    actor: Actor,
    consultation: EthicsConsultation,
    version: int,
    recommendation: str,
    outcome: str,
) -> EthicsConsultation:
    """Record the committee's recommendation (or the receiving service's answer) and the
    outcome. Audits one update."""
    errors = {
        name: [_("This field is required.")]
        for name, value in (("recommendation", recommendation), ("outcome", outcome))
        if not value.strip()
    }
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        versioned_update(
            consultation,
            version=version,
            changes={
                "recommendation": recommendation.strip(),
                "outcome": outcome.strip(),
                "status": rules.ConsultationState.CLOSED,
                "closed_at": clock.now(),
            },
            where=Q(status=rules.ConsultationState.REQUESTED),
            refused=RuleViolation(_("the consultation is closed")),
        )
        _meet("ethics_consultation", consultation.pk, ProtectionDeadline.ETHICS_REVIEW)
        _audit(
            actor,
            AuditAction.UPDATE,
            "ethics_consultation",
            consultation,
            consultation.consumer_id,
            step="closed",
        )
    return consultation
