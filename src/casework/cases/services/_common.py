"""Helpers shared by the case services: locking and the audit event."""

from typing import Any

from casework.cases.models import (
    Case,
)
from casework.cases.selectors import case_fact_annotations
from casework.core.actor import Actor
from casework.core.audit import audit_record
from casework.core.models import Team
from casework.core.prepared import PreparedLoad
from casework.staff import services as staff_services
from casework.staff.models import User

# Every write to a case runs it: compiled once per database (core.prepared), since
# compiling its annotations cost more CPU than running it.
_LOCKED = PreparedLoad(
    lambda _variant, case_id: (
        Case.objects.select_for_update(of=("self",))
        .select_related("consumer", "program")
        .annotate(**case_fact_annotations())
        .filter(pk=case_id)
    ),
    case_id=987_654_321,
)


def _lock(case: Case) -> Case:
    """Reload the case under a row lock, so two writers serialize on it, with its facts
    (`cases.selectors.facts_of(locked)`) read in the same query."""
    found = _LOCKED.objects(None, case_id=case.pk)
    if not found:
        raise Case.DoesNotExist(f"no case {case.pk}")
    return found[0]


def _audit(
    actor: Actor, action: str, case: Case, object_type: str, object_id: object, **detail: object
) -> None:
    audit_record(
        actor=actor,
        action=action,
        consumer_id=case.consumer_id,
        object_type=object_type,
        object_id=object_id,
        detail=detail,
    )


def _team_of_supervisor(user: User) -> Team | None:
    return Team.objects.filter(supervisor=user).order_by("id").first()


def _override(
    actor: Actor, case: Case, assignee: User | None, blockers: list[str], reason: str
) -> dict[str, Any]:
    """Record a supervisor's override of the assignment gate; the audit detail names it."""
    if not blockers or assignee is None:
        return {}
    row = staff_services.assignment_override_record(
        actor=actor, case_id=case.pk, assignee=assignee, blockers=blockers, reason=reason
    )
    return {"override": row.pk, "override_blockers": blockers}
