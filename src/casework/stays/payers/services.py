"""Writes of the payer interface (H2) and denials and appeals (H4). One audit event
each; every due time is a clock started through `core.deadlines.clock_start` from a rule
of `payers.rules` (counted in the program's calendar by `core.clocks`). Who may:
`case.manage` over the stay (checked by the web layer's guarded load of the stay)."""

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from casework.core import clock
from casework.core.actor import Actor
from casework.core.audit import audit_record
from casework.core.clocks import ClockRule, ClockUnit, local_datetime
from casework.core.deadlines import clock_start, deadlines_finish, program_calendar
from casework.core.errors import RuleViolation, ValidationFailed
from casework.core.models import AuditAction, Deadline, DeadlineState, Program
from casework.core.validation import validated
from casework.core.versioning import versioned_update
from casework.stays.models import Stay
from casework.stays.payers import rules
from casework.stays.payers.deadlines import AUTHORIZATION, DENIAL, PayerDeadline
from casework.stays.payers.education import education_check
from casework.stays.payers.models import (
    PayerAppealLevel,
    PayerSettings,
    StayAppeal,
    StayAuthorization,
    StayDenial,
)
from casework.stays.payers.selectors import payer_for_stay, payer_terms
from casework.stays.rules import StayState

RUNNING = (DeadlineState.OPEN, DeadlineState.PAUSED)


def payer_audit(
    actor: Actor | None,
    action: str,
    stay: Stay | None,
    object_type: str,
    pk: int,
    **detail: object,
) -> None:
    """One audit event about a payer record of `stay` (its consumer named)."""
    audit_record(
        actor=actor,
        action=action,
        consumer_id=stay.consumer_id if stay is not None else None,
        object_type=object_type,
        object_id=pk,
        detail=detail or None,
    )


def not_in_future(errors: dict[str, list[str]], field: str, at: datetime | None) -> None:
    """Add `field`'s error to `errors` when `at` is after now."""
    if at is not None and at > clock.now():
        errors[field] = [_("cannot be in the future")]


def payer_clock_start(
    kind: PayerDeadline,
    subject_type: str,
    subject_id: int,
    stay: Stay,
    rule: ClockRule,
    at: datetime,
) -> Deadline:
    """Start the payer clock `kind` of a record of `stay`, owned by its reviewer."""
    return clock_start(
        kind=kind,
        subject_type=subject_type,
        subject_id=subject_id,
        rule=rule,
        calendar=program_calendar(program_id=stay.program_id),
        started_at=at,
        owner_id=stay.reviewer_id,
        consumer_id=stay.consumer_id,
    )


def payer_clock_meet(kind: PayerDeadline, subject_type: str, subject_id: int, at: datetime) -> bool:
    """Finish the clock (met when running; a clock the sweep already marked breached
    keeps its miss, is marked done and answers False); True when `at` was in time."""
    row = Deadline.objects.filter(
        kind=kind, subject_type=subject_type, subject_id=subject_id
    ).first()
    if row is None:
        return True
    in_time = row.state in RUNNING and at <= row.due_at
    deadlines_finish(Deadline.objects.filter(pk=row.pk))
    return in_time


# --- payer settings (program data) -------------------------------------------------------


def payer_settings_from_preset(
    *, program: Program, name: str, payer_type: str, actor: Actor | None = None
) -> PayerSettings:
    """A payer's settings for the program, copied from the preset of its type with the
    preset's citations (the program then edits them in the admin). Who may: an
    administrator (admin) or the demo loader. Audits one create."""
    if payer_type not in rules.PayerType._value2member_map_:
        raise ValidationFailed.single("payer_type", _("not one of the choices"))
    preset = rules.PRESETS[rules.PayerType(payer_type)]
    with transaction.atomic():
        payer = validated(
            PayerSettings(
                program=program,
                name=name.strip(),
                payer_type=payer_type,
                notification_amount=preset.notification.amount,
                notification_unit=preset.notification.unit,
                notification_citation=preset.notification.citation,
                review_every_amount=preset.review_every.amount,
                review_every_unit=preset.review_every.unit,
                review_every_citation=preset.review_every.citation,
                decision_amount=preset.decision.amount,
                decision_unit=preset.decision.unit,
                decision_citation=preset.decision.citation,
                expedited_decision_amount=preset.expedited_decision.amount,
                expedited_decision_unit=preset.expedited_decision.unit,
                expedited_decision_citation=preset.expedited_decision.citation,
                peer_to_peer_amount=preset.peer_to_peer.amount if preset.peer_to_peer else None,
                peer_to_peer_unit=(
                    preset.peer_to_peer.unit if preset.peer_to_peer else ClockUnit.BUSINESS_DAYS
                ),
                peer_to_peer_citation=preset.peer_to_peer.citation if preset.peer_to_peer else "",
            )
        )
        payer.save()
        payer_levels_from_preset(payer=payer)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type="payer_settings",
            object_id=payer.pk,
            detail={"preset": payer_type},
        )
    return payer


