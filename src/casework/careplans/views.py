"""Pages for the plan of care: the plan, its versions, the change forms, agreement,
informed choice, progress, the care team, and the plan document (HTML and PDF)."""

from dataclasses import replace
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from casework.assessments.selectors import need_confirmed_problems
from casework.careplans import documents, rules, services
from casework.careplans.forms import (
    AgreementForm,
    BarrierForm,
    CareTeamMemberForm,
    GoalForm,
    GoalStatusForm,
    InformedChoiceForm,
    InterventionForm,
    ProblemForm,
    ProgressForm,
    RevisionForm,
)
from casework.careplans.models import CarePlan
from casework.careplans.selectors import (
    PlanView,
    care_plan_for_case,
    care_plan_spec_seen,
    care_plan_version_list,
    care_plan_version_numbered,
    care_plan_version_view,
)
from casework.cases import rules as case_rules
from casework.cases.models import Case
from casework.cases.selectors import case_facts
from casework.coordination import services as coordination_services
from casework.coordination.rules import PART2_NOTICE
from casework.coordination.selectors import care_team_for_consumer
from casework.core.actor import Actor
from casework.core.audit import audit_record
from casework.core.errors import DomainError, RuleViolation, ValidationFailed
from casework.core.models import AuditAction
from casework.core.policy import Permission
from casework.core.roles import Role
from casework.staff.models import User
from casework.staff.selectors import active_staff
from casework.web.access import access_case, audit_action, audit_load_read, refuse, user_may
from casework.web.forms import add_domain_error
from casework.web.guard import guard
from casework.web.pages import case_form_page


def _plan_url(case: Case) -> str:
    return reverse("care_plan", args=[case.pk])


def _withheld_detail(view: PlanView | None) -> dict[str, object] | None:
    """The detail of the one read or print of a plan that withheld problems (S40): their
    ids, as the appeal packet names the Part 2 notes it left out."""
    if view is None or not view.withheld_problem_ids:
        return None
    return {"part2_withheld_problems": view.withheld_problem_ids}


def _withheld_message(view: PlanView | None) -> str:
    count = len(view.withheld_problem_ids) if view is not None else 0
    return rules.withheld_problems_message(count) if count else ""


@login_required
@require_GET
@guard(Permission.CONSUMER_READ, access_case)
def care_plan(request: HttpRequest, actor: Actor, case: Case) -> HttpResponse:
    """The current plan with its history, without the problems `actor` may not see (S40:
    counted, not shown). One audited read of the case, naming what it withheld."""
    plan = care_plan_for_case(case_id=case.pk)
    view = (
        care_plan_version_view(version=plan.current, actor=actor) if plan and plan.current else None
    )
    clinical = bool(case_rules.may_record_clinical(case_facts(case=case)))
    audit_load_read(actor, case, detail=_withheld_detail(view))
    return render(
        request,
        "careplans/plan.html",
        {
            "case": case,
            "consumer": case.consumer,
            "title": _("Plan of care"),
            "plan": plan,
            "view": view,
            "withheld_message": _withheld_message(view),
            "part2_notice": PART2_NOTICE,
            "versions": list(care_plan_version_list(plan_id=plan.pk)) if plan else [],
            "care_team": list(care_team_for_consumer(consumer_id=case.consumer_id)),
            "may_plan": clinical and user_may(actor, Permission.CARE_PLAN),
            "may_note": clinical and user_may(actor, Permission.RECORD_NOTE),
        },
    )


@login_required
@require_GET
@guard(Permission.CONSUMER_READ, access_case)
def care_plan_version(request: HttpRequest, actor: Actor, case: Case, number: int) -> HttpResponse:
    """An earlier version, read-only, without the problems `actor` may not see (S40). One
    audited read of the case, naming what it withheld."""
    plan = care_plan_for_case(case_id=case.pk)
    version = care_plan_version_numbered(plan_id=plan.pk, number=number) if plan else None
    if version is None:
        raise Http404("No such version")
    view = care_plan_version_view(version=version, actor=actor)
    audit_load_read(actor, case, detail=_withheld_detail(view))
    return render(
        request,
        "careplans/version.html",
        {
            "case": case,
            "consumer": case.consumer,
            "title": _("Plan of care, version %(n)s") % {"n": number},
            "view": view,
            "withheld_message": _withheld_message(view),
            "part2_notice": PART2_NOTICE,
            "plan": plan,
        },
    )


