"""Editing one person's governance record: credentials, verification, training,
profile and corrective actions."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from casework.core.actor import Actor
from casework.core.policy import Permission
from casework.staff import selectors, services
from casework.staff.forms import (
    CredentialForm,
    ProfileForm,
    ResolveForm,
    TrainingCompletionForm,
    VerificationForm,
)
from casework.staff.models import CorrectiveAction, Credential, User
from casework.staff.views._common import person_page, program_form
from casework.web.access import access_corrective_action, access_credential, access_staff
from casework.web.guard import page_view
from casework.web.pages import form_page


@page_view(["GET", "POST"], Permission.STAFF_MANAGE, access_staff, log_read="get")
def credential_create(request: HttpRequest, actor: Actor, person: User) -> HttpResponse:
    """Record a license, certification or degree. Who: staff.manage."""
    form = CredentialForm(request.POST or None)

    def save() -> object:
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        kind, credential_type = data.pop("kind"), data.pop("credential_type")
        return services.credential_add(
            actor=actor, user=person, kind=kind, credential_type=credential_type, **data
        )

    return person_page(
        request,
        person,
        form,
        save,
        title=_("Add a credential"),
        submit_label=_("Add credential"),
        success=_("Credential added."),
    )


@page_view(["GET", "POST"], Permission.STAFF_MANAGE, access_credential, log_read="get")
def verification_create(request: HttpRequest, actor: Actor, credential: Credential) -> HttpResponse:
    """Record a primary-source verification with its evidence. Who: staff.manage."""
    form = VerificationForm(request.POST or None, request.FILES or None)

    def save() -> object:
        return services.verification_record(actor=actor, credential=credential, **form.cleaned_data)

    title = _("Verify %(c)s") % {"c": credential}
    return person_page(
        request,
        credential.user,
        form,
        save,
        title=title,
        submit_label=_("Record verification"),
        success=_("Verification recorded."),
    )


@page_view(["GET", "POST"], Permission.STAFF_MANAGE, access_staff, log_read="get")
def training_complete(request: HttpRequest, actor: Actor, person: User) -> HttpResponse:
    """Document completed training (orientation, annual antifraud). Who: staff.manage."""
    courses = selectors.courses_for(program_id=person.program_id or 0)
    form = TrainingCompletionForm(request.POST or None, courses=courses)

    def save() -> object:
        return services.training_complete(actor=actor, user=person, **form.cleaned_data)

    title = _("Record completed training")
    return person_page(
        request,
        person,
        form,
        save,
        title=title,
        submit_label=_("Record training"),
        success=_("Training recorded."),
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


@page_view(["GET", "POST"], Permission.STAFF_MANAGE, access_staff, log_read="get")
def profile_edit(request: HttpRequest, actor: Actor, person: User) -> HttpResponse:
    """Position, hire date and experience. Who: staff.manage."""
    profile = selectors.staff_profile_of(user=person)
    initial: dict[str, Any] = {"state_requires_licensure": True, "case_manager_years": 0,
                               "supervision_years": 0}  # fmt: skip
    if profile is not None:
        initial = {name: getattr(profile, name) for name in PROFILE_FORM_FIELDS}
        initial["version"] = profile.version
    positions = selectors.job_descriptions_for(program_id=person.program_id or 0)
    form = ProfileForm(request.POST or None, initial=initial, positions=positions)

    def save() -> object:
        d = dict(form.cleaned_data)
        version = d.pop("version")
        job = d.pop("job_description")
        return services.staff_profile_save(
            actor=actor, user=person, version=version, job_description=job, **d
        )

    return person_page(
        request,
        person,
        form,
        save,
        title=_("Position and experience"),
        submit_label=_("Save"),
        success=_("Record saved."),
    )


@page_view(["GET", "POST"], Permission.STAFF_MANAGE, access_corrective_action, log_read="get")
def corrective_resolve(
    request: HttpRequest, actor: Actor, action: CorrectiveAction
) -> HttpResponse:
    """Resolve a corrective action. Who: staff.manage."""
    form = ResolveForm(request.POST or None, initial={"version": action.version})

    def save() -> object:
        d = form.cleaned_data
        return services.corrective_action_resolve(
            actor=actor, action=action, version=d["version"], resolution=d["resolution"]
        )

    title = _("Resolve: %(reason)s") % {"reason": action.reason}
    back = reverse("staff_record", args=[action.user_id])
    return form_page(
        request,
        form,
        save,
        success=_("Corrective action resolved."),
        **program_form(title=title, submit_label=_("Resolve"), back=back),
    )
