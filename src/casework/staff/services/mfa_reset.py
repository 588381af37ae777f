"""The two-person MFA reset (S17): an administrator requests that a person's second
sign-in factor be removed (they lost their phone or key); a second administrator or a
compliance officer approves; only then are the person's authenticators (authenticator
app, security keys, recovery codes) removed, and their next sign-in enrols afresh.

Each step is one transaction and one audit event (object type `staff_mfa_reset`, a
privilege change on approval). A refused step writes nothing."""

from allauth.mfa.models import Authenticator
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from casework.core import clock
from casework.core.actor import Actor
from casework.core.errors import RuleViolation, ValidationFailed
from casework.core.models import AuditAction
from casework.staff import rules
from casework.staff.models import MfaReset, MfaResetStatus, User
from casework.staff.services._common import _audit, _same_program


def _refusal_message(refusal: str) -> str:
    return {
        rules.MFA_RESET_ROLE: _("only an administrator or a compliance officer approves a reset"),
        rules.MFA_RESET_REQUESTER: _(
            "the person who requested the reset cannot approve it: a second person approves"
        ),
        rules.MFA_RESET_PERSON: _("nobody approves the reset of their own second factor"),
    }[refusal]


def mfa_reset_request(*, actor: Actor, person: User, reason: str) -> MfaReset:
    """Request the reset of `person`'s second factor, with the reason. Who: mfa.reset
    (administrators). One open request per person. Audits one create."""
    _same_program(actor, person)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed.single("reason", _("say why the second factor is reset"))
    if MfaReset.objects.filter(person=person, status=MfaResetStatus.REQUESTED).exists():
        raise RuleViolation(
            _("a reset of this person's second factor is already awaiting approval")
        )
    try:
        with transaction.atomic():
            reset = MfaReset.objects.create(
                person=person, reason=reason, requested_by=actor.user, requested_at=clock.now()
            )
            _audit(actor, AuditAction.CREATE, "staff_mfa_reset", reset.pk, user=person.pk)
    except IntegrityError as error:  # a concurrent request won the race
        raise RuleViolation(
            _("a reset of this person's second factor is already awaiting approval")
        ) from error
    return reset


def mfa_reset_approve(*, actor: Actor, person: User) -> MfaReset:
    """Approve the open reset of `person`'s second factor and remove their authenticators.
    Who: staff.manage, and a second person: an administrator or compliance officer who is
    neither the requester nor the person. Audits one privilege change."""
    _same_program(actor, person)
    with transaction.atomic():
        reset = (
            MfaReset.objects.select_for_update()
            .filter(person=person, status=MfaResetStatus.REQUESTED)
            .first()
        )
        if reset is None:
            raise RuleViolation(_("no reset of this person's second factor awaits approval"))
        refusal = rules.mfa_reset_approval_refusal(
            approver_id=actor.user.pk,
            approver_role=actor.role,
            requester_id=reset.requested_by_id,
            person_id=person.pk,
        )
        if refusal is not None:
            raise RuleViolation(_refusal_message(refusal))
        removed, _by_type = Authenticator.objects.filter(user_id=person.pk).delete()
        reset.status = MfaResetStatus.APPROVED
        reset.decided_by = actor.user
        reset.decided_at = clock.now()
        reset.authenticators_removed = removed
        reset.save(update_fields=["status", "decided_by", "decided_at", "authenticators_removed"])
        _audit(
            actor,
            AuditAction.PRIVILEGE,
            "staff_mfa_reset",
            reset.pk,
            user=person.pk,
            requested_by=reset.requested_by_id,
            authenticators_removed=removed,
        )
    return reset
