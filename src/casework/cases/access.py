"""Permission-checked loads (S3, S4): role and relationship, 404 otherwise, audited.

Nobody opens a consumer record without a signed current confidentiality statement
(MA 7.3(e), S41): `confidentiality_gate` refuses with `AttestationRequired`, audited as
denied. A read through `access_*` writes one read event; a write passes `log_read=False` and
the service writes the event. A refusal always writes one denied event and raises 404,
so a caller cannot tell a forbidden consumer from a missing one.
"""

from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from casework.cases.models import Case
from casework.consumers.models import Consumer
from casework.coordination.models import WorkItem
from casework.coordination.selectors import care_team_member_exists
from casework.core.actor import Actor
from casework.core.audit import audit_denied, audit_record
from casework.core.errors import AttestationRequired
from casework.core.models import AuditAction
from casework.core.policy import Permission, Scope, scope_for
from casework.staff.models import User
from casework.staff.selectors import confidentiality_signed

NOTHING = Q(pk__in=[])


def consumer_scope_q(user: User, permission: Permission) -> Q:
    """A filter on Consumer for the consumers `user` reaches with `permission`."""
    scope = scope_for(user.role, permission)
    if scope == Scope.NONE or user.program_id is None or not user.is_active:
        return NOTHING
    in_program = Q(program_id=user.program_id)
    if scope == Scope.PROGRAM:
        return in_program
    if scope == Scope.TEAM:
        team_case = Case.objects.filter(consumer_id=OuterRef("pk"), team__supervisor_id=user.pk)
        return in_program & Q(Exists(team_case))
    own_case = Case.objects.filter(consumer_id=OuterRef("pk"), assigned_to_id=user.pk)
    return in_program & (
        Q(Exists(own_case))
        | Q(care_team_member_exists(user_id=user.pk, consumer_ref=OuterRef("pk")))
    )


def case_scope_q(user: User, permission: Permission) -> Q:
    """A filter on Case: the cases of the consumers `user` reaches with `permission`."""
    scope = scope_for(user.role, permission)
    if scope == Scope.NONE or user.program_id is None or not user.is_active:
        return NOTHING
    in_program = Q(program_id=user.program_id)
    if scope == Scope.PROGRAM:
        return in_program
    if scope == Scope.TEAM:
        return in_program & Q(
            Exists(
                Case.objects.filter(
                    consumer_id=OuterRef("consumer_id"), team__supervisor_id=user.pk
                )
            )
        )
    return in_program & (
        Q(Exists(Case.objects.filter(consumer_id=OuterRef("consumer_id"), assigned_to_id=user.pk)))
        | Q(care_team_member_exists(user_id=user.pk, consumer_ref=OuterRef("consumer_id")))
    )


def refuse(actor: Actor, action: str, object_type: str, object_id: object) -> Http404:
    """Audit a denied attempt and return the 404 to raise."""
    audit_denied(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        reason="not found or not permitted",
    )
    return Http404(f"No {object_type} matches the given query.")


def confidentiality_gate(actor: Actor, action: str, object_type: str, object_id: object) -> None:
    """Refuse (audited) anyone without a signed current confidentiality statement."""
    if confidentiality_signed(user=actor.user):
        return
    audit_denied(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        reason="confidentiality statement not signed",
    )
    raise AttestationRequired()


def _action(permission: Permission, log_read: bool) -> str:
    return AuditAction.READ if permission == Permission.CONSUMER_READ else AuditAction.UPDATE


def access_consumer(
    actor: Actor,
    consumer_id: int,
    *,
    permission: Permission = Permission.CONSUMER_READ,
    log_read: bool = True,
) -> Consumer:
    confidentiality_gate(actor, _action(permission, log_read), "consumer", consumer_id)
    consumer = Consumer.objects.filter(
        consumer_scope_q(actor.user, permission), pk=consumer_id
    ).first()
    if consumer is None:
        raise refuse(actor, _action(permission, log_read), "consumer", consumer_id)
    if log_read:
        audit_record(
            actor=actor,
            action=AuditAction.READ,
            consumer_id=consumer.pk,
            object_type="consumer",
            object_id=consumer.pk,
        )
    return consumer


def access_case(
    actor: Actor,
    case_id: int,
    *,
    permission: Permission = Permission.CONSUMER_READ,
    log_read: bool = True,
) -> Case:
    confidentiality_gate(actor, _action(permission, log_read), "case", case_id)
    case = (
        Case.objects.filter(case_scope_q(actor.user, permission), pk=case_id)
        .select_related("consumer", "assigned_to", "team", "program", "referral")
        .first()
    )
    if case is None:
        raise refuse(actor, _action(permission, log_read), "case", case_id)
    if log_read:
        audit_record(
            actor=actor,
            action=AuditAction.READ,
            consumer_id=case.consumer_id,
            object_type="case",
            object_id=case.pk,
        )
    return case


def access_work_item(
    actor: Actor,
    work_item_id: int,
    *,
    permission: Permission = Permission.CASE_MANAGE,
    log_read: bool = False,
) -> WorkItem:
    confidentiality_gate(actor, _action(permission, log_read), "work_item", work_item_id)
    cases = Case.objects.filter(case_scope_q(actor.user, permission))
    item = (
        WorkItem.objects.filter(pk=work_item_id, case__in=cases)
        .select_related("case", "case__consumer", "owner")
        .first()
    )
    if item is None:
        raise refuse(actor, _action(permission, log_read), "work_item", work_item_id)
    if log_read:
        audit_record(
            actor=actor,
            action=AuditAction.READ,
            consumer_id=item.case.consumer_id,
            object_type="work_item",
            object_id=item.pk,
        )
    return item


def user_may(actor: Actor, permission: Permission) -> bool:
    return scope_for(actor.role, permission) != Scope.NONE
