"""Follow-up and readmissions (G4): the stays listener that keeps a stay's discharge
clocks and readmission link in step with the stay, follow-up attempts after discharge,
and the readmission review."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from casework.core import clock
from casework.core.actor import Actor
from casework.core.deadlines import deadline_set, program_calendar
from casework.core.errors import RuleViolation, ValidationFailed
from casework.core.models import AuditAction, Deadline, DeadlineState
from casework.stays.models import Stay
from casework.stays.rules import StayClass, StayState
from casework.transitions import rules
from casework.transitions.deadlines import DISCHARGE_KINDS, STAY_SUBJECT
from casework.transitions.models import FollowUpAttempt, Handoff, Readmission
from casework.transitions.rules import AttemptOutcome, ContactChannel, RootCause, TransitionDeadline
from casework.transitions.services._common import EVENT_SLACK, _audit, _owner_id

# --- the stays listener: clocks and readmissions ------------------------------------------


def _open_kinds(stay: Stay) -> dict[str, Deadline]:
    return {
        row.kind: row
        for row in Deadline.objects.filter(
            subject_type=STAY_SUBJECT, subject_id=stay.pk, kind__in=list(DISCHARGE_KINDS)
        )
    }


def transition_clocks_sync(*, stay: Stay) -> dict[str, datetime]:
    """Set the clocks the stay's discharge starts (follow-up, TCM contact when the program
    bills TCM, handoff receipt when a handoff is unconfirmed); waive them when the stay is
    not discharged (a cancelled discharge takes its clocks with it). A met clock stays met."""
    current = _open_kinds(stay)
    due: dict[str, datetime] = {}
    if stay.state == StayState.DISCHARGED and stay.discharged_at is not None:
        handoff = Handoff.objects.filter(stay=stay).first()
        pending = handoff if handoff is not None and handoff.received_at is None else None
        found = rules.discharge_clocks(
            discharged_at=stay.discharged_at,
            calendar=program_calendar(program_id=stay.program_id),
            follow_up_hours=settings.CASEWORK_FOLLOW_UP_HOURS,
            follow_up_business_days=settings.CASEWORK_FOLLOW_UP_BUSINESS_DAYS,
            tcm=settings.CASEWORK_TCM_BILLED,
            handoff_sent_at=pending.sent_at if pending else None,
            handoff_receipt_hours=settings.CASEWORK_HANDOFF_RECEIPT_HOURS,
        )
        due[TransitionDeadline.FOLLOW_UP] = found.follow_up_at
        if found.tcm_contact_at is not None:
            due[TransitionDeadline.TCM_CONTACT] = found.tcm_contact_at
        if found.handoff_receipt_at is not None:
            due[TransitionDeadline.HANDOFF_RECEIPT] = found.handoff_receipt_at
    owner = _owner_id(stay)
    for kind, at in due.items():
        row = current.get(kind)
        if row is not None and row.state == DeadlineState.MET:
            continue
        if row is not None and row.state == DeadlineState.OPEN and row.due_at == at:
            continue
        deadline_set(
            kind=kind,
            subject_type=STAY_SUBJECT,
            subject_id=stay.pk,
            due_at=at,
            owner_id=owner,
            consumer_id=stay.consumer_id,
        )
    stale = [
        row.pk
        for kind, row in current.items()
        if kind not in due and row.state in (DeadlineState.OPEN, DeadlineState.BREACHED)
    ]
    if stale:
        Deadline.objects.filter(pk__in=stale).update(state=DeadlineState.WAIVED)
    return due


def readmission_sync(*, stay: Stay) -> Readmission | None:
    """Link an inpatient stay to the consumer's inpatient discharge within 30 days before
    its admission (any facility of the program the feed reports); unlink a stay that was
    cancelled or is no longer inpatient. A reviewed link is kept as reviewed."""
    link = Readmission.objects.filter(stay=stay).first()
    applies = stay.stay_class == StayClass.INPATIENT and stay.state != StayState.CANCELLED
    if not applies:
        if link is not None:
            link.delete()
        return None
    if link is not None:
        return link
    window = stay.admitted_at - timedelta(days=rules.READMISSION_DAYS)
    earlier = Stay.objects.filter(
        consumer_id=stay.consumer_id,
        stay_class=StayClass.INPATIENT,
        state=StayState.DISCHARGED,
        discharged_at__gte=window,
        discharged_at__lte=stay.admitted_at,
    ).exclude(pk=stay.pk)
    index_id = rules.readmission_of(
        stay.admitted_at,
        [(pk, at) for pk, at in earlier.values_list("pk", "discharged_at") if at is not None],
    )
    if index_id is None:
        return None
    index = Stay.objects.get(pk=index_id)
    assert index.discharged_at is not None
    return Readmission.objects.create(
        index_stay=index,
        stay=stay,
        consumer_id=stay.consumer_id,
        days_after=(stay.admitted_at - index.discharged_at).days,
        detected_at=clock.now(),
    )


def stay_changed(stay: Stay) -> None:
    """The stays listener: after every change of a stay, its transition clocks and its
    readmission link follow the stay's facts."""
    transition_clocks_sync(stay=stay)
    readmission_sync(stay=stay)


