"""The handoff to the receiving provider (G3): sent, confirmed by a person or by the
receiving system's FHIR Task, printed; and the receiving organisation's credential."""

import secrets
from datetime import timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from casework.core import clock
from casework.core.actor import Actor
from casework.core.audit import audit_record
from casework.core.errors import RuleViolation, ValidationFailed
from casework.core.models import AuditAction, Deadline, DeadlineState
from casework.core.tokens import token_hash
from casework.stays.models import Stay
from casework.stays.rules import StayState
from casework.transitions import rules
from casework.transitions.deadlines import STAY_SUBJECT
from casework.transitions.models import Handoff, PostAcuteProvider, ReceiverCredential
from casework.transitions.rules import ReceiptMethod, TransitionDeadline
from casework.transitions.services._common import _audit
from casework.transitions.services.follow_up import transition_clocks_sync

# --- the handoff --------------------------------------------------------------------------


@transaction.atomic
def handoff_send(
    *,
    actor: Actor,
    stay: Stay,
    receiver_name: str,
    contents: dict[str, object],
    receiver_provider: PostAcuteProvider | None = None,
) -> Handoff:
    """Send the handoff (one per stay): its contents checked section by section
    (`rules.handoff_contents_check`); its FHIR Task starts `requested`. A discharged stay's receipt
    clock starts now. Audits one create."""
    if stay.state == StayState.CANCELLED:
        raise RuleViolation(_("the stay was cancelled"))
    errors = rules.handoff_contents_check(contents)
    if not receiver_name.strip():
        errors["receiver_name"] = [_("required")]
    if errors:
        raise ValidationFailed(errors)
    if Handoff.objects.filter(stay=stay).exists():
        raise RuleViolation(_("the handoff of this stay was already sent"))
    handoff = Handoff.objects.create(
        stay=stay,
        receiver_name=receiver_name.strip()[:200],
        receiver_provider=receiver_provider,
        contents=rules.handoff_contents_clean(contents),
        sent_by=actor.user,
        sent_at=clock.now(),
    )
    transition_clocks_sync(stay=stay)
    _audit(actor, AuditAction.CREATE, stay.consumer_id, "handoff", handoff.pk)
    return handoff


def _receipt(handoff: Handoff, *, method: ReceiptMethod, by: str) -> None:
    now = clock.now()
    Handoff.objects.filter(pk=handoff.pk).update(
        received_at=now, receipt_method=method.value, received_by=by[:200], task_status="completed"
    )
    handoff.received_at, handoff.receipt_method = now, method.value
    handoff.received_by, handoff.task_status = by[:200], "completed"
    Deadline.objects.filter(
        subject_type=STAY_SUBJECT,
        subject_id=handoff.stay_id,
        kind=TransitionDeadline.HANDOFF_RECEIPT,
        state__in=[DeadlineState.OPEN, DeadlineState.BREACHED],
    ).update(state=DeadlineState.MET)


@transaction.atomic
def handoff_confirm(*, actor: Actor, handoff: Handoff, confirmed_by: str) -> Handoff:
    """A person confirms the receiving provider has the handoff (`confirmed_by` names who
    at the receiver said so). Refused when receipt is already confirmed. Meets the receipt
    clock. Audits one update."""
    if handoff.received_at is not None:
        raise RuleViolation(_("receipt is already confirmed"))
    if not confirmed_by.strip():
        raise ValidationFailed.single("confirmed_by", _("required"))
    _receipt(handoff, method=ReceiptMethod.PERSON, by=confirmed_by.strip())
    _audit(
        actor,
        AuditAction.UPDATE,
        handoff.stay.consumer_id,
        "handoff",
        handoff.pk,
        receipt=ReceiptMethod.PERSON.value,
    )
    return handoff


TASK_RECEIPT_STATUSES = frozenset({"received", "accepted", "in-progress", "completed"})
TASK_STATUSES = TASK_RECEIPT_STATUSES | {"rejected"}


