"""Peer-to-peer requests with the payer (H2, H4): the case manager asks the payer's
medical director for a conversation about an adverse decision (an authorization denied
or partly approved, or an open denial), the payer schedules it, and it is held — with its
outcome — or not held. The payer's window to hold it is a clock (`stay_peer_to_peer`,
from the request, in the payer's settings' unit). An overturn changes the authorization
through `services.authorization_step_apply` (the payer's reconsidered decision) and the denial
through `services.denial_state_set`, so the state rules live in one place. Who may:
`case.manage` over the stay (the web layer's guarded load). One audit event each."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from casework.core import clock
from casework.core.actor import Actor
from casework.core.deadlines import deadlines_finish
from casework.core.errors import RuleViolation, ValidationFailed
from casework.core.models import AuditAction, Deadline, DeadlineState
from casework.core.versioning import versioned_update
from casework.stays.models import Stay
from casework.stays.payers import rules
from casework.stays.payers.deadlines import DENIAL, PEER_TO_PEER, PayerDeadline
from casework.stays.payers.models import StayAuthorization, StayDenial, StayPeerToPeer
from casework.stays.payers.selectors import payer_terms
from casework.stays.payers.services import (
    StepFacts,
    authorization_step_apply,
    denial_state_set,
    not_in_future,
    payer_audit,
    payer_clock_meet,
    payer_clock_start,
)

OBJECT = "stay_peer_to_peer"


@dataclass(frozen=True)
class PeerToPeerFacts:
    speaker: str
    physician_name: str
    requested_at: datetime
    authorization_id: int | None = None
    denial_id: int | None = None
    payer_contact: str = ""


def _subject(
    stay: Stay, facts: PeerToPeerFacts, errors: dict[str, list[str]]
) -> StayAuthorization | StayDenial | None:
    if (facts.authorization_id is None) == (facts.denial_id is None):
        errors["authorization_id"] = [_("name either an authorization or a denial")]
        return None
    if facts.authorization_id is not None:
        authorization = (
            StayAuthorization.objects.filter(stay_id=stay.pk, pk=facts.authorization_id)
            .select_related("payer")
            .prefetch_related("payer__levels")
            .first()
        )
        if authorization is None:
            errors["authorization_id"] = [_("no such authorization of this stay")]
        return authorization
    denial = (
        StayDenial.objects.filter(stay_id=stay.pk, pk=facts.denial_id or 0)
        .select_related("payer")
        .prefetch_related("payer__levels")
        .first()
    )
    if denial is None:
        errors["denial_id"] = [_("no such denial of this stay")]
    return denial


def peer_to_peer_request(*, actor: Actor, stay: Stay, facts: PeerToPeerFacts) -> StayPeerToPeer:
    """Request a peer-to-peer with the payer about an authorization denied or partly
    approved, or an open denial, naming the physician who will speak (the attending or
    the physician advisor). The payer's window to hold it starts at the request when its
    settings give one. Refused (409) when the decision is not adverse or open, or a
    request about it is still pending. Audits one create."""
    errors: dict[str, list[str]] = {}
    if facts.speaker not in rules.PeerToPeerSpeaker._value2member_map_:
        errors["speaker"] = [_("not one of the choices")]
    if not facts.physician_name.strip():
        errors["physician_name"] = [_("name the physician who will speak")]
    not_in_future(errors, "requested_at", facts.requested_at)
    if facts.requested_at < stay.admitted_at:
        errors["requested_at"] = [_("cannot be before the admission")]
    subject = _subject(stay, facts, errors)
    if errors:
        raise ValidationFailed(errors)
    if isinstance(subject, StayAuthorization):
        if subject.state not in rules.PEER_TO_PEER_AUTHORIZATION_STATES:
            raise RuleViolation(
                _("a peer-to-peer is about an adverse decision; the authorization is %(state)s")
                % {"state": subject.state}
            )
        pending = Q(authorization_id=subject.pk)
    else:
        assert isinstance(subject, StayDenial)
        if subject.state != rules.DenialState.OPEN:
            raise RuleViolation(
                _("a peer-to-peer is about an open denial; the denial is %(state)s")
                % {"state": subject.state}
            )
        pending = Q(denial_id=subject.pk)
    if StayPeerToPeer.objects.filter(pending, outcome="").exists():
        raise RuleViolation(_("a peer-to-peer about this decision is already pending"))
    rule = rules.peer_to_peer_rule(payer_terms(subject.payer))
    with transaction.atomic():
        peer = StayPeerToPeer.objects.create(
            stay=stay,
            authorization=subject if isinstance(subject, StayAuthorization) else None,
            denial=subject if isinstance(subject, StayDenial) else None,
            requested_at=facts.requested_at,
            requested_by=actor.user,
            speaker=facts.speaker,
            physician_name=facts.physician_name.strip(),
            payer_contact=facts.payer_contact.strip(),
        )
        if rule is not None:
            payer_clock_start(
                PayerDeadline.PEER_TO_PEER, PEER_TO_PEER, peer.pk, stay, rule, facts.requested_at
            )
        payer_audit(
            actor,
            AuditAction.CREATE,
            stay,
            OBJECT,
            peer.pk,
            subject="authorization" if peer.authorization_id else "denial",
        )
    return peer


@dataclass(frozen=True)
class PeerToPeerStepFacts:
    step: str
    scheduled_at: datetime | None = None
    held_at: datetime | None = None
    outcome: str = ""
    note: str = ""
    overturned_days: int | None = None
    overturned_amount: Decimal | None = None


def _conclude_problems(peer: StayPeerToPeer, facts: PeerToPeerStepFacts) -> dict[str, list[str]]:
    authorization = peer.authorization
    denial = peer.denial
    denied_days: int | None
    denied_amount: Decimal | None
    if authorization is not None:
        denied_days = authorization.requested_days - (authorization.authorized_days or 0)
        denied_amount = None
    else:
        assert denial is not None
        denied_days, denied_amount = denial.denied_days, denial.denied_amount
    errors = rules.peer_to_peer_problems(
        outcome=facts.outcome,
        held=facts.held_at is not None,
        overturned_days=facts.overturned_days,
        overturned_amount=facts.overturned_amount,
        denied_days=denied_days,
        denied_amount=denied_amount,
        on_denial=denial is not None,
    )
    not_in_future(errors, "held_at", facts.held_at)
    if facts.held_at is not None and facts.held_at < peer.requested_at:
        errors["held_at"] = [_("cannot be before the request")]
    return errors


def peer_to_peer_step(
    *, actor: Actor, peer: StayPeerToPeer, version: int, facts: PeerToPeerStepFacts
) -> StayPeerToPeer:
    """Record that the payer scheduled a pending peer-to-peer (the time it gave), or its
    conclusion: held — upheld, overturned or partly overturned, with a note — or not held.
    Concluding meets the payer's window (a window the sweep marked breached keeps the
    miss). An overturn of an authorization is the payer's reconsidered decision (all the
    days requested, or those added); of a denial it is won (overturned) or stays open to
    appeal (partly), with what was recovered. A concluded peer-to-peer is refused (409).
    Audits one update."""
    if facts.step not in rules.PeerToPeerStep._value2member_map_:
        raise ValidationFailed.single("step", _("not one of the choices"))
    step = rules.PeerToPeerStep(facts.step)
    errors: dict[str, list[str]] = {}
    if step == rules.PeerToPeerStep.SCHEDULED:
        if facts.scheduled_at is None:
            errors["scheduled_at"] = [_("give the time the payer scheduled")]
        elif facts.scheduled_at < peer.requested_at:
            errors["scheduled_at"] = [_("cannot be before the request")]
    else:
        errors = _conclude_problems(peer, facts)
    if errors:
        raise ValidationFailed(errors)
    refused = RuleViolation(_("the peer-to-peer was already concluded"))
    if peer.outcome:
        raise refused
    stay = peer.stay
    with transaction.atomic():
        if step == rules.PeerToPeerStep.SCHEDULED:
            versioned_update(
                peer,
                version=version,
                changes={"scheduled_at": facts.scheduled_at},
                where=Q(outcome=""),
                refused=refused,
            )
        else:
            versioned_update(
                peer,
                version=version,
                changes={
                    "held_at": facts.held_at,
                    "outcome": facts.outcome,
                    "note": facts.note.strip(),
                    "overturned_days": facts.overturned_days,
                    "overturned_amount": facts.overturned_amount,
                    "concluded_at": clock.now(),
                },
                where=Q(outcome=""),
                refused=refused,
            )
            payer_clock_meet(
                PayerDeadline.PEER_TO_PEER, PEER_TO_PEER, peer.pk, facts.held_at or clock.now()
            )
            _apply_outcome(peer, rules.PeerToPeerOutcome(facts.outcome), facts)
        payer_audit(actor, AuditAction.UPDATE, stay, OBJECT, peer.pk, step=step.value)
    return peer


def _apply_outcome(
    peer: StayPeerToPeer, outcome: rules.PeerToPeerOutcome, facts: PeerToPeerStepFacts
) -> None:
    if outcome not in (
        rules.PeerToPeerOutcome.OVERTURNED,
        rules.PeerToPeerOutcome.PARTLY_OVERTURNED,
    ):
        return
    assert facts.held_at is not None
    authorization = peer.authorization
    if authorization is not None:
        authorization.stay = peer.stay
        full = outcome == rules.PeerToPeerOutcome.OVERTURNED
        days = (
            authorization.requested_days
            if full
            else (authorization.authorized_days or 0) + (facts.overturned_days or 0)
        )
        authorization_step_apply(
            authorization,
            authorization.version,
            StepFacts(
                step=rules.AuthorizationStep.RECONSIDERED,
                at=facts.held_at,
                decision=(
                    rules.AuthorizationState.APPROVED
                    if full
                    else rules.AuthorizationState.PARTLY_APPROVED
                ),
                authorized_days=days,
            ),
        )
        return
    denial = peer.denial
    assert denial is not None
    # The peer-to-peer comes before any appeal level: a partial overturn leaves them all.
    state = rules.denial_state_after(rules.AppealOutcome(outcome.value), more_levels=True)
    denial_state_set(denial, state)
    if state == rules.DenialState.OVERTURNED:
        deadlines_finish(
            Deadline.objects.filter(
                kind=PayerDeadline.APPEAL_FILE, subject_type=DENIAL, subject_id=denial.pk
            ),
            state=DeadlineState.WAIVED,
        )
