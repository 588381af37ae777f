"""Permission-checked loads of responses and needs: 404 (audited) when out of reach."""

from casework.assessments.models import AssessmentResponse, Need
from casework.cases.access import case_scope_q, refuse
from casework.cases.models import Case
from casework.core.actor import Actor
from casework.core.audit import audit_record
from casework.core.models import AuditAction
from casework.core.policy import Permission


def access_response(
    actor: Actor,
    response_id: int,
    *,
    case_id: int | None = None,
    action: str = AuditAction.READ,
    detail: dict[str, object] | None = None,
) -> AssessmentResponse:
    """A response the actor may read (of case `case_id`, when given); one audited
    `action` (a read, or a print of the summary)."""
    cases = Case.objects.filter(case_scope_q(actor.user, Permission.CONSUMER_READ))
    if case_id is not None:
        cases = cases.filter(pk=case_id)
    response = (
        AssessmentResponse.objects.filter(pk=response_id, case__in=cases)
        .select_related("case__consumer", "instrument", "administered_by")
        .first()
    )
    if response is None:
        raise refuse(actor, action, "assessment_response", response_id)
    audit_record(
        actor=actor,
        action=action,
        consumer_id=response.case.consumer_id,
        object_type="assessment_response",
        object_id=response.pk,
        detail=detail,
    )
    return response


def access_need(actor: Actor, need_id: int) -> Need:
    """A need the actor may change (care.plan); the service audits the write."""
    cases = Case.objects.filter(case_scope_q(actor.user, Permission.CARE_PLAN))
    need = Need.objects.filter(pk=need_id, case__in=cases).select_related("case").first()
    if need is None:
        raise refuse(actor, AuditAction.UPDATE, "need", need_id)
    return need