# --- follow-up ----------------------------------------------------------------------------


@transaction.atomic
def follow_up_attempt_record(
    *,
    actor: Actor,
    stay: Stay,
    attempted_at: datetime,
    channel: ContactChannel,
    outcome: AttemptOutcome,
    note: str = "",
) -> rules.FollowUpState:
    """Log an attempt to reach the consumer after discharge. Reaching them meets the
    follow-up clock (and TCM's, by an interactive channel in time); after the configured
    number of failed attempts the follow-up clock escalates (level 1, on its owner's and
    the supervisor's worklist). Audits one create."""
    if stay.state != StayState.DISCHARGED or stay.discharged_at is None:
        raise RuleViolation(_("follow-up starts at discharge"))
    if attempted_at < stay.discharged_at:
        raise ValidationFailed.single("attempted_at", _("may not be before the discharge"))
    if attempted_at > clock.now() + EVENT_SLACK:
        raise ValidationFailed.single("attempted_at", _("may not be in the future"))
    attempt = FollowUpAttempt.objects.create(
        stay=stay,
        attempted_at=attempted_at,
        channel=channel.value,
        outcome=outcome.value,
        note=note.strip(),
        recorded_by=actor.user,
        recorded_at=clock.now(),
    )
    rows = {
        row.kind: row
        for row in Deadline.objects.filter(
            subject_type=STAY_SUBJECT,
            subject_id=stay.pk,
            kind__in=[TransitionDeadline.FOLLOW_UP, TransitionDeadline.TCM_CONTACT],
        )
    }
    tcm = rows.get(TransitionDeadline.TCM_CONTACT)
    state = rules.follow_up_state(
        [
            rules.Attempt(
                at=a.attempted_at,
                channel=ContactChannel(a.channel),
                outcome=AttemptOutcome(a.outcome),
            )
            for a in FollowUpAttempt.objects.filter(stay=stay)
        ],
        max_failed=settings.CASEWORK_FOLLOW_UP_MAX_FAILED,
        tcm_due_at=tcm.due_at if tcm is not None else None,
    )
    live = [DeadlineState.OPEN, DeadlineState.BREACHED]
    follow_up = rows.get(TransitionDeadline.FOLLOW_UP)
    if follow_up is not None and follow_up.state in live:
        if state.reached_at is not None:
            Deadline.objects.filter(pk=follow_up.pk).update(state=DeadlineState.MET)
        elif state.escalate and follow_up.escalation_level < 1:
            Deadline.objects.filter(pk=follow_up.pk).update(escalation_level=1)
    if tcm is not None and tcm.state in live and state.tcm_met:
        Deadline.objects.filter(pk=tcm.pk).update(state=DeadlineState.MET)
    _audit(
        actor,
        AuditAction.CREATE,
        stay.consumer_id,
        "follow_up_attempt",
        attempt.pk,
        outcome=outcome.value,
        failed_attempts=state.failed_attempts,
        escalated=state.escalate,
    )
    return state


# --- readmission review -------------------------------------------------------------------


@transaction.atomic
def readmission_review(
    *,
    actor: Actor,
    readmission: Readmission,
    planned: bool,
    planned_reason: str = "",
    root_cause: RootCause | None = None,
    notes: str = "",
) -> Readmission:
    """Review a readmission: planned (with its reason), or unplanned with the root-cause
    category. Audits one update."""
    if planned and not planned_reason.strip():
        raise ValidationFailed.single("planned_reason", _("a planned readmission needs its reason"))
    if not planned and root_cause is None:
        raise ValidationFailed.single(
            "root_cause", _("an unplanned readmission needs its root cause")
        )
    readmission.planned = planned
    readmission.planned_reason = planned_reason.strip() if planned else ""
    readmission.root_cause = root_cause.value if (root_cause and not planned) else ""
    readmission.review_notes = notes.strip()
    readmission.reviewed_by = actor.user
    readmission.reviewed_at = clock.now()
    readmission.save()
    _audit(
        actor,
        AuditAction.UPDATE,
        readmission.consumer_id,
        "readmission",
        readmission.pk,
        planned=planned,
    )
    return readmission
