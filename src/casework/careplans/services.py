"""Writes for the plan of care (E1-E5, F6). Each needs active consent and is one audit
event. A revision writes a whole new version; earlier versions are never changed."""

from datetime import datetime, time, timedelta
from uuid import uuid4

from django.db import transaction
from django.utils.translation import gettext as _

from casework.assessments.models import Need
from casework.assessments.services import clinical_gate
from casework.careplans import rules
from casework.careplans.deadlines import PlanDeadline
from casework.careplans.models import (
    AgreementMethod,
    AgreementRole,
    CarePlan,
    CarePlanVersion,
    GoalProgress,
    InformedChoice,
    PlanAgreement,
    PlanBarrier,
    PlanGoal,
    PlanIntervention,
    PlanProblem,
    ProgressTrend,
)
from casework.careplans.selectors import care_plan_spec
from casework.cases.models import Case
from casework.coordination.models import CareTeamMember
from casework.coordination.selectors import work_item_open_exists
from casework.coordination.services import work_item_raise
from casework.core import clock
from casework.core.actor import Actor
from casework.core.audit import audit_record
from casework.core.clocks import local_datetime
from casework.core.deadlines import deadline_set, deadlines_close, program_calendar
from casework.core.errors import RuleViolation, StaleVersion, ValidationFailed
from casework.core.models import AuditAction, Deadline, DeadlineState
from casework.core.selectors import program_today
from casework.core.versioning import versioned_update


def new_key() -> str:
    return uuid4().hex[:12]


def _care_team_ids(case: Case) -> frozenset[int]:
    return frozenset(
        CareTeamMember.objects.filter(consumer_id=case.consumer_id, ended_at=None).values_list(
            "id", flat=True
        )
    )


def _check_needs(case: Case, plan: rules.PlanSpec) -> None:
    ids = {p.need_id for p in plan.problems if p.need_id is not None}
    if ids and Need.objects.filter(pk__in=ids, case=case).count() != len(ids):
        raise ValidationFailed.single("problems", _("a linked need belongs to another case"))


def _given[T](value: T | None) -> T:
    """A value `rules.plan_errors` has checked is present."""
    assert value is not None
    return value


def _write_version(
    plan: CarePlan, number: int, spec: rules.PlanSpec, *, actor: Actor, reason: str
) -> CarePlanVersion:
    version = CarePlanVersion.objects.create(
        plan=plan, number=number, reason=reason, author=actor.user, created_at=clock.now()
    )
    problems = {
        p.key: PlanProblem.objects.create(
            plan_version=version,
            key=p.key,
            need_id=p.need_id,
            description=p.description,
            priority=p.priority,
            consumer_priority=p.consumer_priority,
        )
        for p in spec.problems
    }
    goals = {
        g.key: PlanGoal.objects.create(
            plan_version=version,
            problem=problems[g.problem_key],
            key=g.key,
            description=g.description,
            target_value=g.target_value,
            observable_outcome=g.observable_outcome,
            target_date=_given(g.target_date),
            status=g.status,
            guideline=g.guideline,
        )
        for g in spec.goals
    }
    PlanIntervention.objects.bulk_create(
        PlanIntervention(
            plan_version=version,
            goal=goals[i.goal_key],
            key=i.key,
            kind=i.kind,
            description=i.description,
            responsible_id=_given(i.responsible_id),
            due_date=_given(i.due_date),
            status=i.status,
            guideline=i.guideline,
        )
        for i in spec.interventions
    )
    PlanBarrier.objects.bulk_create(
        PlanBarrier(plan_version=version, goal=goals[b.goal_key], description=b.description)
        for b in spec.barriers
    )
    _goal_deadlines(plan, version, goals)
    return version


