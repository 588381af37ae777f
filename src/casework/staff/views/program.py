"""Program-wide governance: caseload guidelines, statements, consultations, job
descriptions and rule settings."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from casework.core.actor import Actor
from casework.core.audit import audit_record
from casework.core.errors import ValidationFailed
from casework.core.models import AuditAction
from casework.core.policy import Permission, Scope, scope_for
from casework.core.roles import Role
from casework.staff import selectors, services
from casework.staff.forms import (
    ConsultationForm,
    GuidelineForm,
    JobDescriptionForm,
    RuleSettingsForm,
    StatementForm,
)
from casework.staff.views._common import _require, program_form
from casework.web.access import user_may
from casework.web.guard import page_view
from casework.web.pages import form_page


@page_view(["GET", "POST"], Permission.STAFF_READ, object_type="staff_caseload")
def caseloads(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The team's acuity-weighted loads against the limits, and the guideline form
    (MA 5.1(n)). Read: staff.read; set: caseload.set."""
    may_set = user_may(actor, Permission.CASELOAD_SET)
    team_only = scope_for(actor.role, Permission.STAFF_READ) == Scope.TEAM
    managers = [
        u
        for u in selectors.staff_list_for(user=actor.user, team_only=team_only)
        if u.role == Role.CASE_MANAGER
    ]
    loads = selectors.caseload_weights(user_ids=[u.pk for u in managers])
    guidelines = selectors.caseload_guidelines_for(program_id=actor.user.program_id or 0)
    limit = next((g.max_weighted_load for g in guidelines if g.role == Role.CASE_MANAGER), None)
    rows = [
        {"person": u, "load": loads[u.pk], "over": limit is not None and loads[u.pk] > limit}
        for u in managers
    ]
    form = GuidelineForm(request.POST or None)
    if request.method == "POST":
        _require(actor, Permission.CASELOAD_SET, "staff_caseload_guideline")
    if request.method == "GET":
        audit_record(
            actor=actor,
            action=AuditAction.LIST,
            object_type="staff_caseload",
            detail={"count": len(rows), "ids": [u.pk for u in managers]},
        )

    def save() -> object:
        d = form.cleaned_data
        return services.caseload_guideline_set(
            actor=actor,
            role=d["role"],
            max_weighted_load=d["max_weighted_load"],
            rationale=d["rationale"],
        )

    extra = {"rows": rows, "guidelines": guidelines, "limit": limit, "may_set": may_set}
    extra["nav"] = "staff"
    return form_page(
        request,
        form,
        save,
        success=_("Caseload guideline set."),
        **program_form(
            title=_("Caseloads"),
            submit_label=_("Set the guideline"),
            back=reverse("staff_caseloads"),
            extra=extra,
        ),
    )


def _program_record_page(
    object_type: str,
    build: Callable[[Actor, Any], forms.Form],
    service: Callable[..., object],
    texts: Callable[[], tuple[str, str, str]],
) -> Callable[..., HttpResponse]:
    """A staff.manage form page over the program that records one `object_type` through
    `service(actor=…, **the form's fields)`, returning to the staff dashboard; `texts()`
    gives its title, submit label and success message."""

    @page_view(["GET", "POST"], Permission.STAFF_MANAGE, object_type=object_type)
    def view(request: HttpRequest, actor: Actor) -> HttpResponse:
        form = build(actor, request.POST or None)
        title, submit_label, success = texts()
        return form_page(
            request,
            form,
            lambda: service(actor=actor, **form.cleaned_data),
            success=success,
            **program_form(title=title, submit_label=submit_label, back=reverse("staff_dashboard")),
        )

    return view


# Publish a new version of a statement: everyone signs again.
statement_publish = _program_record_page(
    "staff_attestation_document",
    lambda actor, data: StatementForm(data),
    services.attestation_publish,
    lambda: (
        _("Publish a new statement version"),
        _("Publish"),
        _("Published. Everyone must sign the new version."),
    ),
)
# Log a consultation with the clinical director (MA 4.3).
consultation_create = _program_record_page(
    "staff_consultation",
    lambda actor, data: ConsultationForm(
        data, directors=selectors.clinical_directors_for(program_id=actor.user.program_id or 0)
    ),
    services.consultation_log,
    lambda: (_("Log a clinical consultation"), _("Log consultation"), _("Consultation logged.")),
)
# Create or revise a written job description (MA 3.4); the same title revises it.
job_description_save = _program_record_page(
    "staff_job_description",
    lambda actor, data: JobDescriptionForm(data),
    services.job_description_save,
    lambda: (
        _("Write a job description"),
        _("Save the job description"),
        _("Job description saved."),
    ),
)


@page_view(["GET", "POST"], Permission.STAFF_MANAGE, object_type="staff_rule_settings")
def rule_settings(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The program's rule parameters (years, hours, intervals). Who: staff.manage."""
    current = selectors.rule_settings_row(program_id=actor.user.program_id or 0)
    initial = {name: getattr(current, name) for name in services.RULE_SETTING_FIELDS}
    form = RuleSettingsForm(request.POST or None, initial=initial)

    def save() -> object:
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        if not changed:
            raise ValidationFailed.single("__all__", _("Nothing was changed."))
        return services.rule_settings_save(actor=actor, **changed)

    title, submit_label = _("Rule settings"), _("Save the rule settings")
    return form_page(
        request,
        form,
        save,
        success=_("Rule settings saved."),
        **program_form(title=title, submit_label=submit_label, back=reverse("staff_dashboard")),
    )
