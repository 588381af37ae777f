"""Staff governance pages (A1-A8): sign statements, a person's record, the staff list,
the due/overdue list and the governance dashboard. Thin: access, one selector or
service, render. Every page read is audited (staff records are governance data)."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from casework.core import clock
from casework.core.actor import Actor, actor_from_request
from casework.core.audit import audit_denied, audit_record
from casework.core.errors import DomainError, ValidationFailed
from casework.core.forms import add_domain_error
from casework.core.models import AuditAction
from casework.core.policy import Permission, Scope, scope_for
from casework.core.roles import Role
from casework.staff import selectors, services
from casework.staff.access import access_corrective_action, access_credential, access_staff
from casework.staff.forms import (
    ConsultationForm,
    CredentialForm,
    GuidelineForm,
    JobDescriptionForm,
    ProfileForm,
    ResolveForm,
    RuleSettingsForm,
    StatementForm,
    TrainingCompletionForm,
    VerificationForm,
)
from casework.staff.models import (
    AttestationDocument,
    AttestationKind,
    CaseloadGuideline,
    Course,
    JobDescription,
    StaffProfile,
    User,
    Verification,
)


def _require(actor: Actor, permission: Permission, object_type: str) -> None:
    if scope_for(actor.role, permission) == Scope.NONE:
        audit_denied(
            actor=actor,
            action=AuditAction.READ,
            object_type=object_type,
            object_id="",
            reason=f"role lacks {permission}",
        )
        raise Http404("No page here.")


@login_required
@require_http_methods(["GET", "POST"])
def attest(request: HttpRequest) -> HttpResponse:
    """The statements the signed-in person must sign (MA 7.3(e), 10.1; S41)."""
    actor = actor_from_request(request)
    user = actor.user
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    if request.method == "POST":
        document = AttestationDocument.objects.filter(
            pk=request.POST.get("document", "0") or 0, program_id=user.program_id or 0
        ).first()
        if document is None or request.POST.get("agree") != "yes":
            messages.error(request, _("Tick the box to confirm you have read the statement."))
        else:
            try:
                services.attestation_sign(actor=actor, document=document)
            except DomainError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Signed. Thank you."))
                if next_url and selectors.confidentiality_signed(user=user):
                    return redirect(next_url)
        return redirect(request.get_full_path())
    statements = []
    for kind, label in AttestationKind.choices:
        document = selectors.attestation_current_document(
            program_id=user.program_id or 0, kind=kind
        )
        if document is not None:
            current = selectors.attestation_is_current(user=user, kind=kind)
            statements.append({"document": document, "label": label, "current": current})
    audit_record(
        actor=actor, action=AuditAction.READ, object_type="staff_attestation", object_id=user.pk
    )
    return render(
        request,
        "staff/attest.html",
        {"statements": statements, "next": next_url, "nav": "staff_me"},
    )


def _record_context(user: User) -> dict[str, object]:
    return {
        "person": user,
        "report": selectors.qualification_report(user=user),
        "gaps": selectors.job_description_gaps(user=user),
        "credentials": selectors.credentials_with_verification(user_id=user.pk),
        "verifications": selectors.verification_list(user_id=user.pk),
        "facts": selectors.assignee_facts(user=user),
        "corrective": user.corrective_actions.order_by("-opened_at")[:20],
        "trainings": user.training_completions.select_related("course").order_by("-completed_date")[
            :20
        ],
        "today": clock.today(),
    }


@login_required
def my_record(request: HttpRequest) -> HttpResponse:
    """The signed-in person's own governance record."""
    actor = actor_from_request(request)
    user = access_staff(actor, actor.user.pk)
    return render(request, "staff/record.html", {**_record_context(user), "nav": "staff_me"})


