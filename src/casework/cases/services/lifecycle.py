"""The case lifecycle: activation, withdrawal, closure with notices, reassignment."""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from casework.cases import rules
from casework.cases.models import (
    Acknowledgement,
    Case,
    CaseAssignment,
    CaseState,
    Notice,
    NoticeKind,
    RecipientType,
)
from casework.cases.selectors import facts_of
from casework.cases.services._common import _audit, _lock, _override
from casework.coordination.selectors import external_providers_exist
from casework.core import clock
from casework.core.actor import Actor
from casework.core.errors import RuleViolation, StaleVersion, ValidationFailed
from casework.core.models import AuditAction
from casework.core.roles import Role
from casework.core.validation import validated
from casework.core.versioning import versioned_update
from casework.staff import services as staff_services
from casework.staff.models import User


def _transition(actor: Actor, case: Case, version: int, target: str, **changes: object) -> Case:
    from casework.coordination.services import work_items_end_with_case

    with transaction.atomic():
        locked = _lock(case)
        if locked.version != version:
            raise StaleVersion(locked.version)
        allowed = rules.can_transition(facts_of(locked), target)
        if not allowed:
            raise RuleViolation(allowed.reason)
        versioned_update(locked, version=version, changes={"state": target, **changes})
        detail: dict[str, object] = {"state": target}
        if target == CaseState.WITHDRAWN:
            cancelled = work_items_end_with_case(
                case=locked,
                reason=_("Case withdrawn: %(reason)s")
                % {"reason": changes.get("closure_summary", "")},
            )
            if cancelled:
                detail["work_items_cancelled"] = cancelled
        _audit(actor, AuditAction.UPDATE, locked, "case", locked.pk, **detail)
    return locked


def case_activate(*, actor: Actor, case: Case, version: int) -> Case:
    """Start case management services on an engaged case. Who: case.manage."""
    return _transition(actor, case, version, CaseState.ACTIVE, activated_at=clock.now())


def case_withdraw(*, actor: Actor, case: Case, version: int, reason: str) -> Case:
    """The consumer withdraws before or during services. Who: case.manage."""
    if not reason.strip():
        raise ValidationFailed.single("reason", _("say why the case is withdrawn"))
    if len(reason) > 2000:
        raise ValidationFailed.single("reason", _("at most 2000 characters"))
    return _transition(
        actor, case, version, CaseState.WITHDRAWN, ended_at=clock.now(), closure_summary=reason
    )


@dataclass(frozen=True)
class ClosureNotice:
    method: str
    delivered_at: datetime
    recipient_name: str = ""
    recipient_type: str = RecipientType.CONSUMER
    language: str = ""


def case_close(
    *,
    actor: Actor,
    case: Case,
    version: int,
    reason: str,
    instructions: str,
    consumer_notice: ClosureNotice | None,
    provider_notices: list[ClosureNotice],
    no_providers_involved: bool = False,
    summary: str = "",
) -> Case:
    """Close the case (I1): a reason, the notice to the consumer and to every involved
    provider, and where to go if things change. Refused while work items are open.
    Who: case.manage. Audits one update."""
    errors: dict[str, list[str]] = {}
    if not instructions.strip():
        errors["instructions"] = [_("tell the consumer where to go if things change")]
    if consumer_notice is None:
        errors["consumer_notice"] = [_("record the closure notice given to the consumer")]
    if any(not n.recipient_name.strip() for n in provider_notices):
        errors["provider_notices"] = [_("name each provider notified")]
    if errors:
        raise ValidationFailed(errors)
    assert consumer_notice is not None
    with transaction.atomic():
        locked = _lock(case)
        if locked.version != version:
            raise StaleVersion(locked.version)
        providers_ok = bool(provider_notices) or (
            no_providers_involved and not external_providers_exist(consumer_id=locked.consumer_id)
        )
        allowed = rules.may_close(
            facts_of(locked), consumer_notified=True, providers_accounted=providers_ok
        )
        if not allowed:
            raise RuleViolation(allowed.reason)
        versioned_update(
            locked,
            version=version,
            changes={
                "state": CaseState.CLOSED,
                "ended_at": clock.now(),
                "closure_reason": reason,
                "closure_summary": summary,
                "closure_instructions": instructions,
            },
        )
        validated(locked)
        now = clock.now()
        notices = [
            Notice(
                case=locked,
                kind=NoticeKind.CLOSURE,
                recipient_type=n.recipient_type,
                recipient_name=n.recipient_name,
                method=n.method,
                language=n.language or locked.consumer.preferred_language,
                delivered_at=n.delivered_at,
                acknowledgement=Acknowledgement.NOT_REQUIRED,
                recorded_by=actor.user,
                recorded_at=now,
            )
            for n in [consumer_notice, *provider_notices]
        ]
        for notice in notices:
            validated(notice, exclude=["case"])
        Notice.objects.bulk_create(notices)
        _audit(
            actor,
            AuditAction.UPDATE,
            locked,
            "case",
            locked.pk,
            state=CaseState.CLOSED,
            reason=reason,
            notices=len(notices),
        )
    return locked


