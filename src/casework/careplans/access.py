"""Permission-checked load of a case's plan of care: 404 (audited) when out of reach or
when the case has no plan yet."""

from casework.careplans.models import CarePlan
from casework.careplans.selectors import care_plan_for_case
from casework.cases.access import access_case, refuse
from casework.core.actor import Actor
from casework.core.models import AuditAction
from casework.core.policy import Permission


def access_care_plan(
    actor: Actor,
    case_id: int,
    *,
    permission: Permission = Permission.CONSUMER_READ,
    log_read: bool = True,
) -> CarePlan:
    """The case's plan. A read writes one read event naming the plan; a write passes
    log_read=False and the service audits."""
    case = access_case(actor, case_id, permission=permission, log_read=False)
    plan = care_plan_for_case(case_id=case.pk)
    action = AuditAction.READ if permission == Permission.CONSUMER_READ else AuditAction.UPDATE
    if plan is None or plan.current is None:
        raise refuse(actor, action, "care_plan", f"case {case_id}")
    plan.case = case
    if log_read:
        from casework.core.audit import audit_record

        audit_record(
            actor=actor,
            action=AuditAction.READ,
            consumer_id=case.consumer_id,
            object_type="care_plan",
            object_id=plan.pk,
        )
    return plan
