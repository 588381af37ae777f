"""Writes for the case lifecycle: intake, notices, consent, activation, closure, reassignment.

Every service runs in one transaction with exactly one audit event, and refuses
(raising a DomainError, writing nothing) when the rules in `cases.rules` say no.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from casework.cases import rules
from casework.cases.models import (
    Acknowledgement,
    Case,
    CaseAssignment,
    CaseState,
    Consent,
    ConsentDecision,
    ConsentGivenBy,
    Notice,
    NoticeKind,
    RecipientType,
    Referral,
)
from casework.cases.selectors import case_facts
from casework.consumers.models import Consumer, SupportPerson
from casework.consumers.services import ConsumerFields, consumer_build
from casework.coordination.selectors import external_providers_exist
from casework.core import clock
from casework.core.actor import Actor
from casework.core.audit import audit_record
from casework.core.errors import RuleViolation, StaleVersion, ValidationFailed
from casework.core.models import AuditAction, Team
from casework.core.roles import Role
from casework.core.validation import validated
from casework.staff import services as staff_services
from casework.staff.models import User


def _lock(case: Case) -> Case:
    """Reload the case under a row lock, so two writers serialize on it."""
    return Case.objects.select_for_update().select_related("consumer", "program").get(pk=case.pk)


def _bump(case: Case, version: int | None, **changes: Any) -> Case:
    """Apply `changes` if the case is still at `version` (None: no check); bump the version."""
    expected = case.version if version is None else version
    updated = Case.objects.filter(pk=case.pk, version=expected).update(
        **changes, version=expected + 1
    )
    if not updated:
        raise StaleVersion(Case.objects.values_list("version", flat=True).get(pk=case.pk))
    for name, value in changes.items():
        setattr(case, name, value)
    case.version = expected + 1
    return case


def _audit(
    actor: Actor, action: str, case: Case, object_type: str, object_id: object, **detail: Any
) -> None:
    audit_record(
        actor=actor,
        action=action,
        consumer_id=case.consumer_id,
        object_type=object_type,
        object_id=object_id,
        detail=detail,
    )


def _team_of_supervisor(user: User) -> Team | None:
    return Team.objects.filter(supervisor=user).order_by("id").first()


def _assignee_for_intake(actor: Actor, assign_to: User | None) -> tuple[User | None, Team | None]:
    user = actor.user
    if user.role == Role.CASE_MANAGER:
        if assign_to is not None and assign_to.pk != user.pk:
            raise ValidationFailed.single("assign_to", _("a case manager opens cases for themself"))
        return user, user.team
    team = _team_of_supervisor(user)
    if team is None:
        raise RuleViolation(_("you do not supervise a team"))
    if assign_to is None:
        return None, team
    if (
        assign_to.role != Role.CASE_MANAGER
        or assign_to.team_id != team.pk
        or not assign_to.is_active
    ):
        raise ValidationFailed.single("assign_to", _("not an active case manager on your team"))
    return assign_to, team


def referral_intake(
    *,
    actor: Actor,
    source: str,
    reason: str,
    received_at: datetime,
    consumer: Consumer | None = None,
    new_consumer: ConsumerFields | None = None,
    referrer_name: str = "",
    referrer_organization: str = "",
    referrer_contact: str = "",
    complexity: str = "moderate",
    severity: str = "moderate",
    assign_to: User | None = None,
    external_key: str | None = None,
    detail: dict[str, Any] | None = None,
    override_reason: str = "",
) -> Case:
    """Take a referral (B2) and open a case in state `referred`.

    Either `consumer` (already reached by the actor) or `new_consumer` fields. Who: case
    managers (for themselves) and supervisors (for their team). An assignee must pass
    the staff assignment gate (A5-A8); a supervisor may override it with
    `override_reason`, recorded and named in the audit event. Audits one create."""
    if (consumer is None) == (new_consumer is None):
        raise ValidationFailed.single("consumer", _("give an existing consumer or a new one"))
    if source in ("professional", "family") and not referrer_name.strip():
        raise ValidationFailed.single("referrer_name", _("name the person who referred"))
    program_id = actor.user.program_id
    if program_id is None:
        raise RuleViolation(_("you are not a member of a program"))
    assignee, team = _assignee_for_intake(actor, assign_to)
    now = clock.now()
    with transaction.atomic():
        blockers = (
            staff_services.assignment_gate(
                actor=actor,
                assignee=assignee,
                complexity=complexity,
                severity=severity,
                consumer_id=consumer.pk if consumer is not None else None,
                override_reason=override_reason,
            )
            if assignee is not None
            else []
        )
        if consumer is None:
            assert new_consumer is not None
            consumer = consumer_build(program_id=program_id, **new_consumer)
            consumer.save()
        elif Case.objects.filter(consumer=consumer, state__in=rules.OPEN_STATES).exists():
            raise RuleViolation(_("this consumer already has an open case"))
        referral = validated(
            Referral(
                program_id=program_id,
                consumer=consumer,
                source=source,
                referrer_name=referrer_name,
                referrer_organization=referrer_organization,
                referrer_contact=referrer_contact,
                reason=reason,
                received_at=received_at,
                external_key=external_key,
                detail=detail or {},
                created_by=actor.user,
                created_at=now,
            )
        )
        referral.save()
        case = validated(
            Case(
                program_id=program_id,
                consumer=consumer,
                referral=referral,
                state=CaseState.REFERRED,
                assigned_to=assignee,
                team=team,
                complexity=complexity,
                severity=severity,
                opened_at=now,
            )
        )
        case.save()
        if assignee is not None:
            CaseAssignment.objects.create(
                case=case,
                assigned_to=assignee,
                assigned_by=actor.user,
                assigned_at=now,
                reason="intake",
            )
        override = _override(actor, case, assignee, blockers, override_reason)
        _audit(
            actor,
            AuditAction.CREATE,
            case,
            "case",
            case.pk,
            referral_id=referral.pk,
            source=source,
            **override,
        )
    return case


def _advance_after_enrollment(case: Case) -> None:
    facts = case_facts(case=case)
    target = rules.state_after_consent(facts)
    if target == case.state:
        return
    changes: dict[str, Any] = {"state": target}
    if target == CaseState.ENGAGED:
        changes["engaged_at"] = clock.now()
    if target in rules.TERMINAL_STATES:
        changes["ended_at"] = clock.now()
    _bump(case, None, **changes)


def notice_record(
    *,
    actor: Actor,
    case: Case,
    kind: str,
    method: str,
    delivered_at: datetime,
    acknowledgement: str,
    language: str = "",
    recipient_type: str = RecipientType.CONSUMER,
    recipient_name: str = "",
    interpreter_used: bool = False,
    good_faith_note: str = "",
) -> Notice:
    """Record an enrollment notice given (program purpose C1, complaint process C2, privacy
    practices C3). A privacy notice not acknowledged needs the good-faith effort described.
    The case becomes `engaged` once all three notices and consent are recorded.
    Who: case.manage. Audits one create."""
    if kind == NoticeKind.CLOSURE:
        raise ValidationFailed.single("kind", _("closure notices are recorded when closing"))
    if acknowledgement == Acknowledgement.GOOD_FAITH_ATTEMPT and not good_faith_note.strip():
        raise ValidationFailed.single(
            "good_faith_note", _("describe the good-faith effort to obtain acknowledgement")
        )
    with transaction.atomic():
        case = _lock(case)
        decision = rules.may_record_enrollment(case_facts(case=case))
        if not decision:
            raise RuleViolation(decision.reason)
        notice = validated(
            Notice(
                case=case,
                kind=kind,
                recipient_type=recipient_type,
                recipient_name=recipient_name,
                method=method,
                language=language or case.consumer.preferred_language,
                interpreter_used=interpreter_used,
                delivered_at=delivered_at,
                acknowledgement=acknowledgement,
                good_faith_note=good_faith_note,
                recorded_by=actor.user,
                recorded_at=clock.now(),
            )
        )
        notice.save()
        _advance_after_enrollment(case)
        _audit(actor, AuditAction.CREATE, case, "notice", notice.pk, kind=kind)
    return notice


def consent_record(
    *,
    actor: Actor,
    case: Case,
    decision: str,
    method: str,
    decided_at: datetime,
    given_by: str = ConsentGivenBy.CONSUMER,
    surrogate: SupportPerson | None = None,
    scope: str = "Case management services",
    evidence: str = "",
) -> Consent:
    """Record consent to case management, its refusal or its revocation (C1, S39).

    A consumer who does not make their own decisions consents through their legal
    decision maker. Refusal declines a referred case. Who: case.manage. Audits one create."""
    if given_by == ConsentGivenBy.SURROGATE:
        if surrogate is None or surrogate.consumer_id != case.consumer_id:
            raise ValidationFailed.single("surrogate", _("name the consumer's support person"))
        if not surrogate.is_legal_decision_maker:
            raise ValidationFailed.single(
                "surrogate", _("this support person is not the legal decision maker")
            )
    elif not case.consumer.makes_own_decisions:
        raise ValidationFailed.single(
            "given_by", _("this consumer's legal decision maker must decide")
        )
    with transaction.atomic():
        case = _lock(case)
        allowed = rules.may_record_consent(case_facts(case=case), decision)
        if not allowed:
            raise RuleViolation(allowed.reason)
        consent = validated(
            Consent(
                case=case,
                decision=decision,
                given_by=given_by,
                surrogate=surrogate if given_by == ConsentGivenBy.SURROGATE else None,
                scope=scope,
                method=method,
                decided_at=decided_at,
                evidence=evidence,
                recorded_by=actor.user,
                recorded_at=clock.now(),
            )
        )
        consent.save()
        if decision != ConsentDecision.REVOKED:
            _advance_after_enrollment(case)
        else:
            _bump(case, None)
        _audit(actor, AuditAction.CREATE, case, "consent", consent.pk, decision=decision)
    return consent


def _transition(actor: Actor, case: Case, version: int, target: str, **changes: Any) -> Case:
    with transaction.atomic():
        locked = _lock(case)
        if locked.version != version:
            raise StaleVersion(locked.version)
        allowed = rules.can_transition(case_facts(case=locked), target)
        if not allowed:
            raise RuleViolation(allowed.reason)
        _bump(locked, version, state=target, **changes)
        _audit(actor, AuditAction.UPDATE, locked, "case", locked.pk, state=target)
    return locked


def case_activate(*, actor: Actor, case: Case, version: int) -> Case:
    """Start case management services on an engaged case. Who: case.manage."""
    return _transition(actor, case, version, CaseState.ACTIVE, activated_at=clock.now())


def case_withdraw(*, actor: Actor, case: Case, version: int, reason: str) -> Case:
    """The consumer withdraws before or during services. Who: case.manage."""
    if not reason.strip():
        raise ValidationFailed.single("reason", _("say why the case is withdrawn"))
    if len(reason) > 2000:
        raise ValidationFailed.single("reason", _("at most 2000 characters"))
    return _transition(
        actor, case, version, CaseState.WITHDRAWN, ended_at=clock.now(), closure_summary=reason
    )


@dataclass(frozen=True)
class ClosureNotice:
    method: str
    delivered_at: datetime
    recipient_name: str = ""
    recipient_type: str = RecipientType.CONSUMER
    language: str = ""


def case_close(
    *,
    actor: Actor,
    case: Case,
    version: int,
    reason: str,
    instructions: str,
    consumer_notice: ClosureNotice | None,
    provider_notices: list[ClosureNotice],
    no_providers_involved: bool = False,
    summary: str = "",
) -> Case:
    """Close the case (I1): a reason, the notice to the consumer and to every involved
    provider, and where to go if things change. Refused while work items are open.
    Who: case.manage. Audits one update."""
    errors: dict[str, list[str]] = {}
    if not instructions.strip():
        errors["instructions"] = [_("tell the consumer where to go if things change")]
    if consumer_notice is None:
        errors["consumer_notice"] = [_("record the closure notice given to the consumer")]
    if any(not n.recipient_name.strip() for n in provider_notices):
        errors["provider_notices"] = [_("name each provider notified")]
    if errors:
        raise ValidationFailed(errors)
    assert consumer_notice is not None
    with transaction.atomic():
        locked = _lock(case)
        if locked.version != version:
            raise StaleVersion(locked.version)
        providers_ok = bool(provider_notices) or (
            no_providers_involved and not external_providers_exist(consumer_id=locked.consumer_id)
        )
        allowed = rules.may_close(
            case_facts(case=locked), consumer_notified=True, providers_accounted=providers_ok
        )
        if not allowed:
            raise RuleViolation(allowed.reason)
        _bump(
            locked,
            version,
            state=CaseState.CLOSED,
            ended_at=clock.now(),
            closure_reason=reason,
            closure_summary=summary,
            closure_instructions=instructions,
        )
        validated(locked)
        now = clock.now()
        notices = [
            Notice(
                case=locked,
                kind=NoticeKind.CLOSURE,
                recipient_type=n.recipient_type,
                recipient_name=n.recipient_name,
                method=n.method,
                language=n.language or locked.consumer.preferred_language,
                delivered_at=n.delivered_at,
                acknowledgement=Acknowledgement.NOT_REQUIRED,
                recorded_by=actor.user,
                recorded_at=now,
            )
            for n in [consumer_notice, *provider_notices]
        ]
        for notice in notices:
            validated(notice, exclude=["case"])
        Notice.objects.bulk_create(notices)
        _audit(
            actor,
            AuditAction.UPDATE,
            locked,
            "case",
            locked.pk,
            state=CaseState.CLOSED,
            reason=reason,
            notices=len(notices),
        )
    return locked


def _override(
    actor: Actor, case: Case, assignee: User | None, blockers: list[str], reason: str
) -> dict[str, Any]:
    """Record a supervisor's override of the assignment gate; the audit detail names it."""
    if not blockers or assignee is None:
        return {}
    row = staff_services.assignment_override_record(
        actor=actor, case_id=case.pk, assignee=assignee, blockers=blockers, reason=reason
    )
    return {"override": row.pk, "override_blockers": blockers}