def payer_levels_from_preset(*, payer: PayerSettings) -> list[PayerAppealLevel]:
    """Give a payer without appeal levels the levels of its type's preset (the admin's
    add form and `payer_settings_from_preset`); a payer with levels keeps them."""
    if payer.levels.exists():
        return list(payer.levels.all())
    preset = rules.PRESETS[rules.PayerType(payer.payer_type)]
    return PayerAppealLevel.objects.bulk_create(
        [
            PayerAppealLevel(
                payer=payer,
                level=level.level,
                name=level.name,
                filing_amount=level.filing.amount,
                filing_unit=level.filing.unit,
                decision_amount=level.decision.amount,
                decision_unit=level.decision.unit,
                expedited_amount=level.expedited_decision.amount,
                expedited_unit=level.expedited_decision.unit,
                citation="; ".join(
                    dict.fromkeys(
                        (
                            level.filing.citation,
                            level.decision.citation,
                            level.expedited_decision.citation,
                        )
                    )
                ),
            )
            for level in preset.levels
        ]
    )


def _payer_of(stay: Stay) -> PayerSettings:
    payer = payer_for_stay(stay=stay)
    if payer is None:
        raise RuleViolation(
            _("the stay's payer '%(payer)s' has no payer settings in this program")
            % {"payer": stay.payer or "—"}
        )
    return payer


# --- authorizations (H2) -----------------------------------------------------------------


@dataclass(frozen=True)
class AuthorizationFacts:
    level_of_care: str
    requested_days: int  # in `unit`
    expedited: bool = False
    notification_sent_at: datetime | None = None
    unit: str = ""  # empty: the service's first unit
    provider_name: str = ""
    requested_start_date: date | None = None


def authorization_open(*, actor: Actor, stay: Stay, facts: AuthorizationFacts) -> StayAuthorization:
    """Open the payer's authorization of an in-house stay at a level of care, or of a
    post-acute service after it (with its unit, receiving provider and requested start),
    and start its notification clock: the payer's window from the inpatient admission (or
    the admission), or for a post-acute service from the request opened now. With
    `notification_sent_at` the notification is recorded at once and the payer's decision
    clock starts. Refused (409) when the stay's payer has no settings or the stay has
    left the house. Audits one create."""
    calendar = program_calendar(program_id=stay.program_id)
    errors = rules.authorization_problems(
        level_of_care=facts.level_of_care,
        unit=facts.unit,
        provider_name=facts.provider_name,
        requested_start_date=facts.requested_start_date,
        admitted_date=calendar.local_date(stay.admitted_at),
    )
    if facts.requested_days < 1:
        errors["requested_days"] = [_("must be at least 1")]
    not_in_future(errors, "notification_sent_at", facts.notification_sent_at)
    if facts.notification_sent_at is not None and facts.notification_sent_at < stay.admitted_at:
        errors["notification_sent_at"] = [_("cannot be before the admission")]
    if errors:
        raise ValidationFailed(errors)
    if stay.state != StayState.IN_HOUSE:
        raise RuleViolation(_("the stay is no longer in the house"))
    payer = _payer_of(stay)
    terms = payer_terms(payer)
    level = rules.LevelOfCare(facts.level_of_care)
    post_acute = rules.is_post_acute(level)
    now = clock.now()
    with transaction.atomic():
        authorization = StayAuthorization.objects.create(
            stay=stay,
            payer=payer,
            level_of_care=level,
            unit=facts.unit or rules.UNITS[level][0],
            requested_days=facts.requested_days,
            expedited=facts.expedited,
            provider_name=facts.provider_name.strip(),
            requested_start_date=facts.requested_start_date,
            created_by=actor.user,
            created_at=now,
        )
        payer_clock_start(
            PayerDeadline.NOTIFY,
            AUTHORIZATION,
            authorization.pk,
            stay,
            rules.notification_rule(terms),
            now if post_acute else (stay.inpatient_at or stay.admitted_at),
        )
        if facts.notification_sent_at is not None:
            _notified(authorization, stay, terms, facts.notification_sent_at)
        payer_audit(
            actor,
            AuditAction.CREATE,
            stay,
            "stay_authorization",
            authorization.pk,
            level_of_care=facts.level_of_care,
        )
    return authorization