@login_required
def staff_record(request: HttpRequest, user_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    user = access_staff(actor, user_id)
    may_manage = scope_for(actor.role, Permission.STAFF_MANAGE) != Scope.NONE
    return render(
        request,
        "staff/record.html",
        {**_record_context(user), "nav": "staff", "may_manage": may_manage},
    )


@login_required
def staff_list(request: HttpRequest) -> HttpResponse:
    """Staff of the program (or of the supervisor's teams), with compliance at a glance."""
    actor = actor_from_request(request)
    _require(actor, Permission.STAFF_READ, "staff")
    team_only = scope_for(actor.role, Permission.STAFF_READ) == Scope.TEAM
    people = list(selectors.staff_list_for(user=actor.user, team_only=team_only))
    show = request.GET.get("show", "")
    rows: list[dict[str, Any]] = []
    loads = selectors.caseload_weights(user_ids=[p.pk for p in people])
    for person in people:
        facts = selectors.assignee_facts(user=person)
        rows.append({"person": person, "facts": facts, "load": loads[person.pk]})
    dash = selectors.dashboard_build(program_id=actor.user.program_id or 0)
    filters = {
        "noncompliant": lambda r: r["person"].pk not in dash.credential_compliant,
        "untrained": lambda r: r["person"].pk not in dash.trained,
        "attestations": lambda r: r["person"].pk in dash.attestations_outstanding,
        "caseload": lambda r: r["person"].role == "case_manager",
    }
    if show in filters:
        rows = [r for r in rows if filters[show](r)]
    audit_record(
        actor=actor,
        action=AuditAction.LIST,
        object_type="staff",
        detail={"count": len(rows), "ids": [r["person"].pk for r in rows], "show": show},
    )
    return render(request, "staff/list.html", {"rows": rows, "show": show, "nav": "staff"})


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Credential compliance, training completion, attestations outstanding and
    caseload distribution; each number links to its list (L2)."""
    actor = actor_from_request(request)
    _require(actor, Permission.STAFF_READ, "staff_dashboard")
    dash = selectors.dashboard_build(program_id=actor.user.program_id or 0)
    due = list(selectors.staff_deadlines_due(program_id=actor.user.program_id or 0)[:50])
    corrective = list(selectors.corrective_actions_open(program_id=actor.user.program_id or 0)[:50])
    audit_record(
        actor=actor,
        action=AuditAction.READ,
        object_type="staff_dashboard",
        detail={"due": len(due), "corrective": len(corrective)},
    )
    return render(
        request,
        "staff/dashboard.html",
        {
            "dash": dash,
            "due": due,
            "corrective": corrective,
            "now": clock.now(),
            "case_manager_limit": dash.limits.get("case_manager"),
            "loads": sorted(dash.caseloads.values(), reverse=True),
            "may_manage": scope_for(actor.role, Permission.STAFF_MANAGE) != Scope.NONE,
            "nav": "staff",
        },
    )


def _form_page(
    request: HttpRequest,
    person: User,
    form: forms.Form,
    save: Callable[[], object],
    *,
    title: str,
    submit_label: str,
    success: str,
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            save()
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, success)
            return redirect("staff_record", user_id=person.pk)
    return render(
        request,
        "staff/form.html",
        {"form": form, "person": person, "title": title, "submit_label": submit_label},
    )


def _managed(request: HttpRequest, user_id: int) -> tuple[Actor, User]:
    actor = actor_from_request(request)
    _require(actor, Permission.STAFF_MANAGE, "staff")
    posted = request.method == "POST"
    return actor, access_staff(
        actor, user_id, permission=Permission.STAFF_MANAGE, log_read=not posted
    )


@login_required
@require_http_methods(["GET", "POST"])
def credential_create(request: HttpRequest, user_id: int) -> HttpResponse:
    """Record a license, certification or degree. Who: staff.manage."""
    actor, person = _managed(request, user_id)
    form = CredentialForm(request.POST or None)

    def save() -> object:
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        kind, credential_type = data.pop("kind"), data.pop("credential_type")
        return services.credential_add(
            actor=actor, user=person, kind=kind, credential_type=credential_type, **data
        )

    return _form_page(
        request,
        person,
        form,
        save,
        title=_("Add a credential"),
        submit_label=_("Add credential"),
        success=_("Credential added."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def verification_create(request: HttpRequest, credential_id: int) -> HttpResponse:
    """Record a primary-source verification with its evidence. Who: staff.manage."""
    actor = actor_from_request(request)
    _require(actor, Permission.STAFF_MANAGE, "staff_credential")
    credential = access_credential(actor, credential_id)
    form = VerificationForm(request.POST or None, request.FILES or None)

    def save() -> object:
        return services.verification_record(actor=actor, credential=credential, **form.cleaned_data)

    return _form_page(
        request,
        credential.user,
        form,
        save,
        title=_("Verify %(c)s") % {"c": credential},
        submit_label=_("Record verification"),
        success=_("Verification recorded."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def training_complete(request: HttpRequest, user_id: int) -> HttpResponse:
    """Document completed training (orientation, annual antifraud). Who: staff.manage."""
    actor, person = _managed(request, user_id)
    courses = Course.objects.filter(program_id=person.program_id or 0).order_by("title")
    form = TrainingCompletionForm(request.POST or None, courses=courses)

    def save() -> object:
        return services.training_complete(actor=actor, user=person, **form.cleaned_data)

    return _form_page(
        request,
        person,
        form,
        save,
        title=_("Record completed training"),
        submit_label=_("Record training"),
        success=_("Training recorded."),
    )


def _program_form(
    request: HttpRequest,
    form: forms.Form,
    save: Callable[[], object],
    *,
    title: str,
    submit_label: str,
    success: str,
    back: str,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            save()
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, success)
            return redirect(back)
    return render(
        request,
        "staff/program_form.html",
        {"form": form, "title": title, "submit_label": submit_label, "back": back, **(extra or {})},
    )


@login_required
@require_http_methods(["GET", "POST"])
def caseloads(request: HttpRequest) -> HttpResponse:
    """The team's acuity-weighted loads against the limits, and the guideline form
    (MA 5.1(n)). Read: staff.read; set: caseload.set."""
    actor = actor_from_request(request)
    _require(actor, Permission.STAFF_READ, "staff_caseload")
    may_set = scope_for(actor.role, Permission.CASELOAD_SET) != Scope.NONE
    team_only = scope_for(actor.role, Permission.STAFF_READ) == Scope.TEAM
    managers = [
        u
        for u in selectors.staff_list_for(user=actor.user, team_only=team_only)
        if u.role == Role.CASE_MANAGER
    ]
    loads = selectors.caseload_weights(user_ids=[u.pk for u in managers])
    guidelines = list(
        CaseloadGuideline.objects.filter(program_id=actor.user.program_id or 0).order_by("role")
    )
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

    return _program_form(
        request,
        form,
        save,
        title=_("Caseloads"),
        submit_label=_("Set the guideline"),
        success=_("Caseload guideline set."),
        back=reverse("staff_caseloads"),
        extra={
            "rows": rows,
            "guidelines": guidelines,
            "limit": limit,
            "may_set": may_set,
            "nav": "staff",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def corrective_resolve(request: HttpRequest, action_id: int) -> HttpResponse:
    """Resolve a corrective action. Who: staff.manage."""
    actor = actor_from_request(request)
    _require(actor, Permission.STAFF_MANAGE, "staff_corrective_action")
    action = access_corrective_action(actor, action_id)
    form = ResolveForm(request.POST or None, initial={"version": action.version})

    def save() -> object:
        d = form.cleaned_data
        return services.corrective_action_resolve(
            actor=actor, action=action, version=d["version"], resolution=d["resolution"]
        )

    return _program_form(
        request,
        form,
        save,
        title=_("Resolve: %(reason)s") % {"reason": action.reason},
        submit_label=_("Resolve"),
        success=_("Corrective action resolved."),
        back=reverse("staff_record", args=[action.user_id]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def statement_publish(request: HttpRequest) -> HttpResponse:
    """Publish a new version of a statement: everyone signs again. Who: staff.manage."""
    actor = actor_from_request(request)
    _require(actor, Permission.STAFF_MANAGE, "staff_attestation_document")
    form = StatementForm(request.POST or None)

    def save() -> object:
        return services.attestation_publish(actor=actor, **form.cleaned_data)

    return _program_form(
        request,
        form,
        save,
        title=_("Publish a new statement version"),
        submit_label=_("Publish"),
        success=_("Published. Everyone must sign the new version."),
        back=reverse("staff_dashboard"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def consultation_create(request: HttpRequest) -> HttpResponse:
    """Log a consultation with the clinical director (MA 4.3). Who: staff.manage."""
    actor = actor_from_request(request)
    _require(actor, Permission.STAFF_MANAGE, "staff_consultation")
    directors = User.objects.filter(
        program_id=actor.user.program_id or 0, profile__clinical_director=True
    ).order_by("last_name", "id")
    form = ConsultationForm(request.POST or None, directors=directors)

    def save() -> object:
        return services.consultation_log(actor=actor, **form.cleaned_data)

    return _program_form(
        request,
        form,
        save,
        title=_("Log a clinical consultation"),
        submit_label=_("Log consultation"),
        success=_("Consultation logged."),
        back=reverse("staff_dashboard"),
    )


PROFILE_FORM_FIELDS = (
    "job_description",
    "hired_date",
    "state_requires_licensure",
    "case_manager_years",
    "supervision_years",
    "post_graduate_direct_care",
    "oversight_qualified",
    "physician",
)


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest, user_id: int) -> HttpResponse:
    """Position, hire date and experience. Who: staff.manage."""
    actor, person = _managed(request, user_id)
    profile = StaffProfile.objects.filter(user=person).first()
    initial: dict[str, Any] = {"state_requires_licensure": True, "case_manager_years": 0,
                               "supervision_years": 0}  # fmt: skip
    if profile is not None:
        initial = {name: getattr(profile, name) for name in PROFILE_FORM_FIELDS}
        initial["version"] = profile.version
    positions = JobDescription.objects.filter(program_id=person.program_id or 0).order_by("title")
    form = ProfileForm(request.POST or None, initial=initial, positions=positions)

    def save() -> object:
        d = dict(form.cleaned_data)
        version = d.pop("version")
        job = d.pop("job_description")
        return services.staff_profile_save(
            actor=actor, user=person, version=version, job_description=job, **d
        )

    return _form_page(
        request,
        person,
        form,
        save,
        title=_("Position and experience"),
        submit_label=_("Save"),
        success=_("Record saved."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def job_description_save(request: HttpRequest) -> HttpResponse:
    """Create or revise a written job description (MA 3.4); the same title revises it.
    Who: staff.manage."""
    actor = actor_from_request(request)
    _require(actor, Permission.STAFF_MANAGE, "staff_job_description")
    form = JobDescriptionForm(request.POST or None)

    def save() -> object:
        return services.job_description_save(actor=actor, **form.cleaned_data)

    return _program_form(
        request,
        form,
        save,
        title=_("Write a job description"),
        submit_label=_("Save the job description"),
        success=_("Job description saved."),
        back=reverse("staff_dashboard"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def rule_settings(request: HttpRequest) -> HttpResponse:
    """The program's rule parameters (years, hours, intervals). Who: staff.manage."""
    actor = actor_from_request(request)
    _require(actor, Permission.STAFF_MANAGE, "staff_rule_settings")
    current = selectors.rule_settings_row(program_id=actor.user.program_id or 0)
    initial = {name: getattr(current, name) for name in services.RULE_SETTING_FIELDS}
    form = RuleSettingsForm(request.POST or None, initial=initial)

    def save() -> object:
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        if not changed:
            raise ValidationFailed.single("__all__", _("Nothing was changed."))
        return services.rule_settings_save(actor=actor, **changed)

    return _program_form(
        request,
        form,
        save,
        title=_("Rule settings"),
        submit_label=_("Save the rule settings"),
        success=_("Rule settings saved."),
        back=reverse("staff_dashboard"),
    )


@login_required
@require_http_methods(["GET"])
def verification_evidence(request: HttpRequest, verification_id: int) -> FileResponse:
    """Download the evidence file of a verification (S38: as an attachment, under a
    generated name, with its checked media type). Whoever may read the person's record
    may download it; one audited `print` event."""
    actor = actor_from_request(request)
    verification = (
        Verification.objects.select_related("credential").filter(pk=verification_id).first()
    )
    if verification is None or not verification.evidence:
        raise Http404("No evidence here.")
    access_staff(actor, verification.credential.user_id, log_read=False)
    audit_record(
        actor=actor,
        action=AuditAction.PRINT,
        object_type="verification_evidence",
        object_id=verification.pk,
        detail={"staff_id": verification.credential.user_id},
    )
    extension = (verification.evidence.name or "").rsplit(".", 1)[-1]
    return FileResponse(
        verification.evidence.open("rb"),
        as_attachment=True,
        filename=f"verification-{verification.pk}.{extension}",
        content_type=verification.evidence_type or "application/octet-stream",
    )
