"""Caseload guidelines, the assignment gate and suggestions (MA 5.1(n); A5-A8)."""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from casework.core import clock
from casework.core.actor import Actor
from casework.core.errors import RuleViolation, ValidationFailed
from casework.core.models import AuditAction
from casework.core.roles import Role
from casework.core.validation import validated
from casework.staff import rules, selectors
from casework.staff.models import (
    AssignmentOverride,
    CaseloadGuideline,
    User,
)
from casework.staff.services._common import (
    _audit,
    _program,
)

# --- caseloads and the assignment gate (MA 5.1(n); A5-A8) --------------------------------


def caseload_guideline_set(
    *, actor: Actor, role: str, max_weighted_load: Decimal, rationale: str
) -> CaseloadGuideline:
    """Set a role's caseload limit with its written rationale. Who: supervisors and
    staff.manage. Audits one create or update."""
    if role not in Role.values:
        raise ValidationFailed.single("role", _("unknown role"))
    if max_weighted_load <= 0:
        raise ValidationFailed.single("max_weighted_load", _("must be more than zero"))
    if len(rationale.strip()) < 20:
        raise ValidationFailed.single("rationale", _("write the rationale (20 characters or more)"))
    with transaction.atomic():
        row = CaseloadGuideline.objects.filter(program_id=_program(actor), role=role).first()
        action = AuditAction.UPDATE if row else AuditAction.CREATE
        if row is None:
            row = CaseloadGuideline(program_id=_program(actor), role=role, version=0)
        row.max_weighted_load = max_weighted_load
        row.rationale = rationale
        row.set_by = actor.user
        row.set_at = clock.now()
        row.version += 1
        validated(row)
        row.save()
        _audit(
            actor,
            action,
            "staff_caseload_guideline",
            row.pk,
            role=role,
            limit=str(max_weighted_load),
        )
    return row


def assignment_gate(
    *,
    actor: Actor,
    assignee: User,
    complexity: str,
    severity: str,
    consumer_id: int | None,
    override_reason: str = "",
) -> list[str]:
    """May `assignee` take a new case? Refuses (RuleViolation, with the reasons) when
    they lack a current verified credential, orientation or a signed current
    confidentiality statement, or the case would put them over their caseload limit.
    A supervisor may override with a reason: the blockers are returned for the caller
    to record (`assignment_override_record`) in its own audited transaction."""
    facts = selectors.assignee_facts(user=assignee, consumer_id=consumer_id)
    blockers = rules.assignment_blockers(facts, adding=rules.acuity_weight(complexity, severity))
    if not blockers:
        return []
    reasons = "; ".join(rules.BLOCKER_TEXT[b] for b in blockers)
    if not override_reason.strip():
        raise RuleViolation(
            _("%(name)s cannot be assigned new cases: %(reasons)s")
            % {"name": assignee.get_full_name() or assignee.username, "reasons": reasons}
        )
    if actor.user.role != Role.SUPERVISOR:
        raise RuleViolation(_("only a supervisor may override: %(r)s") % {"r": reasons})
    return blockers


def assignment_override_record(
    *, actor: Actor, case_id: int, assignee: User, blockers: list[str], reason: str
) -> AssignmentOverride:
    """Keep the override beside the assignment; the caller's audit event names it."""
    return AssignmentOverride.objects.create(
        case_id=case_id,
        assignee=assignee,
        overridden_by=actor.user,
        blockers=blockers,
        reason=reason[:2000],
        at=clock.now(),
    )


def assignment_suggestions(
    *,
    team_members: list[User],
    complexity: str,
    severity: str,
    consumer_id: int | None,
    language: str,
) -> list[User]:
    """People who may take the case, best first: continuity, language, lowest load."""
    facts = selectors.assignee_facts_for(users=team_members, consumer_id=consumer_id)
    order = rules.suggestion_rank(
        facts, adding=rules.acuity_weight(complexity, severity), language=language
    )
    by_id = {u.pk: u for u in team_members}
    return [by_id[pk] for pk in order]