def _goal_deadlines(plan: CarePlan, version: CarePlanVersion, goals: dict[str, PlanGoal]) -> None:
    """Open goals get a target-date deadline (the sweep raises a work item when a goal is
    still open after it); the deadlines of the previous version's goals are closed. A goal
    carried over with the same target date whose deadline has already fallen due gets no
    new one: its 'goal not met' work item was raised once, for the goal, not per version."""
    already_due: set[tuple[str, object]] = set()
    if plan.current_id is not None:
        previous = dict(
            PlanGoal.objects.filter(plan_version_id=plan.current_id).values_list("id", "key")
        )
        breached = Deadline.objects.filter(
            kind=PlanDeadline.GOAL_TARGET,
            subject_type="plan_goal",
            subject_id__in=list(previous),
            state__in=[DeadlineState.BREACHED, DeadlineState.MET],
        ).values_list("subject_id", flat=True)
        targets = dict(
            PlanGoal.objects.filter(pk__in=list(breached)).values_list("key", "target_date")
        )
        already_due = set(targets.items())
        for goal_id in previous:
            deadlines_close(
                subject_type="plan_goal", subject_id=goal_id, state=DeadlineState.WAIVED
            )
    case = plan.case
    open_goals = [
        goal
        for goal in goals.values()
        if goal.status in rules.OPEN_GOAL_STATUSES
        and (goal.key, goal.target_date) not in already_due
    ]
    # A goal is behind once its target day has ended where the program is.
    calendar = program_calendar(program_id=case.program_id) if open_goals else None
    for goal in open_goals:
        assert calendar is not None
        deadline_set(
            kind=PlanDeadline.GOAL_TARGET,
            subject_type="plan_goal",
            subject_id=goal.pk,
            due_at=local_datetime(goal.target_date + timedelta(days=1), time(), calendar),
            owner_id=case.assigned_to_id,
            consumer_id=case.consumer_id,
        )


def care_plan_revise(
    *,
    actor: Actor,
    case: Case,
    plan: rules.PlanSpec,
    reason: str,
    version: int | None,
) -> CarePlanVersion:
    """Write a new version of the case's plan of care (the first one creates the plan).

    The plan must keep every invariant of `rules.plan_errors`; `version` is the plan's
    version you read (None for a new plan; stale → 409). A reason is required when the
    revision changes agreed content (`rules.agreed_content_changes`: problems, goals and
    their targets, interventions and their responsible parties and due dates) and
    optional otherwise (a status, a guideline reference, a barrier). The author, time and
    reason are kept on the version; earlier versions stay readable and unchanged. Needs
    active consent. Who: case.manage. Audits one create of the version."""
    errors = rules.plan_errors(plan, care_team_ids=_care_team_ids(case))
    if errors:
        raise ValidationFailed(errors)
    _check_needs(case, plan)
    with transaction.atomic():
        clinical_gate(case)
        current = CarePlan.objects.select_for_update().filter(case=case).first()
        previous = current.current if current is not None else None
        if current is not None and (version is None or version != current.version):
            raise StaleVersion(current.version)
        if current is None and version is not None:
            raise StaleVersion(0)
        before = care_plan_spec(previous) if previous is not None else None
        if before is not None and not rules.plan_changes(before, plan):
            raise ValidationFailed.single("__all__", _("nothing in the plan changed"))
        if not reason.strip() and rules.agreed_content_changes(before, plan):
            raise ValidationFailed.single(
                "reason", _("say why the plan changes: the change alters what was agreed")
            )
        if current is None:
            current = CarePlan.objects.create(case=case, created_at=clock.now())
        number = (previous.number if previous else 0) + 1
        written = _write_version(current, number, plan, actor=actor, reason=reason.strip())
        versioned_update(current, version=current.version, changes={"current": written})
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            consumer_id=case.consumer_id,
            object_type="care_plan_version",
            object_id=written.pk,
            detail={"number": number, "plan": current.pk},
        )
    return written


def _current_version(plan: CarePlan, plan_version: int) -> CarePlanVersion:
    if plan.current is None or plan.current.number != plan_version:
        raise RuleViolation(_("agreement and choices are recorded on the current version only"))
    return plan.current


def plan_agreement_record(
    *,
    actor: Actor,
    plan: CarePlan,
    plan_version: int,
    agreed_by: str,
    role: str,
    method: str,
    participants: str,
    agreed_at: datetime,
) -> PlanAgreement:
    """Record that the consumer (or legal decision maker, or family) took part in and
    agreed to the current version (E2): who, how, when. Needs active consent.
    Who: case.manage. Audits one create."""
    if role not in AgreementRole.values:
        raise ValidationFailed.single("role", _("not a choice"))
    if method not in AgreementMethod.values:
        raise ValidationFailed.single("method", _("not a choice"))
    if agreed_at > clock.now():
        raise ValidationFailed.single("agreed_at", _("cannot be in the future"))
    with transaction.atomic():
        clinical_gate(plan.case)
        target = _current_version(plan, plan_version)
        if not agreed_by.strip() or not participants.strip():
            raise ValidationFailed.single("agreed_by", _("say who agreed and who took part"))
        agreement = PlanAgreement.objects.create(
            plan_version=target,
            agreed_by=agreed_by.strip(),
            role=role,
            method=method,
            participants=participants.strip(),
            agreed_at=agreed_at,
            recorded_by=actor.user,
            recorded_at=clock.now(),
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            consumer_id=plan.case.consumer_id,
            object_type="plan_agreement",
            object_id=agreement.pk,
        )
    return agreement