def _notified(
    authorization: StayAuthorization, stay: Stay, terms: rules.PayerTerms, at: datetime
) -> dict[str, object]:
    payer_clock_meet(PayerDeadline.NOTIFY, AUTHORIZATION, authorization.pk, at)
    payer_clock_start(
        PayerDeadline.DECISION,
        AUTHORIZATION,
        authorization.pk,
        stay,
        rules.decision_rule(terms, expedited=authorization.expedited),
        at,
    )
    changes: dict[str, object] = {
        "state": rules.AuthorizationState.NOTIFIED,
        "notification_sent_at": at,
    }
    for name, value in changes.items():
        setattr(authorization, name, value)
    StayAuthorization.objects.filter(pk=authorization.pk).update(**changes)
    return changes


@dataclass(frozen=True)
class StepFacts:
    step: str
    at: datetime
    reference_number: str = ""
    decision: str = ""  # approved, partly_approved or denied (the decided step)
    authorized_days: int | None = None
    valid_from: date | None = None  # the validity of an approval, both ends or none
    valid_until: date | None = None


DECISIONS = (
    rules.AuthorizationState.APPROVED,
    rules.AuthorizationState.PARTLY_APPROVED,
    rules.AuthorizationState.DENIED,
)


def _step_problems(authorization: StayAuthorization, facts: StepFacts) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if facts.step not in rules.AuthorizationStep._value2member_map_:
        return {"step": [_("not one of the choices")]}
    not_in_future(errors, "at", facts.at)
    if facts.at < authorization.stay.admitted_at:
        errors["at"] = [_("cannot be before the admission")]
    step = rules.AuthorizationStep(facts.step)
    if step == rules.AuthorizationStep.ACKNOWLEDGED and not facts.reference_number.strip():
        errors["reference_number"] = [_("the payer's reference number is required")]
    deciding = step in (rules.AuthorizationStep.DECIDED, rules.AuthorizationStep.RECONSIDERED)
    if deciding:
        errors.update(
            rules.validity_problems(valid_from=facts.valid_from, valid_until=facts.valid_until)
        )
    elif facts.valid_from is not None or facts.valid_until is not None:
        errors["valid_from"] = [_("only a decision has a validity")]
    if deciding:
        if facts.decision not in DECISIONS:
            errors["decision"] = [_("approved, partly_approved or denied")]
        elif (
            step == rules.AuthorizationStep.RECONSIDERED
            and facts.decision == rules.AuthorizationState.DENIED
        ):
            errors["decision"] = [_("a reconsidered decision approves days")]
        elif facts.decision == rules.AuthorizationState.DENIED:
            if facts.authorized_days:
                errors["authorized_days"] = [_("a denial authorizes no days")]
            if facts.valid_from is not None:
                errors["valid_from"] = [_("a denial has no validity")]
        elif facts.authorized_days is None or facts.authorized_days < 1:
            errors["authorized_days"] = [_("give the days authorized")]
        elif facts.authorized_days > authorization.requested_days:
            errors["authorized_days"] = [_("more than the days requested")]
        elif (
            facts.decision == rules.AuthorizationState.APPROVED
            and facts.authorized_days < authorization.requested_days
        ):
            errors["decision"] = [_("fewer days than requested is a partial approval")]
    return errors


def authorization_step(
    *, actor: Actor, authorization: StayAuthorization, version: int, facts: StepFacts
) -> StayAuthorization:
    """Record one step of an authorization: the notification sent (the payer's decision
    clock starts), acknowledged (with its reference number), the payer's decision (days
    authorized; the first continued-stay review falls due), a clinical review sent (the
    next one falls due), or the payer's reconsidered decision after an adverse one. Each
    step meets its clock. A step the state does not allow is refused (409); bad input is
    422 and changes nothing. Audits one update."""
    with transaction.atomic():
        step = authorization_step_apply(authorization, version, facts)
        payer_audit(
            actor,
            AuditAction.UPDATE,
            authorization.stay,
            "stay_authorization",
            authorization.pk,
            step=step.value,
        )
    return authorization