def case_reassign(
    *,
    actor: Actor,
    case: Case,
    version: int,
    assign_to: User,
    reason: str,
    override_reason: str = "",
) -> Case:
    """Reassign a case to another case manager on a team the supervisor leads; their open
    work items on the case move with it. The new case manager must pass the staff
    assignment gate (A5-A8) unless the supervisor overrides it with `override_reason`.
    Who: case.reassign (supervisors). Audits one update."""
    from casework.coordination.services import work_items_transfer

    if not reason.strip():
        raise ValidationFailed.single("reason", _("say why the case is reassigned"))
    if (
        assign_to.role != Role.CASE_MANAGER
        or not assign_to.is_active
        or assign_to.team is None
        or assign_to.team.supervisor_id != actor.user.pk
    ):
        raise ValidationFailed.single("assign_to", _("not an active case manager on your team"))
    with transaction.atomic():
        locked = _lock(case)
        if locked.version != version:
            raise StaleVersion(locked.version)
        if locked.state in rules.TERMINAL_STATES:
            raise RuleViolation(_("the case is %(state)s") % {"state": locked.state})
        if locked.assigned_to_id == assign_to.pk:
            raise ValidationFailed.single("assign_to", _("the case is already assigned to them"))
        blockers = staff_services.assignment_gate(
            actor=actor,
            assignee=assign_to,
            complexity=locked.complexity,
            severity=locked.severity,
            consumer_id=locked.consumer_id,
            override_reason=override_reason,
        )
        previous_id = locked.assigned_to_id
        _bump(locked, version, assigned_to=assign_to, team=assign_to.team)
        CaseAssignment.objects.create(
            case=locked,
            assigned_to=assign_to,
            previous_id=previous_id,
            assigned_by=actor.user,
            assigned_at=clock.now(),
            reason=reason[:300],
        )
        moved = work_items_transfer(case=locked, from_user_id=previous_id, to_user=assign_to)
        override = _override(actor, locked, assign_to, blockers, override_reason)
        _audit(
            actor,
            AuditAction.UPDATE,
            locked,
            "case",
            locked.pk,
            assigned_to=assign_to.pk,
            previous=previous_id,
            work_items_moved=moved,
            **override,
        )
    return locked


