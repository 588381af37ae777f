"""Referral intake: a referral and a case, for a new or a returning consumer."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from casework.cases import rules
from casework.cases.models import (
    Case,
    CaseAssignment,
    CaseState,
    Referral,
)
from casework.cases.services._common import _audit, _override, _team_of_supervisor
from casework.consumers.models import Consumer
from casework.consumers.rules import DuplicateDecision
from casework.consumers.selectors import record_number_holder
from casework.consumers.services import ConsumerFields, consumer_build, returning_consumer
from casework.core import clock
from casework.core.actor import Actor
from casework.core.errors import RuleViolation, ValidationFailed
from casework.core.models import AuditAction, Team
from casework.core.roles import Role
from casework.core.validation import validated
from casework.staff import services as staff_services
from casework.staff.models import User


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
    reaches_consumer: Callable[[int], bool] | None = None,
    duplicate_decision: str = "",
) -> Case:
    """Take a referral (B2) and open a case in state `referred`.

    Either `consumer` (already reached by the actor) or `new_consumer` fields. Who: case
    managers (for themselves) and supervisors (for their team). An assignee must pass
    the staff assignment gate (A5-A8); a supervisor may override it with
    `override_reason`, recorded and named in the audit event. A new consumer's record
    number held by a consumer the actor does not reach (`reaches_consumer`, given by the
    web layer) is taken as new and awaits a supervisor's link (S5); the audit event
    names the match. Audits one create.

    A returning consumer (issue 13, item 9): new consumer details whose record number a
    consumer the actor reaches holds open the case for that consumer (`returning`); the
    same normalised name and birth date as consumers the actor reaches is refused with
    `LikelyDuplicate` until `duplicate_decision` says "different" (a new record), or the
    caller refers the existing `consumer` with "same"; the audit detail records either."""
    if (consumer is None) == (new_consumer is None):
        raise ValidationFailed.single("consumer", _("give an existing consumer or a new one"))
    if duplicate_decision not in ("", *DuplicateDecision):
        raise ValidationFailed.single("duplicate_decision", _("say same or different"))
    if duplicate_decision == DuplicateDecision.SAME and consumer is None:
        raise ValidationFailed.single("consumer", _("name the existing consumer"))
    if source in ("professional", "family") and not referrer_name.strip():
        raise ValidationFailed.single("referrer_name", _("name the person who referred"))
    program_id = actor.user.program_id
    if program_id is None:
        raise RuleViolation(_("you are not a member of a program"))
    assignee, team = _assignee_for_intake(actor, assign_to)
    now = clock.now()
    from casework.coordination.services import care_team_case_manager_join

    link: dict[str, Any] = {}
    joined: dict[str, Any] = {}
    reaches = reaches_consumer or (lambda consumer_id: False)
    with transaction.atomic():
        if new_consumer is not None:
            found, returning = returning_consumer(
                program_id=program_id,
                fields=new_consumer,
                reaches=reaches,
                decision=duplicate_decision,
            )
            link.update(returning)
            if found is not None:
                consumer, new_consumer = found, None
        elif duplicate_decision:
            link["duplicate_decision"] = duplicate_decision
        if consumer is not None and consumer.merged_into_id is not None:
            raise ValidationFailed.single(
                "consumer", _("this record is merged into another: refer the one kept")
            )
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
            consumer = consumer_build(program_id=program_id, reaches=reaches, **new_consumer)
            try:
                with transaction.atomic():
                    consumer.save()
            except IntegrityError:
                # A concurrent referral took the same record number after the check in
                # consumer_build: the same 422 (the database's message names the key's
                # values, so it is dropped).
                raise ValidationFailed.single(
                    "mrn", "a consumer with this medical record number is already in the program"
                ) from None
            if consumer.mrn_link_pending:
                link |= {
                    "mrn_link_pending": True,
                    "mrn_holder": record_number_holder(
                        program_id=program_id, mrn=consumer.mrn, other_than=consumer.pk
                    ),
                }
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
            joined = {"care_team_joined": care_team_case_manager_join(case=case, user=assignee)}
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
            **link,
            **joined,
        )
    return case