def authorization_step_apply(
    authorization: StayAuthorization, version: int, facts: StepFacts
) -> rules.AuthorizationStep:
    """`authorization_step` without its audit event (a peer-to-peer's outcome applies
    the payer's reconsidered decision through it and audits itself)."""
    errors = _step_problems(authorization, facts)
    if errors:
        raise ValidationFailed(errors)
    step = rules.AuthorizationStep(facts.step)
    if not rules.step_allowed(step, authorization.state):
        raise RuleViolation(
            _("an authorization that is %(state)s cannot be %(step)s")
            % {"state": authorization.state, "step": step.value}
        )
    stay = authorization.stay
    terms = payer_terms(authorization.payer)
    changes: dict[str, object] = {}
    versioned_update(
        authorization,
        version=version,
        changes={"state": authorization.state},
        where=Q(state=authorization.state),
    )
    if step == rules.AuthorizationStep.NOTIFIED:
        changes = _notified(authorization, stay, terms, facts.at)
    elif step == rules.AuthorizationStep.ACKNOWLEDGED:
        changes = {
            "state": rules.AuthorizationState.ACKNOWLEDGED,
            "acknowledged_at": facts.at,
            "reference_number": facts.reference_number.strip(),
        }
    elif step in (rules.AuthorizationStep.DECIDED, rules.AuthorizationStep.RECONSIDERED):
        payer_clock_meet(PayerDeadline.DECISION, AUTHORIZATION, authorization.pk, facts.at)
        changes = {
            "state": facts.decision,
            "decided_at": facts.at,
            "authorized_days": facts.authorized_days or 0,
            "valid_from": facts.valid_from,
            "valid_until": facts.valid_until,
        }
        if facts.reference_number.strip():
            changes["reference_number"] = facts.reference_number.strip()
        if facts.decision != rules.AuthorizationState.DENIED:
            review = payer_clock_start(
                PayerDeadline.REVIEW,
                AUTHORIZATION,
                authorization.pk,
                stay,
                rules.review_rule(terms),
                facts.at,
            )
            changes["next_review_due_at"] = review.due_at
    else:
        payer_clock_meet(PayerDeadline.REVIEW, AUTHORIZATION, authorization.pk, facts.at)
        review = payer_clock_start(
            PayerDeadline.REVIEW,
            AUTHORIZATION,
            authorization.pk,
            stay,
            rules.review_rule(terms),
            facts.at,
        )
        changes = {"last_review_sent_at": facts.at, "next_review_due_at": review.due_at}
    StayAuthorization.objects.filter(pk=authorization.pk).update(**changes)
    for name, value in changes.items():
        setattr(authorization, name, value)
    return step


# --- denials and appeals (H4) ------------------------------------------------------------


@dataclass(frozen=True)
class DenialFacts:
    kind: str
    reason: str
    received_date: date
    denied_days: int | None = None
    denied_amount: Decimal | None = None
    reference_number: str = ""
    authorization_id: int | None = None
    reason_category: str = ""  # required: a category of the program's denial taxonomy


def _day_start(stay: Stay, day: date) -> datetime:
    """The start of `day` in the program's zone: day 0 of a clock started on a date."""
    return local_datetime(day, time(0, 0), program_calendar(program_id=stay.program_id))


