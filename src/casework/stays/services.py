"""Writes for stays (H1): register or admit, transfer, discharge, class change, update,
cancel (undo an event and its clocks) and merge. Each writes one audit event naming the
consumer, in the transaction of its change, and ends by syncing the stay's clocks.

Who may: the web layer's guarded load (`access_stay`) for people; the ADT listener acts
for the interface (the audit event names the sending application).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from casework.consumers.models import Consumer
from casework.core import clock
from casework.core.actor import Actor
from casework.core.audit import audit_record
from casework.core.deadlines import deadline_set
from casework.core.errors import RuleViolation, ValidationFailed
from casework.core.models import AuditAction, Deadline, DeadlineState, Program
from casework.core.prepared import PreparedInsert, PreparedQuery, PreparedUpdate
from casework.core.versioning import versioned_update
from casework.staff.models import User
from casework.stays import rules
from casework.stays.deadlines import (
    SUBJECT,
    StayDeadline,
    facility_zone,
    stay_clocks_start,
    stay_clocks_sync,
)
from casework.stays.models import (
    AdtMessage,
    AdvisorReferral,
    MedicareNotice,
    Stay,
    StayReview,
    StayStatusChange,
    Unit,
    UnitAssignment,
)
from casework.stays.rules import StatusSource, StayClass, StayEvent, StayState


@dataclass(frozen=True)
class Via:
    """Who makes the change: a person (actor) or the interface (sending application),
    from which source, and the ADT message when there is one."""

    source: StatusSource
    actor: Actor | None = None
    interface: str = ""
    message: AdtMessage | None = None


def _audit(via: Via, action: str, stay: Stay, **detail: Any) -> None:
    audit_record(
        actor=via.actor,
        username=via.interface,
        action=action,
        consumer_id=stay.consumer_id,
        object_type="stay",
        object_id=stay.pk,
        detail={"source": via.source.value, **detail},
    )


def _snapshot(stay: Stay) -> dict[str, Any]:
    return {
        "stay_class": stay.stay_class,
        "state": stay.state,
        "unit_id": stay.unit_id,
        "bed": stay.bed,
        "class_since": stay.class_since.isoformat(),
        "inpatient_at": stay.inpatient_at.isoformat() if stay.inpatient_at else None,
        "discharged_at": stay.discharged_at.isoformat() if stay.discharged_at else None,
    }


def _restore(stay: Stay, prior: dict[str, Any]) -> None:
    stay.stay_class = prior["stay_class"]
    stay.state = prior["state"]
    stay.unit_id = prior["unit_id"]
    stay.bed = prior["bed"]
    stay.class_since = datetime.fromisoformat(prior["class_since"])
    stay.inpatient_at = (
        datetime.fromisoformat(prior["inpatient_at"]) if prior["inpatient_at"] else None
    )
    stay.discharged_at = (
        datetime.fromisoformat(prior["discharged_at"]) if prior["discharged_at"] else None
    )


# Every ADT message writes a history row and most save the stay: both statements are
# compiled once per database (core.prepared), not per message.
_HISTORY_INSERT = PreparedInsert(StayStatusChange)
_STAY_UPDATE = PreparedUpdate(Stay)
# An admission (an A01 or A04 from the feed) checks its visit number and inserts the stay.
_STAY_INSERT = PreparedInsert(Stay)
_VISIT_IN_USE = PreparedQuery(
    lambda program_id, visit: Stay.objects.filter(
        program_id=program_id, visit_number=visit
    ).values_list("pk")[:1],
    program_id=987_654_321,
    visit="~visit-in-use-sample~",
)


def _history(
    stay: Stay, event: StayEvent, at: datetime, via: Via, prior: dict[str, Any] | None = None
) -> StayStatusChange:
    return _HISTORY_INSERT.insert(
        StayStatusChange(
            stay=stay,
            event=event,
            occurred_at=at,
            recorded_at=clock.now(),
            source=via.source,
            stay_class=stay.stay_class,
            state=stay.state,
            unit_id=stay.unit_id,
            bed=stay.bed,
            prior=prior or {},
            adt_message=via.message,
            recorded_by=via.actor.user if via.actor else None,
        )
    )


def _save(stay: Stay) -> None:
    stay.updated_at = clock.now()
    stay.version += 1
    _STAY_UPDATE.update(stay)


def _in_house(stay: Stay) -> None:
    if stay.state != StayState.IN_HOUSE:
        raise RuleViolation(_("the stay is not in the house"))


@dataclass(frozen=True)
class StayFacts:
    """The facts of a new stay (admit or register)."""

    visit_number: str
    stay_class: StayClass
    admitted_at: datetime
    unit: Unit | None = None
    bed: str = ""
    attending: str = ""
    admitting_diagnosis: str = ""
    payer: str = ""
    plan: str = ""
    medicare: bool = False
    admission_order_at: datetime | None = None
    expected_discharge_date: date | None = None
    drg: str = ""
    case_id: int | None = None


def drg_validate(drg: str, version: str) -> None:
    if drg and drg not in rules.drg_table(version).entries:
        raise ValidationFailed.single("drg", _("not in the DRG table %(v)s") % {"v": version})


def _facts_validate(facts: StayFacts, version: str) -> None:
    errors: dict[str, list[str]] = {}
    if not facts.visit_number.strip():
        errors["visit_number"] = [_("required")]
    if facts.admitted_at > clock.now() + timedelta(minutes=5):
        errors["admitted_at"] = [_("may not be in the future")]
    order = facts.admission_order_at
    if order is not None and facts.stay_class == StayClass.INPATIENT and order > facts.admitted_at:
        errors["admission_order_at"] = [
            _("the admission order must be at or before the inpatient admission")
        ]
    if facts.expected_discharge_date is not None and facts.expected_discharge_date < (
        facts.admitted_at.astimezone(facility_zone()).date()
    ):
        errors["expected_discharge_date"] = [_("may not be before the admission")]
    if facts.drg and facts.drg not in rules.drg_table(version).entries:
        errors["drg"] = [_("not in the DRG table %(v)s") % {"v": version}]
    if errors:
        raise ValidationFailed(errors)


@transaction.atomic
def stay_create(
    *, program: Program, consumer: Consumer, facts: StayFacts, via: Via, drg_version: str
) -> Stay:
    """Admit (inpatient) or register (observation, emergency, outpatient in a bed) a stay
    of `consumer`. A visit number already in the program is refused. Audits one create."""
    _facts_validate(facts, drg_version)
    if _VISIT_IN_USE.rows(program_id=program.pk, visit=facts.visit_number):
        raise ValidationFailed.single("visit_number", _("this visit number is already in use"))
    now = clock.now()
    stay = Stay(
        program=program,
        consumer=consumer,
        case_id=facts.case_id,
        visit_number=facts.visit_number,
        stay_class=facts.stay_class,
        admitted_at=facts.admitted_at,
        class_since=facts.admitted_at,
        inpatient_at=facts.admitted_at if facts.stay_class == StayClass.INPATIENT else None,
        admission_order_at=facts.admission_order_at,
        expected_discharge_date=facts.expected_discharge_date,
        unit=facts.unit,
        bed=facts.bed,
        attending=facts.attending,
        admitting_diagnosis=facts.admitting_diagnosis,
        payer=facts.payer,
        plan=facts.plan,
        medicare=facts.medicare,
        drg=facts.drg,
        drg_table_version=drg_version if facts.drg else "",
        created_at=now,
        updated_at=now,
    )
    _STAY_INSERT.insert(stay)
    event = StayEvent.ADMIT if facts.stay_class == StayClass.INPATIENT else StayEvent.REGISTER
    _history(stay, event, facts.admitted_at, via)
    stay_clocks_start(stay=stay)
    _audit(via, AuditAction.CREATE, stay, event=event.value)
    return stay


@transaction.atomic
def stay_transfer(*, stay: Stay, unit: Unit | None, bed: str, at: datetime, via: Via) -> Stay:
    """Move an in-house stay to another unit or bed. Audits one update."""
    _in_house(stay)
    prior = _snapshot(stay)
    stay.unit, stay.bed = unit, bed
    _save(stay)
    _history(stay, StayEvent.TRANSFER, at, via, prior)
    _audit(via, AuditAction.UPDATE, stay, event=StayEvent.TRANSFER.value)
    return stay


@transaction.atomic
def stay_discharge(*, stay: Stay, at: datetime, via: Via) -> Stay:
    """Discharge an in-house stay (A03). Audits one update."""
    _in_house(stay)
    if at < stay.admitted_at:
        raise ValidationFailed.single("discharged_at", _("may not be before the admission"))
    prior = _snapshot(stay)
    stay.state, stay.discharged_at = StayState.DISCHARGED, at
    _save(stay)
    _history(stay, StayEvent.DISCHARGE, at, via, prior)
    stay_clocks_sync(stay=stay)
    _audit(via, AuditAction.UPDATE, stay, event=StayEvent.DISCHARGE.value)
    return stay


@transaction.atomic
def stay_class_change(
    *,
    stay: Stay,
    stay_class: StayClass,
    at: datetime,
    via: Via,
    cc44: rules.Cc44Facts | None = None,
) -> Stay:
    """Change the class of an in-house stay (A06 outpatient → inpatient; A07 inpatient →
    outpatient). A person's inpatient → outpatient change follows the Condition Code 44
    steps and is refused with the missing steps; the feed reports a change the hospital
    made, and records it. Audits one update."""
    _in_house(stay)
    if stay_class == stay.stay_class:
        raise ValidationFailed.single("stay_class", _("the stay is already of this class"))
    leaving_inpatient = stay.stay_class == StayClass.INPATIENT
    if leaving_inpatient and via.source != StatusSource.ADT:
        missing = rules.cc44_missing_steps(
            cc44
            or rules.Cc44Facts(
                in_house=True,
                inpatient_claim_submitted=False,
                ur_physician_decided=False,
                attending_concurred=False,
                concurrence_documented=False,
            )
        )
        if missing:
            raise RuleViolation(_("Condition Code 44: ") + "; ".join(missing))
    prior = _snapshot(stay)
    stay.stay_class, stay.class_since = stay_class, at
    if stay_class == StayClass.INPATIENT:
        stay.inpatient_at = at
    elif leaving_inpatient:
        stay.inpatient_at = None
    _save(stay)
    _history(stay, StayEvent.CLASS_CHANGE, at, via, prior)
    stay_clocks_sync(stay=stay)
    _audit(via, AuditAction.UPDATE, stay, event=StayEvent.CLASS_CHANGE.value)
    return stay


UPDATABLE = (
    "attending",
    "admitting_diagnosis",
    "payer",
    "plan",
    "medicare",
    "expected_discharge_date",
    "admission_order_at",
    "drg",
    "bed",
)

# The details among UPDATABLE that a stay's clocks depend on (deadlines._due_now): an
# update that changes none of them leaves the clocks as they are (no re-sync).
CLOCK_FIELDS = frozenset({"medicare", "expected_discharge_date"})


@transaction.atomic
def stay_update(
    *,
    stay: Stay,
    fields: dict[str, Any],
    via: Via,
    drg_version: str,
    version: int | None = None,
    at: datetime | None = None,
) -> Stay:
    """Change the details of a stay (A08, the stay page, the API). A stale `version` is 409.
    Audits one update naming the fields changed."""
    unknown = sorted(set(fields) - set(UPDATABLE))
    if unknown:
        raise ValidationFailed({name: [_("may not be changed here")] for name in unknown})
    if "drg" in fields:
        drg_validate(fields["drg"], drg_version)
    order = fields.get("admission_order_at", stay.admission_order_at)
    if order is not None and stay.inpatient_at is not None and order > stay.inpatient_at:
        raise ValidationFailed.single(
            "admission_order_at",
            _("the admission order must be at or before the inpatient admission"),
        )
    changed = sorted(k for k, v in fields.items() if getattr(stay, k) != v)
    if version is not None:
        values = dict(fields)
        if "drg" in values:
            values["drg_table_version"] = drg_version if values["drg"] else ""
        values["updated_at"] = clock.now()
        stay = versioned_update(stay, version=version, changes=values)
    else:
        values = dict(fields)
        if "drg" in values:
            values["drg_table_version"] = drg_version if values["drg"] else ""
        if any(getattr(stay, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(stay, name, value)
            _save(stay)
        # else: an update that changes nothing (most of a feed's A08s for a stay) leaves
        # the row and its version as they are; the history and the audit still record it.
    _history(stay, StayEvent.UPDATE, at or clock.now(), via)
    if CLOCK_FIELDS.intersection(changed):
        stay_clocks_sync(stay=stay)
    _audit(via, AuditAction.UPDATE, stay, event=StayEvent.UPDATE.value, fields=changed)
    return stay


CANCELS = {
    StayEvent.CANCEL_ADMIT: (StayEvent.ADMIT, StayEvent.REGISTER),
    StayEvent.CANCEL_TRANSFER: (StayEvent.TRANSFER,),
    StayEvent.CANCEL_DISCHARGE: (StayEvent.DISCHARGE,),
}


@transaction.atomic
def stay_cancel(*, stay: Stay, cancel: StayEvent, at: datetime, via: Via) -> Stay:
    """Undo the latest event that `cancel` cancels (A11 admit, A12 transfer, A13
    discharge), restoring what it replaced, and re-sync the clocks (so the clocks the
    event started stop). Refused when there is no such event. Audits one update."""
    kinds = CANCELS[cancel]
    target = (
        StayStatusChange.objects.filter(stay=stay, event__in=kinds, undone=False)
        .order_by("-occurred_at", "-pk")
        .first()
    )
    if target is None:
        raise RuleViolation(_("there is no event for this cancel to undo"))
    if cancel == StayEvent.CANCEL_TRANSFER and stay.state != StayState.IN_HOUSE:
        raise RuleViolation(_("the stay is not in the house"))
    prior = _snapshot(stay)
    if cancel == StayEvent.CANCEL_ADMIT:
        stay.state = StayState.CANCELLED
    else:
        _restore(stay, target.prior)
    target.undone = True
    target.save(update_fields=["undone"])
    _save(stay)
    _history(stay, cancel, at, via, prior)
    stay_clocks_sync(stay=stay)
    _audit(via, AuditAction.UPDATE, stay, event=cancel.value, undoes=target.pk)
    return stay


@transaction.atomic
def stays_merge(*, survivor: Consumer, prior: Consumer, at: datetime, via: Via) -> int:
    """A40: the prior patient's stays move to the surviving patient. Audits one update per
    stay moved (each names its consumer). Returns the number moved."""
    moved = 0
    for stay in Stay.objects.select_for_update().filter(consumer=prior):
        stay.consumer = survivor
        _save(stay)
        _history(stay, StayEvent.MERGE, at, via, {"consumer_id": prior.pk})
        stay_clocks_sync(stay=stay)
        _audit(via, AuditAction.UPDATE, stay, event=StayEvent.MERGE.value, prior=prior.pk)
        moved += 1
    return moved


@transaction.atomic
def unit_assign(*, unit: Unit, user: User, actor: Actor | None) -> UnitAssignment:
    """Assign a case manager to a unit (they reach its stays). No consumer data."""
    if user.program_id != unit.program_id:
        raise ValidationFailed.single("user", _("no such staff member in this program"))
    assignment, _created = UnitAssignment.objects.get_or_create(
        unit=unit, user=user, defaults={"assigned_at": clock.now()}
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="unit_assignment",
        object_id=assignment.pk,
        detail={"unit": unit.pk, "user": user.pk},
    )
    return assignment


@transaction.atomic
def stay_encounter_apply(
    *,
    stay: Stay,
    stay_class: StayClass,
    unit: Unit | None,
    admitting_diagnosis: str,
    discharged_at: datetime | None,
    via: Via,
) -> Stay:
    """A FHIR Encounter update: class, unit, diagnosis and (with `discharged_at`) the
    discharge, each recorded in the history; a person's change out of inpatient follows
    the Condition Code 44 steps (refused here: use the stay page). Audits one update."""
    if stay.state != StayState.IN_HOUSE:
        raise RuleViolation(_("the stay is not in the house"))
    if stay.stay_class == StayClass.INPATIENT and stay_class != StayClass.INPATIENT:
        raise RuleViolation(
            _(
                "Condition Code 44: a change out of inpatient needs the UR physician's decision "
                "and the attending's documented concurrence"
            )
        )
    now = clock.now()
    events: list[str] = []
    if stay_class != stay.stay_class:
        prior = _snapshot(stay)
        stay.stay_class, stay.class_since = stay_class, now
        if stay_class == StayClass.INPATIENT:
            stay.inpatient_at = now
        _history(stay, StayEvent.CLASS_CHANGE, now, via, prior)
        events.append(StayEvent.CLASS_CHANGE.value)
    if unit != stay.unit:
        prior = _snapshot(stay)
        stay.unit = unit
        _history(stay, StayEvent.TRANSFER, now, via, prior)
        events.append(StayEvent.TRANSFER.value)
    if admitting_diagnosis != stay.admitting_diagnosis:
        stay.admitting_diagnosis = admitting_diagnosis
        _history(stay, StayEvent.UPDATE, now, via)
        events.append(StayEvent.UPDATE.value)
    if discharged_at is not None:
        if discharged_at < stay.admitted_at:
            raise ValidationFailed.single("period.end", _("may not be before the admission"))
        prior = _snapshot(stay)
        stay.state, stay.discharged_at = StayState.DISCHARGED, discharged_at
        _history(stay, StayEvent.DISCHARGE, discharged_at, via, prior)
        events.append(StayEvent.DISCHARGE.value)
    _save(stay)
    stay_clocks_sync(stay=stay)
    _audit(via, AuditAction.UPDATE, stay, events=events)
    return stay


# --- reviews and secondary physician review (H1, 42 CFR 482.30) ---------------------------


@dataclass(frozen=True)
class ReviewFacts:
    kind: rules.ReviewKind
    results: dict[str, bool]
    notes: str = ""
    licensed_product: str = ""
    licensed_version: str = ""
    licensed_result: str = ""
    two_midnight_expected: bool | None = None
    inpatient_only: bool | None = None
    refer: bool = False  # send a doubtful "met" to the physician advisor too
    question: str = ""


@transaction.atomic
def review_record(*, stay: Stay, actor: Actor, facts: ReviewFacts, criteria_key: str) -> StayReview:
    """Record an admission or continued-stay review against the criteria set: met or not
    met per criterion, the outcome, and the next review due (a deadline row). A review not
    met (or `refer`) goes to the physician advisor with a due time. Medicare inpatient
    admission reviews record the two-midnight expectation and the inpatient-only answer.
    Audits one create."""
    _in_house(stay)
    cs = rules.criteria_set(criteria_key)
    subset = facts.kind.value
    errors = rules.criteria_errors(cs, subset, facts.results)
    if errors:
        raise ValidationFailed({"results": errors})
    medicare_admission = (
        stay.medicare
        and facts.kind == rules.ReviewKind.ADMISSION
        and stay.stay_class == StayClass.INPATIENT
    )
    if medicare_admission and (facts.two_midnight_expected is None or facts.inpatient_only is None):
        raise ValidationFailed.single(
            "two_midnight_expected",
            _("a Medicare inpatient admission review records the two-midnight expectation "
              "and whether the procedure is inpatient-only"),
        )  # fmt: skip
    now = clock.now()
    outcome = rules.criteria_outcome(cs, subset, facts.results)
    next_due = now + timedelta(hours=settings.CASEWORK_STAYS_REVIEW_HOURS)
    review = StayReview.objects.create(
        stay=stay,
        kind=facts.kind,
        criteria_set=cs.id,
        criteria_version=cs.version,
        subset=subset,
        results=facts.results,
        outcome=outcome,
        licensed_product=facts.licensed_product,
        licensed_version=facts.licensed_version,
        licensed_result=facts.licensed_result,
        two_midnight_expected=facts.two_midnight_expected,
        inpatient_only=facts.inpatient_only,
        notes=facts.notes,
        reviewer=actor.user,
        reviewed_at=now,
        next_review_due_at=next_due,
    )
    deadline_set(
        kind=StayDeadline.REVIEW,
        subject_type=SUBJECT,
        subject_id=stay.pk,
        due_at=next_due,
        owner_id=actor.user.pk,
        consumer_id=stay.consumer_id,
    )
    referral = None
    if outcome == rules.ReviewOutcome.NOT_MET or facts.refer:
        due = now + timedelta(hours=settings.CASEWORK_ADVISOR_REVIEW_HOURS)
        referral = AdvisorReferral.objects.create(
            stay=stay,
            review=review,
            referred_by=actor.user,
            referred_at=now,
            due_at=due,
            question=facts.question,
        )
        deadline_set(
            kind=StayDeadline.ADVISOR,
            subject_type=SUBJECT,
            subject_id=stay.pk,
            due_at=due,
            owner_id=None,
            consumer_id=stay.consumer_id,
        )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        consumer_id=stay.consumer_id,
        object_type="stay_review",
        object_id=review.pk,
        detail={"outcome": outcome.value, "referral": referral.pk if referral else None},
    )
    return review


@dataclass(frozen=True)
class Attestation:
    involved_in_care: bool
    financial_interest: bool


@dataclass(frozen=True)
class DecisionFacts:
    determination: rules.Determination
    rationale: str
    attestation: Attestation
    attending_view: rules.AttendingView
    peer_to_peer: str = ""
    second_reviewer: User | None = None
    second_attestation: Attestation | None = None


def _reviewer_check(user: User, attestation: Attestation | None, field: str) -> None:
    from casework.core.roles import Role

    refusals = rules.reviewer_refusals(
        rules.ReviewerFacts(
            is_physician=user.role == Role.PHYSICIAN_ADVISOR,
            involved_in_care=bool(attestation and attestation.involved_in_care),
            financial_interest=bool(attestation and attestation.financial_interest),
            attestations_recorded=attestation is not None,
        )
    )
    if refusals:
        raise RuleViolation(f"{field}: " + "; ".join(refusals))


@transaction.atomic
def referral_decide(
    *, referral: AdvisorReferral, actor: Actor, facts: DecisionFacts
) -> AdvisorReferral:
    """The physician advisor's determination (482.30): each reviewer attests they are not
    involved in the patient's care and have no financial interest (refused otherwise); a
    not-necessary determination needs the attending consulted first, and two physician
    reviewers when the attending disagrees; it starts the written-notice clock (482.30(d)(3)).
    The peer-to-peer conversation is recorded. Audits one update."""
    if referral.state != rules.ReferralState.OPEN:
        raise RuleViolation(_("this referral is already decided"))
    if not facts.rationale.strip():
        raise ValidationFailed.single("rationale", _("required"))
    _reviewer_check(actor.user, facts.attestation, "advisor")
    if facts.second_reviewer is not None:
        if facts.second_reviewer.pk == actor.user.pk:
            raise ValidationFailed.single("second_reviewer", _("must be another physician"))
        if facts.second_reviewer.program_id != referral.stay.program_id:
            raise ValidationFailed.single(
                "second_reviewer", _("no such staff member in this program")
            )
        _reviewer_check(facts.second_reviewer, facts.second_attestation, "second_reviewer")
    now = clock.now()
    if facts.determination == rules.Determination.NOT_NECESSARY:
        reviewers = 1 + (facts.second_reviewer is not None)
        refusals = rules.not_necessary_refusals(facts.attending_view, reviewers)
        if refusals:
            raise RuleViolation("; ".join(refusals))
        zone = rules.local_zone(settings.CASEWORK_FACILITY_TIME_ZONE)
        referral.notice_due_at = rules.ur_notice_due(now, zone, settings.CASEWORK_UR_NOTICE_DAYS)
        deadline_set(
            kind=StayDeadline.UR_NOTICE,
            subject_type=SUBJECT,
            subject_id=referral.stay_id,
            due_at=referral.notice_due_at,
            owner_id=referral.referred_by_id,
            consumer_id=referral.stay.consumer_id,
        )
    attestations = {
        str(actor.user.pk): facts.attestation.__dict__,
    }
    if facts.second_reviewer is not None and facts.second_attestation is not None:
        attestations[str(facts.second_reviewer.pk)] = facts.second_attestation.__dict__
    referral.state = rules.ReferralState.DECIDED
    referral.determination = facts.determination
    referral.rationale = facts.rationale
    referral.attending_view = facts.attending_view
    referral.attending_consulted_at = (
        now if facts.attending_view != rules.AttendingView.NOT_CONSULTED else None
    )
    referral.peer_to_peer = facts.peer_to_peer
    referral.advisor = actor.user
    referral.second_reviewer = facts.second_reviewer
    referral.attestations = attestations
    referral.decided_at = now
    referral.save()
    Deadline.objects.filter(
        kind=StayDeadline.ADVISOR, subject_type=SUBJECT, subject_id=referral.stay_id
    ).update(state=DeadlineState.MET)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        consumer_id=referral.stay.consumer_id,
        object_type="advisor_referral",
        object_id=referral.pk,
        detail={"determination": facts.determination.value},
    )
    return referral


def cc44_facts(*, stay: Stay, attending_concurrence_documented: bool) -> rules.Cc44Facts:
    """The Condition Code 44 facts of a stay: a UR physician's not-necessary determination
    on record, the attending's concurrence with it, and its documentation."""
    decided = (
        AdvisorReferral.objects.filter(
            stay=stay,
            state=rules.ReferralState.DECIDED,
            determination=rules.Determination.NOT_NECESSARY,
        )
        .order_by("-decided_at")
        .first()
    )
    return rules.Cc44Facts(
        in_house=stay.state == StayState.IN_HOUSE,
        inpatient_claim_submitted=False,
        ur_physician_decided=decided is not None,
        attending_concurred=bool(decided and decided.attending_view == rules.AttendingView.CONCURS),
        concurrence_documented=attending_concurrence_documented,
    )