# --- changes: each is a new version -------------------------------------------------------


def _current(case: Case, actor: Actor) -> tuple[CarePlan | None, rules.PlanSpec, rules.Withheld]:
    """The plan, its current version whole (a change carries every row over) and the rows
    `actor` may not see in it (S40: never offered, never named)."""
    plan = care_plan_for_case(case_id=case.pk)
    if plan is None or plan.current is None:
        return plan, rules.PlanSpec(), rules.Withheld()
    spec, withheld = care_plan_spec_seen(version=plan.current, actor=actor)
    return plan, spec, withheld


def _refuse_withheld(
    request: HttpRequest,
    actor: Actor,
    withheld: rules.Withheld,
    permission: Permission = Permission.CARE_PLAN,
) -> None:
    """A form naming a row `actor` may not see (a withheld problem or a goal of one,
    S40): the 404 of a row that does not exist, one denied event, nothing changed."""
    if request.method != "POST":
        return
    problem = request.POST.get("problem", "")
    goal = request.POST.get("goal", "")
    if problem in withheld.problem_keys:
        raise refuse(actor, audit_action(permission), "plan_problem", problem)
    if goal in withheld.goal_keys:
        raise refuse(actor, audit_action(permission), "plan_goal", goal)


def _revise(actor: Actor, case: Case, form: forms.Form, change: rules.PlanSpec) -> object:
    """Write the changed plan; a field path of the plan (goals[0].target_value) is shown
    on the form field of the same name."""
    names = {"problem_key": "problem", "goal_key": "goal", "need_id": "need"}
    try:
        return services.care_plan_revise(
            actor=actor,
            case=case,
            plan=change,
            reason=form.cleaned_data["reason"],
            version=form.cleaned_data["version"],
        )
    except ValidationFailed as exc:
        mapped: dict[str, list[str]] = {}
        for key, reasons in exc.errors.items():
            name = key.rsplit(".", 1)[-1]
            mapped.setdefault(names.get(name, name), []).extend(reasons)
        raise ValidationFailed(mapped) from exc


def _choices(case: Case, actor: Actor) -> dict[str, list[tuple[Any, str]]]:
    _plan, whole, withheld = _current(case, actor)
    spec = rules.plan_without(whole, withheld)
    return {
        "problem": [(p.key, p.description) for p in spec.problems],
        "goal": [(g.key, g.description) for g in spec.goals],
        "responsible": [
            (m.pk, f"{m.name}, {m.role}")
            for m in care_team_for_consumer(consumer_id=case.consumer_id)
        ],
        "need": [("", _("None: describe it below"))]
        + [(n.pk, n.description) for n in need_confirmed_problems(case_id=case.pk, actor=actor)],
    }


def _revision_page(
    request: HttpRequest,
    actor: Actor,
    case: Case,
    form_class: type[RevisionForm],
    change: Any,
    *,
    title: str,
    submit_label: str,
    **page: Any,
) -> HttpResponse:
    _plan, _spec, withheld = _current(case, actor)
    _refuse_withheld(request, actor, withheld)

    def build(case: Case, data: Any) -> forms.Form:
        plan, _spec, _withheld = _current(case, actor)
        choices = {k: v for k, v in _choices(case, actor).items() if k in form_class.base_fields}
        return form_class(
            data, choices=choices, initial={"version": plan.version if plan else None}
        )

    def save(actor: Actor, case: Case, form: forms.Form) -> object:
        _plan, spec, _withheld = _current(case, actor)
        return _revise(actor, case, form, change(case, spec, form.cleaned_data))

    return case_form_page(
        request,
        actor,
        case,
        build_form=build,
        save=save,
        title=title,
        submit_label=submit_label,
        success_message=_("The plan of care was saved as a new version."),
        success_url=_plan_url,
        **page,
    )