def denial_record(*, actor: Actor, stay: Stay, facts: DenialFacts) -> StayDenial:
    """Record the payer's denial of days or money of the stay (received on a date), its
    reason and the reason's category in the program's denial taxonomy, with the stay's
    unit and attending as they are now (for the report), and start the filing clock of its
    first appeal level. Refused (409) when the stay's payer
    has no settings or no appeal level. Audits one create."""
    errors = rules.denial_problems(
        days=facts.denied_days, amount=facts.denied_amount, kind=facts.kind
    )
    if not facts.reason.strip():
        errors["reason"] = [_("give the payer's reason")]
    taxonomy = rules.denial_taxonomy(settings.CASEWORK_STAYS_DENIAL_TAXONOMY)
    errors.update(rules.category_problems(taxonomy, facts.reason_category))
    calendar = program_calendar(program_id=stay.program_id)
    if facts.received_date > calendar.local_date(clock.now()):
        errors["received_date"] = [_("cannot be in the future")]
    elif facts.received_date < calendar.local_date(stay.admitted_at):
        errors["received_date"] = [_("cannot be before the admission")]
    authorization = None
    if facts.authorization_id is not None:
        authorization = StayAuthorization.objects.filter(
            stay_id=stay.pk, pk=facts.authorization_id
        ).first()
        if authorization is None:
            errors["authorization_id"] = [_("no such authorization of this stay")]
    if errors:
        raise ValidationFailed(errors)
    payer = authorization.payer if authorization is not None else _payer_of(stay)
    terms = payer_terms(payer)
    first = rules.level_terms(terms, 1)
    if first is None:
        raise RuleViolation(_("the payer's settings have no appeal level"))
    with transaction.atomic():
        denial = validated(
            StayDenial(
                stay=stay,
                payer=payer,
                authorization=authorization,
                kind=facts.kind,
                reason=facts.reason.strip(),
                reason_category=facts.reason_category,
                reason_taxonomy=taxonomy.key,
                unit_id=stay.unit_id,
                attending=stay.attending,
                denied_days=facts.denied_days,
                denied_amount=facts.denied_amount,
                received_date=facts.received_date,
                reference_number=facts.reference_number.strip(),
                recorded_by=actor.user,
                created_at=clock.now(),
            )
        )
        denial.save()
        payer_clock_start(
            PayerDeadline.APPEAL_FILE,
            DENIAL,
            denial.pk,
            stay,
            rules.filing_rule(first),
            _day_start(stay, facts.received_date),
        )
        education_check(denial=denial)
        payer_audit(actor, AuditAction.CREATE, stay, "stay_denial", denial.pk, kind=facts.kind)
    return denial


@dataclass(frozen=True)
class AppealFacts:
    filed_at: datetime
    expedited: bool = False
    argument: str = ""
    late_reason: str = ""


def appeal_file(
    *, actor: Actor, denial: StayDenial, version: int, facts: AppealFacts
) -> StayAppeal:
    """File the appeal of an open denial at its next level: the filing clock is met (a
    filing after its limit needs the good cause the payer accepts, `late_reason`), and
    the payer's decision clock starts (standard or expedited, in the level's unit).
    Refused (409) while an appeal is pending, once the denial is closed, or when no level
    is left. Audits one create."""
    stay = denial.stay
    errors: dict[str, list[str]] = {}
    not_in_future(errors, "filed_at", facts.filed_at)
    if facts.filed_at < _day_start(stay, denial.received_date):
        errors["filed_at"] = [_("cannot be before the denial was received")]
    if errors:
        raise ValidationFailed(errors)
    if denial.state != rules.DenialState.OPEN:
        raise RuleViolation(
            _("the denial is not open to appeal (%(state)s)") % {"state": denial.state}
        )
    terms = payer_terms(denial.payer)
    decided = StayAppeal.objects.filter(denial=denial).count()
    level = rules.next_level(terms, decided)
    if level is None:
        raise RuleViolation(_("the payer has no further appeal level"))
    filing = Deadline.objects.filter(
        kind=PayerDeadline.APPEAL_FILE, subject_type=DENIAL, subject_id=denial.pk
    ).first()
    late = filing is not None and facts.filed_at > filing.due_at
    if late and not facts.late_reason.strip():
        raise ValidationFailed.single(
            "late_reason",
            _("the filing limit passed on %(due)s: give the good cause")
            % {"due": filing.due_at.isoformat() if filing else ""},
        )
    with transaction.atomic():
        versioned_update(
            denial,
            version=version,
            changes={"state": rules.DenialState.APPEALING},
            where=Q(state=rules.DenialState.OPEN),
            refused=RuleViolation(_("the denial is not open to appeal")),
        )
        in_time = (
            payer_clock_meet(PayerDeadline.APPEAL_FILE, DENIAL, denial.pk, facts.filed_at)
            and not late
        )
        decision = payer_clock_start(
            PayerDeadline.APPEAL_DECISION,
            DENIAL,
            denial.pk,
            stay,
            rules.appeal_decision_rule(level, expedited=facts.expedited),
            facts.filed_at,
        )
        appeal = StayAppeal.objects.create(
            denial=denial,
            level=level.level,
            level_name=level.name,
            expedited=facts.expedited,
            filed_at=facts.filed_at,
            filed_in_time=in_time,
            late_reason=facts.late_reason.strip(),
            argument=facts.argument.strip(),
            decision_due_at=decision.due_at,
            filed_by=actor.user,
        )
        payer_audit(actor, AuditAction.CREATE, stay, "stay_appeal", appeal.pk, level=level.level)
    return appeal