def informed_choice_record(
    *,
    actor: Actor,
    plan: CarePlan,
    plan_version: int,
    topic: str,
    benefits: str,
    risks: str,
    costs: str,
    alternatives: str,
    consumer_choice: str,
    discussed_at: datetime,
) -> InformedChoice:
    """Record an informed-choice discussion (E5). Benefits, risks, costs and alternatives
    (which must include no treatment) are all required. Needs active consent.
    Who: case.manage. Audits one create."""
    fields = {
        "topic": topic,
        "benefits": benefits,
        "risks": risks,
        "costs": costs,
        "alternatives": alternatives,
        "consumer_choice": consumer_choice,
    }
    errors = {k: [_("required")] for k, v in fields.items() if not v.strip()}
    if errors:
        raise ValidationFailed(errors)
    if discussed_at > clock.now():
        raise ValidationFailed.single("discussed_at", _("cannot be in the future"))
    with transaction.atomic():
        clinical_gate(plan.case)
        target = _current_version(plan, plan_version)
        choice = InformedChoice.objects.create(
            plan_version=target,
            discussed_at=discussed_at,
            recorded_by=actor.user,
            **{k: v.strip() for k, v in fields.items()},
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            consumer_id=plan.case.consumer_id,
            object_type="informed_choice",
            object_id=choice.pk,
        )
    return choice


def goal_progress_record(
    *, actor: Actor, plan: CarePlan, goal_key: str, trend: str, note: str, value: str = ""
) -> GoalProgress:
    """Record progress on a goal of the current version (F6). Needs active consent.
    Who: record.note. Audits one create."""
    if trend not in ProgressTrend.values:
        raise ValidationFailed.single("trend", _("not a choice"))
    if not note.strip():
        raise ValidationFailed.single("note", _("describe the progress"))
    if plan.current is None or not plan.current.goals.filter(key=goal_key).exists():
        raise ValidationFailed.single("goal", _("no such goal in the current plan"))
    with transaction.atomic():
        clinical_gate(plan.case)
        entry = GoalProgress.objects.create(
            plan=plan,
            goal_key=goal_key,
            trend=trend,
            value=value.strip(),
            note=note.strip(),
            recorded_by=actor.user,
            recorded_at=clock.now(),
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            consumer_id=plan.case.consumer_id,
            object_type="goal_progress",
            object_id=entry.pk,
        )
    return entry


def goal_target_handle(deadline: Deadline) -> None:
    """Sweep handler (D4 lack of progress): a goal's target date passed. If the goal is
    still open in the current plan and no entry says its target was met, raise a
    plan-review work item. Audited as a system act."""
    goal = (
        PlanGoal.objects.select_related("plan_version__plan__case__assigned_to")
        .filter(pk=deadline.subject_id)
        .first()
    )
    if goal is None:
        return
    plan = goal.plan_version.plan
    case = plan.case
    if plan.current_id != goal.plan_version_id or case.assigned_to is None:
        return
    met = GoalProgress.objects.filter(plan=plan, goal_key=goal.key, trend=ProgressTrend.MET)
    spec = rules.GoalSpec(
        key=goal.key,
        problem_key="",
        description=goal.description,
        target_date=goal.target_date,
        status=goal.status,
    )
    if not rules.goal_behind(
        spec, today=program_today(program_id=case.program_id), progressed=met.exists()
    ):
        return
    title = rules.goal_not_met_title(goal.description)
    if work_item_open_exists(case_id=case.pk, title=title):
        return
    item = work_item_raise(
        case=case,
        title=title,
        description=_("Target date %(day)s. Review the plan with the consumer.")
        % {"day": goal.target_date.isoformat()},
        owner=case.assigned_to,
        created_by=case.assigned_to,
        due_at=clock.now() + timedelta(days=3),
    )
    audit_record(
        actor=None,
        username="casework-sweep",
        action=AuditAction.CREATE,
        consumer_id=case.consumer_id,
        object_type="work_item",
        object_id=item.pk,
        detail={"trigger": "goal_target", "deadline": deadline.pk},
    )