def _add_problem(case: Case, spec: rules.PlanSpec, d: dict[str, Any]) -> rules.PlanSpec:
    problem = rules.ProblemSpec(
        key=services.new_key(),
        description=d["description"],
        priority=d["priority"],
        consumer_priority=d["consumer_priority"],
        need_id=d["need"],
    )
    return replace(spec, problems=(*spec.problems, problem))


def _add_goal(case: Case, spec: rules.PlanSpec, d: dict[str, Any]) -> rules.PlanSpec:
    goal = rules.GoalSpec(
        key=services.new_key(),
        problem_key=d["problem"],
        description=d["description"],
        target_date=d["target_date"],
        target_value=d["target_value"],
        observable_outcome=d["observable_outcome"],
        guideline=d["guideline"],
    )
    return replace(spec, goals=(*spec.goals, goal))


def _add_intervention(case: Case, spec: rules.PlanSpec, d: dict[str, Any]) -> rules.PlanSpec:
    item = rules.InterventionSpec(
        key=services.new_key(),
        goal_key=d["goal"],
        kind=d["kind"],
        description=d["description"],
        responsible_id=d["responsible"],
        due_date=d["due_date"],
        guideline=d["guideline"],
    )
    return replace(spec, interventions=(*spec.interventions, item))


def _add_barrier(case: Case, spec: rules.PlanSpec, d: dict[str, Any]) -> rules.PlanSpec:
    barrier = rules.BarrierSpec(goal_key=d["goal"], description=d["description"])
    return replace(spec, barriers=(*spec.barriers, barrier))


def _goal_status(case: Case, spec: rules.PlanSpec, d: dict[str, Any]) -> rules.PlanSpec:
    return rules.goal_status_set(spec, d["goal"], d["status"])


@login_required
@require_http_methods(["GET", "POST"])
@guard(Permission.CARE_PLAN, access_case, log_read="get")
def problem_add(request: HttpRequest, actor: Actor, case: Case) -> HttpResponse:
    return _revision_page(
        request,
        actor,
        case,
        ProblemForm,
        _add_problem,
        title=_("Add a problem to the plan"),
        submit_label=_("Add problem"),
    )


@login_required
@require_http_methods(["GET", "POST"])
@guard(Permission.CARE_PLAN, access_case, log_read="get")
def goal_add(request: HttpRequest, actor: Actor, case: Case) -> HttpResponse:
    return _revision_page(
        request, actor, case, GoalForm, _add_goal, title=_("Add a goal"), submit_label=_("Add goal")
    )


@login_required
@require_http_methods(["GET", "POST"])
@guard(Permission.CARE_PLAN, access_case, log_read="get")
def intervention_add(request: HttpRequest, actor: Actor, case: Case) -> HttpResponse:
    """Add an intervention. The responsible party is one member of the care team; someone
    not on it yet is added from the same form ("Add to the care team": one create, the
    typed intervention kept and the new member chosen), so the page is no dead end."""
    staff = _program_staff(case)
    if request.method == "POST" and "add_member" in request.POST:
        return _intervention_member_add(request, actor, case, staff)
    return _revision_page(
        request,
        actor,
        case,
        InterventionForm,
        _add_intervention,
        title=_("Add an intervention"),
        submit_label=_("Add intervention"),
        template=INTERVENTION_TEMPLATE,
        extra=lambda case: {"member_form": CareTeamMemberForm(prefix="member", staff=staff)},
    )


INTERVENTION_TEMPLATE = "careplans/intervention_form.html"
INTERVENTION_FIELDS = (
    "goal",
    "kind",
    "description",
    "responsible",
    "due_date",
    "guideline",
    "version",
)


