"""Caseload guidelines and who may take a case (A8)."""

from typing import Any

from django.http import HttpRequest
from ninja import Router

from casework.core.actor import Actor
from casework.core.policy import Permission
from casework.staff import selectors, services
from casework.staff.models import CaseloadGuideline
from casework.staff.schemas import GuidelineIn, GuidelineOut, SuggestionOut
from casework.web.access import access_case
from casework.web.api import actor_of, require, responses
from casework.web.guard import guard

router = Router()


@router.put(
    "/caseload-guidelines/{role}",
    response=responses({200: GuidelineOut}, write=True),
    summary="Set a role's caseload limit with its written rationale (MA 5.1(n))",
    operation_id="caseload_guideline_set",
)
def caseload_guideline_set(
    request: HttpRequest, role: str, payload: GuidelineIn
) -> CaseloadGuideline:
    """Audits one create or update."""
    actor = actor_of(request)
    require(actor, Permission.CASELOAD_SET, "staff_caseload_guideline", role)
    return services.caseload_guideline_set(
        actor=actor,
        role=role,
        max_weighted_load=payload.max_weighted_load,
        rationale=payload.rationale,
    )


@router.get(
    "/cases/{case_id}/assignment-suggestions",
    response=responses({200: list[SuggestionOut]}),
    summary="Who on your team may take this case, best first",
    operation_id="assignment_suggestions",
)
@guard(Permission.CASE_REASSIGN, access_case, log_read=True)
def assignment_suggestions(request: HttpRequest, actor: Actor, case: Any) -> list[dict[str, Any]]:
    """Eligible case managers (credential, orientation, statement, capacity), by
    continuity, language match and load. Audits one read of the case."""
    # `case` is a cases.models.Case: staff sits below cases, so the type is not named.
    members = selectors.team_case_managers_by_id(supervisor_id=actor.user.pk)
    suggested = services.assignment_suggestions(
        team_members=members,
        complexity=case.complexity,
        severity=case.severity,
        consumer_id=case.consumer_id,
        language=case.consumer.preferred_language,
    )
    loads = selectors.caseload_weights(user_ids=[u.pk for u in suggested])
    limits = selectors.caseload_limits(program_ids={u.program_id or 0 for u in suggested})
    return [
        {
            "user": u,
            "weighted_load": loads[u.pk],
            "limit": limits.get((u.program_id or 0, u.role)),
        }
        for u in suggested
    ]