@transaction.atomic
def handoff_task_update(
    *,
    actor: Actor | None,
    handoff: Handoff,
    status: str,
    receiver: ReceiverCredential | None = None,
) -> Handoff:
    """The receiving system updates the handoff's FHIR Task (with the receiver's own
    credential, `receiver`, or an interface account's API token, `actor`): received,
    accepted, in-progress or completed confirm receipt (and meet its clock); rejected
    records the refusal and leaves the clock running. Audits one update."""
    if status not in TASK_STATUSES:
        raise ValidationFailed.single(
            "status", _("one of %(s)s") % {"s": ", ".join(sorted(TASK_STATUSES))}
        )
    if handoff.received_at is not None:
        raise RuleViolation(_("receipt is already confirmed"))
    by = receiver.audit_name if receiver is not None else actor.user.username if actor else ""
    if status in TASK_RECEIPT_STATUSES:
        _receipt(handoff, method=ReceiptMethod.TASK, by=by)
    handoff.task_status = status
    Handoff.objects.filter(pk=handoff.pk).update(task_status=status)
    _audit(
        actor,
        AuditAction.UPDATE,
        handoff.stay.consumer_id,
        "handoff",
        handoff.pk,
        username=by if actor is None else "",
        task_status=status,
    )
    return handoff


def handoff_printed(*, actor: Actor, handoff: Handoff, language: str) -> None:
    """Audit one download of the handoff PDF (in `language`)."""
    _audit(
        actor,
        AuditAction.PRINT,
        handoff.stay.consumer_id,
        "handoff",
        handoff.pk,
        document="handoff_pdf",
        language=language,
    )


# --- the receiving organisation's credential ----------------------------------------------

RECEIVER_TOKEN_PREFIX = "cwr_"  # noqa: S105 (a marker, not a secret)
RECEIVER_RAW_LENGTH = len(RECEIVER_TOKEN_PREFIX) + 43


def receiver_credential_issue(
    *, provider: PostAcuteProvider, name: str, issued_by: str = ""
) -> tuple[ReceiverCredential, str]:
    """A credential for the receiving system of `provider` (its handoffs only); returns
    the row and the raw token (shown once). Audits one privilege event (no token)."""
    name = name.strip()
    if not name:
        raise ValidationFailed.single("name", _("name the receiving system"))
    if len(name) > 100:
        raise ValidationFailed.single("name", _("at most 100 characters"))
    raw = RECEIVER_TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        credential = ReceiverCredential.objects.create(
            program_id=provider.program_id,
            provider=provider,
            name=name,
            prefix=raw[:12],
            key_hash=token_hash(raw),
            issued_by=issued_by[:150],
            created_at=clock.now(),
        )
        audit_record(
            actor=None,
            username=issued_by,
            action=AuditAction.PRIVILEGE,
            object_type="receiver_credential",
            object_id=credential.pk,
            detail={"event": "receiver_credential_issued", "provider_id": provider.pk},
        )
    return credential, raw


def receiver_credential_revoke(*, credential_id: int, revoked_by: str = "") -> ReceiverCredential:
    """Revoke a receiver credential (refused from the next request). Audits one event."""
    with transaction.atomic():
        credential = ReceiverCredential.objects.select_for_update().filter(pk=credential_id).first()
        if credential is None:
            raise ValidationFailed.single("credential", _("no such credential"))
        if credential.revoked_at is not None:
            raise RuleViolation(_("the credential is already revoked"))
        credential.revoked_at = clock.now()
        credential.save(update_fields=["revoked_at"])
        audit_record(
            actor=None,
            username=revoked_by,
            action=AuditAction.PRIVILEGE,
            object_type="receiver_credential",
            object_id=credential.pk,
            detail={"event": "receiver_credential_revoked"},
        )
    return credential


def receiver_verify(raw: str) -> ReceiverCredential | None:
    """The live credential of a raw `cwr_` token, or None (never raises on bad input)."""
    if not raw.startswith(RECEIVER_TOKEN_PREFIX) or len(raw) != RECEIVER_RAW_LENGTH:
        return None
    credential = (
        ReceiverCredential.objects.select_related("provider")
        .filter(key_hash=token_hash(raw), revoked_at__isnull=True)
        .first()
    )
    if credential is None:
        return None
    now = clock.now()
    if credential.last_used_at is None or now - credential.last_used_at >= timedelta(minutes=1):
        ReceiverCredential.objects.filter(pk=credential.pk).update(last_used_at=now)
    return credential