def _intervention_member_add(
    request: HttpRequest, actor: Actor, case: Case, staff: QuerySet[User]
) -> HttpResponse:
    """The intervention form's "Add to the care team": add the member (one service, its
    own create event), then show the form again with what was typed and the new member
    chosen as the responsible party. A refusal shows on the member's fields."""
    member_form = CareTeamMemberForm(request.POST, prefix="member", staff=staff)
    member = None
    if member_form.is_valid():
        try:
            member = coordination_services.care_team_member_add(
                actor=actor, case=case, **member_form.cleaned_data
            )
        except DomainError as exc:
            add_domain_error(member_form, exc)
    initial: dict[str, Any] = {name: request.POST.get(name, "") for name in INTERVENTION_FIELDS}
    if member is not None:
        initial["responsible"] = member.pk
        messages.success(
            request,
            _("%(name)s joined the care team and is chosen as the responsible party.")
            % {"name": member.name},
        )
        member_form = CareTeamMemberForm(prefix="member", staff=staff)
    choices = {k: v for k, v in _choices(case, actor).items() if k in InterventionForm.base_fields}
    back = reverse("case_detail", args=[case.pk])
    return render(
        request,
        INTERVENTION_TEMPLATE,
        {
            "form": InterventionForm(None, choices=choices, initial=initial),
            "member_form": member_form,
            "case": case,
            "consumer": case.consumer,
            "title": _("Add an intervention"),
            "submit_label": _("Add intervention"),
            "cancel_url": back,
            "ended": case.state in case_rules.TERMINAL_STATES,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@guard(Permission.CARE_PLAN, access_case, log_read="get")
def barrier_add(request: HttpRequest, actor: Actor, case: Case) -> HttpResponse:
    return _revision_page(
        request,
        actor,
        case,
        BarrierForm,
        _add_barrier,
        title=_("Add a barrier"),
        submit_label=_("Add barrier"),
    )


@login_required
@require_http_methods(["GET", "POST"])
@guard(Permission.CARE_PLAN, access_case, log_read="get")
def goal_status(request: HttpRequest, actor: Actor, case: Case) -> HttpResponse:
    return _revision_page(
        request,
        actor,
        case,
        GoalStatusForm,
        _goal_status,
        title=_("Change a goal's status"),
        submit_label=_("Save status"),
    )


# --- records on the current version -------------------------------------------------------


def _plan_or_refuse(case: Case) -> CarePlan:
    plan = care_plan_for_case(case_id=case.pk)
    if plan is None or plan.current is None:
        raise RuleViolation(_("write the plan first"))
    plan.case = case
    return plan


def _number(case: Case) -> int | None:
    plan = care_plan_for_case(case_id=case.pk)
    return plan.current.number if plan and plan.current else None


@login_required
@require_http_methods(["GET", "POST"])
@guard(Permission.CARE_PLAN, access_case, log_read="get")
def agreement_add(request: HttpRequest, actor: Actor, case: Case) -> HttpResponse:
    def save(actor: Actor, case: Case, form: forms.Form) -> object:
        return services.plan_agreement_record(
            actor=actor, plan=_plan_or_refuse(case), **form.cleaned_data
        )

    return case_form_page(
        request,
        actor,
        case,
        build_form=lambda case, data: AgreementForm(data, initial={"plan_version": _number(case)}),
        save=save,
        title=_("Record agreement to the plan"),
        submit_label=_("Record agreement"),
        success_message=_("Agreement recorded."),
        success_url=_plan_url,
    )


@login_required
@require_http_methods(["GET", "POST"])
@guard(Permission.CARE_PLAN, access_case, log_read="get")
def informed_choice_add(request: HttpRequest, actor: Actor, case: Case) -> HttpResponse:
    def save(actor: Actor, case: Case, form: forms.Form) -> object:
        return services.informed_choice_record(
            actor=actor, plan=_plan_or_refuse(case), **form.cleaned_data
        )

    return case_form_page(
        request,
        actor,
        case,
        build_form=lambda case, data: InformedChoiceForm(
            data, initial={"plan_version": _number(case)}
        ),
        save=save,
        title=_("Record an informed-choice discussion"),
        submit_label=_("Record discussion"),
        success_message=_("Informed-choice discussion recorded."),
        success_url=_plan_url,
    )


@login_required
@require_http_methods(["GET", "POST"])
@guard(Permission.RECORD_NOTE, access_case, log_read="get")
def progress_add(request: HttpRequest, actor: Actor, case: Case) -> HttpResponse:
    _plan, _spec, withheld = _current(case, actor)
    _refuse_withheld(request, actor, withheld, Permission.RECORD_NOTE)

    def build(case: Case, data: Any) -> forms.Form:
        return ProgressForm(data, goals=_choices(case, actor)["goal"])

    def save(actor: Actor, case: Case, form: forms.Form) -> object:
        d = form.cleaned_data
        return services.goal_progress_record(
            actor=actor,
            plan=_plan_or_refuse(case),
            goal_key=d["goal"],
            trend=d["trend"],
            value=d["value"],
            note=d["note"],
        )

    return case_form_page(
        request,
        actor,
        case,
        build_form=build,
        save=save,
        title=_("Record progress on a goal"),
        submit_label=_("Record progress"),
        success_message=_("Progress recorded."),
        success_url=_plan_url,
    )


CARE_TEAM_STAFF_ROLES = (
    Role.CASE_MANAGER,
    Role.SUPERVISOR,
    Role.SENIOR_CLINICAL,
    Role.PHYSICIAN_ADVISOR,
)


def _program_staff(case: Case) -> QuerySet[User]:
    """Active staff of the case's program who can serve on a care team."""
    return active_staff(program_id=case.program_id, roles=CARE_TEAM_STAFF_ROLES)


@login_required
@require_http_methods(["GET", "POST"])
@guard(Permission.CARE_PLAN, access_case, log_read="get")
def care_team_add(request: HttpRequest, actor: Actor, case: Case) -> HttpResponse:
    def save(actor: Actor, case: Case, form: forms.Form) -> object:
        return coordination_services.care_team_member_add(
            actor=actor, case=case, **form.cleaned_data
        )

    return case_form_page(
        request,
        actor,
        case,
        build_form=lambda case, data: CareTeamMemberForm(data, staff=_program_staff(case)),
        save=save,
        title=_("Add a care team member"),
        submit_label=_("Add to the care team"),
        success_message=_("Care team member added."),
        success_url=_plan_url,
    )


# --- the plan document ------------------------------------------------------------------


def _document(actor: Actor, case: Case, *, format: str) -> documents.PlanDocument:
    """The current plan laid out as a document, audited as one print (S20): the plan,
    the format and the language. A case without a plan is a 404, one denied event (the
    guard's)."""
    plan = care_plan_for_case(case_id=case.pk)
    if plan is None or plan.current is None:
        raise Http404("No plan of care")
    view = care_plan_version_view(version=plan.current, actor=actor)
    document = documents.plan_document(case, view)
    audit_record(
        actor=actor,
        action=AuditAction.PRINT,
        consumer_id=case.consumer_id,
        object_type="care_plan",
        object_id=plan.pk,
        detail={
            "version": plan.current.number,
            "format": format,
            "language": document.language,
            **(_withheld_detail(view) or {}),
        },
    )
    return document


@login_required
@require_GET
@guard(Permission.CONSUMER_READ, access_case)
def care_plan_print(request: HttpRequest, actor: Actor, case: Case) -> HttpResponse:
    """The plan for the consumer, in their preferred language, ready to print."""
    document = _document(actor, case, format="html")
    return render(
        request,
        "careplans/document.html",
        {"doc": document, "case": case, "consumer": case.consumer},
    )


@login_required
@require_GET
@guard(Permission.CONSUMER_READ, access_case)
def care_plan_pdf(request: HttpRequest, actor: Actor, case: Case) -> HttpResponse:
    """The same document as a PDF download."""
    document = _document(actor, case, format="pdf")
    response = HttpResponse(documents.plan_pdf(document), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="plan-of-care-{case.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response