@dataclass(frozen=True)
class OutcomeFacts:
    outcome: str
    decided_at: datetime
    overturned_days: int | None = None
    overturned_amount: Decimal | None = None


def appeal_decide(
    *, actor: Actor, appeal: StayAppeal, version: int, facts: OutcomeFacts
) -> StayAppeal:
    """Record the payer's decision on a pending appeal and what it recovered. The
    decision clock is met; a denial upheld (or partly) with a level left is open again and
    the next level's filing clock starts at the decision; otherwise it is closed (or
    overturned). Audits one update."""
    denial = appeal.denial
    errors = rules.outcome_problems(
        outcome=facts.outcome,
        overturned_days=facts.overturned_days,
        overturned_amount=facts.overturned_amount,
        denied_days=denial.denied_days,
        denied_amount=denial.denied_amount,
    )
    not_in_future(errors, "decided_at", facts.decided_at)
    if facts.decided_at < appeal.filed_at:
        errors["decided_at"] = [_("cannot be before the appeal was filed")]
    if errors:
        raise ValidationFailed(errors)
    outcome = rules.AppealOutcome(facts.outcome)
    terms = payer_terms(denial.payer)
    following = rules.level_terms(terms, appeal.level + 1)
    state = rules.denial_state_after(outcome, more_levels=following is not None)
    stay = denial.stay
    with transaction.atomic():
        versioned_update(
            appeal,
            version=version,
            changes={
                "outcome": outcome.value,
                "decided_at": facts.decided_at,
                "overturned_days": facts.overturned_days,
                "overturned_amount": facts.overturned_amount,
            },
            where=Q(outcome=""),
            refused=RuleViolation(_("the appeal was already decided")),
        )
        denial_state_set(denial, state)
        payer_clock_meet(PayerDeadline.APPEAL_DECISION, DENIAL, denial.pk, facts.decided_at)
        if state == rules.DenialState.OPEN and following is not None:
            payer_clock_start(
                PayerDeadline.APPEAL_FILE,
                DENIAL,
                denial.pk,
                stay,
                rules.filing_rule(following),
                facts.decided_at,
            )
        payer_audit(
            actor, AuditAction.UPDATE, stay, "stay_appeal", appeal.pk, outcome=outcome.value
        )
    return appeal


def denial_state_set(denial: StayDenial, state: rules.DenialState) -> None:
    """Move a denial to `state` after the payer's word on it (an appeal's outcome or a
    peer-to-peer's); the caller holds the transaction."""
    StayDenial.objects.filter(pk=denial.pk).update(state=state, version=denial.version + 1)
    denial.state, denial.version = state, denial.version + 1


def appeal_packet_printed(
    *,
    actor: Actor,
    denial: StayDenial,
    note_ids: list[int] | None = None,
    document_ids: list[int] | None = None,
    part2_withheld_ids: list[int] | None = None,
    part2_disclosed_ids: list[int] | None = None,
    part2_consent_id: int | None = None,
) -> None:
    """The appeal packet of a denial was printed: with the case notes `note_ids`, among
    them the Part 2 notes `part2_disclosed_ids` under the consent `part2_consent_id`
    naming the payer, or without the Part 2 notes `part2_withheld_ids` of the stay (S40:
    no consent names the payer), and the stay's attached documents `document_ids`.
    Audits one print naming them. A packet goes to the payer
    for payment (TPO), so it is no entry in the accounting of disclosures
    (`governance.disclosure_record` covers disclosures outside TPO)."""
    notes: dict[str, object] = {} if note_ids is None else {"notes": note_ids}
    if document_ids:
        notes["documents"] = document_ids
    if part2_withheld_ids:
        notes["part2_withheld"] = part2_withheld_ids
    if part2_disclosed_ids:
        notes["part2_disclosed"] = part2_disclosed_ids
        notes["part2_consent"] = part2_consent_id
    payer_audit(
        actor,
        AuditAction.PRINT,
        denial.stay,
        "stay_denial",
        denial.pk,
        document="appeal_packet",
        **notes,
    )