def case_reassign(
    *,
    actor: Actor,
    case: Case,
    version: int,
    assign_to: User,
    reason: str,
    override_reason: str = "",
    keep_on_care_team_as: str = "",
) -> Case:
    """Reassign a case to another case manager on a team the supervisor leads; their open
    work items on the case move with it. The new case manager must pass the staff
    assignment gate (A5-A8) unless the supervisor overrides it with `override_reason`.

    The previous case manager's relationship ends: their care-team memberships for the
    consumer end, so they reach the case no more, unless the supervisor keeps them on
    the care team in another role (`keep_on_care_team_as`, never "case manager").
    Who: case.reassign (supervisors). Audits one update naming both."""
    from casework.coordination.services import (
        care_team_case_manager_join,
        care_team_handover,
        work_items_transfer,
    )

    if not reason.strip():
        raise ValidationFailed.single("reason", _("say why the case is reassigned"))
    keep_as = keep_on_care_team_as.strip()
    if keep_as and rules.names_case_manager(keep_as):
        raise ValidationFailed.single(
            "keep_on_care_team_as", _("choose a role other than case manager")
        )
    if keep_as and case.assigned_to_id is None:
        raise ValidationFailed.single(
            "keep_on_care_team_as", _("the case has no case manager to keep")
        )
    if (
        assign_to.role != Role.CASE_MANAGER
        or not assign_to.is_active
        or assign_to.team is None
        or assign_to.team.supervisor_id != actor.user.pk
    ):
        raise ValidationFailed.single("assign_to", _("not an active case manager on your team"))
    with transaction.atomic():
        locked = _lock(case)
        if locked.version != version:
            raise StaleVersion(locked.version)
        if locked.state in rules.TERMINAL_STATES:
            raise RuleViolation(_("the case is %(state)s") % {"state": locked.state})
        if locked.assigned_to_id == assign_to.pk:
            raise ValidationFailed.single("assign_to", _("the case is already assigned to them"))
        blockers = staff_services.assignment_gate(
            actor=actor,
            assignee=assign_to,
            complexity=locked.complexity,
            severity=locked.severity,
            consumer_id=locked.consumer_id,
            override_reason=override_reason,
        )
        previous_id = locked.assigned_to_id
        versioned_update(
            locked, version=version, changes={"assigned_to": assign_to, "team": assign_to.team}
        )
        CaseAssignment.objects.create(
            case=locked,
            assigned_to=assign_to,
            previous_id=previous_id,
            assigned_by=actor.user,
            assigned_at=clock.now(),
            reason=reason[:300],
        )
        moved = work_items_transfer(case=locked, from_user_id=previous_id, to_user=assign_to)
        ended, kept = care_team_handover(
            case=locked, from_user_id=previous_id, keep_as_role=keep_as
        )
        joined = care_team_case_manager_join(case=locked, user=assign_to)
        override = _override(actor, locked, assign_to, blockers, override_reason)
        _audit(
            actor,
            AuditAction.UPDATE,
            locked,
            "case",
            locked.pk,
            assigned_to=assign_to.pk,
            previous=previous_id,
            work_items_moved=moved,
            care_team_ended=ended,
            kept_on_care_team_as=keep_as,
            kept_membership=kept,
            care_team_joined=joined,
            **override,
        )
    return locked


def cases_reassign(
    *,
    actor: Actor,
    cases: list[Case],
    assign_to: User,
    reason: str,
    override_reason: str = "",
) -> list[Case]:
    """Reassign several cases to one case manager at once (issue 13, item 11), in one
    transaction: each exactly as `case_reassign` does it (its work items move, the
    previous case manager leaves the care team, one audit update per case). Any case
    refused (another team's case manager, an inactive one, a closed case, the staff
    gate) refuses them all and changes nothing; the reason names the case.

    Who: case.reassign (supervisors), over cases they reach (checked by the caller)."""
    if not cases:
        raise ValidationFailed.single("cases", _("choose at least one case"))
    if len({case.pk for case in cases}) != len(cases):
        raise ValidationFailed.single("cases", _("a case is chosen twice"))
    done: list[Case] = []
    with transaction.atomic():
        for case in cases:
            try:
                done.append(
                    case_reassign(
                        actor=actor,
                        case=case,
                        version=case.version,
                        assign_to=assign_to,
                        reason=reason,
                        override_reason=override_reason,
                    )
                )
            except ValidationFailed as exc:
                raise ValidationFailed(
                    {
                        field: [
                            _("case %(case)s: %(reason)s") % {"case": case.pk, "reason": r}
                            for r in reasons
                        ]
                        for field, reasons in exc.errors.items()
                    }
                ) from exc
            except RuleViolation as exc:
                raise RuleViolation(
                    _("case %(case)s: %(reason)s") % {"case": case.pk, "reason": exc.reason}
                ) from exc
    return done
