"""Closed-loop community referrals (F4): sent to a service of the directory, moved along
their status loop, with the stalled-referral clock."""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from casework.consumers.models import Consumer
from casework.core import clock
from casework.core.actor import Actor
from casework.core.deadlines import deadline_set
from casework.core.errors import RuleViolation, ValidationFailed
from casework.core.models import AuditAction, Deadline, DeadlineState
from casework.resources.models import Service
from casework.transitions import rules
from casework.transitions.deadlines import REFERRAL_SUBJECT
from casework.transitions.models import CommunityReferral, ReferralStatusChange
from casework.transitions.rules import ReferralStatus, TransitionDeadline
from casework.transitions.services._common import _audit

# --- closed-loop community referrals -----------------------------------------------------


def _stalled_set(referral: CommunityReferral, since: datetime) -> None:
    deadline_set(
        kind=TransitionDeadline.REFERRAL_STALLED,
        subject_type=REFERRAL_SUBJECT,
        subject_id=referral.pk,
        due_at=rules.referral_stalled_at(since, days=settings.CASEWORK_REFERRAL_STALLED_DAYS),
        owner_id=referral.sent_by_id,
        consumer_id=referral.consumer_id,
    )


@transaction.atomic
def referral_send(
    *, actor: Actor, consumer: Consumer, service: Service, need: str, note: str = ""
) -> CommunityReferral:
    """Refer the consumer to a community service of the directory (a Gravity SDOH
    ServiceRequest with its Task, status requested). An inactive service is refused. The
    stalled-referral clock starts. Audits one create."""
    if not need.strip():
        raise ValidationFailed.single("need", _("required"))
    if service.status != "active":
        raise ValidationFailed.single("service_id", _("the service is not active"))
    if consumer.program_id is None:
        raise RuleViolation(_("the consumer has no program"))
    now = clock.now()
    referral = CommunityReferral.objects.create(
        program_id=consumer.program_id,
        consumer=consumer,
        service=service,
        need=need.strip()[:200],
        note=note.strip(),
        sent_by=actor.user,
        sent_at=now,
        updated_at=now,
    )
    ReferralStatusChange.objects.create(
        referral=referral,
        status=ReferralStatus.SENT,
        changed_by=actor.user.username,
        changed_at=now,
    )
    _stalled_set(referral, now)
    _audit(actor, AuditAction.CREATE, consumer.pk, "community_referral", referral.pk)
    return referral


@transaction.atomic
def referral_status_set(
    *, actor: Actor, referral: CommunityReferral, status: ReferralStatus, reason: str = ""
) -> CommunityReferral:
    """Move a referral along its loop: sent → accepted → completed, or rejected or
    cancelled with a reason. Accepted restarts the stalled clock; a closing status meets
    it (completed) or waives it. Audits one update."""
    try:
        rules.referral_transition_check(ReferralStatus(referral.status), status, reason)
    except rules.TransitionError as error:
        if error.field == "status":
            raise RuleViolation(str(error)) from None
        raise ValidationFailed.single(error.field, str(error)) from None
    now = clock.now()
    referral.status, referral.status_reason, referral.updated_at = status.value, reason.strip(), now
    referral.save(update_fields=["status", "status_reason", "updated_at"])
    ReferralStatusChange.objects.create(
        referral=referral,
        status=status,
        reason=reason.strip(),
        changed_by=actor.user.username,
        changed_at=now,
    )
    if status == ReferralStatus.ACCEPTED:
        _stalled_set(referral, now)
    else:
        Deadline.objects.filter(
            subject_type=REFERRAL_SUBJECT,
            subject_id=referral.pk,
            state__in=[DeadlineState.OPEN, DeadlineState.BREACHED],
        ).update(
            state=DeadlineState.MET if status == ReferralStatus.COMPLETED else DeadlineState.WAIVED
        )
    _audit(
        actor,
        AuditAction.UPDATE,
        referral.consumer_id,
        "community_referral",
        referral.pk,
        status=status.value,
    )
    return referral