@dataclass(frozen=True)
class ScreenedMember:
    """One member selected by a population-screening run (B2), as the hand-off gives it."""

    key: str
    member_id: str
    given_name: str
    family_name: str
    birth_date: str
    sex: str
    language: str
    tier: str
    reasons: list[dict[str, Any]]
    criteria_id: str
    criteria_version: str
    window_start: str
    window_end: str


@dataclass(frozen=True)
class ImportResult:
    created: int
    already_present: int
    skipped_open_case: int


SEXES = {"female", "male", "other", "unknown"}


def referrals_import_from_screening(*, actor: Actor, members: list[ScreenedMember]) -> ImportResult:
    """Turn selected members into referrals in the supervisor's team queue, exactly once
    per member and screening window (the idempotency key), however often it runs.

    A member matches an existing consumer of the program by member id; otherwise a
    consumer is created. A member whose consumer already has an open case is skipped.
    Who: supervisors (case.intake for their team). Audits one create per new case."""
    from datetime import date as date_type

    created = present = skipped = 0
    for member in members:
        if Referral.objects.filter(external_key=member.key).exists():
            present += 1
            continue
        consumer = Consumer.objects.filter(
            program=actor.user.program, member_id=member.member_id
        ).first()
        reason = _("Population screening %(criteria)s v%(version)s: tier %(tier)s") % {
            "criteria": member.criteria_id,
            "version": member.criteria_version,
            "tier": member.tier,
        }
        detail = {
            "tier": member.tier,
            "reasons": member.reasons,
            "criteria_id": member.criteria_id,
            "criteria_version": member.criteria_version,
            "window": [member.window_start, member.window_end],
        }
        common: dict[str, Any] = {
            "actor": actor,
            "source": "population_screening",
            "reason": reason,
            "received_at": clock.now(),
            "referrer_organization": "Population screening",
            "external_key": member.key,
            "detail": detail,
        }
        if consumer is not None:
            if Case.objects.filter(consumer=consumer, state__in=rules.OPEN_STATES).exists():
                skipped += 1
                continue
            referral_intake(consumer=consumer, **common)
        else:
            fields: ConsumerFields = {
                "member_id": member.member_id,
                "given_name": member.given_name or "Unknown",
                "family_name": member.family_name or "Unknown",
                "birth_date": date_type.fromisoformat(member.birth_date),
                "sex": member.sex if member.sex in SEXES else "unknown",
                "preferred_language": member.language or "en",
            }
            referral_intake(new_consumer=fields, **common)
        created += 1
    return ImportResult(created=created, already_present=present, skipped_open_case=skipped)
