"""Permission-checked loads of staff records (A1): your own always; others by role scope
(team for supervisors, program for compliance, administrators and auditors); 404
otherwise, audited as denied. Staff records hold no consumer data."""

from django.http import Http404

from casework.core.actor import Actor
from casework.core.audit import audit_denied, audit_record
from casework.core.models import AuditAction
from casework.core.policy import Permission, Scope, scope_for
from casework.staff.models import AttestationDocument, CorrectiveAction, Credential, User


def staff_reachable(actor: Actor, user: User, permission: Permission) -> bool:
    if user.pk == actor.user.pk and permission == Permission.STAFF_READ:
        return True
    scope = scope_for(actor.role, permission)
    if scope == Scope.NONE or actor.user.program_id is None:
        return False
    if user.program_id != actor.user.program_id:
        return False
    if scope == Scope.PROGRAM:
        return True
    if scope == Scope.TEAM:
        return user.team is not None and user.team.supervisor_id == actor.user.pk
    return False


def access_staff(
    actor: Actor,
    user_id: int,
    *,
    permission: Permission = Permission.STAFF_READ,
    log_read: bool = True,
) -> User:
    """The staff member `user_id` if `actor` reaches them with `permission`; 404 else."""
    user = User.objects.select_related("team", "program").filter(pk=user_id).first()
    action = AuditAction.READ if permission == Permission.STAFF_READ else AuditAction.UPDATE
    if user is None or not staff_reachable(actor, user, permission):
        audit_denied(
            actor=actor,
            action=action,
            object_type="staff",
            object_id=user_id,
            reason="not found or not permitted",
        )
        raise Http404("No staff member matches the given query.")
    if log_read:
        audit_record(actor=actor, action=AuditAction.READ, object_type="staff", object_id=user.pk)
    return user


def _refuse(actor: Actor, object_type: str, object_id: object) -> Http404:
    audit_denied(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type=object_type,
        object_id=object_id,
        reason="not found or not permitted",
    )
    return Http404(f"No {object_type} matches the given query.")


def access_credential(actor: Actor, credential_id: int) -> Credential:
    """A credential of someone the actor manages (staff.manage); 404 otherwise."""
    credential = Credential.objects.select_related("user__team").filter(pk=credential_id).first()
    if credential is None or not staff_reachable(actor, credential.user, Permission.STAFF_MANAGE):
        raise _refuse(actor, "staff_credential", credential_id)
    return credential


def access_corrective_action(actor: Actor, action_id: int) -> CorrectiveAction:
    action = CorrectiveAction.objects.select_related("user__team").filter(pk=action_id).first()
    if action is None or not staff_reachable(actor, action.user, Permission.STAFF_MANAGE):
        raise _refuse(actor, "staff_corrective_action", action_id)
    return action


def access_attestation_document(actor: Actor, document_id: int) -> AttestationDocument:
    document = AttestationDocument.objects.filter(
        pk=document_id, program_id=actor.user.program_id or 0
    ).first()
    if document is None:
        raise _refuse(actor, "staff_attestation_document", document_id)
    return document