# --- Medicare notices (A-IM-1, A-IM-2, A-MOON) ---------------------------------------------

NOTICE_DEADLINE = {
    rules.NoticeKind.IM_INITIAL: StayDeadline.IM_INITIAL,
    rules.NoticeKind.IM_FOLLOW_UP: StayDeadline.IM_FOLLOW_UP,
    rules.NoticeKind.MOON: StayDeadline.MOON,
}


@dataclass(frozen=True)
class NoticeFacts:
    kind: rules.NoticeKind
    delivered_at: datetime
    response: rules.NoticeResponse
    signer: str = ""
    staff_name: str = ""
    staff_title: str = ""
    certified: bool = False
    oral_explained: bool = False
    language: str = "en"


@transaction.atomic
def notice_record(*, stay: Stay, actor: Actor, facts: NoticeFacts) -> MedicareNotice:
    """Record delivery of an IM, its follow-up copy or a MOON to a Medicare beneficiary:
    signed, or refused (the refusal date is the receipt date; a MOON refusal is certified
    by the staff member with name, title, date and time). Meets the notice's clock and
    records whether it was timely. Audits one create."""
    if not stay.medicare:
        raise RuleViolation(_("Medicare notices are for Medicare beneficiaries"))
    zone = rules.local_zone(settings.CASEWORK_FACILITY_TIME_ZONE)
    if facts.kind in (rules.NoticeKind.IM_INITIAL, rules.NoticeKind.IM_FOLLOW_UP):
        if stay.inpatient_at is None:
            raise RuleViolation(_("the Important Message is for inpatients"))
    elif (
        stay.stay_class != StayClass.OBSERVATION
        and not stay.history.filter(stay_class=StayClass.OBSERVATION).exists()
    ):
        raise RuleViolation(_("the MOON is for patients in observation"))
    errors = rules.notice_errors(
        facts.kind,
        facts.response,
        signer=facts.signer,
        staff_name=facts.staff_name,
        staff_title=facts.staff_title,
        certified=facts.certified,
        oral_explained=facts.oral_explained,
    )
    if facts.delivered_at > clock.now() + timedelta(minutes=5):
        errors["delivered_at"] = "may not be in the future"
    if facts.delivered_at < stay.admitted_at:
        errors["delivered_at"] = "may not be before the admission"
    if facts.language not in ("en", "es"):
        errors["language"] = "en or es"
    if errors:
        raise ValidationFailed({k: [v] for k, v in errors.items()})
    deadline = Deadline.objects.filter(
        kind=NOTICE_DEADLINE[facts.kind], subject_type=SUBJECT, subject_id=stay.pk
    ).first()
    timely = deadline is None or facts.delivered_at <= deadline.due_at
    if facts.kind == rules.NoticeKind.IM_FOLLOW_UP and stay.expected_discharge_date:
        timely = rules.im_follow_up_timely(facts.delivered_at, stay.expected_discharge_date, zone)
    notice = MedicareNotice.objects.create(
        stay=stay,
        kind=facts.kind,
        delivered_at=facts.delivered_at,
        response=facts.response,
        signer=facts.signer,
        staff_name=facts.staff_name,
        staff_title=facts.staff_title,
        certified=facts.certified,
        oral_explained=facts.oral_explained,
        language=facts.language,
        timely=timely,
        recorded_by=actor.user,
        recorded_at=clock.now(),
    )
    if deadline is not None:
        deadline.state = DeadlineState.MET
        deadline.save(update_fields=["state"])
    stay_clocks_sync(stay=stay)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        consumer_id=stay.consumer_id,
        object_type="medicare_notice",
        object_id=notice.pk,
        detail={"kind": facts.kind.value, "response": facts.response.value, "timely": timely},
    )
    return notice
